"""Placement spreads the InventoryActors over the replicas, and each actor has one state
whichever replica a call enters by."""

import concurrent.futures

from actors.inventory_interface import INVENTORY_ACTOR_TYPE
from tests.integration.replicas.client import ReplicaClient
from tests.support.orders import new_id


def test_inventory_actors_are_hosted_on_several_replicas_and_read_alike_through_each(
    replicas: ReplicaClient,
) -> None:
    skus = [new_id("SKU-spread") for _ in range(30)]
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        # Each SKU restocked through a different entry: a replica's port or the balancer.
        list(pool.map(lambda s: replicas.restock(s, 7, via=replicas.next_entry()), skus))
    for sku in skus:
        replicas.restock(sku, 3, via=replicas.next_entry())  # a second writer per actor

    hosted = replicas.hosted_actor_counts(INVENTORY_ACTOR_TYPE)
    assert sum(count > 0 for count in hosted) >= 2, f"InventoryActors per replica: {hosted}"
    assert sum(hosted) >= len(skus)
    for sku in skus:
        views = [replicas.stock(sku, via=entry) for entry in replicas.every_entry]
        assert all(view["on_hand"] == 10 and view["reserved"] == 0 for view in views), views
