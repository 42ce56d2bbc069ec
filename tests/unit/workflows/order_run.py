"""Driving order_fulfillment through the fake orchestration context: the order, its
answers, and what the workflow scheduled (shared by the order_fulfillment tests)."""

from decimal import Decimal
from typing import Any

from activities.order_models import LineResult, OrderPlan, StepRecorded
from tests.unit.support.workflow_context import WorkflowRun
from workflows.order_fulfillment import order_fulfillment

ORDER = {
    "order_id": "order-1",
    "customer_id": "c-1",
    "lines": [
        {"sku": "SKU-1", "quantity": 2, "unit_price": "10.00"},
        {"sku": "SKU-2", "quantity": 1, "unit_price": "5.00"},
    ],
}
SKUS = ["SKU-1", "SKU-2"]
CHARGED = {"approved": True, "charge_id": "ch-1"}
REFUNDED = {"refunded": True, "refund_id": "rf-1"}
LABEL = {"file_name": "label-order-1.json"}
RESERVE = ["reserve_line SKU-1", "reserve_line SKU-2"]
RELEASE = ["release_line SKU-1", "release_line SKU-2"]
COMMIT = ["commit_line SKU-1", "commit_line SKU-2"]


def trail(run: WorkflowRun) -> list[str]:
    """What the workflow scheduled, in order: `record_step <status>`, `<line step> <sku>`."""
    out = []
    for call in run.ctx.scheduled:
        if call.name == "record_step":
            out.append(f"record_step {call.input['status']}")
        elif call.name.endswith("_line"):
            out.append(f"{call.name} {call.input['sku']}")
        else:
            out.append(call.name)
    return out


def start(*, approval: bool = False) -> WorkflowRun:
    run = WorkflowRun(order_fulfillment, ORDER, instance_id="order-1")
    plan = OrderPlan(
        amount=Decimal("25.00"),
        requires_approval=approval,
        approval_timeout_s=60,
        shipping_delay_s=2,
    )
    run.complete("validate_order", plan.model_dump(mode="json"))
    return run


def lines(run: WorkflowRun, name: str, *, failing: tuple[str, ...] = (), status: str = "") -> None:
    """Answer the pending `name` line steps, in order; SKUs in `failing` come back not ok."""
    for sku in SKUS:
        ok = sku not in failing
        result = LineResult(sku=sku, ok=ok, status=status or ("ok" if ok else "insufficient"))
        run.complete(name, result.model_dump())


def record(run: WorkflowRun, *, accepted: bool = True) -> None:
    """The OrderActor answers the pending record_step (the move accepted or refused)."""
    status = run.next_pending("record_step").input["status"]
    run.complete("record_step", StepRecorded(accepted=accepted, status=status).model_dump())


def reserved(*, approval: bool = False) -> WorkflowRun:
    """A run with every line reserved and `reserved` recorded."""
    run = start(approval=approval)
    lines(run, "reserve_line")
    record(run)
    return run


def pay_and_ship(run: WorkflowRun) -> None:
    """From the charge on: charged, paid, committed, shipped, announced, completed."""
    run.complete("charge_payment", CHARGED)
    record(run)
    lines(run, "commit_line")
    run.complete("shipping", LABEL)
    record(run)
    run.complete("publish_completed")
    record(run)


def paid(run: WorkflowRun) -> None:
    """The charge goes through and `paid` is recorded."""
    run.complete("charge_payment", CHARGED)
    record(run)


def released(run: WorkflowRun, *, committed: tuple[str, ...] = ()) -> None:
    """Answer the compensation's releases; SKUs in `committed` were taken from stock."""
    for sku in SKUS:
        status = "committed" if sku in committed else "released"
        run.complete(
            "release_line", LineResult(sku=sku, ok=sku not in committed, status=status).model_dump()
        )


def announced_failed(run: WorkflowRun) -> dict[str, Any]:
    """The failure is announced (order.failed) after it is recorded; its payload."""
    [announce] = run.calls("publish_failed")
    run.complete("publish_failed")
    payload: dict[str, Any] = announce.input
    return payload


def ended(run: WorkflowRun) -> tuple[str, str]:
    assert run.finished, f"still waiting on {[c.name for c in run.pending()]}"
    assert run.failure is None
    return run.output["status"], run.output["reason"]
