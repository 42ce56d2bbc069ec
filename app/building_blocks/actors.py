"""Calling actors from outside an actor: typed proxies, and a bridge for sync callers."""

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, cast

import aiohttp
from dapr.actor import ActorId, ActorInterface, ActorProxy, ActorProxyFactory, actormethod
from dapr.actor.runtime.runtime import ActorRuntime
from dapr.clients.http.dapr_actor_http_client import DaprActorHttpClient
from dapr.clients.retry import RetryPolicy
from dapr.conf import settings as dapr_sdk_settings
from dapr.serializers import DefaultJSONSerializer
from opentelemetry.trace import SpanKind, Tracer

from app.building_blocks.tracing import outbound_headers

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def actor_method(name: str) -> Callable[[F], F]:
    """`dapr.actor.actormethod` with its type kept: declares `name` as the wire name."""
    return cast(Callable[[F], F], actormethod(name=name))


class _PooledSession(RetryPolicy):
    """Sends the SDK's actor HTTP calls through one long-lived aiohttp session.

    The 1.14 SDK opens a new `aiohttp.ClientSession` per call, so every actor call paid a
    TCP connect and close to daprd (py-spy: ~19% of the app's samples under GetStock load,
    bench/analysis.md). It hands each request to its retry policy with that session; this
    policy keeps the SDK's retry behaviour and swaps in ours, whose connections are kept.
    """

    def __init__(self, session: aiohttp.ClientSession) -> None:
        super().__init__()
        self._session = session

    async def make_http_call(self, session: aiohttp.ClientSession, req: dict[str, Any]) -> Any:
        return await super().make_http_call(self._session, req)  # type: ignore[no-untyped-call]


class _TracedProxyFactory(ActorProxyFactory):
    """The SDK's proxy factory, whose HTTP client sends the current trace headers with
    every actor call (the 1.14 factory takes no headers callback; its client does), and
    sends them through `session` (one pooled session instead of one per call)."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        super().__init__()
        self._dapr_client = DaprActorHttpClient(
            DefaultJSONSerializer(),
            timeout=dapr_sdk_settings.DAPR_HTTP_TIMEOUT_SECONDS,
            headers_callback=outbound_headers,
            retry_policy=_PooledSession(session),
        )


def _runtime_http_clients() -> list[Any]:
    """The SDK `DaprHttpClient` of every registered actor type's runtime context (private
    attributes of the pinned 1.14 SDK: managers -> context -> actor client -> client)."""
    managers = ActorRuntime._actor_managers.values()
    actor_clients = [manager._runtime_ctx.dapr_client for manager in managers]
    return [client._client for client in actor_clients if hasattr(client, "_client")]


class _TracedProxy:
    """An actor proxy whose method calls each run in a client span `actor Type.Method`."""

    def __init__(self, proxy: Any, tracer: Tracer, actor_type: str, actor_id: str) -> None:
        self._proxy = proxy
        self._tracer = tracer
        self._actor_type = actor_type
        self._actor_id = actor_id

    def __getattr__(self, method: str) -> Any:
        call = getattr(self._proxy, method)
        if not callable(call):
            return call  # actor_id, actor_type

        async def traced(*args: Any) -> Any:
            with self._tracer.start_as_current_span(
                f"actor {self._actor_type}.{method}",
                kind=SpanKind.CLIENT,
                attributes={
                    "rpc.system": "dapr",
                    "dapr.operation": "actor invoke",
                    "dapr.actor_type": self._actor_type,
                    "dapr.actor_id": self._actor_id,
                    "dapr.actor_method": method,
                },
            ):
                return await call(*args)

        return traced


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
    ) -> None:
        self._loop = loop
        self._factory = factory
        self._call_timeout_s = call_timeout_s
        self._tracer = tracer
        self._session = session

    @classmethod
    async def create(cls, call_timeout_s: float, tracer: Tracer | None = None) -> "ActorGateway":
        """Build the gateway on the running loop; `close` it on shutdown.

        The SDK's proxy factory runs a blocking sidecar health check in its constructor
        (and `ActorProxy.create` without a factory makes a new one per call), so one
        factory is built once, off the event loop, sending through one pooled session.
        """
        session = aiohttp.ClientSession()
        factory = await asyncio.to_thread(_TracedProxyFactory, session)
        return cls(asyncio.get_running_loop(), factory, call_timeout_s, tracer, session)

    def pool_runtime_clients(self) -> int:
        """Send the actor runtime's own sidecar calls (actor state, reminders, timers)
        through the gateway's pooled session too; returns how many clients now do.

        `ActorRuntime.register_actor` builds one `DaprActorHttpClient` per actor type,
        with no way to pass a policy in 1.14, so each `get_state` inside an actor paid a
        TCP connect and close (py-spy: ~10% of the app's samples under GetStock load,
        bench/analysis.md). Call it after registering the actors; `close` undoes it.
        """
        if self._session is None:
            return 0
        clients = _runtime_http_clients()
        for client in clients:
            client.retry_policy = _PooledSession(self._session)
        return len(clients)

    async def close(self) -> None:
        if self._session is not None:
            for client in _runtime_http_clients():
                client.retry_policy = RetryPolicy()  # a closed session must not be used
            await self._session.close()
            self._session = None

    def proxy(self, actor_type: str, actor_id: str, interface: type[ActorInterface]) -> Any:
        """A proxy whose methods are the interface's declared `@actormethod` names."""
        proxy = ActorProxy.create(actor_type, ActorId(actor_id), interface, self._factory)
        if self._tracer is None:
            return proxy
        return _TracedProxy(proxy, self._tracer, actor_type, actor_id)

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
