"""The FastAPI application. Run it with `uvicorn --factory app.main:create_app`."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api.routes import health
from app.bootstrap import mount_sidecar_routes, running_services
from app.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; everything that talks to the sidecar starts in the lifespan."""
    settings = settings or get_settings()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with running_services(settings, sidecar_routes) as services:
            app.state.services = services
            yield

    app = FastAPI(
        title="Orderflow",
        summary="Order fulfillment on Dapr actors and durable workflows.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.include_router(health.router)
    sidecar_routes = mount_sidecar_routes(app, settings)
    return app
