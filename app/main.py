"""The FastAPI application. Run it with `uvicorn --factory app.main:create_app`."""

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from actors import ACTORS
from app.api.body_limit import body_limit
from app.api.middleware import InboundPipelineMiddleware, inbound_middlewares
from app.api.openapi import PROBLEM_RESPONSES, problem_openapi
from app.api.placement_gate import PlacementGate
from app.api.problems import install_problem_handlers
from app.api.read_deadline import read_deadline
from app.api.routes import (
    actors,
    books,
    dead_letters,
    health,
    inventory,
    inventory_audit,
    metrics,
    orders,
    workflows,
)
from app.api.sidecar_callbacks import (
    actor_callback_guard,
    actor_host_drain,
    hide_dapr_actor_routes,
)
from app.bootstrap import mount_sidecar_routes, running_services
from app.building_blocks.middleware import MiddlewarePipeline
from app.observability.actor_metrics import actor_call_metrics
from app.observability.logging import configure_logging
from app.observability.telemetry import instrument, tracer_provider
from app.settings import Settings, get_settings
from app.ui.dashboard import mount_dashboard


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; everything that talks to the sidecar starts in the lifespan."""
    settings = settings or get_settings()
    configure_logging(settings.log_format, settings.log_level)
    if settings.gil_switch_interval_s is not None:
        # The event loop shares the GIL with the workflow worker's threads, whose
        # orchestrator replays are pure Python: how long the loop waits for the GIL is
        # how long a status read waits (docs/workflow-engine.md, "Measured here").
        sys.setswitchinterval(settings.gil_switch_interval_s)
    tracing = tracer_provider(
        settings.app_id, settings.otlp_endpoint, settings.trace_sampling_ratio
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            async with running_services(settings, sidecar_routes, tracing) as services:
                app.state.services = services
                yield
        finally:
            tracing.shutdown()  # exports what is still queued

    app = FastAPI(
        title="Orderflow",
        summary="Order fulfillment on Dapr actors and durable workflows.",
        version="0.1.0",
        lifespan=lifespan,
    )
    token = settings.app_api_token.get_secret_value() if settings.app_api_token else None
    pipeline = MiddlewarePipeline(
        "inbound",
        [
            *inbound_middlewares(token),
            body_limit(settings.dapr_max_request_bytes),  # after the token: no read before it
            read_deadline(settings.status_read_deadline_s),
            actor_host_drain(),
            actor_callback_guard(ACTORS),
            actor_call_metrics(ACTORS),
        ],
    )
    app.add_middleware(InboundPipelineMiddleware, pipeline=pipeline)
    app.add_middleware(PlacementGate)  # outside the pipeline: a refusal skips it
    install_problem_handlers(app)
    instrument(app, tracing)
    for router in (
        health.router,
        metrics.router,
        workflows.router,
        actors.router,
        orders.router,
        inventory_audit.router,  # before inventory's /{sku}
        inventory.router,
        books.router,
        dead_letters.router,
    ):
        app.include_router(router, responses=PROBLEM_RESPONSES)
    mount_dashboard(app)
    sidecar_routes = mount_sidecar_routes(app, settings, PROBLEM_RESPONSES)
    hide_dapr_actor_routes(app.router.routes)
    app.openapi = problem_openapi(app)  # type: ignore[method-assign]
    return app
