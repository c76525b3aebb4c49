import base64
import datetime
import unittest

import check_notebook
import create_notebook
from stubs import BACKUP_ID, NOTEBOOK, ROLE_ID, USER_ID, patched

TARGET = {
    "SubnetId": "subnet-0aaaaaaaaaaaaaaa1",
    "SecurityGroupIds": ["sg-1", "sg-2", "sg-1"],
    "DirectInternetAccess": "Disabled",
    "RestoreConfigName": "vpc-guard-restore-id",
}


SHA = "a" * 64


def manifest(plan="Backup", **notebook):
    return {
        "DataPlan": plan,
        "BackupId": BACKUP_ID,
        "Backup": {"UserId": USER_ID, "Sha256": SHA} if plan == "Backup" else None,
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


def restore_hook(event):
    """The restore hook CreateNotebook installs, decoded, with the lifecycle configuration name it used."""
    calls = []
    with patched(create_notebook, "sagemaker") as stubs:
        client = stubs["sagemaker"].client
        client.meta.events.register("before-parameter-build.sagemaker.*", lambda params, **_: calls.append(dict(params)))
        # It first waits until the old notebook is gone.
        stubs["sagemaker"].add_client_error(
            "describe_notebook_instance", service_error_code="ValidationException", service_message="RecordNotFound"
        )
        stubs["sagemaker"].add_client_error(
            "create_notebook_instance_lifecycle_config", service_message="Lifecycle config already exists"
        )
        stubs["sagemaker"].add_response("update_notebook_instance_lifecycle_config", {})
        stubs["sagemaker"].add_response("create_notebook_instance", {"NotebookInstanceArn": "arn"})
        create_notebook.handler(event, None)
    update = next(call for call in calls if "OnStart" in call)
    return update["NotebookInstanceLifecycleConfigName"], base64.b64decode(update["OnStart"][0]["Content"]).decode()


def backup_hook(backup_id=BACKUP_ID):
    """The backup hook the check renders into its facts (Hook), decoded."""
    event = {"BackupBucketName": "bucket", "BackupPrefix": "prefix/sub", "Region": "eu-west-1"}
    role = {"Path": "/", "RoleName": "NotebookRole", "RoleId": ROLE_ID, "Arn": NOTEBOOK["RoleArn"],
            "CreateDate": datetime.datetime(2026, 1, 1)}
    with patched(check_notebook, "iam") as stubs:
        stubs["iam"].add_response("get_role", {"Role": role})
        found = check_notebook.facts("MyNotebook", event, backup_id, "Backup", True, "", NOTEBOOK)
    return base64.b64decode(found["Hook"]).decode()


class Hooks(unittest.TestCase):
    EVENT = {
        "BackupBucketName": "bucket",
        "BackupPrefix": "prefix/sub",
        "NotebookName": "MyNotebook",
        "BackupId": BACKUP_ID,
        "NotebookRoleId": ROLE_ID,
        "Region": "eu-west-1",
    }

    def test_the_backup_hook_gets_each_value_once_and_checked(self):
        hook = backup_hook()
        for line in ("BUCKET=bucket", "PREFIX=prefix/sub", "NAME=MyNotebook", f"BACKUP_ID={BACKUP_ID}",
                     f"ROLE_ID={ROLE_ID}", "export AWS_DEFAULT_REGION=eu-west-1"):
            self.assertIn(f"\n{line}\n", hook)
        self.assertNotRegex(hook, "__[A-Z_]+__")

    def test_a_value_that_fails_its_pattern_renders_nothing(self):
        with self.assertRaisesRegex(ValueError, "Refusing BACKUP_ID"):
            backup_hook("x';reboot;'")

    def test_the_restore_hook_names_the_verified_archive_and_its_sha256(self):
        event = {**TARGET, **self.EVENT, "Manifest": __import__("json").dumps(manifest(), default=str)}
        name, hook = restore_hook(event)
        self.assertEqual(name, "vpc-guard-restore-id")
        for line in (f"USER_ID={USER_ID}", f"SHA256={SHA}", f"BACKUP_ID={BACKUP_ID}", "NAME=MyNotebook",
                     "FRESH_VOLUME=true"):
            self.assertIn(f"\n{line}\n", hook)


if __name__ == "__main__":
    unittest.main()
