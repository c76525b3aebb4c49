"""ResolveNotebook: check the target network, find the notebook (name or ARN, case-insensitively) and
decide what this run does.

Nothing is changed here: a bad target, a missing notebook or a missing backup choice costs nothing. The decision (Mode) is one of:
  AlreadyCompliant  the notebook already has the target subnet, security groups and internet setting;
  Recreate          back up (per DataPlan), delete and recreate it;
  ResumeCreate      the notebook is gone but an unfinished manifest of an earlier run exists: create it again;
  ResumeRestore     an earlier run recreated it but stopped before the restore was verified and its own
                    lifecycle configuration was back (its temporary restore configuration is attached);
  ResumeFinish      an earlier run restored it but stopped before settling its final state.
Every later step reads its facts from this step's outputs, so a resumed run and a fresh run share one path.

Before a Recreate it also checks that the automation role may create the notebook again (see
check_permissions): a create refused after the delete would leave the notebook down.
"""

import re

from botocore.exceptions import ClientError

from common import (
    MANIFEST_FILE,
    backup_root,
    client,
    describe_notebook,
    error_code,
    is_true,
    read_json,
    TEMPORARY_CONFIG_PREFIX,
    temporary_config_name,
)

SAGEMAKER_PRINCIPAL = "sagemaker.amazonaws.com"
UNCHANGED = "Nothing was changed."
KEY_SETTING = "notebookKmsKeyArns"
ARN_PATTERN = re.compile(r"^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:notebook-instance/(?P<name>.+)$")
RUNNING_STATUSES = ("InService", "Pending")


def name_from_input(value):
    """The notebook name from a name or an ARN (whose name part SageMaker lowercases)."""
    match = ARN_PATTERN.match(value.strip())
    return match.group("name") if match else value.strip()


def find_notebook(sagemaker, requested_name):
    """The notebook's description, matching the name exactly first, then case-insensitively."""
    notebook = describe_notebook(sagemaker, requested_name)
    if notebook is not None:
        return notebook
    wanted = requested_name.lower()
    for page in sagemaker.get_paginator("list_notebook_instances").paginate():
        for summary in page.get("NotebookInstances", []):
            if summary["NotebookInstanceName"].lower() == wanted:
                return describe_notebook(sagemaker, summary["NotebookInstanceName"])
    return None


def find_unfinished_manifest(s3, bucket, prefix, requested_name):
    """The newest manifest under <prefix>/<name>/ (name matched case-insensitively) not marked completed."""
    root = prefix.strip("/") + "/"
    wanted = requested_name.lower()
    candidates = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=root):
        for item in page.get("Contents", []):
            parts = item["Key"][len(root) :].split("/")
            if len(parts) == 3 and parts[0].lower() == wanted and parts[2] == MANIFEST_FILE:
                candidates.append((item["LastModified"], item["Key"]))
    for _, key in sorted(candidates, reverse=True):
        manifest = read_json(s3, bucket, key)
        if manifest and manifest.get("State") != "Completed":
            return manifest
    return None


def validate_target(event):
    """The target subnet exists and every security group is in its VPC; returns the VPC id."""
    subnet_id = event["SubnetId"]
    group_ids = list(dict.fromkeys(event["SecurityGroupIds"]))
    if not subnet_id:
        raise ValueError("DirectInternetAccess=Disabled needs a SubnetId; none was given")
    if not 1 <= len(group_ids) <= 5:
        raise ValueError(f"SecurityGroupIds must hold 1 to 5 groups, got {len(group_ids)}")

    ec2 = client("ec2")
    try:
        subnets = ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"]
    except ClientError as error:
        if error_code(error) == "InvalidSubnetID.NotFound":
            raise ValueError(f"Subnet {subnet_id} does not exist in this account and region") from error
        raise
    if not subnets:
        raise ValueError(f"Subnet {subnet_id} does not exist in this account and region")
    vpc_id = subnets[0]["VpcId"]

    try:
        groups = ec2.describe_security_groups(GroupIds=group_ids)["SecurityGroups"]
    except ClientError as error:
        if error_code(error) == "InvalidGroup.NotFound":
            raise ValueError(f"A security group does not exist: {error}") from error
        raise
    found = {group["GroupId"]: group["VpcId"] for group in groups}
    missing = [group_id for group_id in group_ids if group_id not in found]
    if missing:
        raise ValueError(f"Security groups not found: {', '.join(missing)}")
    foreign = [group_id for group_id in group_ids if found[group_id] != vpc_id]
    if foreign:
        raise ValueError(
            f"Security groups {', '.join(foreign)} are not in {vpc_id}, the VPC of subnet {subnet_id}"
        )
    return vpc_id


def check_bucket(s3, bucket):
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as error:
        raise ValueError(
            f"Backup bucket {bucket} cannot be reached ({error_code(error)}): nothing was changed"
        ) from error


def is_compliant(notebook, event):
    return (
        notebook.get("SubnetId", "") == event["SubnetId"]
        and sorted(notebook.get("SecurityGroups", [])) == sorted(set(event["SecurityGroupIds"]))
        and notebook.get("DirectInternetAccess", "Enabled") == event["DirectInternetAccess"]
    )


def data_plan(notebook, bucket, allow_data_loss):
    """Backup | ManifestOnly | NoBackup, or an error when the data would be lost without consent."""
    name = notebook["NotebookInstanceName"]
    failed = notebook["NotebookInstanceStatus"] == "Failed"
    if not bucket and not allow_data_loss:
        raise ValueError(
            f"Notebook {name} must be deleted and recreated, which deletes its storage volume: give a "
            "BackupBucketName, or set AllowDataLoss=true to accept losing the data. Nothing was changed."
        )
    if failed and allow_data_loss:
        # A Failed notebook may not start, so its volume cannot be copied: the caller accepted the loss.
        return "ManifestOnly" if bucket else "NoBackup"
    return "Backup" if bucket else "NoBackup"


def context_entry(key, value):
    return {"ContextKeyName": key, "ContextKeyValues": [value], "ContextKeyType": "string"}


def permission_checks(notebook):
    """(actions, resource, context, stack setting) for what CreateNotebookInstance will need.

    IAM authorizes KMS actions on the key ARN, so a key id or alias (name or ARN) is resolved first, with
    kms:DescribeKey, which the create needs anyway. The context is what SageMaker's requests carry: the role
    is passed to SageMaker; SageMaker uses the key on the caller's behalf.
    """
    passed_to = [context_entry("iam:PassedToService", SAGEMAKER_PRINCIPAL)]
    checks = [(["iam:PassRole"], notebook["RoleArn"], passed_to, "allowedNotebookRoles")]
    key = notebook.get("KmsKeyId")
    if key:
        if ":key/" not in key:
            kms = client("kms")
            try:
                key = kms.describe_key(KeyId=key)["KeyMetadata"]["Arn"]
            except ClientError as error:
                raise ValueError(
                    f"Cannot describe the notebook's KMS key {key} ({error_code(error)}); recreating it needs "
                    f"kms:DescribeKey and kms:CreateGrant on it (stack setting {KEY_SETTING}). {UNCHANGED}"
                ) from error
        via = [context_entry("kms:ViaService", f"sagemaker.{key.split(':')[3]}.amazonaws.com")]
        checks.append((["kms:CreateGrant", "kms:DescribeKey"], key, via, KEY_SETTING))
    return checks


def check_permissions(event, notebook):
    """Refuses, changing nothing, when IAM's policy simulation says the automation role may not recreate the
    notebook. A simulation that cannot run refuses too unless AllowUncheckedPermissions=true: then the
    returned note says that the check was skipped, and why."""
    role, checks, denied = event["AutomationAssumeRole"], permission_checks(notebook), []
    iam = client("iam")
    try:
        for actions, resource, context, setting in checks:
            # One resource and at most two actions: the answer is never paginated.
            answer = iam.simulate_principal_policy(
                PolicySourceArn=role, ActionNames=actions, ResourceArns=[resource], ContextEntries=context
            )
            denied += [
                f"{r['EvalActionName']} on {resource} ({r['EvalDecision']}; stack setting {setting})"
                for r in answer["EvaluationResults"]
                if r["EvalDecision"] != "allowed"
            ]
    except ClientError as error:
        if not is_true(event["AllowUncheckedPermissions"]):
            raise ValueError(
                f"Cannot check that {role} may recreate the notebook: iam:SimulatePrincipalPolicy on itself "
                f"failed ({error_code(error)}). Grant it that, or set AllowUncheckedPermissions=true to go on "
                f"unchecked. {UNCHANGED}"
            ) from error
        return f"; permission check skipped (iam:SimulatePrincipalPolicy {error_code(error)})"
    if denied:
        raise ValueError(
            f"The automation role {role} may not recreate {notebook['NotebookInstanceName']}: "
            f"{'; '.join(denied)}. Allow it (the stack setting named), then run again. {UNCHANGED}"
        )
    return ""


def outputs(mode, name, result, facts):
    return {"Mode": mode, "NotebookName": name, "Result": result, **facts}


def facts_for(name, event, backup_id, plan, was_running, original_config):
    bucket = event["BackupBucketName"]
    root = backup_root(event["BackupPrefix"], name, backup_id) if bucket else ""
    return {
        "BackupId": backup_id,
        "DataPlan": plan,
        "WasRunning": "true" if was_running else "false",
        "OriginalLifecycleConfigName": original_config,
        "HasOwnLifecycleConfig": "true" if original_config else "false",
        "BackupUri": f"s3://{bucket}/{root}" if bucket and plan == "Backup" else "",
        "ManifestKey": f"{root}{MANIFEST_FILE}" if bucket else "",
        "BackupConfigName": temporary_config_name("backup", backup_id),
        "RestoreConfigName": temporary_config_name("restore", backup_id),
        "NeedsStart": "false",
    }


def resumed_facts(name, event, manifest):
    config = manifest["Notebook"].get("NotebookInstanceLifecycleConfigName", "")
    return facts_for(name, event, manifest["BackupId"], manifest["DataPlan"], manifest["WasRunning"], config)


def resume(notebook, event, manifest):
    """The outputs of a resumed run when an earlier run of ours left this notebook unfinished, else None."""
    if manifest is None:
        return None
    name, status = notebook["NotebookInstanceName"], notebook["NotebookInstanceStatus"]
    facts = resumed_facts(name, event, manifest)
    if status == "Deleting":
        return outputs("ResumeCreate", name, f"Resuming the recreation of {name} once it is deleted", facts)
    if not is_compliant(notebook, event):
        return None  # the earlier run never deleted it: start over
    if status == "Failed":
        raise ValueError(f"Notebook {name} was recreated by an earlier run but is Failed: see the README")
    restoring = notebook.get("NotebookInstanceLifecycleConfigName") == facts["RestoreConfigName"]
    # Stopped, Stopping and Updating settle to Stopped; the restore hook then needs a start.
    facts["NeedsStart"] = "false" if status in RUNNING_STATUSES else "true"
    mode = "ResumeRestore" if restoring else "ResumeFinish"
    return outputs(mode, name, f"{mode}: completing the earlier run on {name} from its manifest", facts)


def handler(event, _context):
    validate_target(event)
    requested = name_from_input(event["NotebookInstanceName"])
    bucket = event["BackupBucketName"]
    allow_data_loss = is_true(event["AllowDataLoss"])
    sagemaker = client("sagemaker")
    s3 = client("s3") if bucket else None
    if s3:
        check_bucket(s3, bucket)

    notebook = find_notebook(sagemaker, requested)
    if notebook is None:
        manifest = find_unfinished_manifest(s3, bucket, event["BackupPrefix"], requested) if s3 else None
        if manifest is None:
            where = f" and no unfinished manifest under s3://{bucket}/{event['BackupPrefix']}/" if bucket else ""
            raise ValueError(f"Notebook {requested} does not exist{where}: nothing to do")
        name = manifest["Notebook"]["NotebookInstanceName"]
        facts = resumed_facts(name, event, manifest)
        return outputs("ResumeCreate", name, f"Resuming the recreation of {name} from its manifest", facts)

    name = notebook["NotebookInstanceName"]
    status = notebook["NotebookInstanceStatus"]
    original_config = notebook.get("NotebookInstanceLifecycleConfigName", "")
    manifest = find_unfinished_manifest(s3, bucket, event["BackupPrefix"], name) if s3 else None
    resumed = resume(notebook, event, manifest)
    if resumed:
        return resumed
    if status == "Deleting":
        raise ValueError(f"Notebook {name} is being deleted: nothing to remediate")
    if original_config.startswith(TEMPORARY_CONFIG_PREFIX):
        raise ValueError(
            f"Notebook {name} still has the temporary lifecycle configuration {original_config} of an "
            "interrupted run: attach its own lifecycle configuration again (see the README), then rerun"
        )
    if is_compliant(notebook, event):
        facts = facts_for(name, event, event["ExecutionId"], "NoBackup", False, original_config)
        return outputs("AlreadyCompliant", name, "already compliant, nothing changed", facts)

    plan = data_plan(notebook, bucket, allow_data_loss)
    note = check_permissions(event, notebook)
    facts = facts_for(name, event, event["ExecutionId"], plan, status in RUNNING_STATUSES, original_config)
    result = f"Recreating {name} in {event['SubnetId']} (data plan {plan}){note}"
    return outputs("Recreate", name, result, facts)
