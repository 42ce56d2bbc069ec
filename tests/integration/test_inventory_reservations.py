"""Reserve, Release and Commit on the InventoryActor through the real sidecar."""

import time
import uuid
from typing import Any

import httpx

from actors.inventory_interface import INVENTORY_ACTOR_TYPE


def _call(sidecar_http: httpx.Client, sku: str, method: str, body: Any = None) -> Any:
    url = f"/v1.0/actors/{INVENTORY_ACTOR_TYPE}/{sku}/method/{method}"
    response = sidecar_http.post(url, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _stocked(sidecar_http: httpx.Client, quantity: int) -> str:
    sku = f"SKU-{uuid.uuid4().hex[:8]}"
    _call(sidecar_http, sku, "Restock", {"restock_id": "initial", "quantity": quantity})
    return sku


def test_reserve_is_all_or_nothing_and_idempotent(sidecar_http: httpx.Client) -> None:
    """A reservation larger than what is available takes nothing; a repeat takes no more."""
    sku = _stocked(sidecar_http, 5)
    too_many = _call(sidecar_http, sku, "Reserve", {"order_id": "o-1", "quantity": 6})
    assert too_many["ok"] is False
    assert too_many["status"] == "insufficient"
    assert too_many["stock"] == {"sku": sku, "on_hand": 5, "reserved": 0, "available": 5}
    first = _call(sidecar_http, sku, "Reserve", {"order_id": "o-2", "quantity": 3})
    again = _call(sidecar_http, sku, "Reserve", {"order_id": "o-2", "quantity": 3})
    assert first["ok"]
    assert again["ok"]
    assert again["status"] == "reserved"
    assert again["stock"] == {"sku": sku, "on_hand": 5, "reserved": 3, "available": 2}


def test_commit_takes_stock_once_and_release_after_commit_is_refused(
    sidecar_http: httpx.Client,
) -> None:
    """Commit lowers on-hand once however often it is repeated; a committed hold stays."""
    sku = _stocked(sidecar_http, 4)
    _call(sidecar_http, sku, "Reserve", {"order_id": "o-1", "quantity": 3})
    _call(sidecar_http, sku, "Commit", {"order_id": "o-1"})
    again = _call(sidecar_http, sku, "Commit", {"order_id": "o-1"})
    assert again["ok"]
    assert again["stock"] == {
        "sku": sku,
        "on_hand": 1,
        "reserved": 0,
        "available": 1,
    }
    refused = _call(sidecar_http, sku, "Release", {"order_id": "o-1"})
    assert refused["ok"] is False
    assert refused["status"] == "committed"


def test_release_returns_units_and_fences_a_late_reserve(sidecar_http: httpx.Client) -> None:
    """Release is idempotent, and a Reserve arriving after its release takes nothing."""
    sku = _stocked(sidecar_http, 4)
    _call(sidecar_http, sku, "Reserve", {"order_id": "o-1", "quantity": 4})
    _call(sidecar_http, sku, "Release", {"order_id": "o-1"})
    again = _call(sidecar_http, sku, "Release", {"order_id": "o-1"})
    assert again["ok"]
    assert again["stock"]["available"] == 4
    late = _call(sidecar_http, sku, "Reserve", {"order_id": "o-1", "quantity": 1})
    assert late["ok"] is False
    assert late["status"] == "released"
    commit = _call(sidecar_http, sku, "Commit", {"order_id": "o-1"})
    assert commit["ok"] is False


def test_reservation_expires_through_a_reminder_after_deactivation(
    sidecar_http: httpx.Client,
) -> None:
    """An uncommitted hold is released by its reminder even after the actor went idle
    (test stack: idle timeout 10 s, scan every 2 s; the hold is 14 s, so the actor is
    deactivated before the reminder fires and the reminder reactivates it)."""
    sku = _stocked(sidecar_http, 2)
    held = _call(sidecar_http, sku, "Reserve", {"order_id": "o-1", "quantity": 2, "hold_s": 14})
    assert held["stock"]["available"] == 0
    time.sleep(13)  # no call in between: the actor deactivates after 10-12 s idle
    deadline = time.monotonic() + 20
    stock = _call(sidecar_http, sku, "GetStock")
    while stock["available"] != 2 and time.monotonic() < deadline:
        time.sleep(0.5)
        stock = _call(sidecar_http, sku, "GetStock")
    assert stock == {"sku": sku, "on_hand": 2, "reserved": 0, "available": 2}
    late = _call(sidecar_http, sku, "Commit", {"order_id": "o-1"})
    assert late["ok"] is False
    assert late["status"] == "released"
