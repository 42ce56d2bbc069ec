"""The InventoryActor through the real sidecar and placement."""

import asyncio
import uuid

import httpx
from dapr.actor import ActorId, ActorProxy

from actors.inventory_interface import INVENTORY_ACTOR_TYPE, InventoryActorInterface


def _inventory(sku: str) -> ActorProxy:
    return ActorProxy.create(INVENTORY_ACTOR_TYPE, ActorId(sku), InventoryActorInterface)


def test_restock_persists_and_reads_back_through_actor_proxy(sidecar_http: httpx.Client) -> None:
    """Stock added through one call is what GetStock returns on the next."""
    sku = f"SKU-{uuid.uuid4().hex[:8]}"

    async def scenario() -> tuple[dict[str, object], dict[str, object]]:
        inventory = _inventory(sku)
        restocked = await inventory.Restock({"restock_id": "r-1", "quantity": 7})
        return restocked, await inventory.GetStock()

    restocked, read_back = asyncio.run(scenario())
    assert restocked == {"sku": sku, "on_hand": 7, "reserved": 0, "available": 7}
    assert read_back == restocked


def test_repeated_restock_id_is_applied_once(sidecar_http: httpx.Client) -> None:
    """A retried restock (same restock_id) does not add the stock twice."""
    sku = f"SKU-{uuid.uuid4().hex[:8]}"
    body = {"restock_id": "same", "quantity": 3}
    url = f"/v1.0/actors/{INVENTORY_ACTOR_TYPE}/{sku}/method/Restock"
    first = sidecar_http.post(url, json=body)
    second = sidecar_http.post(url, json=body)
    assert first.status_code == second.status_code == 200
    assert (
        first.json() == second.json() == {"sku": sku, "on_hand": 3, "reserved": 0, "available": 3}
    )


def test_restock_with_invalid_quantity_is_refused_and_changes_nothing(
    sidecar_http: httpx.Client,
) -> None:
    """A non-positive quantity is an error from the actor, and stock is unchanged."""
    sku = f"SKU-{uuid.uuid4().hex[:8]}"
    base = f"/v1.0/actors/{INVENTORY_ACTOR_TYPE}/{sku}/method"
    refused = sidecar_http.post(f"{base}/Restock", json={"restock_id": "bad", "quantity": -5})
    assert refused.status_code >= 400
    assert sidecar_http.post(f"{base}/GetStock").json() == {
        "sku": sku,
        "on_hand": 0,
        "reserved": 0,
        "available": 0,
    }
