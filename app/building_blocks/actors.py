"""Calling actors from outside an actor: typed proxies, and a bridge for sync callers."""

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, cast

import aiohttp
from dapr.actor import ActorId, ActorInterface, ActorProxy, ActorProxyFactory, actormethod
from opentelemetry.trace import Tracer

from app.building_blocks.actor_proxies import (
    SidecarGuardedProxy,
    TracedProxy,
    TracedProxyFactory,
    pool_runtime_clients,
)

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def actor_method(name: str) -> Callable[[F], F]:
    """`dapr.actor.actormethod` with its type kept: declares `name` as the wire name."""
    return cast(Callable[[F], F], actormethod(name=name))


class ActorGateway:
    """Creates actor proxies and runs actor calls for code on other threads.

    Workflow activities run on the workflow worker's threads, while the proxies' HTTP
    sessions belong to the app's event loop; `call_blocking` hands the call to that loop
    instead of starting a second loop per activity.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        factory: ActorProxyFactory,
        call_timeout_s: float,
        tracer: Tracer | None = None,
        session: aiohttp.ClientSession | None = None,
        sidecar: str = "the configured address",
        retries: int = 3,
        initial_backoff_s: float = 0.1,
    ) -> None:
        self._loop = loop
        self._factory = factory
        self._call_timeout_s = call_timeout_s
        self._tracer = tracer
        self._session = session
        self._sidecar = sidecar
        self._retries = retries
        self._initial_backoff_s = initial_backoff_s

    @classmethod
    async def create(
        cls,
        call_timeout_s: float,
        sidecar: str,
        tracer: Tracer | None = None,
        retries: int = 3,
        initial_backoff_s: float = 0.1,
    ) -> "ActorGateway":
        """Build the gateway on the running loop; `close` it on shutdown.

        The SDK's proxy factory runs a blocking sidecar health check in its constructor
        (and `ActorProxy.create` without a factory makes a new one per call), so one
        factory is built once, off the event loop, sending through one pooled session.
        """
        session = aiohttp.ClientSession()
        factory = await asyncio.to_thread(TracedProxyFactory, session)
        loop = asyncio.get_running_loop()
        return cls(
            loop, factory, call_timeout_s, tracer, session, sidecar, retries, initial_backoff_s
        )

    def pool_runtime_clients(self) -> int:
        """The actor runtime's own sidecar calls (state, reminders, timers) go through
        the gateway's pooled session too; call it after registering the actors."""
        return pool_runtime_clients(self._session)

    async def close(self) -> None:
        if self._session is not None:
            pool_runtime_clients(None)  # a closed session must not be used
            await self._session.close()
            self._session = None

    def proxy(self, actor_type: str, actor_id: str, interface: type[ActorInterface]) -> Any:
        """A proxy whose methods are the interface's declared `@actormethod` names."""
        proxy = ActorProxy.create(actor_type, ActorId(actor_id), interface, self._factory)
        traced = (
            proxy
            if self._tracer is None
            else TracedProxy(proxy, self._tracer, actor_type, actor_id)
        )
        return SidecarGuardedProxy(traced, self._sidecar, self._retries, self._initial_backoff_s)

    def call_blocking(self, call: Coroutine[Any, Any, T]) -> T:
        """Run `call` on the app's loop from a worker thread and wait for its result.

        The coroutine runs in a copy of this thread's context, so it continues the
        calling activity's span."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            call.close()
            raise RuntimeError("call_blocking was called on the app's own loop; await instead")
        future = asyncio.run_coroutine_threadsafe(call, self._loop)
        return future.result(timeout=self._call_timeout_s)
