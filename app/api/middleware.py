"""Inbound middleware: trace context and correlation id, access log with timing and
metrics, and the app token daprd must present on the routes it calls."""

import hmac
import logging
import time
from collections.abc import Sequence

from fastapi import Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import dapr_error_response
from app.building_blocks.errors import DaprError
from app.building_blocks.middleware import Middleware, MiddlewarePipeline, Next
from app.observability import tracing
from app.observability.metrics import HTTP_REQUEST_DURATION, HTTP_REQUESTS

logger = logging.getLogger("orderflow.access")
InboundPipeline = MiddlewarePipeline[Request, Response]

# Routes daprd calls into the app (actors, config, subscriptions, bindings).
SIDECAR_ROUTE_PREFIXES = ("/dapr/", "/actors/", "/events/", "/bindings/")


class AppTokenMissingError(DaprError):
    error_code = "UNAUTHORIZED"
    http_status = 401


async def trace_context(request: Request, call_next: Next[Request, Response]) -> Response:
    """Bind the correlation id beside the request's server span (opened, from the
    caller's traceparent, by the OpenTelemetry instrumentation around this pipeline);
    echo both to the caller. Without that span (an uninstrumented app), continue or
    start the W3C trace here."""
    context = tracing.current()
    if context is None:
        context = tracing.context_from_headers(request.headers)
        tracing.bind(context)
    else:
        correlation_id = tracing.correlation_from_headers(request.headers)
        tracing.bind_correlation(correlation_id)
        context = tracing.current() or context
    response = await call_next(request)
    response.headers[tracing.CORRELATION_HEADER] = context.correlation_id
    response.headers["traceparent"] = context.traceparent
    return response


async def access_log(request: Request, call_next: Next[Request, Response]) -> Response:
    """One log line and one metrics sample per request, labelled by route template."""
    started = time.perf_counter()
    response = await call_next(request)
    elapsed = time.perf_counter() - started
    route = _route_label(request)
    HTTP_REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    HTTP_REQUEST_DURATION.labels(request.method, route).observe(elapsed)
    response.headers["server-timing"] = f"app;dur={elapsed * 1000:.1f}"
    if route not in ("/health/live", "/health/ready", "/metrics", "/healthz"):
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            request.url.path,
            response.status_code,
            elapsed * 1000,
        )
    return response


def _route_label(request: Request) -> str:
    """The route template (bounded cardinality); fixed-path routes FastAPI adds itself
    (/docs, /openapi.json) by path; anything unrouted as "unmatched"."""
    route = request.scope.get("route")
    if route is not None:
        return str(getattr(route, "path", "unmatched"))
    return request.url.path if request.scope.get("endpoint") else "unmatched"


def app_token(expected: str | None) -> Middleware[Request, Response]:
    """With APP_API_TOKEN set, daprd's calls into the app must carry it (Dapr sends it as
    `dapr-api-token`); without it, nothing is checked."""

    async def check(request: Request, call_next: Next[Request, Response]) -> Response:
        if expected and request.url.path.startswith(SIDECAR_ROUTE_PREFIXES):
            presented = request.headers.get("dapr-api-token", "")
            if not hmac.compare_digest(presented.encode(), expected.encode()):
                raise AppTokenMissingError(
                    "this route is for the Dapr sidecar and needs its app token",
                    {"path": request.url.path},
                )
        return await call_next(request)

    return Middleware("app-token", check)


async def errors_as_problems(request: Request, call_next: Next[Request, Response]) -> Response:
    """A refusal from a later middleware (app token 401, body limit 413, read deadline
    504) becomes its problem here, inside the trace context and the access log: the
    caller gets the correlation id and traceparent on it, and it is logged and counted."""
    try:
        return await call_next(request)
    except DaprError as error:
        return dapr_error_response(request, error)


def inbound_middlewares(app_api_token: str | None) -> Sequence[Middleware[Request, Response]]:
    """The inbound chain, outermost first."""
    return [
        Middleware("trace-context", trace_context),
        Middleware("access-log", access_log),
        Middleware("errors-as-problems", errors_as_problems),
        app_token(app_api_token),
    ]


class BufferedResponse(Response):
    """The inner app's response, held whole so that middlewares can still change its
    headers (a `send`d response start cannot be changed)."""

    def __init__(self, status_code: int, raw_headers: list[tuple[bytes, bytes]], body: bytes):
        self.status_code = status_code
        self.raw_headers = raw_headers
        self.body = body
        self.background = None


class InboundPipelineMiddleware:
    """Runs the inbound pipeline around every HTTP request; its errors become problems.

    A pure ASGI middleware: the inner app runs in this task (no task group or memory
    streams as with Starlette's BaseHTTPMiddleware, and the contextvars the pipeline
    binds are the endpoint's). `call_next` buffers the response whole; no route streams.
    One that did (SSE, large downloads) would need `call_next` to return once the
    response start arrives, with the body passed straight through after the pipeline.
    """

    def __init__(self, app: ASGIApp, pipeline: InboundPipeline) -> None:
        self.app = app
        self.pipeline = pipeline

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.pipeline.run(
                request, self._call_app, f"{request.method} {request.url.path}"
            )
        except DaprError as error:
            response = dapr_error_response(request, error)
        await response(scope, receive, send)

    async def _call_app(self, request: Request) -> Response:
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(request.scope, _replaying(request), buffer)
        if start is None:
            raise RuntimeError("No response returned.")
        return BufferedResponse(start["status"], list(start.get("headers", [])), b"".join(chunks))


def _replaying(request: Request) -> Receive:
    """The request's receive; if a middleware read the body, one that hands it on again."""
    body: bytes | None = getattr(request, "_body", None)
    if body is None:
        return request.receive
    return replaying(body, request.receive)


def replaying(body: bytes, receive: Receive) -> Receive:
    """`receive` for an app behind a middleware that read the whole body: that body once,
    then the client's own messages (a disconnect)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
