"""Actor proxies as the app uses them: traced, pooled, and guarded against a missing sidecar.

The 1.14 SDK's `ActorProxyFactory` takes no headers callback and opens a new aiohttp
session per call; these wrappers add trace headers, one pooled session, a client span per
call, and bounded retries while the sidecar refuses connections.
"""

from collections.abc import Callable, Coroutine
from typing import Any

import aiohttp
from dapr.actor import ActorProxyFactory
from dapr.clients.exceptions import DaprInternalError
from dapr.clients.http.dapr_actor_http_client import DaprActorHttpClient
from dapr.clients.retry import RetryPolicy as SdkRetryPolicy
from dapr.serializers import DefaultJSONSerializer
from opentelemetry.trace import SpanKind, Tracer
from tenacity import retry_if_exception_type

from app.building_blocks.errors import (
    ActorHostUnavailableError,
    DaprConnectionError,
    sidecar_unreachable,
)
from app.building_blocks.retry import RetryPolicy
from app.building_blocks.sdk_line.handles import runtime_http_clients, sdk_settings
from app.observability.tracing import propagated_headers


class _PooledSession(SdkRetryPolicy):
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


def pool_runtime_clients(session: aiohttp.ClientSession | None) -> int:
    """Send the actor runtime's own sidecar calls (actor state, reminders, timers)
    through `session` (None: back to the SDK's session per call); returns how many
    clients were changed.

    `ActorRuntime.register_actor` builds one `DaprActorHttpClient` per actor type, with
    no way to pass a policy in 1.14, so each `get_state` inside an actor paid a TCP
    connect and close (py-spy: ~10% of the app's samples under GetStock load,
    bench/analysis.md). Call it after registering the actors.
    """
    clients = runtime_http_clients()
    for client in clients:
        client.retry_policy = _PooledSession(session) if session is not None else SdkRetryPolicy()
    return len(clients)


class TracedProxyFactory(ActorProxyFactory):
    """The SDK's proxy factory, whose HTTP client sends the current trace headers with
    every actor call (the 1.14 factory takes no headers callback; its client does), and
    sends them through `session` (one pooled session instead of one per call)."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        super().__init__()
        self._dapr_client = DaprActorHttpClient(
            DefaultJSONSerializer(),
            timeout=sdk_settings.DAPR_HTTP_TIMEOUT_SECONDS,
            headers_callback=propagated_headers,
            retry_policy=_PooledSession(session),
        )


class TracedProxy:
    """An actor proxy whose method calls each run in a client span `actor Type.Method`,
    whether called as a declared method or by wire name (`invoke_method`)."""

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
            with self._span(method):
                return await call(*args)

        return traced

    async def invoke_method(self, method: str, body: bytes | None = None) -> bytes:
        """The SDK's call by wire name, spanned like a declared method's."""
        with self._span(method):
            answer: bytes = await self._proxy.invoke_method(method, body)
            return answer

    def _span(self, method: str) -> Any:
        return self._tracer.start_as_current_span(
            f"actor {self._actor_type}.{method}",
            kind=SpanKind.CLIENT,
            attributes={
                "rpc.system": "dapr",
                "dapr.operation": "actor invoke",
                "dapr.actor_type": self._actor_type,
                "dapr.actor_id": self._actor_id,
                "dapr.actor_method": method,
            },
        )


class _SidecarRefusedError(Exception):
    """The actor call found nothing listening at the sidecar's address (never sent)."""


class _HostRefusedError(Exception):
    """Our daprd could not dial the actor's host (never sent); `cause` is its answer."""

    def __init__(self, cause: DaprInternalError) -> None:
        super().__init__(str(cause.as_dict()["message"]))
        self.cause = cause


_NEVER_SENT = retry_if_exception_type((_SidecarRefusedError, _HostRefusedError))

# With replicas, placement keeps routing a dead replica's actors to its address until
# its next table (about 2 s after a SIGKILL in the failover test), and our daprd answers
# 500 ERR_ACTOR_INVOKE_METHOD "failed to invoke target <host> after 3 retries. Error:
# rpc error: code = Unavailable desc = ... Error while dialing: ... connection refused".
# During a rolling restart our daprd may also be closing its connection to a replica that
# is leaving: "rpc error: code = Canceled desc = grpc: the client connection is closing"
# (a status read answered 500 with it in the replica tests); whether the call left is
# unknown, so it is not retried either. On 1.18 the host's drain on a placement change
# cancels a call still running after drainOngoingCallTimeout: "rpc error: code = Internal
# desc = error invoke actor method: context canceled" (the rolling-restart test on 1.18).
_INVOKE_FAILED = "ERR_ACTOR_INVOKE_METHOD"
_HOST_UNAVAILABLE = (
    "code = Unavailable",
    "the client connection is closing",
    "error invoke actor method: context canceled",
)
_DIAL_FAILED = ("Error while dialing", "connection refused")
HOST_RETRY_AFTER_S = 2


def _host_unavailable(error: DaprInternalError) -> tuple[bool, bool]:
    """(the actor's host was unreachable, and the call certainly never reached it)."""
    answer = error.as_dict()
    message = str(answer["message"] or "")
    if answer["errorCode"] != _INVOKE_FAILED or not any(
        sign in message for sign in _HOST_UNAVAILABLE
    ):
        return False, False
    return True, any(sign in message for sign in _DIAL_FAILED)


class SidecarGuardedProxy:
    """An actor proxy whose calls retry (bounded) while the sidecar refuses connections
    or cannot dial the actor's host, then fail with DaprConnectionError (no sidecar) or
    ActorHostUnavailableError (no host yet), not the SDK's raw errors.

    Only a call that never left is retried: a refused connection to our daprd, or its
    failed dial to the host. A connection lost mid-call is translated but not retried
    (the actor may have run it).
    """

    def __init__(self, proxy: Any, sidecar: str, retry: RetryPolicy) -> None:
        self._proxy = proxy
        self._sidecar = sidecar
        self._retry = retry

    def __getattr__(self, method: str) -> Callable[..., Coroutine[Any, Any, Any]]:
        return self._guarded(method, getattr(self._proxy, method))

    async def invoke_method(self, method: str, body: bytes | None = None) -> bytes:
        """A method called by its wire name, guarded like a declared one."""
        answer: bytes = await self._guarded(method, self._proxy.invoke_method)(method, body)
        return answer

    def _guarded(
        self, method: str, target: Callable[..., Coroutine[Any, Any, Any]]
    ) -> Callable[..., Coroutine[Any, Any, Any]]:
        async def call(*args: Any, **kwargs: Any) -> Any:
            async def attempt() -> Any:
                try:
                    return await target(*args, **kwargs)
                except aiohttp.ClientConnectorError as error:
                    raise _SidecarRefusedError(str(error)) from error
                except DaprInternalError as error:
                    unavailable, never_sent = _host_unavailable(error)
                    if never_sent:
                        raise _HostRefusedError(error) from error
                    if unavailable:
                        raise self._host_gone(method, error) from error
                    raise

            operation = f"actor call {method}"
            try:
                return await self._retry.call(attempt, _NEVER_SENT)
            except _HostRefusedError as error:
                raise self._host_gone(method, error.cause) from error.cause
            except _SidecarRefusedError as error:
                raise self._unreachable(operation, error) from error
            except aiohttp.ClientConnectionError as error:
                raise self._unreachable(operation, error) from error

        return call

    def _unreachable(self, operation: str, cause: Exception) -> DaprConnectionError:
        return sidecar_unreachable(operation, self._sidecar, cause, {"operation": operation})

    def _host_gone(self, method: str, cause: DaprInternalError) -> ActorHostUnavailableError:
        return ActorHostUnavailableError(
            f"actor call {method}: the actor's host is unreachable (a replica that left; "
            f"placement moves its actors within seconds): {cause.as_dict()['message']}",
            {"operation": f"actor call {method}", "retry_after_s": HOST_RETRY_AFTER_S},
        )
