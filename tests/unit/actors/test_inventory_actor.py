"""InventoryActor's rules over an in-memory state store and reminder table (no sidecar).

Every call runs on a fresh activation, as after a deactivation: what a call does not
save is lost, so these tests also show that each rule is persisted.
"""

import asyncio
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from dapr.actor import ActorId
from dapr.actor.runtime.context import ActorRuntimeContext

from actors.inventory import InventoryActor
from app.building_blocks.sdk_line.handles import ONE_SHOT_PERIOD
from tests.unit.support.actors import ActorHost, FakeStateManager

SKU = "SKU-1"
HOLD = timedelta(minutes=2)


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


def host() -> ActorHost[InventoryActor]:
    def factory(ctx: ActorRuntimeContext, actor_id: ActorId) -> InventoryActor:
        return InventoryActor(ctx, actor_id, hold=HOLD)

    return ActorHost(InventoryActor, factory)


def call(h: ActorHost[InventoryActor], method: str, body: dict[str, Any] | None = None) -> Any:
    """One actor call on a fresh activation, as daprd would deliver it."""
    actor = h.activate(SKU)
    fn = getattr(actor, method)
    result = run(fn(body) if body is not None else fn())
    manager = actor._state_manager
    assert isinstance(manager, FakeStateManager)
    assert not manager.unsaved, f"{method} left changes unsaved"
    return result


def stocked(quantity: int = 5) -> ActorHost[InventoryActor]:
    h = host()
    call(h, "restock", {"restock_id": "r-1", "quantity": quantity})
    return h


def stock(h: ActorHost[InventoryActor]) -> tuple[int, int, int]:
    level = call(h, "get_stock")
    return level["on_hand"], level["reserved"], level["available"]


def reserve(h: ActorHost[InventoryActor], order: str, quantity: int, **extra: Any) -> Any:
    return call(h, "reserve", {"order_id": order, "quantity": quantity, **extra})


def test_restock_is_applied_once_per_restock_id() -> None:
    """The same restock id twice (a retried activity) adds the stock once."""
    h = stocked(5)
    call(h, "restock", {"restock_id": "r-1", "quantity": 5})
    call(h, "restock", {"restock_id": "r-2", "quantity": 3})
    assert stock(h) == (8, 0, 8)
    assert h.saved(SKU)["applied_restocks"] == ["r-1", "r-2"]


def test_a_reservation_beyond_what_is_available_takes_nothing() -> None:
    """All or nothing: 6 of 5 is refused whole; no stock held, nothing stored, no reminder."""
    h = stocked(5)
    before = h.saved(SKU)
    result = reserve(h, "order-1", 6)
    assert (result["ok"], result["status"], result["quantity"]) == (False, "insufficient", 0)
    assert stock(h) == (5, 0, 5)
    assert h.saved(SKU) == before
    assert h.reminders(SKU) == {}


def test_reservations_never_oversell() -> None:
    """Holds count against availability: 3 + 2 of 5 fit, one more unit does not."""
    h = stocked(5)
    assert reserve(h, "order-1", 3)["ok"]
    assert reserve(h, "order-2", 2)["ok"]
    refused = reserve(h, "order-3", 1)
    assert (refused["ok"], refused["status"]) == (False, "insufficient")
    assert stock(h) == (5, 5, 0)


def test_a_repeated_reserve_for_the_same_order_holds_once() -> None:
    """Idempotent per order id: a retried Reserve returns the first hold, even with
    another quantity, and registers no second reminder."""
    h = stocked(5)
    first = reserve(h, "order-1", 2)
    again = reserve(h, "order-1", 4)
    assert (again["ok"], again["status"], again["quantity"]) == (True, "reserved", 2)
    assert again["stock"] == first["stock"]
    assert stock(h) == (5, 2, 3)
    assert list(h.reminders(SKU)) == ["hold:order-1"]


def test_a_reservation_registers_a_one_shot_reminder_for_its_hold() -> None:
    """The hold reminder fires once after the actor's hold time, or `hold_s` when given."""
    h = stocked(5)
    reserve(h, "order-1", 1)
    reserve(h, "order-2", 1, hold_s=30)
    reminders = h.reminders(SKU)
    assert reminders["hold:order-1"].due_time == HOLD
    assert reminders["hold:order-2"].due_time == timedelta(seconds=30)
    assert {r.period for r in reminders.values()} == {ONE_SHOT_PERIOD}
    assert reminders["hold:order-1"].data == b"order-1"


def test_an_expired_hold_gives_the_stock_back_and_fences_the_order() -> None:
    """The reminder, fired on a fresh activation, releases the hold; a late Reserve for that
    order then takes nothing, while other orders can have the stock."""
    h = stocked(5)
    reserve(h, "order-1", 4)
    run(h.fire_reminder(SKU, "hold:order-1"))
    assert stock(h) == (5, 0, 5)
    assert h.reminders(SKU) == {}

    late = reserve(h, "order-1", 4)
    assert (late["ok"], late["status"]) == (False, "released")
    assert stock(h) == (5, 0, 5)
    assert reserve(h, "order-2", 5)["ok"]


def test_release_gives_back_the_hold_once_and_fences_the_order() -> None:
    """Release frees the units and drops the reminder; a second Release changes nothing;
    a Reserve arriving after its release is refused."""
    h = stocked(5)
    reserve(h, "order-1", 3)
    released = call(h, "release", {"order_id": "order-1"})
    assert (released["ok"], released["status"], released["quantity"]) == (True, "released", 3)
    assert h.reminders(SKU) == {}
    again = call(h, "release", {"order_id": "order-1"})
    assert (again["ok"], again["quantity"]) == (True, 0)
    assert stock(h) == (5, 0, 5)
    assert reserve(h, "order-1", 3)["status"] == "released"


def test_release_of_an_order_never_held_still_fences_it() -> None:
    """Compensation may release a line whose Reserve has not landed yet: that Reserve,
    arriving late, must take nothing."""
    h = stocked(5)
    released = call(h, "release", {"order_id": "order-9"})
    assert (released["ok"], released["quantity"]) == (True, 0)
    late = reserve(h, "order-9", 2)
    assert (late["ok"], late["status"]) == (False, "released")
    assert stock(h) == (5, 0, 5)


def test_commit_takes_the_hold_out_of_stock_once() -> None:
    """Commit lowers on hand by the hold, drops the reminder; a repeated Commit, Reserve or
    Release for the order changes nothing."""
    h = stocked(5)
    reserve(h, "order-1", 2)
    committed = call(h, "commit", {"order_id": "order-1"})
    assert (committed["ok"], committed["status"], committed["quantity"]) == (True, "committed", 2)
    assert stock(h) == (3, 0, 3)
    assert h.reminders(SKU) == {}

    assert call(h, "commit", {"order_id": "order-1"})["quantity"] == 2
    assert reserve(h, "order-1", 2)["status"] == "committed"
    refused = call(h, "release", {"order_id": "order-1"})
    assert (refused["ok"], refused["status"]) == (False, "committed")
    assert stock(h) == (3, 0, 3)


def test_commit_without_a_hold_is_refused() -> None:
    """A hold that expired (released) or never existed (unknown) cannot be committed."""
    h = stocked(5)
    reserve(h, "order-1", 2)
    run(h.fire_reminder(SKU, "hold:order-1"))
    expired = call(h, "commit", {"order_id": "order-1"})
    assert (expired["ok"], expired["status"]) == (False, "released")
    unknown = call(h, "commit", {"order_id": "order-2"})
    assert (unknown["ok"], unknown["status"]) == (False, "unknown")
    assert stock(h) == (5, 0, 5)


def test_a_reminder_that_is_not_a_hold_is_ignored() -> None:
    """Only `hold:` reminders release stock."""
    h = stocked(5)
    reserve(h, "order-1", 2)
    run(h.activate(SKU).receive_reminder("audit", b"", timedelta(0), timedelta(0)))
    assert stock(h) == (5, 2, 3)


def test_a_renewed_reserve_after_an_expired_hold_takes_the_stock_again() -> None:
    """The order's workflow, finding its hold expired at commit, reserves with `renew`: the
    fence is lifted, a new hold and reminder exist, and commit then succeeds."""
    h = stocked(5)
    reserve(h, "order-1", 4)
    run(h.fire_reminder(SKU, "hold:order-1"))
    renewed = reserve(h, "order-1", 4, renew=True)
    assert (renewed["ok"], renewed["status"]) == (True, "reserved")
    assert stock(h) == (5, 4, 1)
    assert "hold:order-1" in h.reminders(SKU)
    assert call(h, "commit", {"order_id": "order-1"})["ok"]
    assert stock(h) == (1, 0, 1)


def test_a_renewed_reserve_takes_nothing_when_the_stock_is_gone() -> None:
    """Another order took the units meanwhile: renew is refused as insufficient, and the
    order stays fenced against plain late reserves."""
    h = stocked(5)
    reserve(h, "order-1", 4)
    run(h.fire_reminder(SKU, "hold:order-1"))
    assert reserve(h, "order-2", 3)["ok"]
    renewed = reserve(h, "order-1", 4, renew=True)
    assert (renewed["ok"], renewed["status"]) == (False, "insufficient")
    assert reserve(h, "order-1", 1)["status"] == "released"


def test_get_commitment_shows_units_taken_and_put_back() -> None:
    """The books audit's view of one order: nothing before commit, the units after it, and
    `returned` once the settle compensation's restock put them back."""
    h = stocked(5)
    reserve(h, "order-1", 2)
    assert call(h, "get_commitment", {"order_id": "order-1"})["committed"] == 0
    call(h, "commit", {"order_id": "order-1"})
    taken = call(h, "get_commitment", {"order_id": "order-1"})
    assert (taken["committed"], taken["returned"]) == (2, False)
    call(h, "restock", {"restock_id": "return:order-1", "quantity": 2})
    back = call(h, "get_commitment", {"order_id": "order-1"})
    assert (back["committed"], back["returned"]) == (2, True)
