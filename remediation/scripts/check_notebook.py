"""Check (the check document's one step): everything the runbook decides before it changes anything. Read-only.

It reads the runbook execution's own parameters from Systems Manager (the runbook starts this document with
nothing but the role: see check-document.ts), checks the target network against the deployed rule's settings,
finds the notebook (name or ARN, case-insensitively) and decides the Mode:
  AlreadyCompliant  the notebook already has the target subnet, security groups and internet setting;
  Recreate          back up (per DataPlan), delete and recreate it;
  BackupOnly        back it up, write the manifest and put it back as it was (the runbook's Mode=BackupOnly);
  RestoreOnly       put the backup of an earlier run onto it, a replacement (Mode=RestoreOnly; restore_source);
  ResumeCreate      the notebook is gone and an earlier run of this runbook deleted it: create it again;
  ResumeRestore     an earlier run recreated it but stopped before the restore was verified and its own
                    lifecycle configuration was back (its temporary restore configuration is attached);
  ResumeFinish      an earlier run restored it but stopped before settling its final state;
  Refused           anything else: Result says why. Nothing was changed.
A manifest counts only when Systems Manager's record of the run that wrote it shows this runbook wrote exactly
these bytes (their SHA-256 is that run's PrepareManifest output): anybody else's file under the prefix is
ignored. A resume also needs that run to have deleted the notebook.

Before any path that creates a notebook (Recreate, ResumeCreate) it asks IAM's policy simulation whether the
automation role may create it again (see check_permissions): a create refused after the delete would leave the
notebook down. Nor does it recreate a notebook its code owns (check_ownership): the owner would put the old
network back, and delete the data, on its next deployment.

The temporary lifecycle configuration a run attaches first (the backup hook, or RestoreOnly's restore hook) is
rendered here, every value checked against its pattern, and handed over as the Hook fact.
"""

import json
import re
import time

from botocore.exceptions import ClientError

from common import (
    ARCHIVE_FILE,
    COMPLETED_FILE,
    MANIFEST_FILE,
    PATTERNS,
    TEMPORARY_CONFIG_PREFIX,
    client,
    data_root,
    describe_notebook,
    error_code,
    hook_content,
    identity,
    is_true,
    list_tags,
    listed,
    read_record,
    render,
    runs_of,
    runs_root,
    sha256,
    temporary_config_name,
)

BACKUP_HOOK = None  # embed: hooks/backup-on-start.sh
RESTORE_HOOK = None  # embed: hooks/restore-on-start.sh

SAGEMAKER_PRINCIPAL = "sagemaker.amazonaws.com"
UNCHANGED = "Nothing was changed."
KEY_SETTING = "notebookKmsKeyArns"
ARN_PATTERN = re.compile(r"^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:notebook-instance/(?P<name>.+)$")
RUNNING_STATUSES = ("InService", "Pending")
ANYWHERE = ("0.0.0.0/0", "::/0")
# AWS Config's remediation (automatic, or the console's Remediate button) starts runs as its service-linked role.
CONFIG_REMEDIATION = ":assumed-role/AWSServiceRoleForConfigRemediation/"
CLOUDFORMATION_KEY = "aws:cloudformation:"
STACK_ID = re.compile(r"^arn:[^:]+:cloudformation:[^:]*:[0-9]*:stack/([^/]+)/")


def runbook_parameters(ssm, event):
    """(document name, parameters) of the runbook execution that started this check; ExecutedBy among them.

    Parameters the caller left out take the runbook's defaults (whether Systems Manager lists defaults in an
    execution's parameters is unconfirmed: either way the values are the same).
    """
    own = ssm.get_automation_execution(AutomationExecutionId=event["CheckExecutionId"])["AutomationExecution"]
    if own.get("ParentAutomationExecutionId", event["ExecutionId"]) != event["ExecutionId"]:
        raise ValueError("This check belongs to another runbook execution")
    runbook = ssm.get_automation_execution(AutomationExecutionId=event["ExecutionId"])["AutomationExecution"]
    given, parameters = runbook.get("Parameters", {}), {"ExecutedBy": runbook.get("ExecutedBy", "")}
    for name, (kind, default) in json.loads(event["Defaults"]).items():
        values = given.get(name) or (default if isinstance(default, list) else [] if default is None else [default])
        parameters[name] = values if kind == "StringList" else values[0]
    return runbook["DocumentName"], parameters


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


def runbook_record(ssm, execution_id, document_name):
    """Systems Manager's record of that execution when it is one of this runbook: each succeeded step's outputs by
    step name; else None."""
    try:
        execution = ssm.get_automation_execution(AutomationExecutionId=execution_id)["AutomationExecution"]
    except ClientError as error:
        if error_code(error) == "AutomationExecutionNotFoundException":
            return None
        raise
    if execution["DocumentName"] != document_name:
        return None
    succeeded = {}
    for page in ssm.get_paginator("describe_automation_step_executions").paginate(AutomationExecutionId=execution_id):
        for step in page["StepExecutions"]:
            if step["StepStatus"] == "Success":
                succeeded[step["StepName"]] = step.get("Outputs", {})
    return succeeded


def deleted_by_this_runbook(ssm, execution_id, digest, document_name):
    """True when that execution of this runbook wrote a manifest with this SHA-256 and then deleted the notebook
    (PrepareManifest outputs Deleted=true only after DeleteNotebookInstance succeeded)."""
    outputs = (runbook_record(ssm, execution_id, document_name) or {}).get("PrepareManifest", {})
    return outputs.get("ManifestDigest") == [digest] and outputs.get("Deleted") == ["true"]


def unfinished_manifest(s3, ssm, event, name, document_name):
    """(manifest, digest) of the newest run of this runbook that deleted the notebook and did not finish, or None."""
    root = runs_of(event["BackupPrefix"], name)
    found = []
    for folder in listed(s3, event, root):
        execution_id = folder[len(root) : -1]
        if not re.fullmatch(PATTERNS["BACKUP_ID"], execution_id) or read_record(s3, event, folder + COMPLETED_FILE):
            continue
        record = read_record(s3, event, folder + MANIFEST_FILE)
        if record is None:
            continue
        manifest, raw, written = record
        digest = sha256(raw)
        if (
            manifest.get("ExecutionId") == execution_id == manifest.get("BackupId")
            and manifest.get("Notebook", {}).get("NotebookInstanceName", "").lower() == name.lower()
            and deleted_by_this_runbook(ssm, execution_id, digest, document_name)
        ):
            found.append((written, manifest, digest))
    return max(found, key=lambda candidate: candidate[0], default=(None, None, ""))[1:]


def validate_target(ec2, event):
    """The target subnet exists and every security group is in its VPC; returns (VPC id, security groups)."""
    subnet_id = event["SubnetId"]
    group_ids = list(dict.fromkeys(event["SecurityGroupIds"]))
    if not 1 <= len(group_ids) <= 5:
        raise ValueError(f"SecurityGroupIds must hold 1 to 5 groups, got {len(group_ids)}")
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
    found = {group["GroupId"]: group for group in groups}
    missing = [group_id for group_id in group_ids if group_id not in found]
    if missing:
        raise ValueError(f"Security groups not found: {', '.join(missing)}")
    foreign = [group_id for group_id in group_ids if found[group_id]["VpcId"] != vpc_id]
    if foreign:
        raise ValueError(
            f"Security groups {', '.join(foreign)} are not in {vpc_id}, the VPC of subnet {subnet_id}"
        )
    return vpc_id, [found[group_id] for group_id in group_ids]


def internet_route(ec2, subnet_id, vpc_id):
    """The subnet's route to an internet gateway, described like the rule does; None when it has none."""
    tables = []
    for page in ec2.get_paginator("describe_route_tables").paginate(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]):
        tables += page["RouteTables"]
    associated = [t for t in tables if any(a.get("SubnetId") == subnet_id for a in t.get("Associations", []))]
    main = [t for t in tables if any(a.get("Main") for a in t.get("Associations", []))]
    if not associated + main:
        raise ValueError(f"No route table (explicit or main) found for {subnet_id} in {vpc_id}")
    table = (associated + main)[0]
    for route in table.get("Routes", []):
        destination = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock") or ""
        if route.get("GatewayId", "").startswith("igw-") and destination in ANYWHERE:
            return f"{table['RouteTableId']} routes {destination} to {route['GatewayId']}"
    return None


def open_ingress(groups):
    """'sg-a from 0.0.0.0/0 ::/0, sg-b from ::/0' for the groups that let anyone in (the rule's wording)."""
    described = []
    for group in sorted(groups, key=lambda group: group["GroupId"]):
        cidrs = {
            cidr
            for permission in group.get("IpPermissions", [])
            for cidr in [r.get("CidrIp") for r in permission.get("IpRanges", [])]
            + [r.get("CidrIpv6") for r in permission.get("Ipv6Ranges", [])]
            if cidr in ANYWHERE
        }
        if cidrs:
            described.append(f"{group['GroupId']} from {' '.join(sorted(cidrs))}")
    return ", ".join(described)


def rule_violations(ec2, rule, event, vpc_id, groups):
    """What the deployed rule (its parameters as Config passes them) would report about a notebook in the target;
    the same checks, order and words as rule/evaluate.ts (a test runs both on the same cases)."""
    subnet_id, failed = event["SubnetId"], []
    subnet_ids = [s for s in rule.get("SubnetIds", "").split(",") if s]
    vpc_ids = [v for v in rule.get("VpcIds", "").split(",") if v]
    if subnet_ids and subnet_id not in subnet_ids:
        failed.append(f"Subnet {subnet_id} not approved")
    if vpc_ids and vpc_id not in vpc_ids:
        failed.append(f"VPC {vpc_id} not approved")
    if is_true(rule.get("RequireDirectInternetAccessDisabled")) and event["DirectInternetAccess"] != "Disabled":
        failed.append("Direct internet access enabled")
    route = is_true(rule.get("RequirePrivateSubnet")) and internet_route(ec2, subnet_id, vpc_id)
    if route:
        failed.append(f"Public subnet: {route}")
    opened = is_true(rule.get("ForbidOpenIngress")) and open_ingress(groups)
    if opened:
        failed.append(f"Open ingress: {opened}")
    return failed


def check_target(event, settings):
    """Refuses a target the deployed rule would flag (where Recreate creates the notebook), or a bucket other than
    the deployed one; returns a note when there are no deployed settings to check against (a runbook deployed by
    hand)."""
    ec2 = client("ec2")
    vpc_id, groups = validate_target(ec2, event)
    for setting in ("BackupBucketName", "BackupPrefix"):
        if setting in settings and event["BackupBucketName"] and event[setting] != settings[setting]:
            raise ValueError(
                f"{setting} {event[setting]} is not the deployed one ({settings[setting]}): backups go there, and "
                f"only there. {UNCHANGED}"
            )
    if event["Mode"] != "Recreate":
        return ""
    if "Rule" not in settings:
        return "; target not checked against a rule (no deployed settings)"
    failed = rule_violations(ec2, settings["Rule"], event, vpc_id, groups)
    if failed:
        raise ValueError(f"The deployed rule would flag a notebook in this target: {'; '.join(failed)}. {UNCHANGED}")
    return ""


def check_bucket(s3, event):
    try:
        s3.head_bucket(Bucket=event["BackupBucketName"], ExpectedBucketOwner=event["AccountId"])
    except ClientError as error:
        raise ValueError(
            f"Backup bucket {event['BackupBucketName']} cannot be reached in this account ({error_code(error)}): "
            "nothing was changed"
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


def context_entry(key, values, kind="string"):
    return {"ContextKeyName": key, "ContextKeyValues": values, "ContextKeyType": kind}


def permission_checks(notebook, event):
    """(actions, resource, context, stack setting) for what CreateNotebookInstance will need.

    The create itself, with the condition keys its request carries (a policy conditioned like the guardrail
    denies it outside the approved network); passing the role to SageMaker; and for a KMS-encrypted volume, a
    grant for SageMaker on the key ARN (IAM authorizes KMS actions on the key ARN, so a key id or alias is
    resolved first, with kms:DescribeKey, which the create needs anyway).
    """
    request = [
        context_entry("sagemaker:VpcSubnets", [event["SubnetId"]], "stringList"),
        context_entry("sagemaker:VpcSecurityGroupIds", sorted(set(event["SecurityGroupIds"])), "stringList"),
        context_entry("sagemaker:DirectInternetAccess", [event["DirectInternetAccess"]]),
        context_entry("sagemaker:RootAccess", [notebook.get("RootAccess", "Enabled")]),
        context_entry("sagemaker:InstanceTypes", [notebook["InstanceType"]], "stringList"),
    ]
    checks = [
        (["sagemaker:CreateNotebookInstance"], notebook["NotebookInstanceArn"], request, "remediation target"),
        (["iam:PassRole"], notebook["RoleArn"], [context_entry("iam:PassedToService", [SAGEMAKER_PRINCIPAL])],
         "allowedNotebookRoles"),
    ]
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
        via = context_entry("kms:ViaService", [f"sagemaker.{key.split(':')[3]}.amazonaws.com"])
        for_sagemaker = context_entry("kms:GrantIsForAWSResource", ["true"], "boolean")
        checks.append((["kms:CreateGrant", "kms:DescribeKey"], key, [via, for_sagemaker], KEY_SETTING))
    return checks


def check_permissions(event, notebook):
    """Refuses, changing nothing, when IAM's policy simulation says the automation role may not recreate the
    notebook. A simulation that cannot run refuses too unless AllowUncheckedPermissions=true: then the
    returned note says that the check was skipped, and why."""
    role, checks, denied = event["AutomationAssumeRole"], permission_checks(notebook, event), []
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


def iac_owner(tags, markers):
    """The owner the first matching marker names, read as the rule reads it (rule/ownership.ts; a test runs both):
    a marker is a tag key (any value) or Key=Value, matched case-insensitively. None when no marker matches."""
    for marker in markers:
        key, _, value = marker.partition("=")
        for tag in sorted(tags):
            if tag.lower() == key.lower() and (not value or tags[tag].lower() == value.lower()):
                if tag.lower().startswith(CLOUDFORMATION_KEY):
                    stack_id = STACK_ID.match(tags.get("aws:cloudformation:stack-id", ""))
                    stack = tags.get("aws:cloudformation:stack-name") or (stack_id and stack_id.group(1))
                    return {"Tool": "CloudFormation", "Key": tag, "Value": tags[tag], "Stack": stack or ""}
                tool = "Terraform" if "terraform" in f"{tag}={tags[tag]}".lower() else ""
                return {"Tool": tool, "Key": tag, "Value": tags[tag], "Stack": ""}
    return None


def owner_words(owner):
    """(who, what to do): 'managed by CloudFormation stack analytics-prod', 'fix the template' (the rule's words)."""
    by = f"managed by {owner['Tool']}" if owner["Tool"] else "managed as code"
    which = f" stack {owner['Stack']}" if owner["Stack"] else f" (tag {owner['Key']}={owner['Value']})"
    return by + which, "fix the template" if owner["Tool"] == "CloudFormation" else "fix the code"


def ownership_markers(event, settings):
    """The markers this run checks: the deployment's (its rule's, else the runbook's default ones) and the
    caller's, who can add markers but not take the deployment's away; a runbook deployed by hand, the caller's."""
    given = list(event["IacOwnershipTagKeys"])
    if "Rule" not in settings:
        return given
    rule = settings["Rule"].get("IacOwnershipTagKeys")
    deployed = rule.split(",") if rule else json.loads(event["Defaults"])["IacOwnershipTagKeys"][1]
    return list(dict.fromkeys([marker.strip() for marker in deployed if marker.strip()] + given))


def check_ownership(sagemaker, notebook, event, settings):
    """Refuses to recreate a notebook its code owns, unless the caller set AllowIacOwnedNotebook=true in a run AWS
    Config's remediation did not start (the stack never passes it there either); then returns a note saying the
    owner now describes another network."""
    tags = {tag["Key"]: tag.get("Value", "") for tag in list_tags(sagemaker, notebook["NotebookInstanceArn"])}
    owner = iac_owner(tags, ownership_markers(event, settings))
    if owner is None:
        return ""
    name, (who, fix) = notebook["NotebookInstanceName"], owner_words(owner)
    by_config = CONFIG_REMEDIATION in event["ExecutedBy"]
    if is_true(event["AllowIacOwnedNotebook"]) and not by_config:
        return (
            f"; AllowIacOwnedNotebook=true: {name} is {who}, which still describes the old network: change it there "
            "before its next deployment, or that deployment replaces the notebook (and its data)"
        )
    anyway = (
        "This run was started by AWS Config's remediation, which never recreates a notebook its code owns."
        if by_config
        else "To recreate it here anyway, set AllowIacOwnedNotebook=true (its owner then still describes the old network)."
    )
    raise ValueError(
        f"Notebook {name} is {who}: {fix} (set SubnetId, SecurityGroupIds and DirectInternetAccess there) and let it "
        "replace the notebook; save the data first with Mode=BackupOnly and put it onto the replacement with "
        f"Mode=RestoreOnly (see the README). {anyway} {UNCHANGED}"
    )


def role_id(notebook):
    """The notebook role's unique id: its sessions' areas in the bucket start with it."""
    iam = client("iam")
    return iam.get_role(RoleName=notebook["RoleArn"].rsplit("/", 1)[1])["Role"]["RoleId"]


def facts(name, event, backup_id, plan, was_running, original_config, notebook=None, digest=""):
    bucket, root = event["BackupBucketName"], runs_root(event["BackupPrefix"], name, backup_id)
    found = {
        "NotebookName": name,
        "BackupId": backup_id,
        "DataPlan": plan,
        "WasRunning": "true" if was_running else "false",
        "OriginalLifecycleConfigName": original_config,
        "HasOwnLifecycleConfig": "true" if original_config else "false",
        "BackupUri": f"s3://{bucket}/{root}" if bucket and plan == "Backup" else "",
        "ManifestKey": f"{root}{MANIFEST_FILE}" if bucket else "",
        "ManifestDigest": digest,
        "TemporaryConfigName": temporary_config_name("backup", backup_id),
        "RestoreConfigName": temporary_config_name("restore", backup_id),
        "Hook": "",
        "NeedsStart": "false",
        "NotebookRoleId": role_id(notebook) if notebook and plan == "Backup" and not digest else "",
        "CheckedAt": str(int(time.time())),
        **(identity(notebook) if notebook else {"NotebookArn": "", "CreationTime": ""}),
    }
    if found["NotebookRoleId"]:
        values = {"BUCKET": bucket, "PREFIX": event["BackupPrefix"], "NAME": name, "BACKUP_ID": backup_id}
        hook = render(BACKUP_HOOK, {**values, "ROLE_ID": found["NotebookRoleId"], "REGION": event["Region"]})
        found["Hook"] = hook_content(hook)
    return found


def resumed(mode, name, event, manifest, digest, result, notebook=None):
    config = manifest["Notebook"].get("NotebookInstanceLifecycleConfigName", "")
    found = facts(name, event, manifest["BackupId"], manifest["DataPlan"], manifest["WasRunning"], config, notebook, digest)
    return {"Mode": mode, "Result": result, **found}


def resume(notebook, event, manifest, digest):
    """The facts of a resumed run when an earlier run of ours left this notebook unfinished, else None."""
    if manifest is None:
        return None
    name, status = notebook["NotebookInstanceName"], notebook["NotebookInstanceStatus"]
    if status == "Deleting":
        check_permissions(event, manifest["Notebook"])
        return resumed("ResumeCreate", name, event, manifest, digest, f"Resuming the recreation of {name} once it is deleted")
    if not is_compliant(notebook, event):
        return None  # not the notebook the earlier run created: start over
    if status == "Failed":
        raise ValueError(f"Notebook {name} was recreated by an earlier run but is Failed: see the README")
    restoring = notebook.get("NotebookInstanceLifecycleConfigName") == temporary_config_name("restore", manifest["BackupId"])
    mode = "ResumeRestore" if restoring else "ResumeFinish"
    found = resumed(mode, name, event, manifest, digest, f"{mode}: completing the earlier run on {name} from its manifest", notebook)
    # Stopped, Stopping and Updating settle to Stopped; the restore hook then needs a start.
    found["NeedsStart"] = "false" if status in RUNNING_STATUSES else "true"
    return found


def refuse_unsettled(notebook):
    """A notebook being deleted, or left with a temporary configuration of an interrupted run, is not touched."""
    name, config = notebook["NotebookInstanceName"], notebook.get("NotebookInstanceLifecycleConfigName", "")
    if notebook["NotebookInstanceStatus"] == "Deleting":
        raise ValueError(f"Notebook {name} is being deleted: nothing to do")
    if config.startswith(TEMPORARY_CONFIG_PREFIX):
        raise ValueError(
            f"Notebook {name} still has the temporary lifecycle configuration {config} of an "
            "interrupted run: attach its own lifecycle configuration again (see the README), then rerun"
        )


def backup_of(s3, ssm, event, backup_id, document_name):
    """(manifest, digest) of the backup run backup_id of this runbook made: Systems Manager's record of that run
    holds the SHA-256 of exactly these manifest bytes (its PrepareManifest output), and the manifest names that
    run and a verified archive in the backed-up notebook role's area. Else a refusal: nothing else is trusted."""
    record = runbook_record(ssm, backup_id, document_name)
    if record is None:
        raise ValueError(f"{backup_id} is not a run of this runbook ({document_name}): nothing of it is trusted. {UNCHANGED}")
    name = (record.get("ResolveNotebook", {}).get("NotebookName") or [""])[0]
    digest = (record.get("PrepareManifest", {}).get("ManifestDigest") or [""])[0]
    found = name and digest and read_record(s3, event, runs_root(event["BackupPrefix"], name, backup_id) + MANIFEST_FILE)
    manifest = found and found[0]
    backup = (manifest and manifest.get("Backup")) or {}
    user_id = backup.get("UserId", "")
    if not (
        found
        and sha256(found[1]) == digest
        and manifest.get("ExecutionId") == backup_id == manifest.get("BackupId")
        and manifest["Notebook"]["NotebookInstanceName"] == name
        and re.fullmatch(PATTERNS["USER_ID"], user_id)
        and re.fullmatch(PATTERNS["SHA256"], backup.get("Sha256", ""))
        and backup.get("Archive") == data_root(event["BackupPrefix"], user_id, name, backup_id) + ARCHIVE_FILE
    ):
        raise ValueError(
            f"Run {backup_id} of this runbook did not write a verified backup under s3://{event['BackupBucketName']}/"
            f"{event['BackupPrefix']}/runs/ (none, or it changed since): nothing to restore. {UNCHANGED}"
        )
    return manifest, digest


def check_archive(s3, event, backup):
    """The archive in S3 is still the version verified before the backup run used it."""
    where = f"s3://{event['BackupBucketName']}/{backup['Archive']}"
    try:
        head = s3.head_object(Bucket=event["BackupBucketName"], Key=backup["Archive"], ExpectedBucketOwner=event["AccountId"])
    except ClientError as error:
        raise ValueError(f"The archive {where} cannot be read ({error_code(error)}). {UNCHANGED}") from error
    if head.get("VersionId", "") != backup["VersionId"] or head["ContentLength"] != backup["Bytes"]:
        raise ValueError(
            f"The archive {where} changed since it was verified (version {head.get('VersionId')}, not "
            f"{backup['VersionId']}): the verified version is still in the bucket's history; restore it by hand "
            f"(see the README). {UNCHANGED}"
        )


def restore_only(notebook, requested, event, s3, ssm, document_name):
    """The facts of a RestoreOnly run: the verified backup of run BackupExecutionId onto this notebook, which must
    replace the one backed up (created after the backup), stand in the named network and have the same role (only
    that role's sessions can read the backup: its users are the ones who had the data)."""
    backup_id = event["BackupExecutionId"]
    if not backup_id:
        raise ValueError(
            "RestoreOnly needs BackupExecutionId: the execution id of the BackupOnly or Recreate run whose backup to "
            f"restore. {UNCHANGED}"
        )
    if notebook is None:
        raise ValueError(f"Notebook {requested} does not exist: restore onto it once its owner has created it. {UNCHANGED}")
    refuse_unsettled(notebook)
    name = notebook["NotebookInstanceName"]
    if not is_compliant(notebook, event):
        raise ValueError(
            f"{name} is not in {event['SubnetId']} with {', '.join(event['SecurityGroupIds'])} and direct internet "
            f"access {event['DirectInternetAccess']}: give the network the replacement is in. {UNCHANGED}"
        )
    manifest, digest = backup_of(s3, ssm, event, backup_id, document_name)
    source, backup = manifest["Notebook"]["NotebookInstanceName"], manifest["Backup"]
    if notebook["CreationTime"].timestamp() <= manifest["WrittenAt"]:
        raise ValueError(
            f"{name} was created before that backup of {source}: RestoreOnly puts a backup onto the notebook that "
            f"replaced the one it saved, never over newer work. {UNCHANGED}"
        )
    role, backed_up = role_id(notebook), backup["UserId"].split(":", 1)[0]
    if role != backed_up:
        raise ValueError(
            f"The backup {backup_id} is in the area of role {backed_up} (the role of {source}); {name}'s role "
            f"{notebook['RoleArn']} is {role}: only sessions of the backed-up notebook's role can read it. Give the "
            f"replacement that role, or copy the data by hand (see the README). {UNCHANGED}"
        )
    check_archive(s3, event, backup)
    status, config = notebook["NotebookInstanceStatus"], notebook.get("NotebookInstanceLifecycleConfigName", "")
    found = facts(name, event, backup_id, "Backup", status in RUNNING_STATUSES, config, notebook, digest)
    root, temporary = runs_root(event["BackupPrefix"], source, backup_id), temporary_config_name("restore", event["ExecutionId"])
    values = {"BUCKET": event["BackupBucketName"], "PREFIX": event["BackupPrefix"], "USER_ID": backup["UserId"]}
    values.update(NAME=source, BACKUP_ID=backup_id, SHA256=backup["Sha256"], REGION=event["Region"], FRESH_VOLUME="false")
    found.update(
        TemporaryConfigName=temporary,
        RestoreConfigName=temporary,
        BackupUri=f"s3://{event['BackupBucketName']}/{root}",
        ManifestKey=root + MANIFEST_FILE,
        NotebookRoleId=role,
        Hook=hook_content(render(RESTORE_HOOK, values)),
    )
    return {"Mode": "RestoreOnly", "Result": f"Restoring backup {backup_id} of {source} onto {name}", **found}


def decide(event, settings, document_name):
    note = check_target(event, settings)
    requested = name_from_input(event["NotebookInstanceName"])
    bucket, mode = event["BackupBucketName"], event["Mode"]
    if mode != "Recreate" and not bucket:
        raise ValueError(f"{mode} needs a BackupBucketName: the backup is kept there. {UNCHANGED}")
    sagemaker = client("sagemaker")
    s3 = client("s3") if bucket else None
    if s3:
        check_bucket(s3, event)
    ssm = client("ssm")

    notebook = find_notebook(sagemaker, requested)
    if mode == "RestoreOnly":
        return restore_only(notebook, requested, event, s3, ssm, document_name)
    if notebook is None and mode == "BackupOnly":
        raise ValueError(f"Notebook {requested} does not exist: nothing to back up")
    if notebook is None:
        manifest, digest = unfinished_manifest(s3, ssm, event, requested, document_name) if s3 else (None, "")
        if manifest is None:
            where = f" and no run of this runbook left it deleted under s3://{bucket}/{event['BackupPrefix']}/runs/" if bucket else ""
            raise ValueError(f"Notebook {requested} does not exist{where}: nothing to do")
        name = manifest["Notebook"]["NotebookInstanceName"]
        note += check_permissions(event, manifest["Notebook"])
        return resumed("ResumeCreate", name, event, manifest, digest, f"Resuming the recreation of {name} from its manifest{note}")

    name = notebook["NotebookInstanceName"]
    status = notebook["NotebookInstanceStatus"]
    original_config = notebook.get("NotebookInstanceLifecycleConfigName", "")
    running = status in RUNNING_STATUSES
    if mode == "Recreate":
        manifest, digest = unfinished_manifest(s3, ssm, event, name, document_name) if s3 else (None, "")
        found = resume(notebook, event, manifest, digest)
        if found:
            return found
    refuse_unsettled(notebook)
    if mode == "BackupOnly":
        found = facts(name, event, event["ExecutionId"], "Backup", running, original_config, notebook)
        return {"Mode": "BackupOnly", "Result": f"Backing up {name}; nothing else changes", **found}
    if is_compliant(notebook, event):
        found = facts(name, event, event["ExecutionId"], "NoBackup", False, original_config, notebook)
        return {"Mode": "AlreadyCompliant", "Result": "already compliant, nothing changed", **found}

    if settings.get("BackupBucketName") and not bucket:
        raise ValueError(f"This deployment backs notebooks up to {settings['BackupBucketName']}: give it as BackupBucketName. {UNCHANGED}")
    plan = data_plan(notebook, bucket, is_true(event["AllowDataLoss"]))
    note += check_ownership(sagemaker, notebook, event, settings)
    note += check_permissions(event, notebook)
    found = facts(name, event, event["ExecutionId"], plan, running, original_config, notebook)
    return {"Mode": "Recreate", "Result": f"Recreating {name} in {event['SubnetId']} (data plan {plan}){note}", **found}


def handler(event, _context):
    """Facts: what the runbook does next, as one JSON string; any failure is a refusal that changed nothing."""
    try:
        document_name, parameters = runbook_parameters(client("ssm"), event)
        found = decide({**event, **parameters}, json.loads(event["Settings"] or "{}"), document_name)
    except Exception as error:  # every failure here is a refusal: nothing was changed
        reason = str(error) if isinstance(error, ValueError) else f"{type(error).__name__}: {error}"
        found = {"Mode": "Refused", "Result": reason}
    return {"Facts": json.dumps(found, sort_keys=True)}
