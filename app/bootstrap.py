"""The composition root: the one place that decides which actors, workflows, activities,
topic subscriptions and input bindings exist and wires them to the sidecar, in the order
Dapr needs."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from dapr.actor.runtime.config import ActorRuntimeConfig
from dapr.actor.runtime.runtime import ActorRuntime
from dapr.conf import settings as dapr_sdk_settings
from dapr.ext.fastapi import DaprActor
from fastapi import FastAPI

from activities import ACTIVITY_GROUPS
from activities.spec import ActivityDeps
from actors import ACTORS
from app.api.bindings import INPUT_BINDINGS
from app.api.subscriptions import SUBSCRIPTIONS
from app.api.subscriptions.spec import SubscriberDeps
from app.building_blocks.actors import ActorGateway
from app.building_blocks.bindings import BindingsManager
from app.building_blocks.client import DaprClientWrapper, DaprConfig
from app.building_blocks.health import SidecarHealth
from app.building_blocks.input_bindings import InputBindingRegistry
from app.building_blocks.processed_events import ProcessedEvents
from app.building_blocks.pubsub import PubSubManager
from app.building_blocks.state import StateManager
from app.building_blocks.subscriptions import SubscriptionRegistry
from app.building_blocks.workflows import WorkflowEngine
from app.services import Services
from app.settings import Settings
from workflows import WORKFLOWS

logger = logging.getLogger(__name__)


def configure_sdk(settings: Settings) -> None:
    """Point the SDK's process-wide settings (read by ActorProxy) at our sidecar."""
    sdk: Any = dapr_sdk_settings  # a plain attribute bag; the SDK reads it on every call
    sdk.DAPR_RUNTIME_HOST = settings.dapr_host
    sdk.DAPR_HTTP_PORT = settings.dapr_http_port
    sdk.DAPR_GRPC_PORT = settings.dapr_grpc_port
    token = settings.dapr_api_token
    sdk.DAPR_API_TOKEN = token.get_secret_value() if token else None


def actor_runtime_config(settings: Settings) -> ActorRuntimeConfig:
    """The seed's ActorConfig, served to daprd on /dapr/config. Reentrancy stays off."""
    return ActorRuntimeConfig(
        actor_idle_timeout=settings.actor_idle_timeout,
        actor_scan_interval=settings.actor_scan_interval,
        drain_ongoing_call_timeout=settings.actor_drain_ongoing_call_timeout,
        drain_rebalanced_actors=settings.actor_drain_rebalanced_actors,
    )


def dapr_config(settings: Settings) -> DaprConfig:
    token = settings.dapr_api_token
    return DaprConfig(
        dapr_http_endpoint=settings.dapr_http_endpoint,
        dapr_grpc_endpoint=settings.dapr_grpc_address,
        dapr_api_token=token.get_secret_value() if token else None,
        timeout_seconds=settings.dapr_timeout_s,
        max_retries=settings.dapr_max_retries,
        retry_initial_backoff_s=settings.dapr_retry_initial_backoff_s,
        retry_max_backoff_s=settings.dapr_retry_max_backoff_s,
    )


@dataclass(frozen=True)
class SidecarRoutes:
    """What serves daprd's calls into the app; mounted when the app is built."""

    actors: DaprActor
    topics: SubscriptionRegistry[SubscriberDeps]
    input_bindings: InputBindingRegistry[SubscriberDeps]


@asynccontextmanager
async def running_services(settings: Settings, routes: SidecarRoutes) -> AsyncIterator[Services]:
    """Start everything in dependency order, yield, then stop in reverse.

    The app is not listening while this runs (uvicorn binds after start-up), so we wait
    for the sidecar's *outbound* readiness only; daprd then finds the app port, reads
    the actor types registered here from /dapr/config and the subscriptions activated
    here from /dapr/subscribe, and finishes its own start-up.
    Registering actors before the app listens avoids dapr/dapr#8341.
    """
    configure_sdk(settings)
    async with DaprClientWrapper(dapr_config(settings)) as dapr:
        sidecar = SidecarHealth(dapr.http)
        logger.info("waiting for the Dapr sidecar at %s", settings.dapr_http_endpoint)
        await sidecar.wait_for_sidecar(
            settings.sidecar_wait_timeout_s, settings.sidecar_poll_interval_s
        )
        state = StateManager(dapr, settings.statestore_name, settings.state_max_value_bytes)
        pubsub = PubSubManager(
            dapr,
            source=settings.app_id,
            max_event_bytes=settings.pubsub_max_event_bytes,
            max_request_bytes=settings.dapr_max_request_bytes,
        )
        bindings = BindingsManager(dapr, max_data_bytes=settings.dapr_max_request_bytes)

        ActorRuntime.set_actor_config(actor_runtime_config(settings))
        for actor_type in ACTORS:
            await routes.actors.register_actor(actor_type)

        actors = await ActorGateway.create(call_timeout_s=60.0)
        deps = ActivityDeps(actors=actors)
        activities = [fn for group in ACTIVITY_GROUPS for fn in group(deps).activities()]
        workflows = WorkflowEngine(settings.dapr_host, settings.dapr_grpc_port)
        workflows.register(WORKFLOWS, activities)
        await workflows.start()
        logger.info("workflow runtime started: %s", ", ".join(workflows.workflow_names))

        handler_deps = SubscriberDeps(workflows=workflows)
        routes.topics.activate(
            handler_deps, ProcessedEvents(state, ttl_seconds=settings.processed_event_ttl_s)
        )
        routes.input_bindings.activate(handler_deps)
        try:
            yield Services(
                settings=settings,
                dapr=dapr,
                sidecar=sidecar,
                state=state,
                pubsub=pubsub,
                bindings=bindings,
                actors=actors,
                workflows=workflows,
            )
        finally:
            routes.input_bindings.deactivate()
            routes.topics.deactivate()
            await workflows.shutdown()
            logger.info("workflow runtime stopped")


def mount_sidecar_routes(app: FastAPI, settings: Settings) -> SidecarRoutes:
    """Routes daprd calls into: actor callbacks and /dapr/config (DaprActor), the topic
    subscriptions with /dapr/subscribe, and the input bindings."""
    routes = SidecarRoutes(
        actors=DaprActor(app),
        topics=SubscriptionRegistry(SUBSCRIPTIONS, default_pubsub=settings.pubsub_name),
        input_bindings=InputBindingRegistry(INPUT_BINDINGS),
    )
    app.include_router(routes.topics.router())
    app.include_router(routes.input_bindings.router())
    return routes
