"""Runs the runbook's shipped aws:executeScript code against the TypeScript fake AWS.

Protocol (one JSON object per line): once set up, the bridge sends {"type": "ready"}; then the test sends
{"type": "run", script, handler, payload, now, timeoutAt}; while the script runs, every boto3 call becomes
{"type": "call", service, operation, params} answered by {"ok": true, "body"} or {"ok": false, "status",
"error": {Code, Message}}, and every time.sleep becomes {"type": "sleep", seconds} answered by {"now"} (the
fake's virtual clock). The run ends with {"type": "done", "ok", "result" | "error"}. Real botocore validates
every request's parameters.
"""

import datetime
import io
import json
import sys
import time

import boto3
from botocore.response import StreamingBody

clock = {"now": 0.0, "timeout_at": None}


class StepTimedOut(BaseException):
    """The step's timeoutSeconds passed in virtual time (BaseException: scripts must not catch it)."""


def send(message):
    sys.stdout.write(json.dumps(message, default=str) + "\n")
    sys.stdout.flush()


def receive():
    line = sys.stdin.readline()
    if not line:
        sys.exit(0)
    return json.loads(line)


def fake_sleep(seconds):
    send({"type": "sleep", "seconds": seconds})
    clock["now"] = receive()["now"]
    if clock["timeout_at"] is not None and clock["now"] > clock["timeout_at"]:
        raise StepTimedOut(f"step timed out at {clock['now']}")


time.sleep = fake_sleep
time.time = lambda: clock["now"]
time.monotonic = lambda: clock["now"]


class FakeHttpResponse:
    def __init__(self, status_code):
        self.status_code = status_code
        self.headers = {}
        self.content = b""
        self.raw = None


def encodable(value):
    if hasattr(value, "read") and hasattr(value, "seek"):
        # botocore turns a PutObject Body into a file-like object before we see it.
        position = value.tell()
        data = value.read()
        value.seek(position)
        return encodable(data)
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8")
    if isinstance(value, dict):
        return {key: encodable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [encodable(item) for item in value]
    return value


def capture_parameters(params, context, **_kwargs):
    context["simulation_params"] = encodable(dict(params))


def answer(model, context, **_kwargs):
    service = model.service_model.service_name
    send({"type": "call", "service": service, "operation": model.name, "params": context["simulation_params"]})
    reply = receive()
    clock["now"] = reply.get("now", clock["now"])
    metadata = {"HTTPStatusCode": reply.get("status", 200), "RequestId": "simulated"}
    if not reply["ok"]:
        return FakeHttpResponse(reply["status"]), {"Error": reply["error"], "ResponseMetadata": metadata}
    body = dict(reply["body"])
    if service == "s3" and model.name == "GetObject":
        data = body["Body"].encode("utf-8")
        body["Body"] = StreamingBody(io.BytesIO(data), len(data))
    for key in ("LastModified", "CreationTime", "LastModifiedTime"):
        if isinstance(body.get(key), (int, float)):
            body[key] = datetime.datetime.fromtimestamp(body[key], datetime.timezone.utc)
    for item in body.get("Contents", []):
        item["LastModified"] = datetime.datetime.fromtimestamp(item["LastModified"], datetime.timezone.utc)
    body["ResponseMetadata"] = metadata
    return FakeHttpResponse(200), body


session = boto3.session.Session(
    region_name="eu-west-1", aws_access_key_id="simulated", aws_secret_access_key="simulated"
)
session.events.register_first("before-parameter-build", capture_parameters)
session.events.register("before-call", answer)
boto3.DEFAULT_SESSION = session
send({"type": "ready"})


def run(message):
    clock["now"] = message["now"]
    clock["timeout_at"] = message.get("timeoutAt")
    namespace = {"__name__": "ssm_step"}
    try:
        exec(compile(message["script"], message.get("name", "step"), "exec"), namespace)
        result = namespace[message["handler"]](message["payload"], None)
        send({"type": "done", "ok": True, "result": result, "now": clock["now"]})
    except SystemExit:
        raise
    except BaseException as error:  # the whole point: report every failure, including timeouts
        send({"type": "done", "ok": False, "error": f"{type(error).__name__}: {error}", "now": clock["now"]})


while True:
    run(receive())
