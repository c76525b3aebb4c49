import datetime
import io
import json
import time
import unittest

from botocore.response import StreamingBody

import finish
import prepare_manifest
import restore_original_state
import verify_backup
from stubs import NOTEBOOK, patched

LOCATION = {"BackupBucketName": "bucket", "BackupPrefix": "p", "NotebookName": "MyNotebook", "BackupId": "id"}
NOW = datetime.datetime(2027, 1, 1, tzinfo=datetime.timezone.utc)


def body(document):
    data = json.dumps(document).encode()
    return {"Body": StreamingBody(io.BytesIO(data), len(data))}


def listing(*sizes):
    contents = [{"Key": f"p/MyNotebook/id/data/f{i}", "Size": size, "LastModified": NOW} for i, size in enumerate(sizes)]
    return {"Contents": contents, "IsTruncated": False, "KeyCount": len(contents)}


class VerifyBackup(unittest.TestCase):
    def run_with(self, marker, *sizes, started_at=None):
        event = {**LOCATION, "StartedAt": str(started_at or int(time.time())), "TimeoutMinutes": "60"}
        with patched(verify_backup, "s3") as stubs:
            if marker is None:
                stubs["s3"].add_client_error("get_object", service_error_code="NoSuchKey", http_status_code=404)
            else:
                stubs["s3"].add_response("get_object", body(marker))
                if marker.get("Status") == "ok":
                    stubs["s3"].add_response("list_objects_v2", listing(*sizes))
            return verify_backup.handler(event, None)

    def test_marker_matching_s3(self):
        marker = {"Status": "ok", "ExitCode": 0, "Files": 2, "Bytes": 30}
        self.assertEqual(self.run_with(marker, 10, 20), {"FileCount": "2", "TotalBytes": "30"})

    def test_marker_contradicting_s3(self):
        with self.assertRaisesRegex(verify_backup.NotVerified, "S3 holds 1 files / 10 bytes"):
            self.run_with({"Status": "ok", "ExitCode": 0, "Files": 2, "Bytes": 30}, 10)

    def test_failed_copy(self):
        with self.assertRaisesRegex(verify_backup.NotVerified, "reports failed"):
            self.run_with({"Status": "failed", "ExitCode": 2, "Files": 0, "Bytes": 0})

    def test_no_marker_after_the_deadline(self):
        with self.assertRaisesRegex(verify_backup.NotVerified, "within the time allowed"):
            self.run_with(None, started_at=int(time.time()) - 7200)


class RestoreOriginalState(unittest.TestCase):
    def test_detaches_the_temporary_configuration_and_starts_a_running_notebook_again(self):
        temporary = {**NOTEBOOK, "NotebookInstanceLifecycleConfigName": "vpc-guard-backup-id"}
        stopped = {**NOTEBOOK, "NotebookInstanceStatus": "Stopped"}
        event = {"NotebookName": "MyNotebook", "OriginalLifecycleConfigName": "", "TemporaryConfigName": "vpc-guard-backup-id", "WasRunning": "true"}
        with patched(restore_original_state, "sagemaker") as stubs:
            sagemaker = stubs["sagemaker"]
            sagemaker.add_response("describe_notebook_instance", temporary)
            sagemaker.add_response("describe_notebook_instance", temporary)
            sagemaker.add_response("stop_notebook_instance", {})
            sagemaker.add_response("describe_notebook_instance", stopped)
            sagemaker.add_response(
                "update_notebook_instance", {}, {"NotebookInstanceName": "MyNotebook", "DisassociateLifecycleConfig": True}
            )
            sagemaker.add_response("describe_notebook_instance", {**stopped, "NotebookInstanceStatus": "Updating"})
            sagemaker.add_response("describe_notebook_instance", stopped)
            sagemaker.add_response("delete_notebook_instance_lifecycle_config", {})
            sagemaker.add_response("describe_notebook_instance", stopped)
            sagemaker.add_response("start_notebook_instance", {})
            self.assertEqual(restore_original_state.handler(event, None), {"Status": "Pending"})


class PrepareManifest(unittest.TestCase):
    EVENT = {
        **LOCATION,
        "Mode": "Recreate",
        "ManifestKey": "p/MyNotebook/id/manifest.json",
        "DataPlan": "NoBackup",
        "WasRunning": "false",
        "ExecutionId": "id",
        "SubnetId": "subnet-1",
        "SecurityGroupIds": ["sg-1"],
        "DirectInternetAccess": "Disabled",
    }

    def test_refuses_a_running_notebook(self):
        with patched(prepare_manifest, "sagemaker", "s3") as stubs:
            stubs["sagemaker"].add_response("describe_notebook_instance", NOTEBOOK)
            with self.assertRaisesRegex(RuntimeError, "InService, not stopped"):
                prepare_manifest.handler(self.EVENT, None)

    def test_writes_configuration_and_tags_before_the_delete(self):
        stopped = {**NOTEBOOK, "NotebookInstanceStatus": "Stopped"}
        tags = [{"Key": "team", "Value": "a"}]
        written = []
        with patched(prepare_manifest, "sagemaker", "s3") as stubs:
            stubs["sagemaker"].add_response("describe_notebook_instance", stopped)
            stubs["sagemaker"].add_response("describe_notebook_instance_lifecycle_config", {})
            stubs["sagemaker"].add_response("list_tags", {"Tags": tags})
            stubs["s3"].client.meta.events.register("before-parameter-build.s3.PutObject", lambda params, **_: written.append(params["Body"]))
            stubs["s3"].add_response("put_object", {})
            result = prepare_manifest.handler(self.EVENT, None)
        manifest = json.loads(written[0])
        self.assertEqual(manifest["State"], "Deleting")
        self.assertEqual(manifest["Tags"], tags)
        self.assertEqual(manifest["Notebook"]["NotebookInstanceLifecycleConfigName"], "my-setup")
        self.assertEqual(json.loads(result["Manifest"]), manifest)


class Finish(unittest.TestCase):
    MANIFEST = {"WasRunning": True, "DataPlan": "Backup", "Notebook": {**NOTEBOOK, "SecurityGroups": []}}
    EVENT = {
        "Manifest": json.dumps(MANIFEST),
        "BackupBucketName": "bucket",
        "ManifestKey": "k",
        "BackupUri": "s3://bucket/p/",
        "RestoreConfigName": "vpc-guard-restore-id",
    }
    RECREATED = {**NOTEBOOK, "SubnetId": "subnet-1", "SecurityGroups": ["sg-1"], "DirectInternetAccess": "Disabled"}

    def test_starts_a_notebook_that_was_running_cleans_up_and_completes_the_manifest(self):
        with patched(finish, "sagemaker", "s3") as stubs:
            sagemaker = stubs["sagemaker"]
            sagemaker.add_response("describe_notebook_instance", {**self.RECREATED, "NotebookInstanceStatus": "Stopped"})
            sagemaker.add_response("start_notebook_instance", {})
            sagemaker.add_response("describe_notebook_instance", self.RECREATED)
            sagemaker.add_client_error(
                "delete_notebook_instance_lifecycle_config", service_error_code="ValidationException",
                service_message="Lifecycle config does not exist",
            )
            sagemaker.add_response("describe_notebook_instance", self.RECREATED)
            stubs["s3"].add_response("put_object", {})
            result = finish.handler(self.EVENT, None)
        self.assertEqual(result["FinalStatus"], "InService")
        self.assertEqual(result["SubnetId"], "none -> subnet-1")

    def test_a_notebook_that_cannot_reach_its_final_state_leaves_the_manifest_unfinished(self):
        failed = {**self.RECREATED, "NotebookInstanceStatus": "Failed"}
        with patched(finish, "sagemaker", "s3") as stubs:
            stubs["sagemaker"].add_response("describe_notebook_instance", failed)
            stubs["sagemaker"].add_response("delete_notebook_instance_lifecycle_config", {})
            stubs["sagemaker"].add_response("describe_notebook_instance", failed)
            with self.assertRaisesRegex(RuntimeError, "is Failed, not InService"):
                finish.handler(self.EVENT, None)


if __name__ == "__main__":
    unittest.main()
