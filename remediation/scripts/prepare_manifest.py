"""PrepareManifest: the notebook's complete original configuration and tags, written to the automation role's own
folder of this run, then the delete (Recreate; BackupOnly deletes nothing); or the manifest read back from there and
checked against the SHA-256 the check found in Systems Manager's record of the run that wrote it (the Resume modes,
and RestoreOnly: the backup's manifest).

In Recreate mode it checks, right before the delete, that the notebook is still the one this run started with
(a notebook created again under the same name has no backup) and is stopped, and that the backup is still the
verified one: its marker still says ok (the hook turns it into "changed" when anything on the volume changed
after the archive began) and the archive is the version VerifyBackup recorded. Outputs: ManifestDigest, what a
later run trusts the manifest by, and Deleted, only once DeleteNotebookInstance succeeded (the record a later run
resumes by creating the notebook again).
"""

import json
import time

from common import (
    BACKUP_MARKER_FILE,
    BACKUP_RECORD_FILE,
    NotVerified,
    client,
    data_root,
    describe_notebook,
    is_true,
    list_tags,
    read_record,
    require_same_notebook,
    runs_root,
    sha256,
    write_json,
)

DELETABLE_STATUSES = ("Stopped", "Failed")


def backup_record(s3, event):
    """VerifyBackup's record, still true now that the notebook is stopped (nothing can change it any more)."""
    name, backup_id = event["NotebookName"], event["BackupId"]
    found = read_record(s3, event, runs_root(event["BackupPrefix"], name, backup_id) + BACKUP_RECORD_FILE)
    record = found and found[0]
    key = record and data_root(event["BackupPrefix"], record["UserId"], name, backup_id) + BACKUP_MARKER_FILE
    marker = record and read_record(s3, event, key)
    if not marker or marker[0].get("Status") != "ok" or marker[0].get("Sha256") != record["Sha256"]:
        status = marker[0].get("Status") if marker else "missing"
        raise NotVerified(f"The backup of {backup_id} is no longer verified (marker {status}): nothing was deleted")
    head = s3.head_object(Bucket=event["BackupBucketName"], Key=record["Archive"], ExpectedBucketOwner=event["AccountId"])
    if head.get("VersionId", "") != record["VersionId"] or head["ContentLength"] != record["Bytes"]:
        raise NotVerified(f"The archive {record['Archive']} changed since it was verified: nothing was deleted")
    return record


def snapshot(event, sagemaker, s3):
    name = event["NotebookName"]
    notebook = describe_notebook(sagemaker, name)
    require_same_notebook(notebook, event)
    if notebook["NotebookInstanceStatus"] not in DELETABLE_STATUSES:
        raise RuntimeError(f"Notebook {name} is {notebook['NotebookInstanceStatus']}, not stopped")
    notebook.pop("ResponseMetadata", None)
    original_config = notebook.get("NotebookInstanceLifecycleConfigName")
    if original_config:
        # It is attached again after the recreation: find out now, while nothing is deleted yet.
        sagemaker.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=original_config)
    return {
        "Version": 2,
        "Mode": event["Mode"],
        "ExecutionId": event["ExecutionId"],
        "BackupId": event["BackupId"],
        "DataPlan": event["DataPlan"],
        "WasRunning": is_true(event["WasRunning"]),
        "Notebook": notebook,
        "Tags": list_tags(sagemaker, notebook["NotebookInstanceArn"]),
        "Backup": backup_record(s3, event) if event["DataPlan"] == "Backup" else None,
        "Target": {
            "SubnetId": event["SubnetId"],
            "SecurityGroupIds": event["SecurityGroupIds"],
            "DirectInternetAccess": event["DirectInternetAccess"],
        },
        "WrittenAt": int(time.time()),
    }


def handler(event, _context):
    s3 = client("s3") if event["BackupBucketName"] else None
    deleted = "false"
    if event["Mode"].startswith("Resume") or event["Mode"] == "RestoreOnly":
        record = read_record(s3, event, event["ManifestKey"])
        if record is None or sha256(record[1]) != event["ManifestDigest"]:
            raise RuntimeError(f"The manifest {event['ManifestKey']} is gone or changed since the check: cannot resume")
        manifest, raw = record[0], record[1]
    else:
        sagemaker = client("sagemaker")
        manifest = snapshot(event, sagemaker, s3)
        raw = write_json(s3, event, event["ManifestKey"], manifest) if s3 else json.dumps(manifest, default=str).encode()
        if event["Mode"] == "Recreate":
            sagemaker.delete_notebook_instance(NotebookInstanceName=event["NotebookName"])
            deleted = "true"
    return {
        "Manifest": json.dumps(manifest, default=str, sort_keys=True),
        "ManifestDigest": sha256(raw),
        "Deleted": deleted,
        "PreparedAt": str(int(time.time())),
    }
