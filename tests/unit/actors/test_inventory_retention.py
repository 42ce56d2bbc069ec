"""The InventoryActor's settled order ids and restock ids stay bounded: entries older
than the retention are pruned, entries inside it keep every retry idempotent."""

import json
import time
from datetime import timedelta

from dapr.actor import ActorId
from dapr.actor.runtime.context import ActorRuntimeContext

from actors.inventory import InventoryActor
from tests.unit.actors.test_inventory_actor import SKU, call, reserve
from tests.unit.support.actors import ActorHost

DAY = 24 * 3600.0
RETENTION = timedelta(days=5)
PER_DAY, DAYS = 40, 20


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def host(clock: Clock) -> ActorHost[InventoryActor]:
    def factory(ctx: ActorRuntimeContext, actor_id: ActorId) -> InventoryActor:
        return InventoryActor(ctx, actor_id, retention=RETENTION, clock=clock)

    return ActorHost(InventoryActor, factory)


def test_the_order_sets_stay_within_the_retention_after_many_orders() -> None:
    """800 orders over 20 days (a restock, a reserve, then a commit or a release each):
    the actor keeps at most the last 5 days' ids (plus the day in progress), retries of
    recent ones stay idempotent, and stock adds up throughout."""
    clock, started = Clock(), time.monotonic()
    h = host(clock)
    for day in range(DAYS):
        for n in range(PER_DAY):
            clock.now += DAY / PER_DAY
            order = f"order-{day}-{n}"
            call(h, "restock", {"restock_id": f"r-{order}", "quantity": 1})
            assert reserve(h, order, 1)["ok"]
            call(h, "commit" if n % 2 else "release", {"order_id": order})
    saved = h.saved(SKU)
    bound = (RETENTION.days + 1) * PER_DAY
    sizes = {k: len(saved[k]) for k in ("committed", "released", "applied_restocks")}
    assert sizes["committed"] <= bound // 2
    assert sizes["released"] <= bound // 2
    assert sizes["applied_restocks"] <= bound
    assert len(saved["recorded_at"]) <= 2 * bound
    assert saved["on_hand"] == DAYS * PER_DAY // 2  # committed half of what came in

    recent = f"order-{DAYS - 1}-{PER_DAY - 1}"  # committed (odd n) on the last day
    assert call(h, "commit", {"order_id": recent})["status"] == "committed"
    released = f"order-{DAYS - 1}-{PER_DAY - 2}"
    assert reserve(h, released, 1)["status"] == "released"  # still fenced
    call(h, "restock", {"restock_id": f"r-{recent}", "quantity": 1})
    assert call(h, "get_stock")["on_hand"] == DAYS * PER_DAY // 2  # not applied twice
    old = call(h, "get_commitment", {"order_id": "order-0-1"})
    assert old["committed"] == 0  # pruned: past the retention, and the books audit's window
    assert time.monotonic() - started < 20


def test_ids_recorded_before_retention_existed_are_stamped_then_pruned() -> None:
    """State from before this change has no times: its ids are kept a full retention
    from the first write that sees them, then pruned."""
    clock = Clock()
    h = host(clock)
    h.stores[SKU] = {
        "on_hand": "1",
        "applied_restocks": json.dumps(["legacy"]),
        "committed": json.dumps({"legacy-order": 1}),
    }
    call(h, "restock", {"restock_id": "first", "quantity": 1})
    assert set(h.saved(SKU)["recorded_at"]) == {"legacy", "legacy-order", "first"}
    clock.now += RETENTION.total_seconds() + 1
    call(h, "restock", {"restock_id": "new", "quantity": 1})
    assert h.saved(SKU)["applied_restocks"] == ["new"]
    assert h.saved(SKU)["committed"] == {}
    assert h.saved(SKU)["on_hand"] == 3
