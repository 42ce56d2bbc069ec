"""BindingsManager's checks and its reading of daprd's errors, with a fake sidecar client."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from app.building_blocks.bindings import BindingsManager
from app.building_blocks.client import DaprClientWrapper, DaprConfig
from app.building_blocks.errors import (
    ComponentNotFoundError,
    DaprError,
    DaprTimeoutError,
    InvalidRequestError,
    NotSupportedError,
)


class FailingSidecar(DaprClientWrapper):
    """Counts gRPC calls and fails each with `error`, as the wrapper would raise it."""

    def __init__(self, error: DaprError) -> None:
        super().__init__(DaprConfig())
        self.error = error
        self.calls = 0

    async def grpc_call(
        self,
        operation: str,
        call: Callable[[Any], Awaitable[Any]],
        timeout_s: float | None = None,
        **context: Any,
    ) -> Any:
        self.calls += 1
        raise self.error


def _invoke(sidecar: FailingSidecar, name: str, operation: str, data: bytes = b"") -> None:
    asyncio.run(BindingsManager(sidecar, max_data_bytes=16).invoke(name, operation, data))


@pytest.mark.parametrize(
    ("name", "operation", "data"),
    [("", "create", b""), ("labels", " ", b""), ("labels", "create", b"x" * 17)],
)
def test_bad_input_is_refused_and_nothing_is_sent(name: str, operation: str, data: bytes) -> None:
    """An empty name or operation, or data over the limit: InvalidRequestError, no call."""
    sidecar = FailingSidecar(DaprError("unreachable"))
    with pytest.raises(InvalidRequestError):
        _invoke(sidecar, name, operation, data)
    assert sidecar.calls == 0


# The messages daprd 1.14.4 answers with (gRPC INTERNAL), measured against the local stack.
@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "error invoking output binding labels: couldn't find output binding labels",
            ComponentNotFoundError,
        ),
        (
            "error invoking output binding labels: binding labels does not support operation "
            "explode. supported operations:create get list delete",
            NotSupportedError,
        ),
        ("error invoking output binding labels: file not found: /data/x.json", DaprError),
    ],
)
def test_failures_are_classified_by_their_cause(message: str, expected: type[DaprError]) -> None:
    """A missing binding, an unsupported operation and the component's own failure differ;
    "file not found" is not mistaken for a missing component."""
    translated = ComponentNotFoundError(f"binding invoke failed: {message}", {})
    with pytest.raises(DaprError) as raised:
        _invoke(FailingSidecar(translated), "labels", "get")
    assert type(raised.value) is expected


def test_timeouts_pass_through_unchanged() -> None:
    """Errors about reaching the sidecar keep their type."""
    with pytest.raises(DaprTimeoutError):
        _invoke(FailingSidecar(DaprTimeoutError("binding invoke timed out", {})), "labels", "get")
