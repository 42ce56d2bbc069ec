"""DaprClientWrapper: the one connection to the sidecar, with deadlines and bounded retries.

Every building block calls the sidecar through `grpc_call` (the SDK's async gRPC client)
or `http_call` (the sidecar's HTTP API, for what the 1.14 SDK lacks: bulk publish,
invocation with full HTTP semantics, health and metadata). Both apply the same policy:
a per-call deadline, retries with exponential backoff and jitter while the sidecar is
unreachable, and translation of every failure into the error taxonomy.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, TypeVar

import grpc
import httpx
from dapr.aio.clients import DaprClient
from dapr.clients.exceptions import DaprInternalError
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Tracer
from tenacity import RetryCallState, retry_if_exception_type

from app.building_blocks.call_context import CallContextStub, call_deadline_s
from app.building_blocks.errors import (
    DaprConnectionError,
    DaprError,
    DaprTimeoutError,
    from_grpc,
    from_http,
    sidecar_unreachable,
)
from app.building_blocks.middleware import MiddlewarePipeline, OutboundCall
from app.building_blocks.retry import RetryPolicy
from app.building_blocks.sdk_line.handles import sdk_client_for
from app.observability.tracing import propagated_headers, span_attributes

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class DaprConfig:
    """How to reach the sidecar and how patiently (the seed's DaprConfig)."""

    dapr_http_endpoint: str = "http://127.0.0.1:3500"
    dapr_grpc_endpoint: str = "127.0.0.1:50001"
    dapr_api_token: str | None = None
    timeout_seconds: float = 60.0
    max_retries: int = 3
    retry_initial_backoff_s: float = 0.1
    retry_max_backoff_s: float = 2.0

    @property
    def retry(self) -> RetryPolicy:
        return RetryPolicy(self.max_retries, self.retry_initial_backoff_s, self.retry_max_backoff_s)


OutboundPipeline = MiddlewarePipeline[OutboundCall, Any]
_NOT_SENT = retry_if_exception_type(DaprConnectionError)


class DaprClientWrapper:
    """Opened once in the lifespan, closed on shutdown; shared by every building block."""

    def __init__(
        self,
        config: DaprConfig,
        outbound: OutboundPipeline | None = None,
        tracer: Tracer | None = None,
    ) -> None:
        self.config = config
        self.outbound = outbound or MiddlewarePipeline("outbound")
        # Without a tracer, calls carry the caller's context unchanged (no spans of ours).
        self.tracer = tracer or trace.NoOpTracer()
        self._traced = not isinstance(self.tracer, trace.NoOpTracer)
        self._grpc: DaprClient | None = None
        self._grpc_lock = asyncio.Lock()
        self._http: httpx.AsyncClient | None = None
        self.on_retry: Callable[[RetryCallState], None] | None = None
        self._retry = config.retry

    async def open(self) -> None:
        token = self.config.dapr_api_token
        self._http = httpx.AsyncClient(
            base_url=self.config.dapr_http_endpoint,
            headers={"dapr-api-token": token} if token else {},
            timeout=self.config.timeout_seconds,
        )

    async def _grpc_client(self) -> DaprClient:
        """The SDK client, created on first use, on the loop (grpc.aio channels belong to
        the loop that creates them)."""
        if self._grpc is not None:
            return self._grpc  # every call but the first: no lock to take
        async with self._grpc_lock:
            if self._grpc is None:
                await self._wait_until_reachable()
                with sdk_client_for(self.config.dapr_api_token):
                    client = DaprClient(address=self.config.dapr_grpc_endpoint)
                    client._stub = CallContextStub(client._stub)  # type: ignore[assignment]
                    self._grpc = client
            return self._grpc

    async def _wait_until_reachable(self) -> None:
        """Our own start-up check, async and against *this* client's sidecar."""
        deadline = time.monotonic() + self.config.timeout_seconds
        while True:
            try:
                response = await self.http.get("/v1.0/healthz/outbound", timeout=2.0)
                if response.status_code == httpx.codes.NO_CONTENT:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() >= deadline:
                raise sidecar_unreachable(
                    "connect",
                    self.config.dapr_http_endpoint,
                    f"no answer on /v1.0/healthz/outbound for {self.config.timeout_seconds:g}s",
                    {"operation": "connect"},
                )
            await asyncio.sleep(0.1)

    async def close(self) -> None:
        if self._grpc is not None:
            await self._grpc.close()
            self._grpc = None
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def __aenter__(self) -> "DaprClientWrapper":
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            raise DaprConnectionError(
                "the Dapr client is not open (use it inside the app lifespan)"
            )
        return self._http

    async def _retried(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """`attempt`, retried while the sidecar is unreachable. The first attempt runs
        outside tenacity (building its AsyncRetrying per call cost ~7% of a state get,
        bench/analysis.md); only after a connection error does the retry policy take
        over (RetryPolicy.call with `failed_first`)."""
        try:
            return await attempt()
        except DaprConnectionError as unreachable:
            return await self._retried_after(unreachable, attempt)

    async def _retried_after(
        self, unreachable: DaprConnectionError, attempt: Callable[[], Awaitable[T]]
    ) -> T:
        """The policy's retries of `attempt`, whose first attempt failed with `unreachable`."""
        return await self._retry.call(
            attempt, _NOT_SENT, failed_first=unreachable, before_sleep=self.on_retry
        )

    async def grpc_call(
        self,
        operation: str,
        call: Callable[[DaprClient], Awaitable[T]],
        timeout_s: float | None = None,
        **context: Any,
    ) -> T:
        """Run `call` with the SDK client under the deadline and retry policy. `call` makes
        unary RPCs through the client (each gets the deadline); one that opens a stream
        bounds its own waits."""

        async def attempt() -> T:
            try:
                client = await self._grpc_client()
                # The deadline travels with each RPC (CallContextStub): no timer on the loop.
                deadline = call_deadline_s.set(timeout_s or self.config.timeout_seconds)
                try:
                    return await call(client)
                finally:
                    call_deadline_s.reset(deadline)
            except TimeoutError:  # a stream's own bound (configuration subscribe)
                raise DaprTimeoutError(
                    f"{operation} timed out", {"operation": operation, **context}
                ) from None
            except grpc.RpcError as error:
                raise from_grpc(
                    error, operation, sidecar=self.config.dapr_grpc_endpoint, **context
                ) from error
            except DaprInternalError as error:
                # The async SDK wraps some RPC errors (save_state's, e.g. an ETag
                # mismatch) in its own type; the gRPC error is its cause.
                cause = error.__cause__
                if not isinstance(cause, grpc.RpcError):
                    raise DaprError(f"{operation} failed: {error}", context) from error
                raise from_grpc(
                    cause, operation, sidecar=self.config.dapr_grpc_endpoint, **context
                ) from error

        if not self._traced and not self.outbound.middlewares:
            # Nothing to run around the call: the first attempt inline, one coroutine
            # level less per call (the layer's own cost is tens of microseconds).
            try:
                return await attempt()
            except DaprConnectionError as unreachable:
                return await self._retried_after(unreachable, attempt)
        with self._client_span(operation, context):
            if not self.outbound.middlewares:
                return await self._retried(attempt)

            async def endpoint(outbound: OutboundCall) -> T:
                return await self._retried(attempt)

            result: T = await self.outbound.run(
                OutboundCall(operation, attributes=dict(context)), endpoint, operation
            )
        return result

    def _client_span(self, operation: str, context: Mapping[str, Any]) -> Any:
        """One client span per operation (retries included); the call carries its
        traceparent, so daprd's span of the call is its child."""
        if not self._traced:
            return nullcontext(trace.get_current_span())  # what NoOpTracer yields
        return self.tracer.start_as_current_span(
            operation, kind=SpanKind.CLIENT, attributes=span_attributes(operation, context)
        )

    async def http_call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        content: bytes | None = None,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout_s: float | None = None,
        **context: Any,
    ) -> httpx.Response:
        """Call the sidecar's HTTP API under the deadline and retry policy.

        Returns the response whatever its status: what a status means differs per API.
        """

        async def endpoint(outbound: OutboundCall) -> httpx.Response:
            outgoing = {**propagated_headers(), **outbound.headers, **(headers or {})}

            async def attempt() -> httpx.Response:
                try:
                    return await self.http.request(
                        method,
                        path,
                        content=content,
                        json=json,
                        params=params,
                        headers=outgoing,
                        timeout=timeout_s or self.config.timeout_seconds,
                    )
                except httpx.HTTPError as error:
                    raise from_http(
                        error, operation, sidecar=self.config.dapr_http_endpoint, **context
                    ) from error

            return await self._retried(attempt)

        with self._client_span(operation, context) as span:
            response: httpx.Response = await self.outbound.run(
                OutboundCall(operation, attributes=dict(context)), endpoint, operation
            )
            span.set_attribute("http.response.status_code", response.status_code)
        return response
