import unittest

import resolve_notebook
from stubs import NOTEBOOK, not_found, patched

TARGET = {
    "SubnetId": "subnet-0aaaaaaaaaaaaaaa1",
    "SecurityGroupIds": ["sg-0aaaaaaaaaaaaaaa1"],
    "DirectInternetAccess": "Disabled",
}
EVENT = {
    **TARGET,
    "NotebookInstanceName": "MyNotebook",
    "BackupBucketName": "",
    "BackupPrefix": "sagemaker-notebook-vpc-guard",
    "AllowDataLoss": "false",
    "ExecutionId": "11111111-2222-3333-4444-555555555555",
}


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
        with patched(resolve_notebook, "ec2", "sagemaker") as stubs:
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


if __name__ == "__main__":
    unittest.main()
