"""The notifications consumer on the real stack (issue 13 part 5): every order's
`order.completed` or `order.failed` reaches the `order-outcomes` subscription and its
customer is notified once, although the broker delivers at least once: the same event
again (same id) and the same outcome under a new id notify no one a second time."""

import re
import time
from typing import Any

import httpx
from dapr.clients import DaprClient

from tests.support.order_events import publish
from tests.support.orders import TERMINAL, new_id, place, stocked_sku, wait_for

STATE = "/v1.0/state/statestore"


def _notification(sidecar_http: httpx.Client, event_type: str, order_id: str) -> Any:
    response = sidecar_http.get(f"{STATE}/notification:{event_type}:{order_id}")
    return response.json() if response.status_code == 200 else None


def _wait_notified(sidecar_http: httpx.Client, event_type: str, order_id: str) -> Any:
    deadline = time.monotonic() + 30
    while (found := _notification(sidecar_http, event_type, order_id)) is None:
        assert time.monotonic() < deadline, f"{order_id} never notified of {event_type}"
        time.sleep(0.2)
    return found


def _count(api: httpx.Client, event_type: str, outcome: str) -> float:
    labels = rf'event_type="{re.escape(event_type)}",outcome="{outcome}"'
    match = re.search(
        rf"^orderflow_notifications_total{{{labels}}} (\S+)$", api.get("/metrics").text, re.M
    )
    return float(match.group(1)) if match else 0.0


def test_each_order_outcome_is_notified_once_despite_redelivery(
    api: httpx.Client, dapr: DaprClient, sidecar_http: httpx.Client
) -> None:
    """Two completed orders and one failed (shortage) are each notified once, by the
    workflow's own event (id `<type>:<order id>`). Redelivering each outcome with the same
    id and with a new one changes no notification: the same id is skipped by the
    subscription registry, the new one reaches the consumer and counts as a duplicate."""
    sku = stocked_sku(api, 4)
    completed = [new_id("notify"), new_id("notify")]
    failed = new_id("notify")
    for order_id in completed:
        assert place(api, order_id, [(sku, 2, "10.00")]).status_code == 202
        wait_for(api, order_id, TERMINAL)
    assert place(api, failed, [(sku, 1, "10.00")]).status_code == 202  # the stock is gone
    assert wait_for(api, failed, TERMINAL)["status"] == "failed"
    outcomes = [*(("order.completed", o) for o in completed), ("order.failed", failed)]

    first = {o: _wait_notified(sidecar_http, t, o) for t, o in outcomes}
    for event_type, order_id in outcomes:
        assert first[order_id]["event_id"] == f"{event_type}:{order_id}"
        assert first[order_id]["customer_id"] == "c-1"
    assert "insufficient stock" in first[failed]["message"]

    before = {t: _count(api, t, "duplicate") for t in ("order.completed", "order.failed")}
    for event_type, order_id in outcomes:
        data = {"order_id": order_id, "customer_id": "c-1", "reason": "again"}
        publish(dapr, "order-outcomes", event_type, data, event_id=f"{event_type}:{order_id}")
        publish(dapr, "order-outcomes", event_type, data)  # a new id: the consumer's dedupe
    deadline = time.monotonic() + 30
    while (
        _count(api, "order.completed", "duplicate") - before["order.completed"] < 2
        or _count(api, "order.failed", "duplicate") - before["order.failed"] < 1
    ):
        assert time.monotonic() < deadline, "the redelivered outcomes never reached the consumer"
        time.sleep(0.2)
    for event_type, order_id in outcomes:
        assert _notification(sidecar_http, event_type, order_id) == first[order_id]
