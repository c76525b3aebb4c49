"""VerifyRestore: wait for this run's restore marker; the archive the notebook unpacked (the recreated one, or
RestoreOnly's replacement) must have the SHA-256 the backup record holds (the record the runbook verified before the
delete). An earlier attempt's marker counts only if it says ok and was written since this notebook was created
(resuming a restore that had already succeeded); a failed one is ignored and the run waits for the new attempt.
Retried like VerifyBackup. Restored says where the data went: in place, or beside files a user already had."""

import datetime
import json

from common import RESTORE_MARKER_FILE, NotVerified, await_marker, client


def handler(event, _context):
    manifest = json.loads(event["Manifest"])
    backup = manifest["Backup"]
    # The backup's area is the backed-up notebook's (RestoreOnly's replacement may have another name).
    area = {**event, "NotebookName": manifest["Notebook"]["NotebookInstanceName"], "BackupId": manifest["BackupId"]}
    created = event["CreationTime"] and datetime.datetime.fromisoformat(event["CreationTime"]).timestamp()
    marker, _ = await_marker(client("s3"), area, RESTORE_MARKER_FILE, lambda: [backup["UserId"]], created or None)
    if marker.get("Sha256") != backup["Sha256"]:
        raise NotVerified(f"The restored archive's SHA-256 is {marker.get('Sha256')}, not {backup['Sha256']}")
    into = marker.get("Into", ".")
    restored = "in place" if into == "." else f"into {into}/ beside the files the notebook already had (none overwritten)"
    return {"Sha256": backup["Sha256"], "Restored": restored}
