"""order_fulfillment's approval and cancel branches, step by step through a fake
orchestration context (helpers in order_run.py)."""

from tests.unit.workflows.order_run import (
    COMMIT,
    RELEASE,
    RESERVE,
    ended,
    lines,
    pay_and_ship,
    record,
    reserved,
    start,
    trail,
)


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
