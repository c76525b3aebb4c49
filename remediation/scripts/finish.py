"""Finish: settle the recreated notebook's final state (running if it was running before, else stopped),
delete the temporary restore configuration if it is still there, mark the manifest completed (a later run
will not resume from it) and report what changed. Idempotent, so a resumed run can simply run it again.
"""

import json

from botocore.exceptions import ClientError

from common import client, describe_notebook, is_not_found, wait_for_status, write_json

SETTLE_BUDGET_SECONDS = 500


def settle(sagemaker, name, was_running):
    status = wait_for_status(sagemaker, name, ("InService", "Stopped", "Failed"), SETTLE_BUDGET_SECONDS)
    if was_running and status == "Stopped":
        sagemaker.start_notebook_instance(NotebookInstanceName=name)
        return wait_for_status(sagemaker, name, ("InService", "Failed"), SETTLE_BUDGET_SECONDS)
    if not was_running and status == "InService":
        sagemaker.stop_notebook_instance(NotebookInstanceName=name)
        return wait_for_status(sagemaker, name, ("Stopped", "Failed"), SETTLE_BUDGET_SECONDS)
    return status


def handler(event, _context):
    manifest = json.loads(event["Manifest"])
    name = manifest["Notebook"]["NotebookInstanceName"]
    sagemaker = client("sagemaker")
    expected = "InService" if manifest["WasRunning"] else "Stopped"
    final_status = settle(sagemaker, name, manifest["WasRunning"])
    if manifest["DataPlan"] == "Backup":
        try:
            sagemaker.delete_notebook_instance_lifecycle_config(
                NotebookInstanceLifecycleConfigName=event["RestoreConfigName"]
            )
        except ClientError as error:
            if not is_not_found(error):
                raise
    notebook = describe_notebook(sagemaker, name)
    if final_status != expected or notebook is None:
        raise RuntimeError(f"Notebook {name} was recreated but is {final_status}, not {expected}")
    bucket = event["BackupBucketName"]
    if bucket:
        manifest["State"] = "Completed"
        write_json(client("s3"), bucket, event["ManifestKey"], manifest)
    original = manifest["Notebook"]
    summary = {
        "SubnetId": f"{original.get('SubnetId') or 'none'} -> {notebook.get('SubnetId')}",
        "SecurityGroupIds": (
            f"{','.join(original.get('SecurityGroups', [])) or 'none'} -> {','.join(notebook['SecurityGroups'])}"
        ),
        "DirectInternetAccess": f"{original.get('DirectInternetAccess')} -> {notebook['DirectInternetAccess']}",
        "Backup": event["BackupUri"] or "none",
        "FinalStatus": final_status,
    }
    return {**summary, "Summary": "; ".join(f"{key}: {value}" for key, value in summary.items())}
