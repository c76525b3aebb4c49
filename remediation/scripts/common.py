"""Shared helpers for the runbook's aws:executeScript steps.

The build inlines this module into every script step (SSM runs each step as one self-contained script),
so keep it small and free of side effects at import time.

Bucket layout under the backup prefix (see the README's threat model):
  <prefix>/data/<aws:userid>/<notebook>/<backup id>/   written by the notebook (its execution role's own area)
  <prefix>/runs/<notebook, lowercase>/<execution id>/  written by the automation role only (manifests)
"""

import base64
import hashlib
import json
import re
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
BACKUP_RECORD_FILE = "backup.json"
COMPLETED_FILE = "completed.json"
ARCHIVE_FILE = "volume.tar"
BACKUP_MARKER_FILE = "backup-complete.json"
RESTORE_MARKER_FILE = "restore-complete.json"
# Markers and manifests are small: a bigger object is refused unread, so nobody slows a run down by size.
MAX_RECORD_BYTES = 65536
# At most this many keys are listed in one area (a flood of keys cannot slow a run down either).
MAX_LISTED = 100

# Every value that reaches a hook's shell or a lifecycle configuration matches its pattern here.
PATTERNS = {
    "BUCKET": r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
    "PREFIX": r"[a-zA-Z0-9_.-]+(/[a-zA-Z0-9_.-]+)*",
    "NAME": r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
    "BACKUP_ID": r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}",
    "REGION": r"[a-z]{2}(-[a-z]+)+-[0-9]",
    "ROLE_ID": r"[A-Z0-9]{16,128}",
    "USER_ID": r"[A-Z0-9]{16,128}:[a-zA-Z0-9_+=,.@-]{2,64}",
    "SHA256": r"[0-9a-f]{64}",
    "FRESH_VOLUME": r"true|false",
}
# SageMaker takes a lifecycle configuration's script base64-encoded, at most this many characters.
MAX_HOOK_CHARACTERS = 16384


def client(service):
    return boto3.client(service, config=CLIENT_CONFIG)


def is_true(value):
    return str(value).strip().lower() == "true"


def checked(kind, value):
    """The value, when it matches PATTERNS[kind]; else a ValueError naming it."""
    if not isinstance(value, str) or not re.fullmatch(PATTERNS[kind], value):
        raise ValueError(f"Refusing {kind} {value!r}: it does not match {PATTERNS[kind]}")
    return value


def runs_of(prefix, name):
    """The automation role's own folder of a notebook's runs: <prefix>/runs/<notebook, lowercase>/"""
    return f"{prefix}/runs/{name.lower()}/"


def runs_root(prefix, name, execution_id):
    """The automation role's own folder of one run: <prefix>/runs/<notebook, lowercase>/<execution id>/"""
    return f"{runs_of(prefix, name)}{execution_id}/"


def data_root(prefix, user_id, name, backup_id):
    """A notebook role session's folder of one backup: <prefix>/data/<user id>/<notebook>/<backup id>/"""
    return f"{prefix}/data/{user_id}/{name}/{backup_id}/"


def temporary_config_name(purpose, backup_id):
    """Lifecycle configuration names: ≤63 characters of [a-zA-Z0-9-]; a UUID backup id fits."""
    return f"{TEMPORARY_CONFIG_PREFIX}{purpose}-{backup_id}"[:63].rstrip("-")


def sha256(data):
    return hashlib.sha256(data).hexdigest()


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


def list_tags(sagemaker, arn):
    tags = []
    for page in sagemaker.get_paginator("list_tags").paginate(ResourceArn=arn):
        tags.extend(page.get("Tags", []))
    return tags


def identity(notebook):
    """What tells two notebooks of the same name apart: the ARN and the creation time."""
    return {"NotebookArn": notebook["NotebookInstanceArn"], "CreationTime": notebook["CreationTime"].isoformat()}


def require_same_notebook(notebook, event):
    """Refuses to act on a notebook other than the one this run resolved (same name, created again meanwhile)."""
    pinned = {"NotebookArn": event["NotebookArn"], "CreationTime": event["CreationTime"]}
    if notebook is None or identity(notebook) != pinned:
        found = identity(notebook) if notebook else "none"
        raise RuntimeError(f"The notebook is no longer the one this run started with ({pinned}; now {found}): not touched")


class NotVerified(Exception):
    """A marker is missing (yet) or contradicts what is stored; the message says which."""

    pass  # the shipped script drops docstrings: the class still needs a body


def read_record(s3, event, key):
    """(JSON document, raw bytes, LastModified) of a small object, or None when it does not exist."""
    try:
        response = s3.get_object(
            Bucket=event["BackupBucketName"],
            Key=key,
            ExpectedBucketOwner=event["AccountId"],
            Range=f"bytes=0-{MAX_RECORD_BYTES - 1}",
        )
    except ClientError as error:
        if error_code(error) in ("NoSuchKey", "404", "NotFound"):
            return None
        raise
    total = int(response.get("ContentRange", "/0").rsplit("/", 1)[1])
    if total > MAX_RECORD_BYTES:
        raise NotVerified(f"s3://{event['BackupBucketName']}/{key} holds {total} bytes: not a record of ours")
    raw = response["Body"].read()
    return json.loads(raw), raw, response["LastModified"]


def write_json(s3, event, key, document):
    """Writes a JSON record; returns the bytes written."""
    body = json.dumps(document, sort_keys=True, default=str).encode("utf-8")
    s3.put_object(
        Bucket=event["BackupBucketName"],
        Key=key,
        Body=body,
        ContentType="application/json",
        ExpectedBucketOwner=event["AccountId"],
    )
    return body


def listed(s3, event, prefix):
    """The keys and next-level folders directly under a prefix (a delimited listing): at most MAX_LISTED."""
    arguments = {"Bucket": event["BackupBucketName"], "Prefix": prefix, "ExpectedBucketOwner": event["AccountId"]}
    found = []
    pages = s3.get_paginator("list_objects_v2").paginate(
        **arguments, Delimiter="/", PaginationConfig={"MaxItems": MAX_LISTED}
    )
    for page in pages:
        found += [item["Prefix"] for item in page.get("CommonPrefixes", [])]
        found += [item["Key"] for item in page.get("Contents", [])]
    return found


def session_users(s3, event):
    """The notebook role's sessions that wrote to the bucket: the <role id>:<session> of each area
    <prefix>/data/<role id>:<session>/ (only that role can write there)."""
    role_id = checked("ROLE_ID", event["NotebookRoleId"])
    roots = listed(s3, event, f"{event['BackupPrefix']}/data/{role_id}:")
    return [root.split("/")[-2] for root in roots if root.endswith("/")]


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


def fresh_marker(s3, event, marker_file, user_ids, ok_since=None):
    """(marker, user id) of the newest marker of this backup written since StartedAt, or None.

    S3 sets LastModified, not the writer. An older marker belongs to an earlier attempt and is ignored, except an
    ok one written since ok_since: a restore that already succeeded on this very notebook (its hook does not run
    again on a later start).
    """
    started, newest = int(event["StartedAt"]), None
    for user_id in user_ids:
        key = data_root(event["BackupPrefix"], user_id, event["NotebookName"], event["BackupId"]) + marker_file
        record = read_record(s3, event, key)
        written = record and record[2].timestamp()
        succeeded_here = ok_since is not None and written and written >= ok_since and record[0].get("Status") == "ok"
        if record and (written >= started or succeeded_here) and (newest is None or record[2] > newest[2]):
            newest = (record[0], user_id, record[2])
    return newest and newest[:2]


def await_marker(s3, event, marker_file, user_ids, ok_since=None):
    """The hook's fresh marker (from the areas of user_ids()) once it says ok; raises NotVerified while it is missing or
    when it reports otherwise.

    Each attempt polls until StartedAt + TimeoutMinutes or its own budget, whichever comes first; the step's
    maxAttempts turns "still missing" into another attempt.
    """
    deadline = int(event["StartedAt"]) + int(event["TimeoutMinutes"]) * 60
    budget = min(POLL_BUDGET_SECONDS, max(0, deadline - time.time()))
    found = poll(lambda: fresh_marker(s3, event, marker_file, user_ids(), ok_since), budget)
    where = f"{marker_file} of backup {event['BackupId']}"
    if found is None:
        if time.time() >= deadline:
            raise NotVerified(f"No {where} within the time allowed")
        raise NotVerified(f"No {where} yet; the next attempt keeps waiting")
    marker, user_id = found
    if marker.get("Status") != "ok":
        raise NotVerified(f"{where} reports {marker.get('Status')} (exit {marker.get('ExitCode')})")
    return marker, user_id


def verified_backup(s3, event, marker, user_id):
    """The backup record, when the archive in S3 is the one the marker describes and was written during this run."""
    key = data_root(event["BackupPrefix"], checked("USER_ID", user_id), event["NotebookName"], event["BackupId"])
    key += ARCHIVE_FILE
    digest = checked("SHA256", marker.get("Sha256"))
    try:
        head = s3.head_object(
            Bucket=event["BackupBucketName"], Key=key, ExpectedBucketOwner=event["AccountId"], ChecksumMode="ENABLED"
        )
    except ClientError as error:
        raise NotVerified(f"The archive s3://{event['BackupBucketName']}/{key} cannot be read ({error_code(error)})")
    if head["ContentLength"] != marker.get("Bytes") or head["LastModified"].timestamp() < int(event["StartedAt"]):
        raise NotVerified(
            f"The archive holds {head['ContentLength']} bytes written at {head['LastModified']}, not the "
            f"{marker.get('Bytes')} bytes of this run's marker"
        )
    # S3's own SHA-256, when it has one of the whole object (a multipart upload has one per part: "<b64>-<n>").
    stored = head.get("ChecksumSHA256", "")
    if stored and "-" not in stored and base64.b64decode(stored).hex() != digest:
        raise NotVerified(f"S3's SHA-256 of the archive is not the marker's {digest}")
    return {
        "Archive": key,
        "VersionId": head.get("VersionId", ""),
        "Bytes": head["ContentLength"],
        "Sha256": digest,
        "UserId": user_id,
        "Jupyter": marker.get("Jupyter", ""),
    }


def render(template, values):
    """The hook with each __NAME__ replaced by its value, shell-quoted, in ONE pass (a value cannot smuggle in a
    placeholder), every value first checked against its pattern."""
    for kind, value in values.items():
        checked(kind, value)
    return re.sub(r"__([A-Z0-9_]+)__", lambda match: shlex.quote(values[match.group(1)]), template)


def hook_content(hook):
    """A lifecycle configuration's on-start content: the hook, base64-encoded, within SageMaker's limit."""
    content = base64.b64encode(hook.encode("utf-8")).decode("ascii")
    if len(content) > MAX_HOOK_CHARACTERS:
        raise ValueError(f"The hook is {len(content)} base64 characters, over SageMaker's {MAX_HOOK_CHARACTERS}")
    return content

