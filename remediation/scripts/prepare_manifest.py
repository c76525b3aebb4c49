"""PrepareManifest: the notebook's complete original configuration and tags, written next to the backup
just before the delete (Recreate), or read back from there (the Resume modes).

In Recreate mode it also re-checks, right before the delete, that the notebook is stopped and that the
backup is still verified: nothing is deleted on the strength of an older check alone.
"""

import json
import time

from common import (
    client,
    describe_notebook,
    is_true,
    read_json,
    verified_backup,
    write_json,
)

DELETABLE_STATUSES = ("Stopped", "Failed")


def list_tags(sagemaker, arn):
    tags = []
    for page in sagemaker.get_paginator("list_tags").paginate(ResourceArn=arn):
        tags.extend(page.get("Tags", []))
    return tags


def snapshot(event, sagemaker, s3):
    name = event["NotebookName"]
    notebook = describe_notebook(sagemaker, name)
    if notebook is None:
        raise RuntimeError(f"Notebook {name} disappeared before its manifest was written")
    if notebook["NotebookInstanceStatus"] not in DELETABLE_STATUSES:
        raise RuntimeError(f"Notebook {name} is {notebook['NotebookInstanceStatus']}, not stopped")
    notebook.pop("ResponseMetadata", None)
    original_config = notebook.get("NotebookInstanceLifecycleConfigName")
    if original_config:
        # It is attached again after the recreation: find out now, while nothing is deleted yet.
        sagemaker.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=original_config)
    backup = None
    if event["DataPlan"] == "Backup":
        backup = verified_backup(s3, event["BackupBucketName"], event["BackupPrefix"], name, event["BackupId"])
    return {
        "Version": 1,
        "State": "Deleting",
        "ExecutionId": event["ExecutionId"],
        "BackupId": event["BackupId"],
        "DataPlan": event["DataPlan"],
        "WasRunning": is_true(event["WasRunning"]),
        "Notebook": notebook,
        "Tags": list_tags(sagemaker, notebook["NotebookInstanceArn"]),
        "Backup": backup,
        "Target": {
            "SubnetId": event["SubnetId"],
            "SecurityGroupIds": event["SecurityGroupIds"],
            "DirectInternetAccess": event["DirectInternetAccess"],
        },
        "WrittenAt": int(time.time()),
    }


def handler(event, _context):
    bucket, key = event["BackupBucketName"], event["ManifestKey"]
    s3 = client("s3") if bucket else None
    if event["Mode"].startswith("Resume"):
        manifest = read_json(s3, bucket, key)
        if manifest is None:
            raise RuntimeError(f"The manifest s3://{bucket}/{key} is gone: cannot resume")
    else:
        manifest = snapshot(event, client("sagemaker"), s3)
        if s3:
            write_json(s3, bucket, key, manifest)
    return {"Manifest": json.dumps(manifest, default=str, sort_keys=True), "PreparedAt": str(int(time.time()))}
