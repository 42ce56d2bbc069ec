"""daprd's actor health probe while the process drains: it fails, so daprd leaves
placement and hands the replica's actors over before it is stopped; every other route
is served as before. A tiny Starlette app stands in for DaprActor's routes (pure logic)."""

import asyncio

import httpx
from fastapi import Request, Response
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app.api.middleware import InboundPipelineMiddleware
from app.api.sidecar_callbacks import actor_host_drain
from app.building_blocks.middleware import MiddlewarePipeline
from app.drain import ShutdownDrain


async def ok(request: Request) -> Response:
    return PlainTextResponse("ok")


async def _statuses(drain: ShutdownDrain) -> tuple[int, int]:
    inner = Starlette(routes=[Route("/healthz", ok), Route("/dapr/config", ok)])
    app = InboundPipelineMiddleware(inner, MiddlewarePipeline("inbound", [actor_host_drain(drain)]))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        probe = await client.get("/healthz")
        config = await client.get("/dapr/config")
    return probe.status_code, config.status_code


def test_the_actor_health_probe_passes_until_the_process_drains() -> None:
    assert asyncio.run(_statuses(ShutdownDrain())) == (200, 200)


def test_a_draining_process_fails_only_the_actor_health_probe() -> None:
    drain = ShutdownDrain()
    drain.begin()
    assert asyncio.run(_statuses(drain)) == (503, 200)
