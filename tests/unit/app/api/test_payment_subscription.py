"""The `payments` subscription handler's routing, with a fake workflow engine."""

import asyncio
from types import SimpleNamespace
from typing import Any

from dapr.ext.workflow import WorkflowState, WorkflowStatus

from app.api.subscriptions.payments import on_payment_event
from app.api.subscriptions.spec import SubscriberDeps
from app.building_blocks.cloudevents import CloudEvent
from app.building_blocks.subscriptions import TopicStatus
from app.building_blocks.workflows import WorkflowEngine


class FakeWorkflowEngine(WorkflowEngine):
    """Knows some instances and their status; records raised events."""

    def __init__(self, instances: dict[str, WorkflowStatus]) -> None:
        self.instances = instances
        self.raised: list[tuple[str, str, Any]] = []

    async def get_state(
        self, instance_id: str, fetch_payloads: bool = True, deadline_s: float | None = None
    ) -> WorkflowState | None:
        status = self.instances.get(instance_id)
        state: Any = None if status is None else SimpleNamespace(runtime_status=status)
        return state

    async def raise_event(self, instance_id: str, event_name: str, data: Any = None) -> None:
        self.raised.append((instance_id, event_name, data))


def _deliver(engine: FakeWorkflowEngine, event_type: str, data: Any) -> TopicStatus:
    event = CloudEvent(id="evt-1", source="tests", type=event_type, data=data)
    return asyncio.run(on_payment_event(event, SubscriberDeps(workflows=engine)))


def test_payment_event_is_raised_under_its_type_on_a_running_order() -> None:
    """`payment.approved` for a running order raises `payment.approved` with the data."""
    engine = FakeWorkflowEngine({"o-1": WorkflowStatus.RUNNING})
    assert _deliver(engine, "payment.approved", {"order_id": "o-1", "charge_id": "c"}) == "SUCCESS"
    assert engine.raised == [
        ("o-1", "payment.approved", {"order_id": "o-1", "charge_id": "c", "reason": ""})
    ]


def test_payment_event_for_an_ended_order_is_acknowledged_without_raising() -> None:
    """An order whose workflow completed: SUCCESS, nothing raised."""
    engine = FakeWorkflowEngine({"o-1": WorkflowStatus.COMPLETED})
    assert _deliver(engine, "payment.declined", {"order_id": "o-1"}) == "SUCCESS"
    assert engine.raised == []


def test_unknown_order_bad_data_or_type_is_dropped() -> None:
    """No such order, invalid data, or a type we do not know: DROP, nothing raised."""
    engine = FakeWorkflowEngine({"o-1": WorkflowStatus.RUNNING})
    assert _deliver(engine, "payment.approved", {"order_id": "o-2"}) == "DROP"
    assert _deliver(engine, "payment.approved", {"order": "o-1"}) == "DROP"
    assert _deliver(engine, "payment.refunded", {"order_id": "o-1"}) == "DROP"
    assert engine.raised == []
