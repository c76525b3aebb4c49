"""VerifyBackup: wait for this run's backup marker in the notebook role's areas; the archive in S3 must be the one
it describes (bytes, written during this run, S3's SHA-256 when it has one of the whole object). The backup record
(archive, version, bytes, SHA-256) goes to the run's own folder, where only the automation role writes:
PrepareManifest checks it again right before the delete, and the restore checks the archive against it.

One attempt polls for up to 9 minutes; the step's maxAttempts repeats it until TimeoutMinutes after
StartedAt, so a large volume can take hours while every attempt stays within aws:executeScript's 600 s.
"""

from common import (
    BACKUP_MARKER_FILE,
    BACKUP_RECORD_FILE,
    await_marker,
    client,
    runs_root,
    session_users,
    verified_backup,
    write_json,
)


def handler(event, _context):
    s3 = client("s3")
    marker, user_id = await_marker(s3, event, BACKUP_MARKER_FILE, lambda: session_users(s3, event))
    record = verified_backup(s3, event, marker, user_id)
    folder = runs_root(event["BackupPrefix"], event["NotebookName"], event["BackupId"])
    write_json(s3, event, folder + BACKUP_RECORD_FILE, record)
    writes = "Jupyter was stopped" if record["Jupyter"] == "stopped" else "Jupyter could not be stopped"
    return {
        "Summary": f"{record['Bytes']} bytes, SHA-256 {record['Sha256']}; {writes} during the backup and any "
        "change after it began stops the run before the delete"
    }
