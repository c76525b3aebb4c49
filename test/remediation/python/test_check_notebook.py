import base64
import datetime
import hashlib
import io
import json
import unittest

from botocore.response import StreamingBody

import check_notebook
import resolve_notebook
from stubs import BACKUP_ID, NOTEBOOK, ROLE_ID, not_found, patched

TARGET = {
    "SubnetId": "subnet-0aaaaaaaaaaaaaaa1",
    "SecurityGroupIds": ["sg-0aaaaaaaaaaaaaaa1"],
    "DirectInternetAccess": "Disabled",
}
AUTOMATION_ROLE = "arn:aws:iam::123456789012:role/NotebookVpcGuardRemediation"
EVENT = {
    **TARGET,
    "NotebookInstanceName": "MyNotebook",
    "BackupBucketName": "",
    "BackupPrefix": "sagemaker-notebook-vpc-guard",
    "AllowDataLoss": "false",
    "AutomationAssumeRole": AUTOMATION_ROLE,
    "AllowUncheckedPermissions": "false",
    "ExecutionId": BACKUP_ID,
    "AccountId": "123456789012",
    "Region": "eu-west-1",
    "Mode": "Recreate",
    "BackupExecutionId": "",
    "IacOwnershipTagKeys": ["aws:cloudformation:stack-name", "ManagedBy=terraform"],
    "AllowIacOwnedNotebook": "false",
    "ExecutedBy": "arn:aws:sts::123456789012:assumed-role/PlatformAdmin/jane",
    "Defaults": json.dumps({"IacOwnershipTagKeys": ["StringList", ["aws:cloudformation:stack-name", "Terraform=true"]]}),
}
SERVICES = ("ec2", "sagemaker", "iam", "kms", "s3", "ssm")
RUNBOOK = "sagemaker-notebook-vpc-guard"
KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
PASSED_TO_SAGEMAKER = [
    {"ContextKeyName": "iam:PassedToService", "ContextKeyValues": ["sagemaker.amazonaws.com"], "ContextKeyType": "string"}
]
VIA_SAGEMAKER = [
    {"ContextKeyName": "kms:ViaService", "ContextKeyValues": ["sagemaker.eu-west-1.amazonaws.com"], "ContextKeyType": "string"},
    {"ContextKeyName": "kms:GrantIsForAWSResource", "ContextKeyValues": ["true"], "ContextKeyType": "boolean"},
]
CREATE_REQUEST = [
    {"ContextKeyName": "sagemaker:VpcSubnets", "ContextKeyValues": ["subnet-0aaaaaaaaaaaaaaa1"], "ContextKeyType": "stringList"},
    {"ContextKeyName": "sagemaker:VpcSecurityGroupIds", "ContextKeyValues": ["sg-0aaaaaaaaaaaaaaa1"], "ContextKeyType": "stringList"},
    {"ContextKeyName": "sagemaker:DirectInternetAccess", "ContextKeyValues": ["Disabled"], "ContextKeyType": "string"},
    {"ContextKeyName": "sagemaker:RootAccess", "ContextKeyValues": ["Enabled"], "ContextKeyType": "string"},
    {"ContextKeyName": "sagemaker:InstanceTypes", "ContextKeyValues": ["ml.t3.medium"], "ContextKeyType": "stringList"},
]


def expect_simulation(iam, actions, resource, context, decisions=None):
    """One SimulatePrincipalPolicy call of the automation role, answered with a decision per action."""
    decisions = decisions or ["allowed"] * len(actions)
    results = [
        {"EvalActionName": action, "EvalResourceName": resource, "EvalDecision": decision}
        for action, decision in zip(actions, decisions)
    ]
    expected = {
        "PolicySourceArn": AUTOMATION_ROLE,
        "ActionNames": actions,
        "ResourceArns": [resource],
        "ContextEntries": context,
    }
    iam.add_response("simulate_principal_policy", {"EvaluationResults": results, "IsTruncated": False}, expected)


def expect_role_check(iam, decision="allowed", create="allowed"):
    expect_simulation(iam, ["sagemaker:CreateNotebookInstance"], NOTEBOOK["NotebookInstanceArn"], CREATE_REQUEST, [create])
    expect_simulation(iam, ["iam:PassRole"], NOTEBOOK["RoleArn"], PASSED_TO_SAGEMAKER, [decision])


def expect_key_check(iam, create_grant="allowed"):
    expect_simulation(iam, ["kms:CreateGrant", "kms:DescribeKey"], KEY_ARN, VIA_SAGEMAKER, [create_grant, "allowed"])


def expect_valid_target(ec2, ingress=(), route_gateway="local"):
    ec2.add_response("describe_subnets", {"Subnets": [{"SubnetId": TARGET["SubnetId"], "VpcId": "vpc-1"}]})
    group = {"GroupId": "sg-0aaaaaaaaaaaaaaa1", "VpcId": "vpc-1", "IpPermissions": list(ingress)}
    ec2.add_response("describe_security_groups", {"SecurityGroups": [group]})
    return lambda: ec2.add_response(
        "describe_route_tables",
        {"RouteTables": [{"RouteTableId": "rtb-1", "Associations": [{"Main": True}],
                          "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": route_gateway}]}]},
    )


def expect_tags(sagemaker, tags=()):
    sagemaker.add_response("list_tags", {"Tags": [{"Key": key, "Value": value} for key, value in tags]},
                           {"ResourceArn": NOTEBOOK["NotebookInstanceArn"]})


def decide(event, settings=None):
    return check_notebook.decide({**EVENT, **event}, settings or {}, RUNBOOK)


def body(data):
    return {"Body": StreamingBody(io.BytesIO(data), len(data)), "ContentRange": f"bytes 0-{len(data) - 1}/{len(data)}",
            "LastModified": datetime.datetime(2027, 1, 2, tzinfo=datetime.timezone.utc)}


class NameFromInput(unittest.TestCase):
    def test_name_and_arns(self):
        self.assertEqual(check_notebook.name_from_input("MyNotebook"), "MyNotebook")
        arn = "arn:aws:sagemaker:eu-west-1:123456789012:notebook-instance/mynotebook"
        self.assertEqual(check_notebook.name_from_input(arn), "mynotebook")
        gov = "arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:notebook-instance/x-1"
        self.assertEqual(check_notebook.name_from_input(gov), "x-1")


class ValidateTarget(unittest.TestCase):
    def test_unknown_subnet(self):
        with patched(check_notebook, *SERVICES) as stubs:
            stubs["ec2"].add_client_error("describe_subnets", service_error_code="InvalidSubnetID.NotFound")
            with self.assertRaisesRegex(ValueError, "Subnet subnet-0aaaaaaaaaaaaaaa1 does not exist"):
                decide({})

    def test_security_group_of_another_vpc(self):
        with patched(check_notebook, *SERVICES) as stubs:
            stubs["ec2"].add_response("describe_subnets", {"Subnets": [{"SubnetId": "s", "VpcId": "vpc-1"}]})
            stubs["ec2"].add_response(
                "describe_security_groups", {"SecurityGroups": [{"GroupId": "sg-0aaaaaaaaaaaaaaa1", "VpcId": "vpc-2"}]}
            )
            with self.assertRaisesRegex(ValueError, "are not in vpc-1"):
                decide({})

    def test_a_target_the_deployed_rule_would_flag_is_refused_naming_every_check(self):
        rule = {"SubnetIds": "subnet-0bbbbbbbbbbbbbbb1", "VpcIds": "vpc-9", "RequireDirectInternetAccessDisabled": "true",
                "RequirePrivateSubnet": "true", "ForbidOpenIngress": "true"}
        open_to_all = [{"IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]
        with patched(check_notebook, *SERVICES) as stubs:
            expect_valid_target(stubs["ec2"], open_to_all, route_gateway="igw-1")()
            with self.assertRaises(ValueError) as refused:
                decide({"DirectInternetAccess": "Enabled"}, {"Rule": rule})
        self.assertIn(
            "The deployed rule would flag a notebook in this target: Subnet subnet-0aaaaaaaaaaaaaaa1 not approved; "
            "VPC vpc-1 not approved; Direct internet access enabled; Public subnet: rtb-1 routes 0.0.0.0/0 to igw-1; "
            "Open ingress: sg-0aaaaaaaaaaaaaaa1 from 0.0.0.0/0 ::/0. Nothing was changed.",
            str(refused.exception),
        )

    def test_a_bucket_other_than_the_deployed_one_is_refused(self):
        with patched(check_notebook, *SERVICES) as stubs:
            expect_valid_target(stubs["ec2"])
            with self.assertRaisesRegex(ValueError, "BackupBucketName attacker-sagemaker-data is not the deployed one"):
                decide({"BackupBucketName": "attacker-sagemaker-data"}, {"BackupBucketName": "ours", "BackupPrefix": "p"})

    def test_a_bucket_of_another_account_is_refused(self):
        with patched(check_notebook, *SERVICES) as stubs:
            expect_valid_target(stubs["ec2"])
            stubs["s3"].add_client_error("head_bucket", service_error_code="403", http_status_code=403,
                                         expected_params={"Bucket": "b", "ExpectedBucketOwner": "123456789012"})
            with self.assertRaisesRegex(ValueError, "cannot be reached in this account"):
                decide({"BackupBucketName": "b"})


class Resolve(unittest.TestCase):
    def test_finds_the_notebook_case_insensitively(self):
        event = {"NotebookInstanceName": NOTEBOOK["NotebookInstanceArn"], "AllowDataLoss": "true"}
        with patched(check_notebook, *SERVICES) as stubs:
            expect_valid_target(stubs["ec2"])
            not_found(stubs["sagemaker"], "describe_notebook_instance")
            summary = {
                "NotebookInstanceName": "MyNotebook",
                "NotebookInstanceArn": NOTEBOOK["NotebookInstanceArn"],
            }
            stubs["sagemaker"].add_response("list_notebook_instances", {"NotebookInstances": [summary]})
            stubs["sagemaker"].add_response(
                "describe_notebook_instance", NOTEBOOK, {"NotebookInstanceName": "MyNotebook"}
            )
            expect_tags(stubs["sagemaker"])
            expect_role_check(stubs["iam"])
            result = decide(event)
        self.assertEqual(result["Mode"], "Recreate")
        self.assertEqual(result["NotebookName"], "MyNotebook")
        self.assertEqual(result["DataPlan"], "NoBackup")
        self.assertEqual(result["WasRunning"], "true")
        self.assertEqual(result["HasOwnLifecycleConfig"], "true")
        self.assertEqual(
            (result["NotebookArn"], result["CreationTime"]),
            (NOTEBOOK["NotebookInstanceArn"], "2027-01-01T12:00:00+00:00"),
        )

    def test_a_backup_learns_the_notebook_roles_unique_id(self):
        with patched(check_notebook, *SERVICES) as stubs:
            expect_valid_target(stubs["ec2"])
            stubs["s3"].add_response("head_bucket", {})
            stubs["sagemaker"].add_response("describe_notebook_instance", NOTEBOOK)
            stubs["s3"].add_response("list_objects_v2", {"KeyCount": 0, "IsTruncated": False})
            expect_tags(stubs["sagemaker"])
            expect_role_check(stubs["iam"])
            stubs["iam"].add_response(
                "get_role",
                {"Role": {"Path": "/", "RoleName": "NotebookRole", "RoleId": ROLE_ID, "Arn": NOTEBOOK["RoleArn"],
                          "CreateDate": datetime.datetime(2026, 1, 1)}},
                {"RoleName": "NotebookRole"},
            )
            result = decide({"BackupBucketName": "bucket"})
        self.assertEqual((result["DataPlan"], result["NotebookRoleId"]), ("Backup", ROLE_ID))
        self.assertRegex(base64.b64decode(result["Hook"]).decode(), f"\nROLE_ID={ROLE_ID}\n")
        self.assertEqual(result["ManifestKey"], f"sagemaker-notebook-vpc-guard/runs/mynotebook/{BACKUP_ID}/manifest.json")

    def resolve(self, notebook, **changes):
        with patched(check_notebook, *SERVICES) as stubs:
            expect_valid_target(stubs["ec2"])
            stubs["sagemaker"].add_response("describe_notebook_instance", notebook)
            return decide(changes)

    def test_already_compliant(self):
        compliant = {**NOTEBOOK, **TARGET, "SecurityGroups": TARGET["SecurityGroupIds"]}
        del compliant["SecurityGroupIds"]
        result = self.resolve(compliant)
        self.assertEqual((result["Mode"], result["Result"]), ("AlreadyCompliant", "already compliant, nothing changed"))

    def test_no_bucket_without_consent_is_refused(self):
        with self.assertRaisesRegex(ValueError, "give a BackupBucketName, or set AllowDataLoss=true"):
            self.resolve(NOTEBOOK)

    def test_deleting_is_an_error(self):
        with self.assertRaisesRegex(ValueError, "is being deleted"):
            self.resolve({**NOTEBOOK, "NotebookInstanceStatus": "Deleting"}, AllowDataLoss="true")

    def test_a_temporary_configuration_left_attached_is_an_error(self):
        leftover = {**NOTEBOOK, "NotebookInstanceLifecycleConfigName": "vpc-guard-backup-x"}
        with self.assertRaisesRegex(ValueError, "temporary lifecycle configuration"):
            self.resolve(leftover, AllowDataLoss="true")

    def test_failed_notebook_with_consent_is_not_backed_up(self):
        self.assertEqual(
            check_notebook.data_plan({**NOTEBOOK, "NotebookInstanceStatus": "Failed"}, "bucket", True),
            "ManifestOnly",
        )
        self.assertEqual(
            check_notebook.data_plan({**NOTEBOOK, "NotebookInstanceStatus": "Failed"}, "bucket", False), "Backup"
        )


class PermissionCheck(unittest.TestCase):
    """Before a Recreate: may the automation role pass the notebook's role and use its key (IAM simulation)?"""

    def check(self, notebook, expect, **changes):
        with patched(check_notebook, "iam", "kms") as stubs:
            expect(stubs)
            return check_notebook.check_permissions({**EVENT, **changes}, notebook)

    def test_allowed_role_and_key(self):
        def expect(stubs):
            expect_role_check(stubs["iam"])
            expect_key_check(stubs["iam"])

        self.assertEqual(self.check({**NOTEBOOK, "KmsKeyId": KEY_ARN}, expect), "")

    def test_no_key_checks_the_create_and_the_role_only(self):
        self.assertEqual(self.check(NOTEBOOK, lambda stubs: expect_role_check(stubs["iam"])), "")

    def test_a_create_its_policy_denies_in_this_target_is_refused(self):
        with self.assertRaisesRegex(ValueError, "sagemaker:CreateNotebookInstance on .* \\(explicitDeny; stack setting remediation target\\)"):
            self.check(NOTEBOOK, lambda stubs: expect_role_check(stubs["iam"], create="explicitDeny"))

    def test_denied_pass_role_is_refused_naming_the_role_and_the_setting(self):
        with self.assertRaises(ValueError) as refused:
            self.check(NOTEBOOK, lambda stubs: expect_role_check(stubs["iam"], "implicitDeny"))
        message = str(refused.exception)
        self.assertIn(f"iam:PassRole on {NOTEBOOK['RoleArn']} (implicitDeny; stack setting allowedNotebookRoles)", message)
        self.assertIn(AUTOMATION_ROLE, message)
        self.assertIn("Nothing was changed", message)

    def test_denied_key_is_refused_naming_the_key_and_the_setting(self):
        def expect(stubs):
            expect_role_check(stubs["iam"])
            expect_key_check(stubs["iam"], create_grant="explicitDeny")

        with self.assertRaisesRegex(
            ValueError, f"kms:CreateGrant on {KEY_ARN} \\(explicitDeny; stack setting notebookKmsKeyArns\\)"
        ):
            self.check({**NOTEBOOK, "KmsKeyId": KEY_ARN}, expect)

    def test_key_ids_and_aliases_are_resolved_to_the_key_arn(self):
        for key_id in ("alias/notebooks", "arn:aws:kms:eu-west-1:123456789012:alias/notebooks", "1111-2222"):

            def expect(stubs, key_id=key_id):
                stubs["kms"].add_response("describe_key", {"KeyMetadata": {"KeyId": "k", "Arn": KEY_ARN}}, {"KeyId": key_id})
                expect_role_check(stubs["iam"])
                expect_key_check(stubs["iam"])

            self.assertEqual(self.check({**NOTEBOOK, "KmsKeyId": key_id}, expect), "", key_id)

    def test_a_key_that_cannot_be_described_is_refused(self):
        def expect(stubs):
            stubs["kms"].add_client_error("describe_key", service_error_code="AccessDeniedException")

        with self.assertRaisesRegex(ValueError, "alias/notebooks \\(AccessDeniedException\\).*notebookKmsKeyArns"):
            self.check({**NOTEBOOK, "KmsKeyId": "alias/notebooks"}, expect)

    def test_a_simulation_that_cannot_run_is_refused(self):
        def expect(stubs):
            stubs["iam"].add_client_error("simulate_principal_policy", service_error_code="AccessDenied")


        with self.assertRaisesRegex(ValueError, "AccessDenied.*AllowUncheckedPermissions=true.*Nothing was changed"):
            self.check(NOTEBOOK, expect)

    def test_a_simulation_that_cannot_run_goes_on_only_when_allowed_and_says_so(self):
        def expect(stubs):
            stubs["iam"].add_client_error("simulate_principal_policy", service_error_code="AccessDenied")

        note = self.check(NOTEBOOK, expect, AllowUncheckedPermissions="true")
        self.assertEqual(note, "; permission check skipped (iam:SimulatePrincipalPolicy AccessDenied)")

    def test_a_recreate_the_role_may_not_do_is_refused(self):
        with patched(check_notebook, *SERVICES) as stubs:
            expect_valid_target(stubs["ec2"])
            stubs["sagemaker"].add_response("describe_notebook_instance", NOTEBOOK)
            expect_tags(stubs["sagemaker"])
            expect_role_check(stubs["iam"], "implicitDeny")
            with self.assertRaisesRegex(ValueError, "may not recreate MyNotebook"):
                decide({"AllowDataLoss": "true"})

    def test_a_skipped_check_is_reported_in_the_result(self):
        with patched(check_notebook, *SERVICES) as stubs:
            expect_valid_target(stubs["ec2"])
            stubs["sagemaker"].add_response("describe_notebook_instance", NOTEBOOK)
            expect_tags(stubs["sagemaker"])
            stubs["iam"].add_client_error("simulate_principal_policy", service_error_code="AccessDenied")
            result = decide({"AllowDataLoss": "true", "AllowUncheckedPermissions": "true"})
        self.assertEqual(result["Mode"], "Recreate")
        self.assertTrue(result["Result"].endswith("; permission check skipped (iam:SimulatePrincipalPolicy AccessDenied)"))


class Ownership(unittest.TestCase):
    """A notebook its code owns is not recreated behind its owner's back."""

    STACK = [("aws:cloudformation:stack-name", "analytics-prod"), ("team", "ml")]
    CONFIG = "arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForConfigRemediation/ConfigRemediation"

    def check(self, tags, settings=None, **changes):
        with patched(check_notebook, "sagemaker") as stubs:
            expect_tags(stubs["sagemaker"], tags)
            event = {**EVENT, **changes}
            return check_notebook.check_ownership(stubs["sagemaker"].client, NOTEBOOK, event, settings or {})

    def test_a_notebook_nobody_owns_goes_on(self):
        self.assertEqual(self.check([("team", "ml"), ("ManagedBy", "console")]), "")

    def test_an_owned_notebook_is_refused_naming_its_owner_and_what_to_do(self):
        with self.assertRaisesRegex(
            ValueError,
            "^Notebook MyNotebook is managed by CloudFormation stack analytics-prod: fix the template .*"
            "Mode=BackupOnly.*Mode=RestoreOnly.*set AllowIacOwnedNotebook=true.*Nothing was changed.$",
        ):
            self.check(self.STACK)

    def test_allowed_it_goes_on_saying_the_owner_disagrees(self):
        note = self.check([("managedby", "Terraform")], AllowIacOwnedNotebook="true")
        self.assertEqual(
            note,
            "; AllowIacOwnedNotebook=true: MyNotebook is managed by Terraform (tag managedby=Terraform), which still "
            "describes the old network: change it there before its next deployment, or that deployment replaces the "
            "notebook (and its data)",
        )

    def test_a_run_aws_config_started_is_refused_even_when_allowed(self):
        with self.assertRaisesRegex(ValueError, "started by AWS Config's remediation, which never recreates"):
            self.check(self.STACK, AllowIacOwnedNotebook="true", ExecutedBy=self.CONFIG)

    def test_the_caller_adds_markers_but_cannot_take_the_deployments_away(self):
        event = {**EVENT, "IacOwnershipTagKeys": ["mine"]}
        markers = check_notebook.ownership_markers
        self.assertEqual(markers(event, {"Rule": {}}), ["aws:cloudformation:stack-name", "Terraform=true", "mine"])
        self.assertEqual(markers(event, {"Rule": {"IacOwnershipTagKeys": "iac, team=ml"}}), ["iac", "team=ml", "mine"])
        self.assertEqual(markers(event, {}), ["mine"])  # deployed by hand: no deployment to keep

    def test_the_stack_from_its_id_when_its_name_is_not_tagged(self):
        stack_id = "arn:aws:cloudformation:eu-west-1:123456789012:stack/analytics-dev/0f0e-1111"
        owner = check_notebook.iac_owner({"aws:cloudformation:stack-id": stack_id}, ["aws:cloudformation:stack-id"])
        self.assertEqual(check_notebook.owner_words(owner), ("managed by CloudFormation stack analytics-dev", "fix the template"))


class BackupSource(unittest.TestCase):
    """RestoreOnly trusts a backup only as Systems Manager recorded this runbook writing and verifying it."""

    AREA = f"sagemaker-notebook-vpc-guard/data/{ROLE_ID}:SageMaker/MyNotebook/{BACKUP_ID}/"
    MANIFEST = {"ExecutionId": BACKUP_ID, "BackupId": BACKUP_ID, "WrittenAt": 1,
                "Notebook": {"NotebookInstanceName": "MyNotebook"},
                "Backup": {"UserId": f"{ROLE_ID}:SageMaker", "Sha256": "a" * 64, "Archive": f"{AREA}volume.tar",
                           "VersionId": "v1", "Bytes": 10}}

    def find(self, manifest=None, recorded=None, document=RUNBOOK):
        raw = json.dumps(manifest or self.MANIFEST).encode()
        digest = hashlib.sha256(raw).hexdigest() if recorded is None else recorded
        steps = [{"StepName": "ResolveNotebook", "StepStatus": "Success", "Outputs": {"NotebookName": ["MyNotebook"]}}]
        if digest:
            steps.append({"StepName": "PrepareManifest", "StepStatus": "Success", "Outputs": {"ManifestDigest": [digest]}})
        event = {**EVENT, "BackupBucketName": "bucket"}
        with patched(check_notebook, "s3", "ssm", all_used=False) as stubs:
            stubs["ssm"].add_response("get_automation_execution", {"AutomationExecution": {"DocumentName": document}})
            stubs["ssm"].add_response("describe_automation_step_executions", {"StepExecutions": steps})
            stubs["s3"].add_response(
                "get_object", body(raw),
                {"Bucket": "bucket", "Key": f"sagemaker-notebook-vpc-guard/runs/mynotebook/{BACKUP_ID}/manifest.json",
                 "ExpectedBucketOwner": "123456789012", "Range": "bytes=0-65535"},
            )
            return check_notebook.backup_of(stubs["s3"].client, stubs["ssm"].client, event, BACKUP_ID, RUNBOOK)

    def test_a_backup_this_runbook_recorded(self):
        manifest, _digest = self.find()
        self.assertEqual(manifest["Backup"]["UserId"], f"{ROLE_ID}:SageMaker")

    def test_a_run_of_another_document(self):
        with self.assertRaisesRegex(ValueError, "is not a run of this runbook"):
            self.find(document="someone-elses-document")

    def test_a_run_that_wrote_no_manifest_or_other_bytes(self):
        for recorded in ("", "0" * 64):
            with self.assertRaisesRegex(ValueError, "did not write a verified backup"):
                self.find(recorded=recorded)

    def test_a_manifest_pointing_at_another_area_or_without_a_backup(self):
        elsewhere = {**self.MANIFEST["Backup"], "Archive": "sagemaker-notebook-vpc-guard/data/OTHER:SageMaker/x/volume.tar"}
        for manifest in ({**self.MANIFEST, "Backup": elsewhere}, {**self.MANIFEST, "Backup": None}):
            with self.assertRaisesRegex(ValueError, "did not write a verified backup"):
                self.find(manifest)


class RunbookParameters(unittest.TestCase):
    """The check reads the runbook execution's parameters from Systems Manager, defaults filled in."""

    DEFAULTS = json.dumps({"NotebookInstanceName": ["String", None], "SecurityGroupIds": ["StringList", None],
                           "BackupBucketName": ["String", ""], "DirectInternetAccess": ["String", "Disabled"],
                           "IacOwnershipTagKeys": ["StringList", ["ManagedBy=terraform", "Terraform=true"]]})
    EVENT = {"ExecutionId": BACKUP_ID, "CheckExecutionId": "22222222-2222-4222-8222-222222222222", "Defaults": DEFAULTS}

    def read(self, listed, parent=BACKUP_ID, executed_by=None):
        with patched(check_notebook, "ssm") as stubs:
            own = {"AutomationExecutionId": self.EVENT["CheckExecutionId"], "ParentAutomationExecutionId": parent}
            stubs["ssm"].add_response("get_automation_execution", {"AutomationExecution": own})
            runbook = {"DocumentName": RUNBOOK, "Parameters": listed, **({"ExecutedBy": executed_by} if executed_by else {})}
            stubs["ssm"].add_response("get_automation_execution", {"AutomationExecution": runbook},
                                      {"AutomationExecutionId": BACKUP_ID})
            return check_notebook.runbook_parameters(stubs["ssm"].client, self.EVENT)

    def test_given_values_and_defaults_whether_or_not_systems_manager_lists_them(self):
        given = {"NotebookInstanceName": ["nb"], "SecurityGroupIds": ["sg-1", "sg-2"]}
        expected = (RUNBOOK, {"NotebookInstanceName": "nb", "SecurityGroupIds": ["sg-1", "sg-2"],
                              "BackupBucketName": "", "DirectInternetAccess": "Disabled", "ExecutedBy": "",
                              "IacOwnershipTagKeys": ["ManagedBy=terraform", "Terraform=true"]})
        self.assertEqual(self.read(given), expected)
        # An execution cannot list an empty value (its model: 1 to 512 characters): "" is always a default.
        listed = {**given, "DirectInternetAccess": ["Disabled"], "IacOwnershipTagKeys": ["ManagedBy=terraform", "Terraform=true"]}
        self.assertEqual(self.read(listed), expected)

    def test_who_started_the_run(self):
        started_by = "arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForConfigRemediation/x"
        self.assertEqual(self.read({"NotebookInstanceName": ["nb"]}, executed_by=started_by)[1]["ExecutedBy"], started_by)

    def test_a_check_started_for_another_execution_refuses(self):
        with self.assertRaisesRegex(ValueError, "belongs to another runbook execution"):
            self.read({}, parent="33333333-3333-4333-8333-333333333333")

    def test_any_failure_is_a_refusal_reported_in_the_facts(self):
        with patched(check_notebook, "ssm") as stubs:
            stubs["ssm"].add_client_error("get_automation_execution", service_error_code="AccessDeniedException")
            facts = json.loads(check_notebook.handler({**self.EVENT, "Settings": ""}, None)["Facts"])
        self.assertEqual(facts["Mode"], "Refused")
        self.assertRegex(facts["Result"], "^ClientError: .*AccessDeniedException")


class EarlierRuns(unittest.TestCase):
    """A manifest counts only when Systems Manager's record shows this runbook wrote it and then deleted."""

    MANIFEST = json.dumps({"ExecutionId": BACKUP_ID, "BackupId": BACKUP_ID,
                           "Notebook": {"NotebookInstanceName": "MyNotebook"}}).encode()
    ROOT = "sagemaker-notebook-vpc-guard/runs/mynotebook/"

    def find(self, steps, document=RUNBOOK, manifest=MANIFEST):
        event = {**EVENT, "BackupBucketName": "bucket"}
        with patched(check_notebook, "s3", "ssm") as stubs:
            stubs["s3"].add_response("list_objects_v2", {"CommonPrefixes": [{"Prefix": f"{self.ROOT}{BACKUP_ID}/"}],
                                                         "KeyCount": 1, "IsTruncated": False})
            stubs["s3"].add_client_error("get_object", service_error_code="NoSuchKey", http_status_code=404)
            stubs["s3"].add_response("get_object", body(manifest))
            stubs["ssm"].add_response("get_automation_execution", {"AutomationExecution": {"DocumentName": document}})
            if document == RUNBOOK:
                stubs["ssm"].add_response("describe_automation_step_executions", {"StepExecutions": steps})
            return check_notebook.unfinished_manifest(stubs["s3"].client, stubs["ssm"].client, event, "MYNOTEBOOK", RUNBOOK)

    def prepared(self, digest, deleted="true"):
        return [{"StepName": "PrepareManifest", "StepStatus": "Success",
                 "Outputs": {"ManifestDigest": [digest], "Deleted": [deleted]}}]

    def test_the_manifest_this_runbook_wrote_before_it_deleted_the_notebook(self):
        digest = hashlib.sha256(self.MANIFEST).hexdigest()
        manifest, found_digest = self.find(self.prepared(digest))
        self.assertEqual((manifest["BackupId"], found_digest), (BACKUP_ID, digest))

    def test_a_forged_or_changed_manifest_is_ignored(self):
        self.assertEqual(self.find(self.prepared("0" * 64)), (None, ""))

    def test_a_run_that_never_deleted_the_notebook_is_ignored(self):
        digest = hashlib.sha256(self.MANIFEST).hexdigest()
        self.assertEqual(self.find(self.prepared(digest, deleted="false")), (None, ""))

    def test_a_run_of_another_document_is_ignored(self):
        self.assertEqual(self.find([], document="someone-elses-document"), (None, ""))


class ReadTheCheck(unittest.TestCase):
    """ResolveNotebook (in the runbook): the check's decision, or its refusal as this step's failure."""

    def resolve(self, facts, status="Success", document="check"):
        execution = {"DocumentName": document, "AutomationExecutionStatus": status,
                     "Outputs": {"Check.Facts": [json.dumps(facts)]}}
        with patched(resolve_notebook, "ssm") as stubs:
            stubs["ssm"].add_response("get_automation_execution", {"AutomationExecution": execution})
            return resolve_notebook.handler({"CheckExecutionId": BACKUP_ID, "CheckDocumentName": "check"}, None)

    def test_the_facts(self):
        self.assertEqual(self.resolve({"Mode": "Recreate", "Result": "r"}), {"Mode": "Recreate", "Result": "r"})

    def test_a_refusal_fails_with_its_reason(self):
        with self.assertRaisesRegex(ValueError, "^Subnet x does not exist$"):
            self.resolve({"Mode": "Refused", "Result": "Subnet x does not exist"})

    def test_an_execution_of_another_document_or_one_that_failed_is_not_read(self):
        for changes in ({"document": "other"}, {"status": "Failed"}):
            with self.assertRaisesRegex(RuntimeError, "did not succeed"):
                self.resolve({"Mode": "Recreate"}, **changes)


if __name__ == "__main__":
    unittest.main()
