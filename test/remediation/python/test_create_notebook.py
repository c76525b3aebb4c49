import base64
import unittest

import create_backup_config
import create_notebook
from stubs import NOTEBOOK, patched

TARGET = {
    "SubnetId": "subnet-0aaaaaaaaaaaaaaa1",
    "SecurityGroupIds": ["sg-1", "sg-2", "sg-1"],
    "DirectInternetAccess": "Disabled",
    "RestoreConfigName": "vpc-guard-restore-id",
}


def manifest(plan="Backup", **notebook):
    return {
        "DataPlan": plan,
        "Notebook": {**NOTEBOOK, "KmsKeyId": "key", "AcceleratorTypes": [], "DefaultCodeRepository": "", **notebook},
        "Tags": [{"Key": "team", "Value": "a"}, {"Key": "aws:cloudformation:stack-id", "Value": "x"}],
    }


class CreateRequest(unittest.TestCase):
    def test_carries_settings_over_and_sets_the_target_network(self):
        request = create_notebook.create_request(manifest(), TARGET)
        self.assertEqual(request["SecurityGroupIds"], ["sg-1", "sg-2"])
        self.assertEqual(request["KmsKeyId"], "key")
        self.assertEqual(request["DirectInternetAccess"], "Disabled")
        self.assertNotIn("AcceleratorTypes", request)  # empty: not sent
        self.assertNotIn("DefaultCodeRepository", request)
        self.assertEqual(request["Tags"], [{"Key": "team", "Value": "a"}])

    def test_lifecycle_configuration(self):
        self.assertEqual(create_notebook.create_request(manifest(), TARGET)["LifecycleConfigName"], "vpc-guard-restore-id")
        self.assertEqual(create_notebook.create_request(manifest("NoBackup"), TARGET)["LifecycleConfigName"], "my-setup")
        without = manifest("NoBackup", NotebookInstanceLifecycleConfigName="")
        self.assertNotIn("LifecycleConfigName", create_notebook.create_request(without, TARGET))

    def test_too_many_tags(self):
        with self.assertRaisesRegex(ValueError, "51 tags"):
            create_notebook.creatable_tags([{"Key": f"k{i}", "Value": ""} for i in range(51)])


class BackupHook(unittest.TestCase):
    EVENT = {
        "ConfigName": "vpc-guard-backup-id",
        "BackupBucketName": "bucket",
        "BackupPrefix": "prefix/sub",
        "NotebookName": "MyNotebook",
        "BackupId": "id",
        "Region": "eu-west-1",
    }

    def test_creates_the_configuration(self):
        with patched(create_backup_config, "sagemaker") as stubs:
            stubs["sagemaker"].add_response("create_notebook_instance_lifecycle_config", {})
            result = create_backup_config.handler(self.EVENT, None)
        self.assertEqual(result["ConfigName"], "vpc-guard-backup-id")
        self.assertIsInstance(result["StartedAt"], str)

    def test_rendered_hook(self):
        calls = []
        with patched(create_backup_config, "sagemaker") as stubs:
            client = stubs["sagemaker"].client
            client.meta.events.register(
                "before-parameter-build.sagemaker.*", lambda params, **_: calls.append(dict(params))
            )
            stubs["sagemaker"].add_client_error(
                "create_notebook_instance_lifecycle_config", service_message="Lifecycle config already exists"
            )
            stubs["sagemaker"].add_response("update_notebook_instance_lifecycle_config", {})
            create_backup_config.handler(self.EVENT, None)
        hook = base64.b64decode(calls[-1]["OnStart"][0]["Content"]).decode()
        self.assertIn("DATA_URI=s3://bucket/prefix/sub/MyNotebook/id/data/\n", hook)
        self.assertIn("MARKER_URI=s3://bucket/prefix/sub/MyNotebook/id/backup-complete.json\n", hook)
        self.assertIn("export AWS_DEFAULT_REGION=eu-west-1\n", hook)
        self.assertNotIn("__", hook.replace("__main__", ""))


if __name__ == "__main__":
    unittest.main()
