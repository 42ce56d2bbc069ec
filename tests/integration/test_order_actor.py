"""The OrderActor's state machine through the real sidecar."""

import uuid
from typing import Any

import httpx

from actors.order_interface import ORDER_ACTOR_TYPE

DETAILS = {"customer_id": "c-1", "lines": [{"sku": "SKU-1", "quantity": 1, "unit_price": "5"}]}
AT = "2026-01-01T00:00:00Z"


def _call(sidecar_http: httpx.Client, order_id: str, method: str, body: Any = None) -> Any:
    url = f"/v1.0/actors/{ORDER_ACTOR_TYPE}/{order_id}/method/{method}"
    response = sidecar_http.post(url, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_legal_moves_are_recorded_and_illegal_ones_refused(sidecar_http: httpx.Client) -> None:
    """created -> reserved -> paid is kept with its history; paid -> cancelled is refused."""
    order_id = f"o-{uuid.uuid4().hex[:8]}"
    created = _call(sidecar_http, order_id, "Create", {"order_id": order_id, **DETAILS})
    assert created["status"] == "created"
    for status in ("reserved", "paid"):
        moved = _call(sidecar_http, order_id, "Transition", {"status": status, "at": AT})
        assert moved["accepted"] is True
    refused = _call(sidecar_http, order_id, "Transition", {"status": "cancelled", "at": AT})
    assert refused["accepted"] is False
    assert refused["order"]["status"] == "paid"
    repeat = _call(sidecar_http, order_id, "Transition", {"status": "paid", "at": AT})
    assert repeat["accepted"] is True
    order = _call(sidecar_http, order_id, "GetOrder")
    assert [step["status"] for step in order["history"]] == ["created", "reserved", "paid"]


def test_unknown_order_reads_as_not_existing(sidecar_http: httpx.Client) -> None:
    """GetOrder on an id never created says so instead of inventing an order."""
    order = _call(sidecar_http, f"o-{uuid.uuid4().hex[:8]}", "GetOrder")
    assert order["exists"] is False
    assert order["status"] is None
