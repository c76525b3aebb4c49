"""CreateNotebook: wait until the old notebook is gone, install the restore hook (with a backup: it unpacks the
archive the manifest's backup record names and checks its SHA-256), then create the notebook again from its
manifest with every setting carried over and the new network settings. The check document ran the permission
pre-check on this path too (ResumeCreate included).

aws:waitForAwsResourceProperty cannot wait for "gone" (DescribeNotebookInstance then fails), so this step
polls; its maxAttempts extends the wait past one attempt's 600 s. Optional attributes are only sent when
the original had them (SageMaker rejects empty values); tags in the reserved aws: namespace cannot be set.
"""

import json
import time

from botocore.exceptions import ClientError

from common import client, describe_notebook, hook_content, poll, render

RESTORE_HOOK = None  # embed: hooks/restore-on-start.sh

MAX_TAGS = 50
# DescribeNotebookInstance key -> CreateNotebookInstance key, for settings copied when present.
CARRIED_OVER = {
    "InstanceType": "InstanceType",
    "RoleArn": "RoleArn",
    "KmsKeyId": "KmsKeyId",
    "VolumeSizeInGB": "VolumeSizeInGB",
    "AcceleratorTypes": "AcceleratorTypes",
    "DefaultCodeRepository": "DefaultCodeRepository",
    "AdditionalCodeRepositories": "AdditionalCodeRepositories",
    "RootAccess": "RootAccess",
    "PlatformIdentifier": "PlatformIdentifier",
    "InstanceMetadataServiceConfiguration": "InstanceMetadataServiceConfiguration",
    "IpAddressType": "IpAddressType",
}


def creatable_tags(tags):
    kept = [{"Key": t["Key"], "Value": t["Value"]} for t in tags if not t["Key"].lower().startswith("aws:")]
    if len(kept) > MAX_TAGS:
        raise ValueError(f"{len(kept)} tags cannot all be set (at most {MAX_TAGS})")
    return kept


def create_request(manifest, event):
    original = manifest["Notebook"]
    request = {
        "NotebookInstanceName": original["NotebookInstanceName"],
        "SubnetId": event["SubnetId"],
        "SecurityGroupIds": list(dict.fromkeys(event["SecurityGroupIds"])),
        "DirectInternetAccess": event["DirectInternetAccess"],
    }
    for source, target in CARRIED_OVER.items():
        value = original.get(source)
        if value not in (None, "", [], {}):
            request[target] = value
    # With a backup, the first start runs the restore hook; the original configuration comes back after.
    if manifest["DataPlan"] == "Backup":
        request["LifecycleConfigName"] = event["RestoreConfigName"]
    elif original.get("NotebookInstanceLifecycleConfigName"):
        request["LifecycleConfigName"] = original["NotebookInstanceLifecycleConfigName"]
    tags = creatable_tags(manifest.get("Tags", []))
    if tags:
        request["Tags"] = tags
    return request


def install_hook(sagemaker, config_name, hook):
    """Creates (or, on a rerun, updates) the temporary lifecycle configuration running the restore hook on start."""
    on_start = [{"Content": hook_content(hook)}]
    try:
        sagemaker.create_notebook_instance_lifecycle_config(
            NotebookInstanceLifecycleConfigName=config_name, OnStart=on_start
        )
    except ClientError as error:
        if "already exists" not in error.response.get("Error", {}).get("Message", ""):
            raise
        # A resumed run reuses the name of the run that made the backup: make the content current.
        sagemaker.update_notebook_instance_lifecycle_config(
            NotebookInstanceLifecycleConfigName=config_name, OnStart=on_start
        )


def wait_until_deleted(sagemaker, name):
    def gone():
        notebook = describe_notebook(sagemaker, name)
        if notebook is None:
            return True
        if notebook["NotebookInstanceStatus"] != "Deleting":
            raise RuntimeError(f"Notebook {name} is {notebook['NotebookInstanceStatus']}: it was not deleted")
        return None

    if poll(gone) is None:
        raise TimeoutError(f"Notebook {name} is still Deleting; the next attempt keeps waiting")


def handler(event, _context):
    manifest = json.loads(event["Manifest"])
    request = create_request(manifest, event)
    sagemaker = client("sagemaker")
    wait_until_deleted(sagemaker, request["NotebookInstanceName"])
    backup = manifest["Backup"]
    if backup:
        values = {
            "BUCKET": event["BackupBucketName"],
            "PREFIX": event["BackupPrefix"],
            "USER_ID": backup["UserId"],
            "NAME": request["NotebookInstanceName"],
            "BACKUP_ID": manifest["BackupId"],
            "SHA256": backup["Sha256"],
            "REGION": event["Region"],
            "FRESH_VOLUME": "true",
        }
        install_hook(sagemaker, event["RestoreConfigName"], render(RESTORE_HOOK, values))
    response = sagemaker.create_notebook_instance(**request)
    return {"NotebookArn": response["NotebookInstanceArn"], "CreatedAt": str(int(time.time()))}
