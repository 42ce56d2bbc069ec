"""Calling actors from outside an actor: typed, traced, pooled, sidecar-guarded proxies."""

import asyncio
from collections.abc import Callable
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
from app.building_blocks.retry import RetryPolicy

F = TypeVar("F", bound=Callable[..., Any])


def actor_method(name: str) -> Callable[[F], F]:
    """`dapr.actor.actormethod` with its type kept: declares `name` as the wire name."""
    return cast(Callable[[F], F], actormethod(name=name))


class ActorGateway:
    """Creates actor proxies; their calls are async and belong to the app's event loop
    (code on other threads runs them through `LoopBridge`)."""

    def __init__(
        self,
        factory: ActorProxyFactory,
        tracer: Tracer | None = None,
        session: aiohttp.ClientSession | None = None,
        sidecar: str = "the configured address",
        retry: RetryPolicy | None = None,
    ) -> None:
        self._factory = factory
        self._tracer = tracer
        self._session = session
        self._sidecar = sidecar
        self._retry = retry or RetryPolicy()

    @classmethod
    async def create(
        cls,
        sidecar: str,
        tracer: Tracer | None = None,
        retry: RetryPolicy | None = None,
    ) -> "ActorGateway":
        """Build the gateway on the running loop; `close` it on shutdown.

        The SDK's proxy factory runs a blocking sidecar health check in its constructor
        (and `ActorProxy.create` without a factory makes a new one per call), so one
        factory is built once, off the event loop, sending through one pooled session.
        """
        session = aiohttp.ClientSession()
        factory = await asyncio.to_thread(TracedProxyFactory, session)
        return cls(factory, tracer, session, sidecar, retry)

    def pool_runtime_clients(self) -> int:
        """The actor runtime's own sidecar calls (state, reminders, timers) go through
        the gateway's pooled session too; call it after registering the actors."""
        return pool_runtime_clients(self._session)

    async def close(self) -> None:
        if self._session is not None:
            pool_runtime_clients(None)  # a closed session must not be used
            await self._session.close()
            self._session = None

    def proxy(
        self, actor_type: str, actor_id: str, interface: type[ActorInterface] | None = None
    ) -> Any:
        """A proxy whose methods are the interface's declared `@actormethod` names; any
        proxy also calls a method by wire name (`await proxy.invoke_method(name, body)`)."""
        proxy = ActorProxy.create(actor_type, ActorId(actor_id), interface, self._factory)
        traced = (
            proxy
            if self._tracer is None
            else TracedProxy(proxy, self._tracer, actor_type, actor_id)
        )
        return SidecarGuardedProxy(traced, self._sidecar, self._retry)
