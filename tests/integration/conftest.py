"""Clients for the running stack: the sidecar's SDK client and the app's HTTP API."""

from collections.abc import Iterator

import httpx
import pytest
from dapr.clients import DaprClient
from dapr.ext.workflow import DaprWorkflowClient

from app.bootstrap import configure_sdk
from app.settings import Settings
from devstack.stack import Stack


@pytest.fixture(scope="session", autouse=True)
def sdk_points_at_stack(stack: Stack) -> None:
    """ActorProxy reads the SDK's process-wide settings; aim them at the test sidecar."""
    ports = stack.config.ports
    configure_sdk(Settings(dapr_http_port=ports.dapr_http, dapr_grpc_port=ports.dapr_grpc))


@pytest.fixture(scope="session")
def dapr(stack: Stack) -> Iterator[DaprClient]:
    with DaprClient(address=stack.dapr_grpc_address) as client:
        yield client


@pytest.fixture(scope="session")
def workflow_client(stack: Stack) -> DaprWorkflowClient:
    host, port = stack.dapr_grpc_address.rsplit(":", 1)
    return DaprWorkflowClient(host=host, port=port)


@pytest.fixture(scope="session")
def api(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.app_url, timeout=10.0) as client:
        yield client


@pytest.fixture(scope="session")
def sidecar_http(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.dapr_http_url, timeout=10.0) as client:
        yield client
