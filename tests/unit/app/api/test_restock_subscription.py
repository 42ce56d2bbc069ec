"""The `restocks` subscription handler's decisions, with a fake workflow engine."""

import asyncio
from typing import Any

from dapr.ext.workflow import WorkflowState

from app.api.subscriptions.restocks import on_restock_requested
from app.api.subscriptions.spec import SubscriberDeps
from app.building_blocks.cloudevents import CloudEvent
from app.building_blocks.subscriptions import TopicStatus
from app.building_blocks.workflows import WorkflowEngine


class FakeWorkflowEngine(WorkflowEngine):
    """Records schedules; knows the instance ids it is told exist."""

    def __init__(self, existing: frozenset[str] = frozenset()) -> None:
        self.existing = set(existing)
        self.scheduled: list[tuple[str, dict[str, Any], str | None]] = []

    async def get_state(
        self, instance_id: str, fetch_payloads: bool = True, deadline_s: float | None = None
    ) -> WorkflowState | None:
        return object() if instance_id in self.existing else None

    async def schedule(
        self, name: str, payload: dict[str, Any], instance_id: str | None = None
    ) -> str:
        self.scheduled.append((name, payload, instance_id))
        return instance_id or "generated"


def _deliver(engine: FakeWorkflowEngine, data: Any, event_id: str = "evt-1") -> TopicStatus:
    event = CloudEvent(id=event_id, source="tests", type="inventory.restock.requested", data=data)
    return asyncio.run(on_restock_requested(event, SubscriberDeps(workflows=engine)))


def test_valid_event_starts_restock_with_the_event_id_as_instance_id() -> None:
    """A new event schedules `restock` once, keyed by its CloudEvent id."""
    engine = FakeWorkflowEngine()
    assert _deliver(engine, {"sku": "A-1", "quantity": 3}) == "SUCCESS"
    assert engine.scheduled == [("restock", {"sku": "A-1", "quantity": 3}, "evt-1")]


def test_redelivered_event_is_acknowledged_without_scheduling() -> None:
    """An event whose instance exists is a duplicate: SUCCESS, nothing scheduled."""
    engine = FakeWorkflowEngine(existing=frozenset({"evt-1"}))
    assert _deliver(engine, {"sku": "A-1", "quantity": 3}) == "SUCCESS"
    assert engine.scheduled == []


def test_malformed_event_is_dropped_without_scheduling() -> None:
    """Data that fails validation is DROP (a poison message never succeeds on retry)."""
    engine = FakeWorkflowEngine()
    assert _deliver(engine, {"sku": "", "quantity": "many"}) == "DROP"
    assert _deliver(engine, None) == "DROP"
    assert engine.scheduled == []


def test_event_id_too_long_for_an_instance_id_is_dropped() -> None:
    """An id that cannot be a workflow instance id is DROP, not cut short."""
    engine = FakeWorkflowEngine()
    assert _deliver(engine, {"sku": "A-1", "quantity": 3}, event_id="x" * 201) == "DROP"
    assert engine.scheduled == []


def test_event_id_the_engine_cannot_run_is_dropped() -> None:
    """An event id with ':' (daprd's activity separator) never becomes an instance id."""
    engine = FakeWorkflowEngine()
    for event_id in ("evt:", "evt::1", "a:b"):
        assert _deliver(engine, {"sku": "A-1", "quantity": 3}, event_id=event_id) == "DROP"
    assert engine.scheduled == []
