"""Finish: mark the manifest completed (a later run will not resume from it) and report what changed."""

import json

from common import client, describe_notebook, write_json


def handler(event, _context):
    manifest = json.loads(event["Manifest"])
    name = manifest["Notebook"]["NotebookInstanceName"]
    notebook = describe_notebook(client("sagemaker"), name)
    if notebook is None:
        raise RuntimeError(f"Notebook {name} is missing at the end of the run")
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
        "FinalStatus": notebook["NotebookInstanceStatus"],
    }
    expected = "InService" if manifest["WasRunning"] else "Stopped"
    if notebook["NotebookInstanceStatus"] != expected:
        # The recreation itself is complete (manifest marked); only the final state differs.
        raise RuntimeError(f"Notebook {name} was recreated but is {notebook['NotebookInstanceStatus']}, not {expected}")
    return {**summary, "Summary": "; ".join(f"{key}: {value}" for key, value in summary.items())}
