"""The services bootstrap builds once per app, and routes and handlers depend on."""

from dataclasses import dataclass

from app.building_blocks.actors import ActorGateway
from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.health import HealthChecker
from app.building_blocks.state import StateManager
from app.building_blocks.workflows import WorkflowEngine
from app.settings import Settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    dapr: DaprClientWrapper
    sidecar: HealthChecker
    state: StateManager
    actors: ActorGateway
    workflows: WorkflowEngine
