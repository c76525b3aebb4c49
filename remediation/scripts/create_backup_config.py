"""CreateBackupConfig: the temporary lifecycle configuration whose on-start hook (hooks/backup-on-start.sh)
copies the volume to S3 in the background and then writes the backup marker."""

from common import BACKUP_MARKER_FILE, install_hook

BACKUP_HOOK = None  # embed: hooks/backup-on-start.sh


def handler(event, _context):
    return install_hook(event, BACKUP_HOOK, BACKUP_MARKER_FILE)
