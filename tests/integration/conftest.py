"""Clients for the running stack: the sidecar's SDK client and the app's HTTP API."""

from collections.abc import Iterator

import httpx
import pytest
from dapr.clients import DaprClient
from dapr.ext.workflow import DaprWorkflowClient

from devstack.stack import Stack
from tests.conftest import TEST_APP_ENV
from tests.support.operator_stack import operator_stack as started_operator_stack


@pytest.fixture(scope="session", autouse=True)
def _sdk_for_integration(sdk_points_at_stack: None) -> None:
    """Every integration test may use ActorProxy, which reads the SDK's global settings."""


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


@pytest.fixture(scope="session")
def operator_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack for the dashboard's and the CLI's tests, where orders wait 10 minutes for
    approval (6 s in `stack`): an operator's steps, slow on a loaded machine, never race
    the approval timer."""
    with started_operator_stack(tmp_path_factory.mktemp("operator"), TEST_APP_ENV) as stack:
        yield stack
