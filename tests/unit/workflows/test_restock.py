"""The restock and restock_approval workflows through a fake orchestration context."""

from typing import Any

from tests.unit.support.workflow_context import WorkflowRun
from workflows.restock import restock
from workflows.restock_approval import restock_approval

LEVEL = {"sku": "SKU-1", "on_hand": 50, "reserved": 0, "available": 50}


def steps(run: WorkflowRun) -> list[str]:
    """The trail: `record_progress <step>` for progress reports, the name otherwise."""
    return [
        f"record_progress {c.input['progress']['step']}" if c.name == "record_progress" else c.name
        for c in run.ctx.scheduled
    ]


def approval_run(**extra: Any) -> WorkflowRun:
    request = {"sku": "SKU-1", "quantity": 50, "approval_timeout_s": 30, **extra}
    run = WorkflowRun(restock_approval, request, instance_id="restock-7")
    run.reported()  # awaiting approval
    return run


def test_restock_applies_once_with_the_instance_id_as_idempotency_key() -> None:
    """One apply_restock whose restock_id is the workflow's instance id; its level is the output."""
    run = WorkflowRun(restock, {"sku": "SKU-1", "quantity": 5}, instance_id="event-42")
    [apply] = run.pending()
    assert apply.name == "apply_restock"
    assert apply.input == {"sku": "SKU-1", "quantity": 5, "restock_id": "event-42"}
    run.complete("apply_restock", LEVEL)
    assert run.finished
    assert run.output == LEVEL


def test_an_approved_restock_reports_progress_and_applies() -> None:
    """awaiting approval, then restocking, apply_restock, restocked; output names the approver."""
    run = approval_run()
    [timer] = run.calls("timer")
    assert timer.fire_at is not None
    assert (timer.fire_at - run.ctx.current_utc_datetime).total_seconds() == 30
    run.raise_event("approval", {"approved": True, "approver": "ops"})
    run.reported()  # restocking
    [apply] = run.calls("apply_restock")
    assert apply.input["restock_id"] == "restock-7"
    run.complete("apply_restock", LEVEL)
    run.reported()  # restocked

    assert steps(run) == [
        "record_progress awaiting approval",
        "timer",
        "record_progress restocking",
        "apply_restock",
        "record_progress restocked",
    ]
    assert run.output == {"approved": True, "approver": "ops", "level": LEVEL}


def test_a_rejected_restock_changes_no_stock() -> None:
    """`approved: false`: report rejected, never call apply_restock."""
    run = approval_run()
    run.raise_event("approval", {"approved": False, "approver": "ops"})
    run.reported()
    assert steps(run) == ["record_progress awaiting approval", "timer", "record_progress rejected"]
    assert run.output == {"approved": False, "reason": "rejected", "approver": "ops"}


def test_an_undecided_restock_is_rejected_when_the_timer_fires() -> None:
    """No decision before the timeout: rejected, no stock."""
    run = approval_run()
    run.fire_timer()
    run.reported()
    assert "apply_restock" not in run.names()
    assert run.output == {"approved": False, "reason": "no decision before the timeout"}


def test_a_malformed_decision_counts_as_a_rejection() -> None:
    """An approval event the model refuses leaves nothing half-decided: it is a no."""
    run = approval_run()
    run.raise_event("approval", {"approved": "maybe", "extra": 1})
    run.reported()
    assert "apply_restock" not in run.names()
    assert run.output == {
        "approved": False,
        "reason": "the decision was not a valid approval event",
    }
