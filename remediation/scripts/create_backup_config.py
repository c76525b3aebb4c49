"""CreateBackupConfig: the temporary lifecycle configuration whose on-start hook (hooks/backup-on-start.sh)
stops Jupyter, archives the volume to the notebook role's own area of the bucket in the background and then
writes the backup marker."""

from common import install_hook, render

BACKUP_HOOK = None  # embed: hooks/backup-on-start.sh


def handler(event, _context):
    hook = render(
        BACKUP_HOOK,
        {
            "BUCKET": event["BackupBucketName"],
            "PREFIX": event["BackupPrefix"],
            "NAME": event["NotebookName"],
            "BACKUP_ID": event["BackupId"],
            "ROLE_ID": event["NotebookRoleId"],
            "REGION": event["Region"],
        },
    )
    return install_hook(event, event["ConfigName"], hook)
