"""The services bootstrap builds once per app and routes read (nothing they do not read)."""

from dataclasses import dataclass

from app.api.auth import TokenVerifier
from app.building_blocks.actor_methods import ActorMethodInvoker
from app.building_blocks.actors import ActorGateway
from app.building_blocks.engine_watchdog import EngineWatchdog
from app.building_blocks.health import HealthChecker
from app.building_blocks.state import StateManager
from app.building_blocks.workflow_admission import WorkflowAdmission
from app.building_blocks.workflows import WorkflowEngine
from app.order_service import OrderService
from app.order_views import OrderViews
from app.settings import Settings
from app.workflow_control import WorkflowControl


@dataclass(frozen=True)
class Services:
    settings: Settings
    sidecar: HealthChecker
    state: StateManager
    actors: ActorGateway
    workflows: WorkflowEngine
    workflow_control: WorkflowControl
    admission: WorkflowAdmission
    watchdog: EngineWatchdog
    order_views: OrderViews
    orders: OrderService
    actor_methods: ActorMethodInvoker
    token_verifier: TokenVerifier
