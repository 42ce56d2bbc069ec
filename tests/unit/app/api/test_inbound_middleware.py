"""The pure ASGI inbound middleware: it runs the pipeline around the inner app, lets
middlewares change the buffered response's headers, shares contextvars with the
endpoint, turns the pipeline's DaprErrors into problems, and passes non-HTTP scopes
(lifespan) straight through. A tiny Starlette app stands in for the API (pure logic)."""

import asyncio
import json
from contextvars import ContextVar

import httpx
import pytest
from fastapi import Request, Response
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from app.api.middleware import InboundPipelineMiddleware, app_token, inbound_middlewares
from app.building_blocks.middleware import Middleware, MiddlewarePipeline, Next

BOUND: ContextVar[str] = ContextVar("bound", default="unset")


async def bind_and_tag(request: Request, call_next: Next[Request, Response]) -> Response:
    BOUND.set(request.headers.get("x-bind", "none"))
    response = await call_next(request)
    response.headers["x-tag"] = "tagged"
    return response


async def read_body_first(request: Request, call_next: Next[Request, Response]) -> Response:
    await request.body()
    return await call_next(request)


async def bound(request: Request) -> Response:
    return PlainTextResponse(BOUND.get())


async def echo(request: Request) -> Response:
    return JSONResponse({"body": (await request.body()).decode(), "route": request.url.path})


def _client(*middlewares: Middleware[Request, Response]) -> httpx.AsyncClient:
    inner = Starlette(routes=[Route("/bound", bound), Route("/echo", echo, methods=["POST"])])
    app = InboundPipelineMiddleware(inner, MiddlewarePipeline("inbound", middlewares))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app")


async def _middleware_changes_headers_and_endpoint_sees_its_contextvars() -> None:
    async with _client(Middleware("tag", bind_and_tag)) as client:
        response = await client.get("/bound", headers={"x-bind": "from-middleware"})
    assert response.status_code == 200
    assert response.text == "from-middleware"
    assert response.headers["x-tag"] == "tagged"
    assert response.headers["content-length"] == str(len("from-middleware"))


async def _body_read_by_a_middleware_still_reaches_the_endpoint() -> None:
    async with _client(Middleware("reader", read_body_first)) as client:
        response = await client.post("/echo", content=b"payload")
    assert response.json() == {"body": "payload", "route": "/echo"}


async def _pipeline_dapr_error_becomes_a_problem() -> None:
    async with _client(app_token("secret")) as client:
        refused = await client.post("/actors/x/y/method/z", content=b"{}")
        allowed = await client.get("/bound")
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert json.loads(refused.content)["error_code"] == "UNAUTHORIZED"
    assert allowed.status_code == 200


async def _a_refusal_inside_the_chain_carries_the_correlation_id() -> None:
    async with _client(*inbound_middlewares("secret")) as client:
        refused = await client.get("/dapr/config", headers={"x-correlation-id": "corr-1"})
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["x-correlation-id"] == "corr-1"
    assert refused.headers["traceparent"].startswith("00-")
    assert "server-timing" in refused.headers  # the access log saw it too


async def _no_response_from_the_app_is_an_error() -> None:
    async def silent(scope: Scope, receive: Receive, send: Send) -> None:
        return None

    app = InboundPipelineMiddleware(silent, MiddlewarePipeline("inbound", []))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        with pytest.raises(RuntimeError, match="No response returned"):
            await client.get("/")


async def _lifespan_scope_passes_straight_through() -> None:
    seen: list[str] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    async def receive() -> Message:
        return {"type": "lifespan.startup"}

    async def send(message: Message) -> None:
        return None

    app = InboundPipelineMiddleware(inner, MiddlewarePipeline("inbound", []))
    await app({"type": "lifespan"}, receive, send)
    assert seen == ["lifespan"]


def test_middleware_changes_headers_and_endpoint_sees_its_contextvars() -> None:
    """A middleware adds a header to the buffered response (body and content-length
    intact), and a contextvar it sets is the endpoint's."""
    asyncio.run(_middleware_changes_headers_and_endpoint_sees_its_contextvars())


def test_body_read_by_a_middleware_still_reaches_the_endpoint() -> None:
    """A body a middleware read is handed to the endpoint again."""
    asyncio.run(_body_read_by_a_middleware_still_reaches_the_endpoint())


def test_pipeline_dapr_error_becomes_a_problem() -> None:
    """The app-token check's DaprError on a sidecar route is a 401 problem+json; other
    routes pass."""
    asyncio.run(_pipeline_dapr_error_becomes_a_problem())


def test_a_refusal_inside_the_chain_carries_the_correlation_id() -> None:
    """A refusal raised by a middleware inside the chain (here the app token) is answered
    inside trace-context and access-log: it carries the caller's correlation id and
    traceparent, and is timed and logged like any answer (a 504 from the read deadline
    once lacked the id under load)."""
    asyncio.run(_a_refusal_inside_the_chain_carries_the_correlation_id())


def test_no_response_from_the_app_is_an_error() -> None:
    """An inner app that sends nothing is an error, as with BaseHTTPMiddleware."""
    asyncio.run(_no_response_from_the_app_is_an_error())


def test_lifespan_scope_passes_straight_through() -> None:
    """Non-HTTP scopes reach the inner app untouched."""
    asyncio.run(_lifespan_scope_passes_straight_through())
