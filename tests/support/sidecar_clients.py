"""Building-block managers on a running sidecar, for synchronous tests.

Each call opens a short-lived DaprClientWrapper inside `asyncio.run`, so no client or
event loop outlives a test (or a Hypothesis example).
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from app.building_blocks.bindings import BindingResponse, BindingsManager
from app.building_blocks.client import DaprClientWrapper, DaprConfig
from app.building_blocks.pubsub import BulkPublishResult, PubSubManager
from app.settings import Settings

T = TypeVar("T")
TEST_SOURCE = "orderflow-tests"
_LIMITS = Settings()


def with_sidecar(
    http_url: str, grpc_address: str, use: Callable[[DaprClientWrapper], Awaitable[T]]
) -> T:
    async def run() -> T:
        config = DaprConfig(dapr_http_endpoint=http_url, dapr_grpc_endpoint=grpc_address)
        async with DaprClientWrapper(config) as dapr:
            return await use(dapr)

    return asyncio.run(run())


class Publisher:
    """PubSubManager with the app's limits, publishing as `orderflow-tests`."""

    def __init__(self, http_url: str, grpc_address: str, pubsub: str = "pubsub") -> None:
        self._http_url, self._grpc_address, self.pubsub = http_url, grpc_address, pubsub

    def _manager(self, dapr: DaprClientWrapper) -> PubSubManager:
        return PubSubManager(
            dapr,
            source=TEST_SOURCE,
            max_event_bytes=_LIMITS.pubsub_max_event_bytes,
            max_request_bytes=_LIMITS.dapr_max_request_bytes,
        )

    def publish(
        self,
        topic: str,
        data: Any,
        *,
        event_type: str = "test.event",
        event_id: str | None = None,
        pubsub: str | None = None,
    ) -> str:
        async def publish(dapr: DaprClientWrapper) -> str:
            return await self._manager(dapr).publish(
                pubsub or self.pubsub, topic, data, event_type=event_type, event_id=event_id
            )

        return with_sidecar(self._http_url, self._grpc_address, publish)

    def publish_bulk(
        self,
        topic: str,
        messages: Sequence[Any],
        *,
        event_type: str = "test.event",
        pubsub: str | None = None,
    ) -> BulkPublishResult:
        async def publish(dapr: DaprClientWrapper) -> BulkPublishResult:
            return await self._manager(dapr).publish_bulk(
                pubsub or self.pubsub, topic, messages, event_type=event_type
            )

        return with_sidecar(self._http_url, self._grpc_address, publish)


def invoke_binding(
    http_url: str,
    grpc_address: str,
    name: str,
    operation: str,
    data: bytes = b"",
    metadata: Mapping[str, str] | None = None,
) -> BindingResponse:
    async def invoke(dapr: DaprClientWrapper) -> BindingResponse:
        manager = BindingsManager(dapr, max_data_bytes=_LIMITS.dapr_max_request_bytes)
        return await manager.invoke(name, operation, data, metadata)

    return with_sidecar(http_url, grpc_address, invoke)
