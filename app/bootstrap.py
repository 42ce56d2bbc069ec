"""The composition root: the one place that decides which actors, workflows, activities,
topic subscriptions and input bindings exist, which configuration layers and secret
stores the app reads, and wires them to the sidecar, in the order Dapr needs."""

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from dapr.actor.runtime.config import ActorRuntimeConfig
from dapr.actor.runtime.runtime import ActorRuntime
from dapr.ext.fastapi import DaprActor
from fastapi import FastAPI
from opentelemetry.trace import NoOpTracerProvider, TracerProvider

from activities import ACTIVITY_GROUPS
from activities.spec import ActivityDeps
from actors import ACTORS, actor_factories
from app.api.auth import token_verifier
from app.api.bindings import INPUT_BINDINGS
from app.api.subscriptions import SUBSCRIPTIONS
from app.api.subscriptions.spec import SubscriberDeps
from app.building_blocks.actor_methods import ActorMethodInvoker
from app.building_blocks.actors import ActorGateway
from app.building_blocks.bindings import BindingsManager
from app.building_blocks.client import DaprClientWrapper, DaprConfig
from app.building_blocks.configuration import (
    ConfigResolver,
    ConfigSource,
    DefaultsSource,
    EnvironmentSource,
)
from app.building_blocks.configuration_store import DaprConfigurationSource
from app.building_blocks.engine_watchdog import EngineWatchdog
from app.building_blocks.health import HealthChecker
from app.building_blocks.input_bindings import InputBindingRegistry
from app.building_blocks.invoke import ServiceInvoker
from app.building_blocks.loop_bridge import LoopBridge
from app.building_blocks.middleware import MiddlewarePipeline
from app.building_blocks.processed_events import ProcessedEvents
from app.building_blocks.pubsub import PubSubManager
from app.building_blocks.redaction import Redactor, redaction_installed
from app.building_blocks.run_endings import RunEnded
from app.building_blocks.sdk_line.channels import bound_reconnect_backoff
from app.building_blocks.sdk_line.handles import sdk_settings
from app.building_blocks.sdk_line.suspension import keep_action_records_while_suspended
from app.building_blocks.secrets import SecretsManager
from app.building_blocks.state import StateManager
from app.building_blocks.subscriptions import SubscriptionRegistry
from app.building_blocks.workflow_admission import WorkflowAdmission
from app.building_blocks.workflows import WorkflowEngine
from app.feature_flags import APPROVAL_THRESHOLD, DEFAULTS, FeatureFlags
from app.observability.sidecar_metrics import sidecar_call_metrics
from app.order_recovery import OrderRecovery
from app.order_service import OrderService
from app.order_views import OrderViews
from app.records.audit_ticks import AuditTicks
from app.records.books_records import BooksRecords
from app.records.inventory_index import AuditRecords, SkuIndex
from app.records.workflow_index import WorkflowIndex, WorkflowProgress
from app.services import Services
from app.settings import Settings
from app.workflow_control import WorkflowControl, purge_history
from payments.models import API_KEY_HEADER
from workflows import ENGINE_CANARY, WORKFLOWS

logger = logging.getLogger(__name__)


def configure_sdk(settings: Settings) -> None:
    """Point the SDK's process-wide settings (read by ActorProxy) at our sidecar."""
    sdk = sdk_settings  # a plain attribute bag; the SDK reads it on every call
    sdk.DAPR_RUNTIME_HOST = settings.dapr_host
    sdk.DAPR_HTTP_PORT = settings.dapr_http_port
    sdk.DAPR_GRPC_PORT = settings.dapr_grpc_port
    token = settings.dapr_api_token
    sdk.DAPR_API_TOKEN = token.get_secret_value() if token else None


def actor_runtime_config(settings: Settings) -> ActorRuntimeConfig:
    """The seed's ActorConfig, served to daprd on /dapr/config. Reentrancy stays off.

    Reminders are spread over partitions: daprd 1.14 keeps every reminder of an actor type
    in one state-store value by default, and the workflow engine's types (one reminder per
    step of every instance) made that value the bottleneck of a burst
    (docs/workflow-engine.md). The count applies to the engine's internal types too."""
    return ActorRuntimeConfig(
        actor_idle_timeout=settings.actor_idle_timeout,
        actor_scan_interval=settings.actor_scan_interval,
        drain_ongoing_call_timeout=settings.actor_drain_ongoing_call_timeout,
        drain_rebalanced_actors=settings.actor_drain_rebalanced_actors,
        reminders_storage_partitions=settings.actor_reminders_storage_partitions,
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


def configuration_layers(
    settings: Settings, dapr: DaprClientWrapper, defaults: Mapping[str, str] = DEFAULTS
) -> tuple[ConfigResolver, DaprConfigurationSource | None]:
    """The app's configuration layers, and the Dapr store layer if the profile has one
    (the caller starts and stops its subscription)."""
    sources: list[ConfigSource] = [
        EnvironmentSource(settings.configuration_env_prefix),
        DefaultsSource(defaults),
    ]
    store = None
    if settings.configstore_name is not None:
        store = DaprConfigurationSource(
            dapr,
            settings.configstore_name,
            settings.configstore_subscribe_metadata,
            resubscribe_max_s=settings.sidecar_wait_timeout_s,
        )
        sources.append(store)
    return ConfigResolver(sources), store


@dataclass(frozen=True)
class SidecarRoutes:
    """What serves daprd's calls into the app; mounted when the app is built."""

    actors: DaprActor
    topics: SubscriptionRegistry[SubscriberDeps]
    input_bindings: InputBindingRegistry[SubscriberDeps]


@asynccontextmanager
async def running_services(
    settings: Settings, routes: SidecarRoutes, tracing: TracerProvider | None = None
) -> AsyncIterator[Services]:
    """Start everything in dependency order, yield, then stop in reverse. `tracing` makes
    the spans of sidecar calls, actor calls and activities (none without it).

    The app is not listening while this runs (uvicorn binds after start-up), so we wait
    for the sidecar's *outbound* readiness only; daprd then finds the app port, reads
    the actor types registered here from /dapr/config and the subscriptions activated
    here from /dapr/subscribe, and finishes its own start-up.
    Registering actors before the app listens avoids dapr/dapr#8341.
    """
    configure_sdk(settings)
    tracer = (tracing or NoOpTracerProvider()).get_tracer("orderflow")
    bound_reconnect_backoff(settings.workflow_max_reconnect_backoff_ms)
    keep_action_records_while_suspended()
    async with AsyncExitStack() as stack:
        # First, so that no record logged from here on can carry a secret value.
        redactor = Redactor()
        stack.enter_context(redaction_installed(redactor))
        outbound = MiddlewarePipeline("outbound", [sidecar_call_metrics()])
        dapr = await stack.enter_async_context(
            DaprClientWrapper(dapr_config(settings), outbound, tracer=tracer)
        )
        sidecar = HealthChecker(dapr.http)
        logger.info("waiting for the Dapr sidecar at %s", settings.dapr_http_endpoint)
        await sidecar.wait_for_sidecar(
            settings.sidecar_wait_timeout_s, settings.sidecar_poll_interval_s
        )
        state = StateManager(dapr, settings.statestore_name, settings.state_max_value_bytes)
        secrets = SecretsManager(
            dapr, redactor, settings.secrets_cache_ttl_s, settings.secrets_cache_max_entries
        )
        verifier = await token_verifier(settings, secrets)  # no key, no start
        config, config_store = configuration_layers(settings, dapr)
        if config_store is not None:
            await config_store.start()  # the sidecar is up; a missing store stops start-up
            stack.push_async_callback(config_store.stop)
        flags = FeatureFlags(config)
        threshold = config.get(APPROVAL_THRESHOLD)
        logger.info(
            "configuration layers: %s; %s = %s (from %s)",
            ", ".join(source.name for source in config.sources),
            threshold.key,
            flags.approval_threshold(),
            threshold.source,
        )
        pubsub = PubSubManager(
            dapr,
            source=settings.app_id,
            max_event_bytes=settings.pubsub_max_event_bytes,
            max_request_bytes=settings.dapr_max_request_bytes,
        )
        bindings = BindingsManager(dapr, max_data_bytes=settings.dapr_max_request_bytes)

        ActorRuntime.set_actor_config(actor_runtime_config(settings))
        factories = actor_factories(settings.reservation_hold, settings.retention)
        for actor_type in ACTORS:
            factory = factories.get(actor_type)
            if factory is None:
                await routes.actors.register_actor(actor_type)
            else:
                await routes.actors.register_actor(actor_type, actor_factory=factory)

        retry = dapr.config.retry  # one policy for every call that never reached daprd
        actors = await ActorGateway.create(
            sidecar=settings.dapr_http_endpoint,
            tracer=tracer,
            retry=retry,
        )
        actors.pool_runtime_clients()  # after registration: the actors' own calls too
        progress = WorkflowProgress(state)
        index = WorkflowIndex(state)
        admission = WorkflowAdmission(settings.max_orders_in_flight)
        order_views = OrderViews(settings.order_views_max_entries, settings.order_view_ttl_s)
        deps = ActivityDeps(
            loop=LoopBridge.to_running_loop(call_timeout_s=60.0),
            actors=actors,
            progress=progress,
            skus=SkuIndex(state),
            audits=AuditRecords(state),
            books=BooksRecords(state),
            instances=index,
            invoker=ServiceInvoker(dapr),
            secrets=secrets,
            bindings=bindings,
            pubsub=pubsub,
            flags=flags,
            settings=settings,
            admission=admission,
            order_views=order_views,
            payment_key_header=API_KEY_HEADER,
        )
        activities = [fn for group in ACTIVITY_GROUPS for fn in group(deps).activities()]
        workflows = WorkflowEngine(
            settings.dapr_host,
            settings.dapr_grpc_port,
            tracer,
            retry=retry,
            on_run_ended=_run_ended_here(admission, order_views),
        )
        workflows.register(WORKFLOWS, activities)
        await workflows.start()
        logger.info("workflow runtime started: %s", ", ".join(workflows.workflow_names))
        replica = uuid.uuid4().hex[:12]  # this process, among the service's replicas
        watchdog = EngineWatchdog(
            workflows,
            admission,
            purge=lambda instance_id: purge_history(dapr, instance_id),
            replica=replica,
            interval_s=settings.engine_canary_interval_s,
            deadline_s=settings.engine_canary_deadline_s,
            sweep_after_s=settings.admission_sweep_after_s,
            canary_workflow=ENGINE_CANARY.name,
        )
        watching = asyncio.create_task(watchdog.run(), name="engine watchdog")

        orders = OrderService(
            actors,
            workflows,
            admission,
            index,  # the one WorkflowIndex: it coalesces concurrent additions
            SkuIndex(state),
            order_views,
            OrderRecovery(
                actors,
                workflows,
                admission,
                purge=lambda instance_id: purge_history(dapr, instance_id),
                stall_after_s=settings.order_stall_after_s,
            ),
            engine_read_deadline_s=settings.engine_read_deadline_s,
            max_stale_s=settings.order_view_max_stale_s,
        )
        handler_deps = SubscriberDeps(
            workflows=workflows,
            state=state,
            orders=orders,
            audit_ticks=AuditTicks(state, settings.inventory_audit_schedule),
            replica=replica,
        )
        routes.topics.activate(
            handler_deps, ProcessedEvents(state, ttl_seconds=settings.processed_event_ttl_s)
        )
        routes.input_bindings.activate(handler_deps)
        try:
            yield Services(
                settings=settings,
                sidecar=sidecar,
                state=state,
                actors=actors,
                workflows=workflows,
                workflow_control=WorkflowControl(
                    workflows,
                    index,
                    progress,
                    dapr,
                    admission,
                    read_deadline_s=settings.engine_read_deadline_s,
                ),
                admission=admission,
                watchdog=watchdog,
                order_views=order_views,
                orders=orders,
                actor_methods=ActorMethodInvoker(actors, ACTORS),
                token_verifier=verifier,
            )
        finally:
            routes.input_bindings.deactivate()
            routes.topics.deactivate()
            watching.cancel()
            await asyncio.gather(watching, return_exceptions=True)
            await workflows.shutdown()
            logger.info("workflow runtime stopped")
            await actors.close()


def mount_sidecar_routes(
    app: FastAPI, settings: Settings, responses: dict[int | str, dict[str, Any]] | None = None
) -> SidecarRoutes:
    """Routes daprd calls into: actor callbacks and /dapr/config (DaprActor), the topic
    subscriptions with /dapr/subscribe, and the input bindings (documented with the
    error `responses` the API's routes have)."""
    routes = SidecarRoutes(
        actors=DaprActor(app),
        topics=SubscriptionRegistry(SUBSCRIPTIONS, default_pubsub=settings.pubsub_name),
        input_bindings=InputBindingRegistry(INPUT_BINDINGS),
    )
    app.include_router(routes.topics.router(), responses=responses)
    app.include_router(routes.input_bindings.router(), responses=responses)
    return routes


def _run_ended_here(
    admission: WorkflowAdmission, order_views: OrderViews
) -> Callable[[RunEnded], None]:
    """A run that ended here leaves admission's count, and its outcome answers reads."""

    def ended(run: RunEnded) -> None:
        admission.release(run.instance_id)
        order_views.run_ended(run)

    return ended
