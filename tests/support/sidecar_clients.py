"""Building-block managers on a running sidecar, for synchronous tests."""

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from app.bootstrap import dapr_config
from app.building_blocks.bindings import BindingResponse, BindingsManager
from app.building_blocks.client import DaprClientWrapper, DaprConfig
from app.building_blocks.pubsub import BulkPublishResult, PubSubManager
from app.observability.tracing import TraceContext, bind
from app.settings import Settings
from devstack.stack import Stack
from tests.sidecar import stack_settings

T = TypeVar("T")
TEST_SOURCE = "orderflow-tests"
_LIMITS = Settings()


def with_sidecar(stack: Stack, use: Callable[[DaprClientWrapper], Awaitable[T]]) -> T:
    """Run `use` with a client of the stack's sidecar opened for this call only, on a loop
    of its own."""

    async def run() -> T:
        config = dapr_config(stack_settings(stack))
        async with DaprClientWrapper(config) as dapr:
            return await use(dapr)

    return asyncio.run(run())


class Publisher:
    """PubSubManager with the app's limits, publishing as `orderflow-tests`.

    One client on one event loop serves every call (cheap enough for Hypothesis to run
    hundreds of examples); each call runs in a fresh copy of the caller's context, so a
    trace bound for one call does not leak into the next.
    """

    def __init__(self, runner: asyncio.Runner, dapr: DaprClientWrapper, pubsub: str) -> None:
        self._runner = runner
        self.pubsub = pubsub
        self._manager = PubSubManager(
            dapr,
            source=TEST_SOURCE,
            max_event_bytes=_LIMITS.pubsub_max_event_bytes,
            max_request_bytes=_LIMITS.dapr_max_request_bytes,
        )

    @classmethod
    @contextmanager
    def open(
        cls, http_url: str, grpc_address: str, pubsub: str = "pubsub"
    ) -> Iterator["Publisher"]:
        config = DaprConfig(dapr_http_endpoint=http_url, dapr_grpc_endpoint=grpc_address)
        with asyncio.Runner() as runner:
            dapr = DaprClientWrapper(config)
            runner.run(dapr.open())
            try:
                yield cls(runner, dapr, pubsub)
            finally:
                runner.run(dapr.close())

    def _run(self, call: Awaitable[T], trace: TraceContext | None) -> T:
        async def in_trace() -> T:
            if trace is not None:
                bind(trace)
            return await call

        return self._runner.run(in_trace(), context=contextvars.copy_context())

    def publish(
        self,
        topic: str,
        data: Any,
        *,
        event_type: str = "test.event",
        event_id: str | None = None,
        pubsub: str | None = None,
        trace: TraceContext | None = None,
    ) -> str:
        call = self._manager.publish(
            pubsub or self.pubsub, topic, data, event_type=event_type, event_id=event_id
        )
        return self._run(call, trace)

    def publish_bulk(
        self,
        topic: str,
        messages: Sequence[Any],
        *,
        event_type: str = "test.event",
        pubsub: str | None = None,
    ) -> BulkPublishResult:
        call = self._manager.publish_bulk(
            pubsub or self.pubsub, topic, messages, event_type=event_type
        )
        return self._run(call, None)


def invoke_binding(
    stack: Stack,
    name: str,
    operation: str,
    data: bytes = b"",
    metadata: Mapping[str, str] | None = None,
) -> BindingResponse:
    async def invoke(dapr: DaprClientWrapper) -> BindingResponse:
        manager = BindingsManager(dapr, max_data_bytes=_LIMITS.dapr_max_request_bytes)
        return await manager.invoke(name, operation, data, metadata)

    return with_sidecar(stack, invoke)
