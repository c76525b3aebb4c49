import base64
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
import verify_restore
from stubs import BACKUP_ID, NOTEBOOK, PINNED, ROLE_ID, USER_ID, patched

# A run that started three hours ago with a 60-minute timeout: every poll looks once (no waiting in a test).
STARTED = int(time.time()) - 3 * 3600
NOW = datetime.datetime.fromtimestamp(STARTED + 60, datetime.timezone.utc)
LOCATION = {
    "BackupBucketName": "bucket",
    "BackupPrefix": "p",
    "AccountId": "123456789012",
    "NotebookName": "MyNotebook",
    "BackupId": BACKUP_ID,
    "NotebookRoleId": ROLE_ID,
}
AREA = f"p/data/{USER_ID}/MyNotebook/{BACKUP_ID}/"
RUN = f"p/runs/mynotebook/{BACKUP_ID}/"
SHA = "ab" * 32


def body(document, written=NOW):
    data = json.dumps(document).encode()
    return {
        "Body": StreamingBody(io.BytesIO(data), len(data)),
        "ContentRange": f"bytes 0-{len(data) - 1}/{len(data)}",
        "LastModified": written,
    }


def sessions(*users):
    return {"CommonPrefixes": [{"Prefix": f"p/data/{user}/"} for user in users], "KeyCount": len(users), "IsTruncated": False}


def head(length=1000, written=NOW, version="v1", checksum=None):
    return {"ContentLength": length, "LastModified": written, "VersionId": version,
            **({"ChecksumSHA256": checksum} if checksum else {})}


MARKER = {"Status": "ok", "ExitCode": 0, "Bytes": 1000, "Sha256": SHA, "Jupyter": "stopped"}


class VerifyBackup(unittest.TestCase):
    def run_with(self, s3_calls, started_at=None):
        event = {**LOCATION, "StartedAt": str(started_at or STARTED), "TimeoutMinutes": "60"}
        with patched(verify_backup, "s3") as stubs:
            s3_calls(stubs["s3"])
            return verify_backup.handler(event, None)

    def test_the_marker_and_the_archive_agree_and_the_record_goes_to_the_runs_folder(self):
        written = []

        def calls(s3):
            s3.add_response("list_objects_v2", sessions(USER_ID), {"Bucket": "bucket", "Prefix": f"p/data/{ROLE_ID}:",
                            "ExpectedBucketOwner": "123456789012", "Delimiter": "/"})
            s3.add_response("get_object", body(MARKER))
            s3.add_response("head_object", head(checksum=base64.b64encode(bytes.fromhex(SHA)).decode()))
            s3.client.meta.events.register("before-parameter-build.s3.PutObject", lambda params, **_: written.append(dict(params)))
            s3.add_response("put_object", {})

        result = self.run_with(calls)
        self.assertIn("Jupyter was stopped during the backup", result["Summary"])
        self.assertEqual(written[0]["Key"], f"{RUN}backup.json")
        self.assertEqual(
            json.loads(written[0]["Body"]),
            {"Archive": f"{AREA}volume.tar", "VersionId": "v1", "Bytes": 1000, "Sha256": SHA, "UserId": USER_ID,
             "Jupyter": "stopped"},
        )

    def test_an_archive_that_is_not_the_markers_is_not_verified(self):
        for archive in (head(length=999), head(written=NOW - datetime.timedelta(hours=1)),
                        head(checksum=base64.b64encode(b"x" * 32).decode())):
            def calls(s3, archive=archive):
                s3.add_response("list_objects_v2", sessions(USER_ID))
                s3.add_response("get_object", body(MARKER))
                s3.add_response("head_object", archive)

            with self.assertRaises(verify_backup.NotVerified, msg=str(archive)):
                self.run_with(calls)

    def test_a_marker_older_than_the_run_is_ignored(self):
        def calls(s3):
            s3.add_response("list_objects_v2", sessions(USER_ID))
            s3.add_response("get_object", body(MARKER, written=NOW - datetime.timedelta(days=1)))

        with self.assertRaisesRegex(verify_backup.NotVerified, "within the time allowed"):
            self.run_with(calls)

    def test_a_marker_over_the_size_cap_is_refused_unread(self):
        def calls(s3):
            s3.add_response("list_objects_v2", sessions(USER_ID))
            s3.add_response("get_object", {**body(MARKER), "ContentRange": "bytes 0-65535/104857600"})

        with self.assertRaisesRegex(verify_backup.NotVerified, "104857600 bytes: not a record of ours"):
            self.run_with(calls)

    def test_a_failed_or_changed_backup_is_not_verified(self):
        for status in ("failed", "changed"):
            def calls(s3, status=status):
                s3.add_response("list_objects_v2", sessions(USER_ID))
                s3.add_response("get_object", body({**MARKER, "Status": status}))

            with self.assertRaisesRegex(verify_backup.NotVerified, f"reports {status}"):
                self.run_with(calls)


class VerifyRestore(unittest.TestCase):
    MANIFEST = json.dumps({"BackupId": BACKUP_ID, "Notebook": {"NotebookInstanceName": "MyNotebook"},
                           "Backup": {"UserId": USER_ID, "Sha256": SHA}})

    def run_with(self, marker, written, creation_time=""):
        event = {**LOCATION, "Manifest": self.MANIFEST, "CreationTime": creation_time,
                 "StartedAt": str(STARTED), "TimeoutMinutes": "60"}
        with patched(verify_restore, "s3") as stubs:
            stubs["s3"].add_response("get_object", body(marker, written))
            return verify_restore.handler(event, None)

    def test_this_runs_marker_with_the_verified_sha256(self):
        self.assertEqual(self.run_with({"Status": "ok", "Sha256": SHA}, NOW), {"Sha256": SHA, "Restored": "in place"})

    def test_says_where_the_data_went_beside_files_the_notebook_had(self):
        restored = self.run_with({"Status": "ok", "Sha256": SHA, "Into": f"restored-{BACKUP_ID}"}, NOW)["Restored"]
        self.assertEqual(restored, f"into restored-{BACKUP_ID}/ beside the files the notebook already had (none overwritten)")

    def test_the_marker_is_read_from_the_backed_up_notebooks_area_whatever_the_replacement_is_called(self):
        event = {**LOCATION, "NotebookName": "Replacement", "Manifest": self.MANIFEST, "CreationTime": "",
                 "StartedAt": str(STARTED), "TimeoutMinutes": "60"}
        with patched(verify_restore, "s3") as stubs:
            stubs["s3"].add_response("get_object", body({"Status": "ok", "Sha256": SHA}, NOW),
                                     {"Bucket": LOCATION["BackupBucketName"], "ExpectedBucketOwner": LOCATION["AccountId"],
                                      "Key": f"{AREA}restore-complete.json", "Range": "bytes=0-65535"})
            verify_restore.handler(event, None)

    def test_a_restore_of_another_archive_is_not_verified(self):
        with self.assertRaisesRegex(verify_restore.NotVerified, "reports mismatch"):
            self.run_with({"Status": "mismatch", "Sha256": "00" * 32}, NOW)

    def test_an_earlier_failed_marker_is_ignored_an_earlier_success_on_this_notebook_counts(self):
        earlier = NOW - datetime.timedelta(minutes=30)
        created = (NOW - datetime.timedelta(hours=1)).isoformat()
        with self.assertRaisesRegex(verify_restore.NotVerified, "within the time allowed"):
            self.run_with({"Status": "failed", "Sha256": ""}, earlier, created)
        self.assertEqual(self.run_with({"Status": "ok", "Sha256": SHA}, earlier, created)["Sha256"], SHA)
        with self.assertRaisesRegex(verify_restore.NotVerified, "within the time allowed"):
            self.run_with({"Status": "ok", "Sha256": SHA}, earlier, NOW.isoformat())  # before this notebook existed


class RestoreOriginalState(unittest.TestCase):
    EVENT = {"Mode": "Recreate", "NotebookName": "MyNotebook", **PINNED, "OriginalLifecycleConfigName": "",
             "TemporaryConfigName": "vpc-guard-backup-id", "WasRunning": "true"}

    def test_detaches_the_temporary_configuration_and_starts_a_running_notebook_again(self):
        temporary = {**NOTEBOOK, "NotebookInstanceLifecycleConfigName": "vpc-guard-backup-id"}
        stopped = {**NOTEBOOK, "NotebookInstanceStatus": "Stopped"}
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
            self.assertEqual(restore_original_state.handler(self.EVENT, None), {"Status": "Pending"})

    def test_never_touches_another_notebook_created_under_the_same_name(self):
        newcomer = {**NOTEBOOK, "CreationTime": NOW}
        with patched(restore_original_state, "sagemaker") as stubs:
            stubs["sagemaker"].add_response("describe_notebook_instance", newcomer)
            with self.assertRaisesRegex(RuntimeError, "no longer the one this run started with"):
                restore_original_state.handler(self.EVENT, None)

    def test_after_the_delete_there_is_nothing_to_put_back(self):
        with self.assertRaisesRegex(RuntimeError, "already recreated"):
            restore_original_state.handler({**self.EVENT, "Mode": "ResumeCreate"}, None)


class PrepareManifest(unittest.TestCase):
    EVENT = {
        **LOCATION,
        **PINNED,
        "Mode": "Recreate",
        "ManifestKey": f"{RUN}manifest.json",
        "ManifestDigest": "",
        "DataPlan": "NoBackup",
        "WasRunning": "false",
        "StartedAt": "0",
        "ExecutionId": BACKUP_ID,
        "SubnetId": "subnet-1",
        "SecurityGroupIds": ["sg-1"],
        "DirectInternetAccess": "Disabled",
    }
    STOPPED = {**NOTEBOOK, "NotebookInstanceStatus": "Stopped"}

    def test_refuses_a_running_notebook(self):
        with patched(prepare_manifest, "sagemaker", "s3") as stubs:
            stubs["sagemaker"].add_response("describe_notebook_instance", NOTEBOOK)
            with self.assertRaisesRegex(RuntimeError, "InService, not stopped"):
                prepare_manifest.handler(self.EVENT, None)

    def test_refuses_a_notebook_created_again_under_the_same_name(self):
        with patched(prepare_manifest, "sagemaker", "s3") as stubs:
            stubs["sagemaker"].add_response("describe_notebook_instance", {**self.STOPPED, "CreationTime": NOW})
            with self.assertRaisesRegex(RuntimeError, "no longer the one this run started with"):
                prepare_manifest.handler(self.EVENT, None)

    def test_writes_configuration_and_tags_then_deletes_and_says_so(self):
        tags = [{"Key": "team", "Value": "a"}]
        written = []
        with patched(prepare_manifest, "sagemaker", "s3") as stubs:
            stubs["sagemaker"].add_response("describe_notebook_instance", self.STOPPED)
            stubs["sagemaker"].add_response("describe_notebook_instance_lifecycle_config", {})
            stubs["sagemaker"].add_response("list_tags", {"Tags": tags})
            stubs["s3"].client.meta.events.register("before-parameter-build.s3.PutObject", lambda params, **_: written.append(params["Body"]))
            stubs["s3"].add_response("put_object", {})
            stubs["sagemaker"].add_response("delete_notebook_instance", {}, {"NotebookInstanceName": "MyNotebook"})
            result = prepare_manifest.handler(self.EVENT, None)
        manifest = json.loads(written[0])
        self.assertEqual(manifest["Tags"], tags)
        self.assertEqual(manifest["Notebook"]["NotebookInstanceLifecycleConfigName"], "my-setup")
        self.assertEqual(json.loads(result["Manifest"]), manifest)
        self.assertEqual(result["ManifestDigest"], __import__("hashlib").sha256(written[0]).hexdigest())
        self.assertEqual(result["Deleted"], "true")

    def backup_checked(self, marker, archive):
        event = {**self.EVENT, "DataPlan": "Backup"}
        record = {"Archive": f"{AREA}volume.tar", "VersionId": "v1", "Bytes": 1000, "Sha256": SHA, "UserId": USER_ID}
        with patched(prepare_manifest, "sagemaker", "s3") as stubs:
            stubs["sagemaker"].add_response("describe_notebook_instance", self.STOPPED)
            stubs["sagemaker"].add_response("describe_notebook_instance_lifecycle_config", {})
            stubs["sagemaker"].add_response("list_tags", {"Tags": []})
            stubs["s3"].add_response("get_object", body(record), {"Bucket": "bucket", "Key": f"{RUN}backup.json",
                                     "ExpectedBucketOwner": "123456789012", "Range": "bytes=0-65535"})
            stubs["s3"].add_response("get_object", body(marker))
            if marker["Status"] == "ok":
                stubs["s3"].add_response("head_object", archive)
            return prepare_manifest.handler(event, None)

    def test_nothing_is_deleted_when_the_backup_changed_since_it_was_verified(self):
        for marker, archive in (({**MARKER, "Status": "changed"}, None), (MARKER, head(version="v2"))):
            with self.assertRaisesRegex(prepare_manifest.NotVerified, "nothing was deleted"):
                self.backup_checked(marker, archive)


class Finish(unittest.TestCase):
    MANIFEST = {"WasRunning": True, "DataPlan": "Backup", "BackupId": BACKUP_ID,
                "Notebook": {**NOTEBOOK, "SecurityGroups": []},
                "Backup": {"Archive": f"{AREA}volume.tar", "Sha256": SHA, "Jupyter": "stopped"}}
    EVENT = {**LOCATION, "Mode": "Recreate", "Manifest": json.dumps(MANIFEST, default=str), "ExecutionId": BACKUP_ID,
             "WasRunning": "true", "RestoreConfigName": "vpc-guard-restore-id"}
    RECREATED = {**NOTEBOOK, "SubnetId": "subnet-1", "SecurityGroups": ["sg-1"], "DirectInternetAccess": "Disabled"}

    def test_starts_a_notebook_that_was_running_cleans_up_and_marks_the_run_completed(self):
        tagged = []
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
            stubs["s3"].client.meta.events.register(
                "before-parameter-build.s3.PutObjectTagging", lambda params, **_: tagged.append(params["Key"])
            )
            for _ in range(6):
                stubs["s3"].add_response("put_object_tagging", {})
            result = finish.handler(self.EVENT, None)
        self.assertEqual(result["FinalStatus"], "InService")
        self.assertEqual(result["SubnetId"], "none -> subnet-1")
        self.assertIn("Jupyter stopped during the backup", result["Backup"])
        self.assertEqual(sorted(tagged), sorted([
            f"{RUN}manifest.json", f"{RUN}completed.json", f"{RUN}backup.json",
            f"{AREA}volume.tar", f"{AREA}backup-complete.json", f"{AREA}restore-complete.json",
        ]))

    def test_backup_only_completes_nothing_and_says_how_to_restore(self):
        running = {**NOTEBOOK, "SecurityGroups": []}
        with patched(finish, "sagemaker", "s3") as stubs:
            stubs["sagemaker"].add_response("describe_notebook_instance", running)
            stubs["sagemaker"].add_response("describe_notebook_instance", running)
            result = finish.handler({**self.EVENT, "Mode": "BackupOnly"}, None)
        self.assertEqual((result["SubnetId"], result["FinalStatus"]), ("none (unchanged)", "InService"))
        self.assertIn(f"Mode=RestoreOnly and BackupExecutionId={BACKUP_ID}", result["Backup"])

    def test_a_notebook_that_cannot_reach_its_final_state_leaves_the_run_unfinished(self):
        failed = {**self.RECREATED, "NotebookInstanceStatus": "Failed"}
        with patched(finish, "sagemaker", "s3") as stubs:
            stubs["sagemaker"].add_response("describe_notebook_instance", failed)
            stubs["sagemaker"].add_response("delete_notebook_instance_lifecycle_config", {})
            stubs["sagemaker"].add_response("describe_notebook_instance", failed)
            with self.assertRaisesRegex(RuntimeError, "is Failed, not InService"):
                finish.handler(self.EVENT, None)


if __name__ == "__main__":
    unittest.main()
