"""200 concurrent one-unit orders for 20 units, entering by every replica and the
balancer: the InventoryActor (one activation cluster-wide, turn-based) sells exactly 20."""

import concurrent.futures
import time

from tests.integration.replicas.client import ReplicaClient
from tests.support.orders import new_id

ORDERS, UNITS = 200, 20


def test_two_hundred_orders_for_twenty_units_complete_exactly_twenty_across_replicas(
    replicas: ReplicaClient,
) -> None:
    sku = new_id("SKU-oversell")
    replicas.restock(sku, UNITS)
    order_ids = [new_id("ord-oversell") for _ in range(ORDERS)]

    def place(order_id: str) -> int:
        # 429 while every replica runs as many orders as it carries (64 each: 192 of the
        # 200 fit at once); the client comes back later, as Retry-After asks.
        deadline = time.monotonic() + 120
        while True:
            response = replicas.place(order_id, sku, 1, "1.00", via=replicas.next_entry())
            if response.status_code != 429 or time.monotonic() > deadline:
                return response.status_code
            time.sleep(0.5)

    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        codes = list(pool.map(place, order_ids))
    assert codes.count(202) == ORDERS, {code: codes.count(code) for code in set(codes)}

    ends = replicas.wait_terminal(order_ids, timeout_s=600)
    statuses = [view["status"] for view in ends.values()]
    assert statuses.count("completed") == UNITS, {s: statuses.count(s) for s in set(statuses)}
    assert statuses.count("failed") == ORDERS - UNITS
    final = replicas.stock(sku)
    assert (final["on_hand"], final["reserved"]) == (0, 0), final
