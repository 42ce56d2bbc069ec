"""What topic and input-binding handlers receive besides the event."""

from dataclasses import dataclass

from app.building_blocks.state import StateManager
from app.building_blocks.workflows import WorkflowEngine
from app.order_service import OrderService
from app.records.audit_ticks import AuditTicks


@dataclass(frozen=True)
class SubscriberDeps:
    """The clients handlers may use; built once by bootstrap when the services start."""

    workflows: WorkflowEngine
    state: StateManager | None = None  # None only in unit tests that need no state
    orders: OrderService | None = None  # None only in unit tests of other handlers
    # Claims of the audit cron's ticks, so N replicas' crons start one audit per tick;
    # None: every tick starts it (unit tests, where there is one caller).
    audit_ticks: AuditTicks | None = None
    replica: str = "replica"  # this process, in the claims it writes
