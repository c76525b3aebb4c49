"""Finish: settle the notebook's final state (running if it was running before, else stopped), delete the
temporary restore configuration if it is still there, mark the backup's run completed (a completion record in the
run's folder, and a tag on its objects: the bucket's lifecycle rule expires only completed runs' backups) and report
what changed. Idempotent, so a resumed run can simply run it again.

A BackupOnly run is not completed: its backup is kept until a RestoreOnly run puts it onto the notebook that
replaces this one, and completes it then.
"""

import json

from botocore.exceptions import ClientError

from common import (
    ARCHIVE_FILE,
    BACKUP_MARKER_FILE,
    BACKUP_RECORD_FILE,
    COMPLETED_FILE,
    MANIFEST_FILE,
    RESTORE_MARKER_FILE,
    client,
    describe_notebook,
    is_not_found,
    is_true,
    runs_root,
    wait_for_status,
    write_json,
)

SETTLE_BUDGET_SECONDS = 500
COMPLETED_TAG = {"TagSet": [{"Key": "sagemaker-notebook-vpc-guard", "Value": "completed"}]}


def settle(sagemaker, name, was_running):
    status = wait_for_status(sagemaker, name, ("InService", "Stopped", "Failed"), SETTLE_BUDGET_SECONDS)
    if was_running and status == "Stopped":
        sagemaker.start_notebook_instance(NotebookInstanceName=name)
        return wait_for_status(sagemaker, name, ("InService", "Failed"), SETTLE_BUDGET_SECONDS)
    if not was_running and status == "InService":
        sagemaker.stop_notebook_instance(NotebookInstanceName=name)
        return wait_for_status(sagemaker, name, ("Stopped", "Failed"), SETTLE_BUDGET_SECONDS)
    return status


def complete(event, manifest):
    """Writes the completion record, then tags the run's objects (records, archive, markers) completed."""
    s3 = client("s3")
    folder = runs_root(event["BackupPrefix"], manifest["Notebook"]["NotebookInstanceName"], manifest["BackupId"])
    write_json(s3, event, folder + COMPLETED_FILE, {"ExecutionId": event["ExecutionId"]})
    keys = [folder + name for name in (MANIFEST_FILE, COMPLETED_FILE)]
    if manifest["Backup"]:
        area = manifest["Backup"]["Archive"].rsplit("/", 1)[0] + "/"
        keys += [folder + BACKUP_RECORD_FILE] + [area + name for name in (ARCHIVE_FILE, BACKUP_MARKER_FILE, RESTORE_MARKER_FILE)]
    for key in keys:
        s3.put_object_tagging(
            Bucket=event["BackupBucketName"], Key=key, Tagging=COMPLETED_TAG, ExpectedBucketOwner=event["AccountId"]
        )


def handler(event, _context):
    manifest, mode = json.loads(event["Manifest"]), event["Mode"]
    name, was_running = event["NotebookName"], is_true(event["WasRunning"])
    sagemaker = client("sagemaker")
    expected = "InService" if was_running else "Stopped"
    final_status = settle(sagemaker, name, was_running)
    if manifest["DataPlan"] == "Backup" and mode != "BackupOnly":
        try:
            sagemaker.delete_notebook_instance_lifecycle_config(
                NotebookInstanceLifecycleConfigName=event["RestoreConfigName"]
            )
        except ClientError as error:
            if not is_not_found(error):
                raise
    notebook = describe_notebook(sagemaker, name)
    if final_status != expected or notebook is None:
        raise RuntimeError(f"Notebook {name} is {final_status}, not {expected}")
    if event["BackupBucketName"] and mode != "BackupOnly":
        complete(event, manifest)
    original, backup = manifest["Notebook"], manifest["Backup"]
    # BackupOnly and RestoreOnly change no setting of the notebook.
    unchanged = mode in ("BackupOnly", "RestoreOnly")

    def change(was, now):
        return f"{now or 'none'} (unchanged)" if unchanged else f"{was or 'none'} -> {now or 'none'}"

    archive = backup and (
        f"s3://{event['BackupBucketName']}/{backup['Archive']} (SHA-256 {backup['Sha256']}; Jupyter "
        f"{'stopped' if backup['Jupyter'] == 'stopped' else 'not stopped'} during the backup)"
    )
    summary = {
        "SubnetId": change(original.get("SubnetId"), notebook.get("SubnetId")),
        "SecurityGroupIds": change(
            ",".join(original.get("SecurityGroups", [])), ",".join(notebook.get("SecurityGroups", []))
        ),
        "DirectInternetAccess": change(original.get("DirectInternetAccess"), notebook.get("DirectInternetAccess")),
        "Backup": {
            "BackupOnly": f"{archive}; put it onto the notebook that replaces {name} with Mode=RestoreOnly and "
            f"BackupExecutionId={manifest['BackupId']}",
            "RestoreOnly": f"backup {manifest['BackupId']} of {original['NotebookInstanceName']}, {archive}, "
            f"restored onto {name}",
        }.get(mode, archive or "none"),
        "FinalStatus": final_status,
    }
    return {**summary, "Summary": "; ".join(f"{key}: {value}" for key, value in summary.items())}
