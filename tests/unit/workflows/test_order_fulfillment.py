"""order_fulfillment's branches, step by step through a fake orchestration context.

Each test answers the activities the workflow schedules and checks which ran, in which
order, and how the order ended. The real-stack tests show the same flows over daprd.
"""

from decimal import Decimal

from activities.order_models import LineResult, OrderPlan, StepRecorded
from tests.unit.support.workflow_context import WorkflowRun
from workflows.order_fulfillment import order_fulfillment
from workflows.policies import ACTIVITY_RETRY, PAYMENT_RETRY

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


def ended(run: WorkflowRun) -> tuple[str, str]:
    assert run.finished, f"still waiting on {[c.name for c in run.pending()]}"
    assert run.failure is None
    return run.output["status"], run.output["reason"]


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

    assert trail(run) == ["validate_order", *RESERVE, *RELEASE, "record_step failed"]
    assert ended(run) == ("failed", "insufficient stock: ['SKU-2']")


def test_an_order_at_the_threshold_waits_for_approval_and_goes_on_when_approved() -> None:
    """awaiting_approval is recorded, a timer of the plan's timeout starts, approval wins."""
    run = reserved(approval=True)
    record(run)  # awaiting_approval
    [timer] = run.calls("timer")
    assert timer.fire_at is not None
    assert (timer.fire_at - run.ctx.current_utc_datetime).total_seconds() == 60
    assert run.pending()[0].name == "timer"  # nothing else runs while it waits

    run.raise_event("approval", {"approved": True})
    pay_and_ship(run)

    assert trail(run) == [
        "validate_order",
        *RESERVE,
        "record_step reserved",
        "record_step awaiting_approval",
        "timer",
        "charge_payment",
        "record_step paid",
        *COMMIT,
        "shipping",
        "record_step shipped",
        "publish_completed",
        "record_step completed",
    ]
    assert ended(run) == ("completed", "")


def test_a_rejected_approval_releases_the_stock_and_cancels() -> None:
    """`approved: false` cancels with the approver's reason after releasing every line."""
    run = reserved(approval=True)
    record(run)
    run.raise_event("APPROVAL", {"approved": False, "reason": "too large"})  # names ignore case
    lines(run, "release_line", status="released")
    record(run)

    assert trail(run)[-4:] == ["timer", *RELEASE, "record_step cancelled"]
    assert "charge_payment" not in run.names()
    assert ended(run) == ("cancelled", "approval rejected: too large")


def test_an_approval_without_data_counts_as_a_rejection() -> None:
    """An `approval` event with no body is a no, and the reason carries no dangling colon."""
    run = reserved(approval=True)
    record(run)
    run.raise_event("approval")
    lines(run, "release_line", status="released")
    record(run)
    assert ended(run) == ("cancelled", "approval rejected")


def test_an_approval_that_never_comes_times_out_and_cancels() -> None:
    """The durable timer fires first: release every line, cancel as timed out."""
    run = reserved(approval=True)
    record(run)
    run.fire_timer()
    lines(run, "release_line", status="released")
    record(run)

    assert trail(run)[-4:] == ["timer", *RELEASE, "record_step cancelled"]
    assert ended(run) == ("cancelled", "approval timed out")


def test_a_cancel_that_arrives_while_reserving_is_honoured_after_the_reservation() -> None:
    """Cancel raised before the lines answer: reserved is recorded, then everything released."""
    run = start()
    run.raise_event("cancel", {"reason": "requested"})
    lines(run, "reserve_line")
    record(run)
    lines(run, "release_line", status="released")
    record(run)

    assert trail(run) == [
        "validate_order",
        *RESERVE,
        "record_step reserved",
        *RELEASE,
        "record_step cancelled",
    ]
    assert ended(run) == ("cancelled", "cancelled by request")


def test_an_order_actor_that_refuses_reserved_cancels_the_workflow() -> None:
    """The OrderActor refusing `reserved` (cancelled meanwhile) makes the workflow give up."""
    run = start()
    lines(run, "reserve_line")
    record(run, accepted=False)
    lines(run, "release_line", status="released")
    record(run)
    assert trail(run)[-3:] == [*RELEASE, "record_step cancelled"]
    assert ended(run) == ("cancelled", "cancelled by request")


def test_a_cancel_while_waiting_for_approval_wins_over_the_timer() -> None:
    """Cancel during the approval wait: release every line and cancel, no charge."""
    run = reserved(approval=True)
    record(run)
    run.raise_event("cancel", {"reason": "requested"})
    lines(run, "release_line", status="released")
    record(run)

    assert trail(run)[-4:] == ["timer", *RELEASE, "record_step cancelled"]
    assert ended(run) == ("cancelled", "cancelled by request")


def test_a_cancel_that_comes_with_the_approval_is_checked_just_before_charging() -> None:
    """Approval and cancel both in hand when the wait starts: approval wins the race, the
    cancel check before the charge still stops the order."""
    run = reserved(approval=True)
    run.raise_event("approval", {"approved": True})  # buffered: nobody waits for it yet
    run.raise_event("cancel", {"reason": "requested"})  # completes the cancel task
    record(run)  # awaiting_approval; the wait then finds both events
    lines(run, "release_line", status="released")
    record(run)

    assert "charge_payment" not in run.names()
    assert trail(run)[-4:] == ["timer", *RELEASE, "record_step cancelled"]
    assert ended(run) == ("cancelled", "cancelled by request")


def test_a_cancel_after_the_charge_started_does_not_stop_the_order() -> None:
    """Past payment cancelling is no longer possible: the order completes (a known gap)."""
    run = reserved()
    run.raise_event("cancel", {"reason": "requested"})
    pay_and_ship(run)
    assert "release_line" not in run.names()
    assert ended(run) == ("completed", "")


def test_a_declined_payment_releases_the_stock_and_fails() -> None:
    """A decline is an outcome, not an error: compensate, fail with the provider's reason."""
    run = reserved()
    run.complete("charge_payment", {"approved": False, "reason": "card declined"})
    lines(run, "release_line", status="released")
    record(run)

    assert trail(run) == [
        "validate_order",
        *RESERVE,
        "record_step reserved",
        "charge_payment",
        *RELEASE,
        "record_step failed",
    ]
    assert ended(run) == ("failed", "payment declined: card declined")


def test_a_payment_provider_that_stays_down_releases_the_stock_and_fails() -> None:
    """charge_payment failing after its retries (TaskFailedError) fails the order cleanly."""
    run = reserved()
    run.fail("charge_payment", "payment-service answered 503")
    lines(run, "release_line", status="released")
    record(run)

    assert trail(run)[-4:] == ["charge_payment", *RELEASE, "record_step failed"]
    status, reason = ended(run)
    assert status == "failed"
    assert reason.startswith("payment unavailable: ")
    assert "payment-service answered 503" in reason


def test_a_hold_lost_before_commit_fails_the_paid_order_without_releasing() -> None:
    """A commit that finds its hold gone: record failed with the charge id, no shipping,
    no release (the other line is taken from stock), left for a person to fix."""
    run = reserved()
    run.complete("charge_payment", CHARGED)
    record(run)
    lines(run, "commit_line", failing=("SKU-1",), status="released")
    record(run)

    assert trail(run) == [
        "validate_order",
        *RESERVE,
        "record_step reserved",
        "charge_payment",
        "record_step paid",
        *COMMIT,
        "record_step failed",
    ]
    status, reason = ended(run)
    assert status == "failed"
    assert reason == "reservation expired before commit: ['SKU-1']; charge ch-1"


def test_every_recorded_step_carries_the_workflow_clock() -> None:
    """record_step is stamped with ctx.current_utc_datetime, never the wall clock."""
    run = reserved()
    pay_and_ship(run)
    stamps = {call.input["at"] for call in run.calls("record_step")}
    assert stamps == {run.ctx.current_utc_datetime.isoformat().replace("+00:00", "Z")}
