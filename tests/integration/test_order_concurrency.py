"""Many orders for one SKU at once: the InventoryActor's turns never oversell."""

import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.support.orders import TERMINAL, new_id, place, stock, stocked_sku, view

ORDERS, UNITS = 50, 10


def test_fifty_concurrent_orders_for_ten_units_commit_exactly_ten(api: httpx.Client) -> None:
    """50 one-unit orders race for 10 units: 10 complete, 40 fail for stock, none pending,
    and stock ends at zero on hand, zero reserved (never negative on the way)."""
    sku = stocked_sku(api, UNITS)
    order_ids = [new_id("race") for _ in range(ORDERS)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        placed = list(pool.map(lambda oid: place(api, oid, [(sku, 1, "1.00")]), order_ids))
    assert all(response.status_code == 202 for response in placed)

    deadline = time.monotonic() + 240
    lowest_available = UNITS
    statuses: dict[str, str | None] = {}
    while time.monotonic() < deadline:
        level = stock(api, sku)
        lowest_available = min(lowest_available, level["available"])
        assert level["available"] >= 0
        assert level["on_hand"] >= 0
        statuses = {oid: view(api, oid)["status"] for oid in order_ids}
        if all(status in TERMINAL for status in statuses.values()):
            break
        time.sleep(1)
    counts = {s: list(statuses.values()).count(s) for s in set(statuses.values())}
    assert counts == {"completed": UNITS, "failed": ORDERS - UNITS}, counts
    assert stock(api, sku) == {"sku": sku, "on_hand": 0, "reserved": 0, "available": 0}
