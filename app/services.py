"""The services bootstrap builds once per app, and routes and handlers depend on."""

from dataclasses import dataclass

from app.building_blocks.actors import ActorGateway
from app.building_blocks.bindings import BindingsManager
from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.health import SidecarHealth
from app.building_blocks.pubsub import PubSubManager
from app.building_blocks.state import StateManager
from app.building_blocks.workflows import WorkflowEngine
from app.settings import Settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    dapr: DaprClientWrapper
    sidecar: SidecarHealth
    state: StateManager
    pubsub: PubSubManager
    bindings: BindingsManager
    actors: ActorGateway
    workflows: WorkflowEngine
