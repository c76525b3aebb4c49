import unittest

import resolve_notebook
from stubs import NOTEBOOK, not_found, patched

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
    "ExecutionId": "11111111-2222-3333-4444-555555555555",
}
KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
PASSED_TO_SAGEMAKER = [
    {"ContextKeyName": "iam:PassedToService", "ContextKeyValues": ["sagemaker.amazonaws.com"], "ContextKeyType": "string"}
]
VIA_SAGEMAKER = [
    {"ContextKeyName": "kms:ViaService", "ContextKeyValues": ["sagemaker.eu-west-1.amazonaws.com"], "ContextKeyType": "string"}
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


def expect_role_check(iam, decision="allowed"):
    expect_simulation(iam, ["iam:PassRole"], NOTEBOOK["RoleArn"], PASSED_TO_SAGEMAKER, [decision])


def expect_key_check(iam, create_grant="allowed"):
    expect_simulation(iam, ["kms:CreateGrant", "kms:DescribeKey"], KEY_ARN, VIA_SAGEMAKER, [create_grant, "allowed"])


def expect_valid_target(ec2):
    ec2.add_response("describe_subnets", {"Subnets": [{"SubnetId": TARGET["SubnetId"], "VpcId": "vpc-1"}]})
    ec2.add_response(
        "describe_security_groups", {"SecurityGroups": [{"GroupId": "sg-0aaaaaaaaaaaaaaa1", "VpcId": "vpc-1"}]}
    )


class NameFromInput(unittest.TestCase):
    def test_name_and_arns(self):
        self.assertEqual(resolve_notebook.name_from_input("MyNotebook"), "MyNotebook")
        arn = "arn:aws:sagemaker:eu-west-1:123456789012:notebook-instance/mynotebook"
        self.assertEqual(resolve_notebook.name_from_input(arn), "mynotebook")
        gov = "arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:notebook-instance/x-1"
        self.assertEqual(resolve_notebook.name_from_input(gov), "x-1")


class ValidateTarget(unittest.TestCase):
    def test_unknown_subnet(self):
        with patched(resolve_notebook, "ec2", "sagemaker") as stubs:
            stubs["ec2"].add_client_error("describe_subnets", service_error_code="InvalidSubnetID.NotFound")
            with self.assertRaisesRegex(ValueError, "Subnet subnet-0aaaaaaaaaaaaaaa1 does not exist"):
                resolve_notebook.handler(EVENT, None)

    def test_security_group_of_another_vpc(self):
        with patched(resolve_notebook, "ec2", "sagemaker") as stubs:
            stubs["ec2"].add_response("describe_subnets", {"Subnets": [{"SubnetId": "s", "VpcId": "vpc-1"}]})
            stubs["ec2"].add_response(
                "describe_security_groups", {"SecurityGroups": [{"GroupId": "sg-0aaaaaaaaaaaaaaa1", "VpcId": "vpc-2"}]}
            )
            with self.assertRaisesRegex(ValueError, "are not in vpc-1"):
                resolve_notebook.handler(EVENT, None)


class Resolve(unittest.TestCase):
    def test_finds_the_notebook_case_insensitively(self):
        event = {**EVENT, "NotebookInstanceName": NOTEBOOK["NotebookInstanceArn"], "AllowDataLoss": "true"}
        with patched(resolve_notebook, "ec2", "sagemaker", "iam") as stubs:
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
            expect_role_check(stubs["iam"])
            result = resolve_notebook.handler(event, None)
        self.assertEqual(result["Mode"], "Recreate")
        self.assertEqual(result["NotebookName"], "MyNotebook")
        self.assertEqual(result["DataPlan"], "NoBackup")
        self.assertEqual(result["WasRunning"], "true")
        self.assertEqual(result["HasOwnLifecycleConfig"], "true")

    def resolve(self, notebook, **changes):
        with patched(resolve_notebook, "ec2", "sagemaker") as stubs:
            expect_valid_target(stubs["ec2"])
            stubs["sagemaker"].add_response("describe_notebook_instance", notebook)
            return resolve_notebook.handler({**EVENT, **changes}, None)

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
            resolve_notebook.data_plan({**NOTEBOOK, "NotebookInstanceStatus": "Failed"}, "bucket", True),
            "ManifestOnly",
        )
        self.assertEqual(
            resolve_notebook.data_plan({**NOTEBOOK, "NotebookInstanceStatus": "Failed"}, "bucket", False), "Backup"
        )


class PermissionCheck(unittest.TestCase):
    """Before a Recreate: may the automation role pass the notebook's role and use its key (IAM simulation)?"""

    def check(self, notebook, expect, **changes):
        with patched(resolve_notebook, "iam", "kms") as stubs:
            expect(stubs)
            return resolve_notebook.check_permissions({**EVENT, **changes}, notebook)

    def test_allowed_role_and_key(self):
        def expect(stubs):
            expect_role_check(stubs["iam"])
            expect_key_check(stubs["iam"])

        self.assertEqual(self.check({**NOTEBOOK, "KmsKeyId": KEY_ARN}, expect), "")

    def test_no_key_checks_the_role_only(self):
        self.assertEqual(self.check(NOTEBOOK, lambda stubs: expect_role_check(stubs["iam"])), "")

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

    def test_the_handler_refuses_a_recreate_the_role_may_not_do(self):
        with patched(resolve_notebook, "ec2", "sagemaker", "iam") as stubs:
            expect_valid_target(stubs["ec2"])
            stubs["sagemaker"].add_response("describe_notebook_instance", NOTEBOOK)
            expect_role_check(stubs["iam"], "implicitDeny")
            with self.assertRaisesRegex(ValueError, "may not recreate MyNotebook"):
                resolve_notebook.handler({**EVENT, "AllowDataLoss": "true"}, None)

    def test_the_handler_reports_a_skipped_check_in_its_result(self):
        with patched(resolve_notebook, "ec2", "sagemaker", "iam") as stubs:
            expect_valid_target(stubs["ec2"])
            stubs["sagemaker"].add_response("describe_notebook_instance", NOTEBOOK)
            stubs["iam"].add_client_error("simulate_principal_policy", service_error_code="AccessDenied")
            event = {**EVENT, "AllowDataLoss": "true", "AllowUncheckedPermissions": "true"}
            result = resolve_notebook.handler(event, None)
        self.assertEqual(result["Mode"], "Recreate")
        self.assertTrue(result["Result"].endswith("; permission check skipped (iam:SimulatePrincipalPolicy AccessDenied)"))


if __name__ == "__main__":
    unittest.main()
