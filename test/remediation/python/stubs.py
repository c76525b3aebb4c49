"""Shared test helpers: real botocore clients with Stubber, patched into a shipped script's client()."""

import contextlib
import datetime
from unittest import mock

import boto3
from botocore.stub import Stubber


def stubbed_clients(*services):
    clients = {
        service: boto3.client(
            service, region_name="eu-west-1", aws_access_key_id="test", aws_secret_access_key="test"
        )
        for service in services
    }
    return clients, {service: Stubber(client) for service, client in clients.items()}


@contextlib.contextmanager
def patched(module, *services, all_used=True):
    """Yields the Stubbers; module.client(service) returns the stubbed client; sleeping is instant. all_used=False:
    a test that expects a failure part-way may leave responses queued."""
    clients, stubbers = stubbed_clients(*services)
    with contextlib.ExitStack() as stack:
        for stubber in stubbers.values():
            stack.enter_context(stubber)
        stack.enter_context(mock.patch.object(module, "client", side_effect=lambda service: clients[service]))
        stack.enter_context(mock.patch("time.sleep"))
        yield stubbers
        for stubber in stubbers.values() if all_used else ():
            stubber.assert_no_pending_responses()


def not_found(stubber, method, message="RecordNotFound"):
    stubber.add_client_error(method, service_error_code="ValidationException", service_message=message)


CREATED = datetime.datetime(2027, 1, 1, 12, 0, tzinfo=datetime.timezone.utc)
BACKUP_ID = "11111111-2222-4333-8444-555555555555"
ROLE_ID = "AROAEXAMPLENOTEBOOK1"
USER_ID = f"{ROLE_ID}:SageMaker"
NOTEBOOK = {
    "CreationTime": CREATED,
    "NotebookInstanceArn": "arn:aws:sagemaker:eu-west-1:123456789012:notebook-instance/mynotebook",
    "NotebookInstanceName": "MyNotebook",
    "NotebookInstanceStatus": "InService",
    "InstanceType": "ml.t3.medium",
    "RoleArn": "arn:aws:iam::123456789012:role/NotebookRole",
    "DirectInternetAccess": "Enabled",
    "VolumeSizeInGB": 5,
    "NotebookInstanceLifecycleConfigName": "my-setup",
}

# The notebook above as the runbook pins it (ResolveNotebook's NotebookArn and CreationTime).
PINNED = {"NotebookArn": NOTEBOOK["NotebookInstanceArn"], "CreationTime": CREATED.isoformat()}
