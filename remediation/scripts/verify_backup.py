"""VerifyBackup: wait for the backup marker; its file count and bytes must equal the objects under data/.

One attempt polls for up to 9 minutes; the step's maxAttempts repeats it until TimeoutMinutes after
StartedAt, so a large volume can take hours while every attempt stays within aws:executeScript's 600 s.
"""

from common import BACKUP_MARKER_FILE, await_marker, client, verified_backup


def handler(event, _context):
    s3 = client("s3")
    marker = await_marker(s3, event, BACKUP_MARKER_FILE)
    return verified_backup(
        s3, event["BackupBucketName"], event["BackupPrefix"], event["NotebookName"], event["BackupId"], marker
    )
