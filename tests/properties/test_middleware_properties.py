"""Middleware pipelines (seed 26, 27): order and error propagation, inbound and outbound."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.bootstrap import dapr_config
from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.errors import DaprError, InvalidRequestError
from app.building_blocks.middleware import (
    Middleware,
    MiddlewareError,
    MiddlewarePipeline,
    OutboundCall,
)
from app.building_blocks.state import StateManager
from devstack.stack import Stack
from tests.sidecar import stack_settings

names = st.lists(st.from_regex(r"[a-z]{3,10}", fullmatch=True), min_size=1, max_size=6, unique=True)


def _recorders(chain: list[str], log: list[str]) -> list[Middleware[OutboundCall, Any]]:
    def recorder(name: str) -> Middleware[OutboundCall, Any]:
        async def run(
            call: OutboundCall, call_next: Callable[[OutboundCall], Awaitable[Any]]
        ) -> Any:
            log.append(f"in:{name}")
            result = await call_next(call)
            log.append(f"out:{name}")
            return result

        return Middleware(name, run)

    return [recorder(name) for name in chain]


@given(chain=names)
def test_middleware_execution_order(runner: asyncio.Runner, stack: Stack, chain: list[str]) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 26: Middleware Execution Order**
    **Validates: Requirements 16.1, 16.2**

    Around a real call to the sidecar, middleware runs in the configured order on the
    way out to the sidecar and in reverse order on the way back, each exactly once.
    """
    log: list[str] = []
    pipeline = MiddlewarePipeline("outbound", _recorders(chain, log))

    async def call() -> None:
        async with DaprClientWrapper(
            dapr_config(stack_settings(stack)), outbound=pipeline
        ) as client:
            await StateManager(client, "statestore", 1024).get("middleware-order-probe")

    runner.run(call())
    assert log == [f"in:{name}" for name in chain] + [f"out:{name}" for name in reversed(chain)]


@given(chain=names, failing_index=st.integers(min_value=0, max_value=5), typed=st.booleans())
def test_middleware_error_propagation(
    runner: asyncio.Runner, stack: Stack, chain: list[str], failing_index: int, typed: bool
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 27: Middleware Error Propagation**
    **Validates: Requirements 16.5**

    When one middleware raises, the caller gets the error with the failing middleware's
    name, stage and operation; middleware after it and the sidecar call never run, and
    the ones before it see the error pass back through them.
    An unexpected exception becomes MiddlewareError with the original as its cause; an
    error of the taxonomy keeps its type.
    """
    failing = chain[failing_index % len(chain)]
    log: list[str] = []
    middlewares = _recorders(chain, log)
    original: Exception = InvalidRequestError("refused by policy") if typed else KeyError("boom")

    async def fail(call: OutboundCall, call_next: Callable[[OutboundCall], Awaitable[Any]]) -> Any:
        log.append(f"in:{failing}")
        raise original

    position = chain.index(failing)
    middlewares[position] = Middleware(failing, fail)
    pipeline = MiddlewarePipeline("outbound", middlewares)

    async def call() -> None:
        async with DaprClientWrapper(
            dapr_config(stack_settings(stack)), outbound=pipeline
        ) as client:
            await StateManager(client, "statestore", 1024).get("middleware-error-probe")

    with pytest.raises(DaprError) as raised:
        runner.run(call())
    error = raised.value
    assert error.details["middleware"] == failing
    if typed:
        assert error is original
    else:
        assert isinstance(error, MiddlewareError)
        assert error.__cause__ is original
        assert error.details["stage"] == "outbound"
        assert error.details["operation"] == "state get"
    # The middleware before the failing one saw the error pass; none after it ran.
    assert log == [f"in:{name}" for name in chain[: position + 1]]
