"""WorkflowEngine.get_state reads again when daprd 1.18.2 answers a read it calls a
transient store read failure (the instance's inbox key missing while it saves); any other
error, or the same one past the attempts, is raised. The SDK client is a fake."""

import asyncio
from typing import Any

import grpc
import pytest

from app.building_blocks.errors import DaprError
from app.building_blocks.workflows import WorkflowEngine

TORN = (
    "workflow 'w': inbox key 'inbox-000000' declared in metadata (inboxLength=1) but missing "
    "from state store (transient store read failure or partial save?)"
)


class _RpcError(grpc.RpcError):  # type: ignore[misc]
    def __init__(self, details: str) -> None:
        self._details = details

    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.UNKNOWN

    def details(self) -> str:
        return self._details


class _Client:
    """Answers with the errors given, then with a state."""

    def __init__(self, *errors: str) -> None:
        self.errors = list(errors)
        self.reads = 0

    def get_workflow_state(self, instance_id: str, fetch_payloads: bool = True) -> Any:
        self.reads += 1
        if self.errors:
            raise _RpcError(self.errors.pop(0))
        return "state"


def _engine(client: _Client) -> WorkflowEngine:
    engine = WorkflowEngine("127.0.0.1", 1)  # port 1: nothing listens, nothing connects
    engine._client = client
    return engine


def test_a_torn_read_is_read_again() -> None:
    client = _Client(TORN, TORN)
    assert asyncio.run(_engine(client).get_state("w")) == "state"
    assert client.reads == 3


def test_a_read_torn_every_time_is_an_error() -> None:
    client = _Client(TORN, TORN, TORN)
    with pytest.raises(DaprError):
        asyncio.run(_engine(client).get_state("w"))
    assert client.reads == 3


def test_other_errors_are_not_read_again() -> None:
    client = _Client("some other failure")
    with pytest.raises(DaprError):
        asyncio.run(_engine(client).get_state("w"))
    assert client.reads == 1
