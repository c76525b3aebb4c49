"""VerifyRestore: wait for the restore marker; the volume must hold at least the backed-up files (a
recreated notebook also clones its code repositories, so it may hold more). Retried like VerifyBackup."""

from common import BACKUP_MARKER_FILE, RESTORE_MARKER_FILE, NotVerified, await_marker, backup_root, client, read_json


def handler(event, _context):
    s3 = client("s3")
    marker = await_marker(s3, event, RESTORE_MARKER_FILE)
    root = backup_root(event["BackupPrefix"], event["NotebookName"], event["BackupId"])
    backup = read_json(s3, event["BackupBucketName"], root + BACKUP_MARKER_FILE)
    if backup is None:
        raise NotVerified("The backup marker is missing: the restore cannot be checked")
    if marker["Files"] < backup["Files"]:
        raise NotVerified(f"Restored {marker['Files']} files, fewer than the {backup['Files']} backed up")
    return {"FileCount": str(marker["Files"]), "TotalBytes": str(marker["Bytes"])}
