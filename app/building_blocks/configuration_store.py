"""The Dapr configuration store as the top configuration layer, kept live by a subscription.

`start` subscribes, then loads every item, then follows the stream in a background task;
lookups read the in-memory snapshot. Each change is applied at once and then the store is
re-read, because a change notification cannot say that a key was deleted (PostgreSQL
notifies the deleted row with its old value). Loading after subscribing covers what was
committed before the load; daprd's PostgreSQL store starts its LISTEN in the background
after confirming the subscription, so a change in that instant can miss the stream, and
the next change's re-read heals it.

Why not the SDK's `subscribe_configuration`: in dapr 1.14.1's aio client it iterates the
async gRPC stream from a thread with a plain `for`, which fails at once; the call then
blocks the event loop for 5 s and returns None (seen against the real 1.14.4 sidecar).
So the stream is read here, from the SDK client's own stub (its channel, its address).
"""

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

import grpc
from dapr.aio.clients import DaprClient
from dapr.proto import api_v1  # one namespace on both SDK lines (1.18 split dapr_pb2)

from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.configuration import DAPR_STORE_PRIORITY
from app.building_blocks.errors import DaprError, from_grpc

logger = logging.getLogger(__name__)

# Every key: postgres refuses keys with "-" in a keyed get ([a-zA-Z0-9./_] only), but
# returns and notifies them when no keys are named.
ALL_KEYS: list[str] = []


class DaprConfigurationSource:
    """One Dapr configuration store. An empty value counts as absent: that is how a
    deleted key reaches subscribers from stores such as Redis."""

    def __init__(
        self,
        client: DaprClientWrapper,
        store: str,
        subscribe_metadata: Mapping[str, str] | None = None,
        priority: int = DAPR_STORE_PRIORITY,
        resubscribe_initial_s: float = 0.5,
        resubscribe_max_s: float = 30.0,
    ) -> None:
        self.store = store
        self.name = f"dapr:{store}"
        self.priority = priority
        self._client = client
        self._subscribe_metadata = dict(subscribe_metadata or {})
        self._resubscribe_initial_s = resubscribe_initial_s
        self._resubscribe_max_s = resubscribe_max_s
        self._values: dict[str, str] = {}
        self._follower: asyncio.Task[None] | None = None

    def lookup(self, key: str) -> str | None:
        return self._values.get(key)

    @property
    def following(self) -> bool:
        return self._follower is not None and not self._follower.done()

    async def start(self) -> None:
        """Subscribe, load, follow. Raises ComponentNotFoundError if the store is missing."""
        stream = await self._subscribe_and_load()
        self._follower = asyncio.create_task(self._follow(stream), name=f"follow {self.name}")

    async def stop(self) -> None:
        """Cancel the stream; daprd unsubscribes when its client goes away."""
        if self._follower is not None:
            self._follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._follower
            self._follower = None

    async def load(self) -> None:
        """Replace the snapshot with every item the store holds now."""
        response = await self._client.grpc_call(
            "configuration get",
            lambda dapr: dapr.get_configuration(self.store, ALL_KEYS),
            store=self.store,
        )
        self._values = {}
        self.apply(response.items)
        logger.info("loaded %d configuration items from %s", len(self._values), self.name)

    def apply(self, items: Mapping[str, Any]) -> None:
        """Take changed items (key -> item with `.value`) into the snapshot."""
        for key, item in items.items():
            if item.value == "":
                self._values.pop(key, None)
            else:
                self._values[key] = item.value

    async def _subscribe_and_load(self) -> Any:
        stream = await self._subscribe()
        try:
            await self.load()
        except BaseException:
            stream.cancel()
            raise
        return stream

    async def _subscribe(self) -> Any:
        """Open the stream and wait for its first message, which carries the subscription id."""
        request = api_v1.SubscribeConfigurationRequest(
            store_name=self.store, keys=ALL_KEYS, metadata=self._subscribe_metadata
        )
        token = self._client.config.dapr_api_token
        # The SDK adds the API token for unary calls only (its interceptor is unary-unary).
        call_metadata = (("dapr-api-token", token),) if token else None

        async def open_stream(dapr: DaprClient) -> Any:
            stream = dapr._stub.SubscribeConfiguration(request, metadata=call_metadata)
            try:
                async with asyncio.timeout(self._client.config.timeout_seconds):
                    first = await stream.read()
            except BaseException:
                stream.cancel()
                raise
            if first is grpc.aio.EOF:
                raise DaprError(
                    "configuration subscribe: the sidecar closed the stream before answering",
                    {"store": self.store},
                )
            logger.info("subscribed to configuration store %r (id %s)", self.store, first.id)
            return stream

        return await self._client.grpc_call(
            "configuration subscribe", open_stream, store=self.store
        )

    async def _follow(self, stream: Any) -> None:
        """Apply updates until stopped; when the stream breaks, resubscribe and reload."""
        delay = self._resubscribe_initial_s
        while True:
            await self._read_until_broken(stream)
            while True:
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._resubscribe_max_s)
                try:
                    stream = await self._subscribe_and_load()
                    break
                except DaprError as error:
                    logger.warning("resubscribing to %s failed: %s", self.name, error)
            delay = self._resubscribe_initial_s

    async def _reconcile(self) -> None:
        """Re-read the store after a change: PostgreSQL's trigger notifies a deleted row
        with its old value, so only a fresh read shows that the key is gone."""
        try:
            await self.load()
        except DaprError as error:
            logger.warning("re-reading %s after a change failed: %s", self.name, error)

    async def _read_until_broken(self, stream: Any) -> None:
        try:
            while (message := await stream.read()) is not grpc.aio.EOF:
                self.apply(message.items)
                logger.info("configuration changed in %s: %s", self.name, ", ".join(message.items))
                await self._reconcile()
            logger.warning("the sidecar ended the subscription to %s; resubscribing", self.name)
        except grpc.RpcError as error:
            translated = from_grpc(error, "configuration subscription", store=self.store)
            logger.warning("the subscription to %s broke: %s; resubscribing", self.name, translated)
        finally:
            stream.cancel()
