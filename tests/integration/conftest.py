"""Clients for the running stack: the sidecar's SDK client and the app's HTTP API."""

from collections.abc import Iterator

import httpx
import pytest
from dapr.clients import DaprClient
from dapr.ext.workflow import DaprWorkflowClient

from devstack.stack import Stack


@pytest.fixture(scope="session", autouse=True)
def _sdk_for_integration(sdk_points_at_stack: None) -> None:
    """Every integration test may use ActorProxy, which reads the SDK's global settings."""


@pytest.fixture(scope="session")
def dapr(stack: Stack, sdk_points_at_stack: None) -> Iterator[DaprClient]:
    """The SDK's own client; it takes the stack's API token from the SDK's settings."""
    with DaprClient(address=stack.dapr_grpc_address) as client:
        yield client


@pytest.fixture(scope="session")
def workflow_client(stack: Stack, sdk_points_at_stack: None) -> DaprWorkflowClient:
    host, port = stack.dapr_grpc_address.rsplit(":", 1)
    return DaprWorkflowClient(host=host, port=port)


@pytest.fixture(scope="session")
def api(stack: Stack) -> Iterator[httpx.Client]:
    """/api/v1 as a client holding a token with every scope."""
    with stack.api_client() as client:
        yield client


@pytest.fixture(scope="session")
def sidecar_http(stack: Stack) -> Iterator[httpx.Client]:
    headers = stack.config.tokens.headers()
    with httpx.Client(base_url=stack.dapr_http_url, timeout=10.0, headers=headers) as client:
        yield client
