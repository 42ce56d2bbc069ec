"""OrderActor's rules over an in-memory state store: create once, the transition table,
refusals that change nothing, and the history."""

import asyncio
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any

import pytest

from actors.order import OrderActor
from actors.order_states import OrderStatus, can_move
from tests.unit.support.actors import ActorHost

S = OrderStatus
ORDER_ID = "order-1"
DETAILS = {
    "order_id": ORDER_ID,
    "customer_id": "c-1",
    "lines": [{"sku": "SKU-1", "quantity": 2, "unit_price": "10.00"}],
}
AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
# A legal way from created to each status.
PATH = {
    S.CREATED: [],
    S.RESERVED: [S.RESERVED],
    S.AWAITING_APPROVAL: [S.RESERVED, S.AWAITING_APPROVAL],
    S.PAID: [S.RESERVED, S.PAID],
    S.REFUNDED: [S.RESERVED, S.PAID, S.REFUNDED],
    S.SHIPPED: [S.RESERVED, S.PAID, S.SHIPPED],
    S.COMPLETED: [S.RESERVED, S.PAID, S.SHIPPED, S.COMPLETED],
    S.CANCELLED: [S.CANCELLED],
    S.FAILED: [S.FAILED],
}


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


def move(h: ActorHost[OrderActor], status: OrderStatus, reason: str = "") -> Any:
    """One Transition call on a fresh activation."""
    request = {"status": status.value, "reason": reason, "at": AT.isoformat()}
    return run(h.activate(ORDER_ID).transition(request))


def created() -> ActorHost[OrderActor]:
    h = ActorHost(OrderActor)
    run(h.activate(ORDER_ID).create(DETAILS))
    return h


def at(status: OrderStatus) -> ActorHost[OrderActor]:
    h = created()
    for step in PATH[status]:
        assert move(h, step)["accepted"]
    return h


def test_create_happens_once() -> None:
    """A repeated Create (a retried activity) returns the order as it is, unchanged."""
    h = created()
    other = {**DETAILS, "customer_id": "someone-else"}
    again = run(h.activate(ORDER_ID).create(other))
    assert again["details"]["customer_id"] == "c-1"
    assert [step["status"] for step in again["history"]] == ["created"]


def test_a_legal_move_is_kept_in_the_history_with_its_time_and_reason() -> None:
    """Each accepted move changes the status and appends (status, at, reason)."""
    h = created()
    outcome = move(h, S.RESERVED, "all lines held")
    assert outcome["accepted"]
    order = run(h.activate(ORDER_ID).get_order())
    assert order["status"] == "reserved"
    last = order["history"][-1]
    assert (last["status"], last["reason"]) == ("reserved", "all lines held")
    assert datetime.fromisoformat(last["at"]) == AT


def test_an_illegal_move_is_refused_and_changes_nothing() -> None:
    """created -> paid skips the reservation: refused, state store untouched."""
    h = created()
    before = h.saved(ORDER_ID)
    outcome = move(h, S.PAID)
    assert not outcome["accepted"]
    assert outcome["order"]["status"] == "created"
    assert h.saved(ORDER_ID) == before


def test_repeating_the_current_status_is_accepted_without_a_new_step() -> None:
    """A retried record_step finds the order already there: accepted, history unchanged."""
    h = at(S.RESERVED)
    outcome = move(h, S.RESERVED)
    assert outcome["accepted"]
    assert [step["status"] for step in outcome["order"]["history"]] == ["created", "reserved"]


def test_a_move_on_an_order_never_created_is_refused() -> None:
    """No Create, no status: every Transition is refused and nothing is stored."""
    h = ActorHost(OrderActor)
    assert not move(h, S.RESERVED)["accepted"]
    assert h.saved(ORDER_ID) == {}
    assert run(h.activate(ORDER_ID).get_order())["exists"] is False


@pytest.mark.parametrize("current", list(S))
def test_the_actor_follows_the_transition_table(current: OrderStatus) -> None:
    """From every status, exactly the table's moves (and staying put) are accepted."""
    for target in S:
        h = at(current)
        accepted = move(h, target)["accepted"]
        assert accepted == (target == current or can_move(current, target)), (current, target)
        status = run(h.activate(ORDER_ID).get_order())["status"]
        assert status == (target if accepted else current).value


def restart(h: ActorHost[OrderActor], reason: str = "restarted: lost") -> Any:
    request = {"reason": reason, "at": AT.isoformat()}
    return run(h.activate(ORDER_ID).restart(request))


@pytest.mark.parametrize("status", [S.CREATED, S.RESERVED, S.AWAITING_APPROVAL])
def test_an_order_before_payment_restarts_to_created_with_the_reason(status: OrderStatus) -> None:
    """Restart puts an unpaid order back to created and records why in its history."""
    h = created()
    for step in PATH[status]:
        move(h, step)
    outcome = restart(h)
    assert outcome["accepted"] is True
    assert outcome["order"]["status"] == S.CREATED
    assert outcome["order"]["history"][-1]["reason"] == "restarted: lost"
    assert len(outcome["order"]["history"]) == len(PATH[status]) + 2


@pytest.mark.parametrize(
    "status", [S.PAID, S.REFUNDED, S.SHIPPED, S.COMPLETED, S.CANCELLED, S.FAILED]
)
def test_an_order_past_payment_or_ended_refuses_a_restart(status: OrderStatus) -> None:
    """A restart after payment could charge or ship twice: refused, nothing changes."""
    h = created()
    for step in PATH[status]:
        move(h, step)
    outcome = restart(h)
    assert outcome["accepted"] is False
    assert outcome["order"]["status"] == status


def test_a_refund_is_kept_in_the_history_between_paid_and_the_end() -> None:
    """The compensation's record: paid (charge id), refunded (refund id), cancelled (why)."""
    h = at(S.PAID)
    assert move(h, S.REFUNDED, "refund rf_1 of ch_1")["accepted"]
    assert not move(h, S.SHIPPED)["accepted"]
    ended = move(h, S.CANCELLED, "cancelled by request after payment")
    assert ended["accepted"]
    assert [(x["status"], x["reason"]) for x in ended["order"]["history"][-2:]] == [
        ("refunded", "refund rf_1 of ch_1"),
        ("cancelled", "cancelled by request after payment"),
    ]
