"""What activity groups receive and expose."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from app.building_blocks.actors import ActorGateway
from app.building_blocks.workflow_index import WorkflowProgress

ActivityFn = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class ActivityDeps:
    """The clients activities may use; built once by bootstrap."""

    actors: ActorGateway  # also the bridge from activity threads to the app's loop
    progress: WorkflowProgress


class ActivityGroup(Protocol):
    """A class of related activities built with its dependencies."""

    def __init__(self, deps: ActivityDeps) -> None: ...

    def activities(self) -> list[ActivityFn]:
        """The bound methods to register; each is registered under its method name."""
        ...
