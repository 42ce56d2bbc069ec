"""Calling actors from outside an actor: typed proxies, and a bridge for sync callers."""

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, cast

import aiohttp
from dapr.actor import ActorId, ActorInterface, ActorProxy, ActorProxyFactory, actormethod
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt
from tenacity import wait_exponential_jitter as backoff

from app.building_blocks.errors import DaprConnectionError, sidecar_unreachable

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def actor_method(name: str) -> Callable[[F], F]:
    """`dapr.actor.actormethod` with its type kept: declares `name` as the wire name."""
    return cast(Callable[[F], F], actormethod(name=name))


class _SidecarRefusedError(Exception):
    """The actor call found nothing listening at the sidecar's address (never sent)."""


class SidecarGuardedProxy:
    """An actor proxy whose calls retry (bounded) while the sidecar refuses connections
    and then fail with DaprConnectionError, not the SDK's raw aiohttp error.

    Only a refused connection is retried: the call never reached daprd. A connection
    lost mid-call is translated but not retried (the actor may have run it).
    """

    def __init__(self, proxy: Any, sidecar: str, retries: int, initial_backoff_s: float) -> None:
        self._proxy = proxy
        self._sidecar = sidecar
        self._retries = retries
        self._initial_backoff_s = initial_backoff_s

    def __getattr__(self, method: str) -> Callable[..., Coroutine[Any, Any, Any]]:
        target = getattr(self._proxy, method)

        async def call(*args: Any, **kwargs: Any) -> Any:
            operation = f"actor call {method}"
            try:
                async for attempt in AsyncRetrying(
                    stop=stop_after_attempt(self._retries + 1),
                    wait=backoff(
                        multiplier=self._initial_backoff_s, jitter=self._initial_backoff_s
                    ),
                    retry=retry_if_exception_type(_SidecarRefusedError),
                    reraise=True,
                ):
                    with attempt:
                        try:
                            return await target(*args, **kwargs)
                        except aiohttp.ClientConnectorError as error:
                            raise _SidecarRefusedError(str(error)) from error
            except _SidecarRefusedError as error:
                raise self._unreachable(operation, error) from error
            except aiohttp.ClientConnectionError as error:
                raise self._unreachable(operation, error) from error
            raise AssertionError("unreachable: tenacity re-raises the last error")

        return call

    def _unreachable(self, operation: str, cause: Exception) -> DaprConnectionError:
        return sidecar_unreachable(operation, self._sidecar, cause, {"operation": operation})


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
        sidecar: str = "the configured address",
        retries: int = 3,
        initial_backoff_s: float = 0.1,
    ) -> None:
        self._loop = loop
        self._factory = factory
        self._call_timeout_s = call_timeout_s
        self._sidecar = sidecar
        self._retries = retries
        self._initial_backoff_s = initial_backoff_s

    @classmethod
    async def create(
        cls, call_timeout_s: float, sidecar: str, retries: int = 3, initial_backoff_s: float = 0.1
    ) -> "ActorGateway":
        """Build the gateway on the running loop.

        The SDK's proxy factory runs a blocking sidecar health check in its constructor
        (and `ActorProxy.create` without a factory makes a new one per call), so one
        factory is built once, off the event loop.
        """
        factory = await asyncio.to_thread(ActorProxyFactory)
        loop = asyncio.get_running_loop()
        return cls(loop, factory, call_timeout_s, sidecar, retries, initial_backoff_s)

    def proxy(self, actor_type: str, actor_id: str, interface: type[ActorInterface]) -> Any:
        """A proxy whose methods are the interface's declared `@actormethod` names."""
        proxy = ActorProxy.create(actor_type, ActorId(actor_id), interface, self._factory)
        return SidecarGuardedProxy(proxy, self._sidecar, self._retries, self._initial_backoff_s)

    def call_blocking(self, call: Coroutine[Any, Any, T]) -> T:
        """Run `call` on the app's loop from a worker thread and wait for its result."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            call.close()
            raise RuntimeError("call_blocking was called on the app's own loop; await instead")
        future = asyncio.run_coroutine_threadsafe(call, self._loop)
        return future.result(timeout=self._call_timeout_s)
