"""The services bootstrap builds once per app, and routes and handlers depend on."""

from dataclasses import dataclass

from app.building_blocks.actor_methods import ActorMethodInvoker
from app.building_blocks.actors import ActorGateway
from app.building_blocks.bindings import BindingsManager
from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.configuration import ConfigResolver
from app.building_blocks.engine_watchdog import EngineWatchdog
from app.building_blocks.health import HealthChecker
from app.building_blocks.pubsub import PubSubManager
from app.building_blocks.secrets import SecretsManager
from app.building_blocks.state import StateManager
from app.building_blocks.workflow_admission import WorkflowAdmission
from app.building_blocks.workflow_index import WorkflowIndex
from app.building_blocks.workflows import WorkflowEngine
from app.feature_flags import FeatureFlags
from app.order_views import OrderViews
from app.settings import Settings
from app.workflow_control import WorkflowControl


@dataclass(frozen=True)
class Services:
    settings: Settings
    dapr: DaprClientWrapper
    sidecar: HealthChecker
    state: StateManager
    secrets: SecretsManager
    config: ConfigResolver
    flags: FeatureFlags
    pubsub: PubSubManager
    bindings: BindingsManager
    actors: ActorGateway
    workflows: WorkflowEngine
    workflow_control: WorkflowControl
    admission: WorkflowAdmission
    watchdog: EngineWatchdog
    order_views: OrderViews
    workflow_index: WorkflowIndex  # one per process: it coalesces concurrent additions
    actor_methods: ActorMethodInvoker
