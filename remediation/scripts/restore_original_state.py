"""RestoreOriginalState: undo a backup attempt (or a backup found changed right before the delete), or a
BackupOnly or RestoreOnly run that failed. Put the notebook's own lifecycle configuration back, delete the temporary
one, and leave the notebook running if it was running before, else stopped. It touches only the notebook this run
started with.

Idempotent (it looks at the notebook's current state at every stage), so the step can retry.
"""

from botocore.exceptions import ClientError

from common import client, describe_notebook, is_not_found, is_true, require_same_notebook, wait_for_status

STEP_BUDGET_SECONDS = 270  # two waits (stop, update) within one 600 s attempt


def stop(sagemaker, name):
    status = wait_for_status(
        sagemaker, name, ("InService", "Stopped", "Failed"), STEP_BUDGET_SECONDS
    )
    if status == "InService":
        sagemaker.stop_notebook_instance(NotebookInstanceName=name)
        status = wait_for_status(sagemaker, name, ("Stopped", "Failed"), STEP_BUDGET_SECONDS)
    return status


def reattach(sagemaker, name, original_config):
    """Updating a notebook needs it Stopped; the update passes through Updating back to Stopped."""
    if original_config:
        sagemaker.update_notebook_instance(NotebookInstanceName=name, LifecycleConfigName=original_config)
    else:
        sagemaker.update_notebook_instance(NotebookInstanceName=name, DisassociateLifecycleConfig=True)
    return wait_for_status(sagemaker, name, ("Stopped", "Failed"), STEP_BUDGET_SECONDS)


def delete_config(sagemaker, config_name):
    try:
        sagemaker.delete_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=config_name)
    except ClientError as error:
        if not is_not_found(error):
            raise


def handler(event, _context):
    name = event["NotebookName"]
    original_config = event["OriginalLifecycleConfigName"]
    if event["Mode"] not in ("Recreate", "BackupOnly", "RestoreOnly"):
        raise RuntimeError(f"An earlier run already recreated {name}: rerun to resume it")
    sagemaker = client("sagemaker")
    # Never put "our" configuration onto another notebook created under the same name meanwhile.
    notebook = describe_notebook(sagemaker, name)
    require_same_notebook(notebook, event)

    if notebook.get("NotebookInstanceLifecycleConfigName", "") != original_config:
        stop(sagemaker, name)
        reattach(sagemaker, name, original_config)
    delete_config(sagemaker, event["TemporaryConfigName"])

    if not is_true(event["WasRunning"]):
        return {"Status": stop(sagemaker, name)}
    status = wait_for_status(sagemaker, name, ("InService", "Stopped", "Failed"), STEP_BUDGET_SECONDS)
    if status != "InService":
        sagemaker.start_notebook_instance(NotebookInstanceName=name)
        status = "Pending"
    return {"Status": status}
