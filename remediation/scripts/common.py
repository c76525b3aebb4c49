"""Shared helpers for the runbook's aws:executeScript steps.

The build inlines this module into every script step (SSM runs each step as one self-contained script),
so keep it small and free of side effects at import time.
"""

import base64
import json
import shlex
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

# aws:executeScript has no automatic throttling retry: botocore's standard mode retries for us.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 10})

# One aws:executeScript step may run 600 s; each polling step stays well inside that.
POLL_BUDGET_SECONDS = 540
POLL_INTERVAL_SECONDS = 15

TEMPORARY_CONFIG_PREFIX = "vpc-guard-"
MANIFEST_FILE = "manifest.json"
BACKUP_MARKER_FILE = "backup-complete.json"
RESTORE_MARKER_FILE = "restore-complete.json"


def client(service):
    return boto3.client(service, config=CLIENT_CONFIG)


def is_true(value):
    return str(value).strip().lower() == "true"


def backup_root(prefix, notebook_name, backup_id):
    """s3 key prefix (no bucket) of one backup: <prefix>/<notebook>/<backup id>/"""
    return f"{prefix.strip('/')}/{notebook_name}/{backup_id}/"


def data_prefix(prefix, notebook_name, backup_id):
    return backup_root(prefix, notebook_name, backup_id) + "data/"


def temporary_config_name(purpose, backup_id):
    """Lifecycle configuration names: ≤63 characters of [a-zA-Z0-9-]; a UUID backup id fits."""
    return f"{TEMPORARY_CONFIG_PREFIX}{purpose}-{backup_id}"[:63].rstrip("-")


def error_code(error):
    return error.response.get("Error", {}).get("Code", "")


def is_not_found(error):
    """SageMaker reports a missing notebook or lifecycle configuration as a ValidationException."""
    message = error.response.get("Error", {}).get("Message", "")
    return error_code(error) in ("ValidationException", "ResourceNotFound") and (
        "does not exist" in message or "RecordNotFound" in message or "not found" in message.lower()
    )


def describe_notebook(sagemaker, name):
    """DescribeNotebookInstance, or None when the notebook does not exist."""
    try:
        return sagemaker.describe_notebook_instance(NotebookInstanceName=name)
    except ClientError as error:
        if is_not_found(error):
            return None
        raise


def read_json(s3, bucket, key):
    """An S3 JSON object, or None when it does not exist."""
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as error:
        if error_code(error) in ("NoSuchKey", "404", "NotFound"):
            return None
        raise
    return json.loads(body)


def write_json(s3, bucket, key, document):
    s3.put_object(
        Bucket=bucket,
        Key=key,
        Body=json.dumps(document, indent=2, sort_keys=True, default=str).encode("utf-8"),
        ContentType="application/json",
    )


def list_objects(s3, bucket, prefix):
    """Every object under a prefix as {key: size}."""
    objects = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            objects[item["Key"]] = item["Size"]
    return objects


def poll(check, budget_seconds=POLL_BUDGET_SECONDS, interval_seconds=POLL_INTERVAL_SECONDS):
    """Calls check() until it returns a value other than None or the budget is spent (then None)."""
    deadline = time.time() + budget_seconds
    while True:
        result = check()
        if result is not None:
            return result
        if time.time() + interval_seconds > deadline:
            return None
        time.sleep(interval_seconds)


def wait_for_status(sagemaker, name, statuses, budget_seconds=POLL_BUDGET_SECONDS):
    """Waits until the notebook's status is one of `statuses`; returns it, or raises on timeout."""

    def current():
        notebook = describe_notebook(sagemaker, name)
        status = notebook["NotebookInstanceStatus"] if notebook else "Absent"
        return status if status in statuses else None

    status = poll(current, budget_seconds)
    if status is None:
        raise TimeoutError(f"Notebook {name} did not reach {'/'.join(statuses)} within {budget_seconds} s")
    return status


class NotVerified(Exception):
    """A marker is missing (yet) or contradicts what is stored; the message says which."""

    pass  # the shipped script drops docstrings: the class still needs a body


def verified_backup(s3, bucket, prefix, name, backup_id, marker=None):
    """The backup's file count and bytes, when its marker says ok and matches the objects under data/."""
    if marker is None:
        marker = read_json(s3, bucket, backup_root(prefix, name, backup_id) + BACKUP_MARKER_FILE)
    if marker is None or marker.get("Status") != "ok":
        raise NotVerified(f"No successful backup marker for {name} backup {backup_id}")
    objects = list_objects(s3, bucket, data_prefix(prefix, name, backup_id))
    stored_files, stored_bytes = len(objects), sum(objects.values())
    if (stored_files, stored_bytes) != (marker["Files"], marker["Bytes"]):
        raise NotVerified(
            f"Backup marker reports {marker['Files']} files / {marker['Bytes']} bytes but S3 holds "
            f"{stored_files} files / {stored_bytes} bytes"
        )
    return {"FileCount": str(stored_files), "TotalBytes": str(stored_bytes)}


def install_hook(event, template, marker_file):
    """Creates (or, on a rerun, updates) the temporary lifecycle configuration running `template` on start.

    The template's __PLACEHOLDERS__ become shell-quoted values; SageMaker takes the script base64-encoded,
    at most 16384 characters.
    """
    bucket, prefix = event["BackupBucketName"], event["BackupPrefix"]
    name, backup_id = event["NotebookName"], event["BackupId"]
    values = {
        "__DATA_URI__": f"s3://{bucket}/{data_prefix(prefix, name, backup_id)}",
        "__MARKER_URI__": f"s3://{bucket}/{backup_root(prefix, name, backup_id)}{marker_file}",
        "__REGION__": event["Region"],
        "__BACKUP_ID__": backup_id,
    }
    for placeholder, value in values.items():
        template = template.replace(placeholder, shlex.quote(value))
    content = base64.b64encode(template.encode("utf-8")).decode("ascii")
    if len(content) > 16384:
        raise ValueError(f"The hook is {len(content)} base64 characters, over SageMaker's 16384")

    sagemaker = client("sagemaker")
    config_name, on_start = event["ConfigName"], [{"Content": content}]
    try:
        sagemaker.create_notebook_instance_lifecycle_config(
            NotebookInstanceLifecycleConfigName=config_name, OnStart=on_start
        )
    except ClientError as error:
        if "already exists" not in error.response.get("Error", {}).get("Message", ""):
            raise
        # A resumed run reuses the name of the run that made the backup: make the content current.
        sagemaker.update_notebook_instance_lifecycle_config(
            NotebookInstanceLifecycleConfigName=config_name, OnStart=on_start
        )
    return {"ConfigName": config_name, "StartedAt": str(int(time.time()))}


def await_marker(s3, event, marker_file):
    """The hook's marker once it says ok; raises NotVerified while it is missing or when it reports failure.

    Each attempt polls until StartedAt + TimeoutMinutes or its own budget, whichever comes first; the step's
    maxAttempts turns "still missing" into another attempt.
    """
    bucket = event["BackupBucketName"]
    key = backup_root(event["BackupPrefix"], event["NotebookName"], event["BackupId"]) + marker_file
    deadline = int(event["StartedAt"]) + int(event["TimeoutMinutes"]) * 60
    budget = min(POLL_BUDGET_SECONDS, max(0, deadline - time.time()))
    marker = poll(lambda: read_json(s3, bucket, key), budget)
    if marker is None:
        if time.time() >= deadline:
            raise NotVerified(f"No marker at s3://{bucket}/{key} within the time allowed")
        raise NotVerified(f"No marker at s3://{bucket}/{key} yet; the next attempt keeps waiting")
    if marker.get("Status") != "ok":
        raise NotVerified(f"s3://{bucket}/{key} reports {marker.get('Status')} (exit {marker.get('ExitCode')})")
    return marker
