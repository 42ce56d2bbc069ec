"""What topic and input-binding handlers receive besides the event."""

from dataclasses import dataclass, field

from app.building_blocks.state import StateManager
from app.building_blocks.workflow_admission import WorkflowAdmission
from app.building_blocks.workflow_index import WorkflowIndex
from app.building_blocks.workflows import WorkflowEngine

# Unit tests of handlers that start no orders need no admission of their own.
_UNLIMITED = 1_000_000


@dataclass(frozen=True)
class SubscriberDeps:
    """The clients handlers may use; built once by bootstrap when the services start."""

    workflows: WorkflowEngine
    state: StateManager | None = None  # None only in unit tests that need no state
    admission: WorkflowAdmission = field(default_factory=lambda: WorkflowAdmission(_UNLIMITED))
    index: WorkflowIndex | None = None  # the app's one index; None in unit tests without state
