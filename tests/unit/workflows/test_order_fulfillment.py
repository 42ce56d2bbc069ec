"""order_fulfillment's branches, step by step through a fake orchestration context.

Each test answers the activities the workflow schedules and checks which ran, in which
order, and how the order ended. The real-stack tests show the same flows over daprd.
"""

from activities.order_models import LineResult
from tests.unit.workflows.order_run import (
    COMMIT,
    RELEASE,
    RESERVE,
    SKUS,
    announced_failed,
    ended,
    lines,
    pay_and_ship,
    record,
    reserved,
    start,
    trail,
)
from workflows.policies import ACTIVITY_RETRY, PAYMENT_RETRY


def test_an_order_below_the_threshold_runs_every_step_in_order() -> None:
    """Reserve all lines, charge, commit, ship (child workflow), announce, complete."""
    run = reserved()
    pay_and_ship(run)

    assert trail(run) == [
        "validate_order",
        *RESERVE,
        "record_step reserved",
        "charge_payment",
        "record_step paid",
        *COMMIT,
        "shipping",
        "record_step shipped",
        "publish_completed",
        "record_step completed",
    ]
    assert run.output == {
        "order_id": "order-1",
        "status": "completed",
        "reason": "",
        "charge_id": "ch-1",
        "refund_id": "",
        "label": "label-order-1.json",
    }


def test_the_calls_carry_the_order_and_their_retry_policies() -> None:
    """Charge the plan's amount under PAYMENT_RETRY; ship under the order's own child id."""
    run = reserved()
    pay_and_ship(run)

    [charge] = run.calls("charge_payment")
    assert charge.input == {"order_id": "order-1", "amount": "25.00"}
    assert charge.retry_policy is PAYMENT_RETRY.obj
    assert {c.retry_policy for c in run.calls("reserve_line")} == {ACTIVITY_RETRY.obj}
    [ship] = run.calls("shipping")
    assert ship.kind == "child"
    assert ship.instance_id == "order-1:shipping"
    assert ship.input == {
        "order_id": "order-1",
        "customer_id": "c-1",
        "skus": SKUS,
        "delay_s": 2.0,
    }
    [announce] = run.calls("publish_completed")
    assert announce.input["label"] == "label-order-1.json"
    assert announce.input["charge_id"] == "ch-1"


def test_the_lines_are_reserved_in_parallel() -> None:
    """Both reservations are scheduled before either answers (fan-out, then fan-in)."""
    run = start()
    assert [c.name for c in run.pending()] == ["reserve_line", "reserve_line"]
    run.complete("reserve_line", LineResult(sku="SKU-1", ok=True, status="ok").model_dump())
    assert trail(run) == ["validate_order", *RESERVE]  # nothing more until the second answers


def test_a_shortage_releases_every_line_and_fails_the_order() -> None:
    """One line short: compensate by releasing every line (held or not), then fail; no charge."""
    run = start()
    lines(run, "reserve_line", failing=("SKU-2",))
    lines(run, "release_line", status="released")
    record(run)
    announce = announced_failed(run)

    assert trail(run) == [
        "validate_order",
        *RESERVE,
        *RELEASE,
        "record_step failed",
        "publish_failed",
    ]
    assert ended(run) == ("failed", "insufficient stock: ['SKU-2']")
    assert announce["reason"] == "insufficient stock: ['SKU-2']"
    assert (announce["order_id"], announce["charge_id"]) == ("order-1", "")


def test_a_declined_payment_releases_the_stock_and_fails() -> None:
    """A decline is an outcome, not an error: compensate, fail with the provider's reason."""
    run = reserved()
    run.complete("charge_payment", {"approved": False, "reason": "card declined"})
    lines(run, "release_line", status="released")
    record(run)
    announced_failed(run)

    assert trail(run) == [
        "validate_order",
        *RESERVE,
        "record_step reserved",
        "charge_payment",
        *RELEASE,
        "record_step failed",
        "publish_failed",
    ]
    assert ended(run) == ("failed", "payment declined: card declined")


def test_a_payment_provider_that_stays_down_releases_the_stock_and_fails() -> None:
    """charge_payment failing after its retries (TaskFailedError) fails the order cleanly."""
    run = reserved()
    run.fail("charge_payment", "payment-service answered 503")
    lines(run, "release_line", status="released")
    record(run)
    announced_failed(run)

    assert trail(run)[-5:] == ["charge_payment", *RELEASE, "record_step failed", "publish_failed"]
    status, reason = ended(run)
    assert status == "failed"
    assert reason.startswith("payment unavailable: ")
    assert "payment-service answered 503" in reason


def test_every_recorded_step_carries_the_workflow_clock() -> None:
    """record_step is stamped with ctx.current_utc_datetime, never the wall clock."""
    run = reserved()
    pay_and_ship(run)
    stamps = {call.input["at"] for call in run.calls("record_step")}
    assert stamps == {run.ctx.current_utc_datetime.isoformat().replace("+00:00", "Z")}
