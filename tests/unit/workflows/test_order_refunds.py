"""order_fulfillment's compensations after a successful charge, and order_compensation,
step by step through a fake orchestration context (helpers in order_run.py).

Every way a paid order ends without its goods gives the stock back, refunds the charge
and records `refunded` before the end; a refund that cannot be made ends `failed` with
"refund pending" and the charge id.
"""

from activities.order_models import LineResult
from tests.unit.support.workflow_context import WorkflowRun
from tests.unit.workflows.order_run import (
    COMMIT,
    LABEL,
    ORDER,
    REFUNDED,
    RELEASE,
    RESERVE,
    announced_failed,
    ended,
    lines,
    paid,
    pay_and_ship,
    record,
    released,
    reserved,
    trail,
)
from workflows.order_compensation import order_compensation
from workflows.policies import REFUND_RETRY

SETTLED = ["refund_payment", "record_step refunded"]


def refund_ends(run: WorkflowRun) -> None:
    """The refund goes through; `refunded` and the end are recorded."""
    run.complete("refund_payment", REFUNDED)
    record(run)
    record(run)


def test_a_cancel_that_arrives_while_charging_is_refunded_and_cancels() -> None:
    """The cancel is read once `paid` is recorded: release the holds, refund, cancel."""
    run = reserved()
    run.raise_event("cancel", {"reason": "requested"})  # the charge is in flight
    paid(run)
    released(run)
    refund_ends(run)

    assert trail(run) == [
        "validate_order",
        *RESERVE,
        "record_step reserved",
        "charge_payment",
        "record_step paid",
        *RELEASE,
        *SETTLED,
        "record_step cancelled",
    ]
    assert "commit_line" not in run.names()
    [refund] = run.calls("refund_payment")
    assert refund.input == {
        "order_id": "order-1",
        "charge_id": "ch-1",
        "reason": "cancelled by request after payment",
    }
    assert refund.retry_policy is REFUND_RETRY.obj
    assert run.calls("record_step")[-2].input["reason"] == "refund rf-1 of ch-1"
    assert ended(run) == ("cancelled", "cancelled by request after payment")
    assert run.output["refund_id"] == "rf-1"
    assert run.output["charge_id"] == "ch-1"


def test_a_rejection_after_the_approval_but_before_the_charge_charges_nothing() -> None:
    """Approve, then reject while the order still reads awaiting_approval: cancelled
    before the charge with the rejection's reason."""
    run = reserved(approval=True)
    run.raise_event("approval", {"approved": True})
    run.raise_event("approval", {"approved": False, "reason": "changed my mind"})
    record(run)  # awaiting_approval
    lines(run, "release_line", status="released")
    record(run)

    assert "charge_payment" not in run.names()
    assert ended(run) == ("cancelled", "approval rejected: changed my mind")


def test_a_rejection_that_arrives_while_charging_is_refunded() -> None:
    """The second decision, a no, reaches the workflow during the charge: refund, cancel."""
    run = reserved(approval=True)
    record(run)
    run.raise_event("approval", {"approved": True})
    run.raise_event("approval", {"approved": False, "reason": "too large"})
    paid(run)
    released(run)
    refund_ends(run)
    assert ended(run) == ("cancelled", "approval rejected: too large after payment")


def test_a_second_approval_changes_nothing() -> None:
    """Approving twice is a yes: the order completes."""
    run = reserved(approval=True)
    record(run)
    run.raise_event("approval", {"approved": True})
    run.raise_event("approval", {"approved": True})
    pay_and_ship(run)
    assert ended(run) == ("completed", "")


def test_a_hold_lost_at_commit_is_reserved_again_and_the_order_completes() -> None:
    """SKU-1's hold expired: reserve it again (renew), commit it, ship; nothing refunded."""
    run = reserved()
    paid(run)
    lines(run, "commit_line", failing=("SKU-1",), status="released")
    [renew] = run.calls("reserve_line")[2:]
    assert renew.input == {"order_id": "order-1", "sku": "SKU-1", "quantity": 2, "renew": True}
    run.complete("reserve_line", LineResult(sku="SKU-1", ok=True, status="reserved").model_dump())
    run.complete("commit_line", LineResult(sku="SKU-1", ok=True, status="committed").model_dump())
    run.complete("shipping", LABEL)
    record(run)
    run.complete("publish_completed")
    record(run)

    assert trail(run)[4:10] == [
        "charge_payment",
        "record_step paid",
        *COMMIT,
        "reserve_line SKU-1",
        "commit_line SKU-1",
    ]
    assert "refund_payment" not in run.names()
    assert ended(run) == ("completed", "")


def test_a_hold_lost_at_commit_with_the_stock_gone_is_refunded_and_fails() -> None:
    """Re-reserving SKU-1 finds too little: release both lines, put SKU-2 (committed) back
    with a restock keyed by the order, refund, fail naming the SKU."""
    run = reserved()
    paid(run)
    lines(run, "commit_line", failing=("SKU-1",), status="released")
    run.complete(
        "reserve_line", LineResult(sku="SKU-1", ok=False, status="insufficient").model_dump()
    )
    released(run, committed=("SKU-2",))
    [restock] = run.calls("apply_restock")
    assert restock.input == {"sku": "SKU-2", "quantity": 1, "restock_id": "return:order-1"}
    run.complete("apply_restock")
    refund_ends(run)
    announce = announced_failed(run)

    assert trail(run)[-8:] == [
        "reserve_line SKU-1",
        *RELEASE,
        "apply_restock",
        *SETTLED,
        "record_step failed",
        "publish_failed",
    ]
    assert (announce["charge_id"], announce["refund_id"]) == ("ch-1", REFUNDED["refund_id"])
    assert ended(run) == (
        "failed",
        "reservation expired before commit and stock is gone: ['SKU-1']",
    )


def test_a_shipping_failure_puts_the_stock_back_and_refunds() -> None:
    """The shipping child workflow fails: both committed lines go back, refund, fail."""
    run = reserved()
    paid(run)
    lines(run, "commit_line")
    run.fail("shipping", "binding shipping-labels unavailable")
    released(run, committed=("SKU-1", "SKU-2"))
    assert len(run.calls("apply_restock")) == 2
    run.complete("apply_restock")
    run.complete("apply_restock")
    refund_ends(run)
    announced_failed(run)

    status, reason = ended(run)
    assert status == "failed"
    assert reason.startswith("shipping failed: ")
    assert "binding shipping-labels unavailable" in reason
    assert "record_step shipped" not in trail(run)


def test_a_refund_the_provider_refuses_leaves_the_order_failed_with_the_charge() -> None:
    """An unknown charge (404) is not retried: failed, "refund pending", the charge id."""
    run = reserved()
    run.raise_event("cancel", {"reason": "requested"})
    paid(run)
    released(run)
    run.complete("refund_payment", {"refunded": False, "reason": "refused (404): no charge"})
    record(run)
    announced_failed(run)

    assert trail(run)[-3:] == ["refund_payment", "record_step failed", "publish_failed"]
    status, reason = ended(run)
    assert status == "failed"
    assert reason == (
        "refund pending: charge ch-1: refused (404): no charge; cancelled by request after payment"
    )
    assert run.output["charge_id"] == "ch-1"


def test_a_refund_failing_past_its_retries_leaves_the_order_failed_refund_pending() -> None:
    """refund_payment failing after REFUND_RETRY: no `refunded` step, failed for a person."""
    run = reserved()
    paid(run)
    lines(run, "commit_line")
    run.fail("shipping", "label write failed")
    released(run, committed=("SKU-1", "SKU-2"))
    run.complete("apply_restock")
    run.complete("apply_restock")
    run.fail("refund_payment", "payment-service answered 503")
    record(run)
    assert announced_failed(run)["refund_id"] == ""

    assert "record_step refunded" not in trail(run)
    status, reason = ended(run)
    assert status == "failed"
    assert reason.startswith("refund pending: charge ch-1: refund unavailable: ")


def test_order_compensation_settles_a_terminated_paid_order() -> None:
    """The compensating cancel's workflow: release, put committed lines back, refund,
    refunded, cancelled with the given reason."""
    payload = {"order": ORDER, "charge_id": "ch-1", "reason": "cancelled after terminate"}
    run = WorkflowRun(order_compensation, payload, instance_id="order-1:compensation")
    released(run, committed=("SKU-1",))
    run.complete("apply_restock")
    refund_ends(run)

    assert trail(run) == [*RELEASE, "apply_restock", *SETTLED, "record_step cancelled"]
    assert ended(run) == ("cancelled", "cancelled after terminate")
    assert run.output["refund_id"] == "rf-1"
