"""The books audit on the real stack (issue 13 part 3): a clean window reports nothing; a
charge planted without its order and a completed order refunded by hand are each found,
listed at the route and counted in the metric."""

import re
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from devstack.stack import Stack
from tests.support.orders import TERMINAL, new_id, place, stocked_sku, wait_for
from tests.support.payments import PaymentsAdmin, dev_api_key

WORKFLOWS = "/api/v1/workflows"
LATENCY_MS = 3000  # holds the charge in flight while the cancel arrives


@pytest.fixture
def payments(stack: Stack) -> Iterator[PaymentsAdmin]:
    admin = PaymentsAdmin(stack)
    yield admin
    admin.behave()


def _audit(api: httpx.Client, since: datetime) -> dict[str, Any]:
    """Run books_audit over [since, now] in pages of 2 and return the route's record."""
    instance_id = f"books-test-{uuid.uuid4().hex[:8]}"
    body = {"input": {"since": since.isoformat(), "page_size": 2}, "instance_id": instance_id}
    assert api.post(f"{WORKFLOWS}/books_audit", json=body).status_code == 202
    done = api.get(
        f"{WORKFLOWS}/instances/{instance_id}/wait", params={"timeout_s": 90}, timeout=100
    )
    assert done.json()["runtime_status"] == "COMPLETED", done.text
    record = api.get("/api/v1/books/audit")
    assert record.status_code == 200, record.text
    found: dict[str, Any] = record.json()
    assert found["instance_id"] == instance_id
    return found


def _metric(api: httpx.Client, kind: str) -> float:
    text = api.get("/metrics").text
    match = re.search(rf'^orderflow_books_violations{{kind="{kind}"}} (\S+)$', text, re.M)
    assert match, f"no orderflow_books_violations for {kind}"
    return float(match.group(1))


def _orders(api: httpx.Client, payments: PaymentsAdmin) -> dict[str, dict[str, Any]]:
    """One order completed, one declined, one cancelled while its charge ran (refunded)."""
    sku = stocked_sku(api, 10)
    completed, declined, cancelled = new_id("books"), new_id("books"), new_id("books")
    assert place(api, completed, [(sku, 2, "10.00")]).status_code == 202
    wait_for(api, completed, TERMINAL)
    payments.behave(mode="decline")
    assert place(api, declined, [(sku, 1, "10.00")]).status_code == 202
    wait_for(api, declined, TERMINAL)
    payments.behave(latency_ms=LATENCY_MS)
    assert place(api, cancelled, [(sku, 1, "10.00")]).status_code == 202
    payments.wait_for_attempt(cancelled)
    assert api.post(f"/api/v1/orders/{cancelled}/cancel").status_code == 202
    payments.behave()
    return {
        "completed": wait_for(api, completed, {"completed"}),
        "declined": wait_for(api, declined, {"failed"}),
        "cancelled": wait_for(api, cancelled, {"cancelled"}),
    }


def test_a_clean_window_balances_and_planted_violations_are_found(
    api: httpx.Client, payments: PaymentsAdmin
) -> None:
    """Three ended orders (completed, declined, refunded after a cancel) balance: 0
    violations, 3 orders and 3 charges checked, metric 0. Then a charge for an order that
    does not exist and a refund of the completed order are each reported once, by kind."""
    since = datetime.now(UTC) - timedelta(seconds=1)
    orders = _orders(api, payments)

    clean = _audit(api, since)
    assert clean["violations"] == [], clean
    assert (clean["orders_checked"], clean["charges_checked"]) == (3, 3), clean
    assert clean["violation_count"] == 0
    assert _metric(api, "charge_without_order") == 0

    ghost = new_id("ghost")
    key = dev_api_key()
    charged = payments.post("/charges", {"order_id": ghost, "amount": "12.00"}, key)
    assert charged.status_code == 200, charged.text
    completed = orders["completed"]
    [charge_id] = [s["reason"] for s in completed["order"]["history"] if s["status"] == "paid"]
    refunded = payments.post("/refunds", {"charge_id": charge_id, "reason": "planted"}, key)
    assert refunded.status_code == 200, refunded.text
    time.sleep(0.01)  # the planted charge is inside the window ending at the audit's start

    planted = _audit(api, since)
    found = sorted((v["kind"], v["order_id"]) for v in planted["violations"])
    assert found == [
        ("charge_without_order", ghost),
        ("completed_refunded", completed["order_id"]),
    ], planted
    assert planted["violation_count"] == 2
    assert _metric(api, "charge_without_order") == 1
    assert _metric(api, "completed_refunded") == 1
    assert _metric(api, "charge_not_refunded") == 0


def test_a_books_audit_input_out_of_range_is_refused(api: httpx.Client) -> None:
    """A page size out of range is a 422 problem; nothing starts."""
    body = {"input": {"page_size": 0}}
    response = api.post(f"{WORKFLOWS}/books_audit", json=body)
    assert response.status_code == 422, response.text


def _index(sidecar_http: httpx.Client) -> list[str]:
    found = sidecar_http.get("/v1.0/state/statestore/workflow-index:order_fulfillment")
    assert found.status_code == 200, found.text
    return list(found.json()["ids"])


def test_the_order_index_drops_ended_orders_past_the_retention(
    api: httpx.Client, sidecar_http: httpx.Client
) -> None:
    """40 orders end; a stranded one (its workflow terminated while it waits for approval)
    does not. A books audit run with a retention of one second drops the 40 from the
    instance index (records too) and keeps the stranded one; the orders still read."""
    sku = stocked_sku(api, 40)
    ended = [new_id("bound") for _ in range(40)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        placed = list(pool.map(lambda o: place(api, o, [(sku, 1, "1.00")]).status_code, ended))
    assert placed == [202] * 40
    for order_id in ended:
        wait_for(api, order_id, {"completed"})
    stranded = new_id("bound")
    assert place(api, stranded, [(stocked_sku(api, 1), 1, "5000.00")]).status_code == 202
    wait_for(api, stranded, {"awaiting_approval"})
    stop = api.post(f"{WORKFLOWS}/instances/{stranded}/terminate")
    assert stop.status_code == 202, stop.text
    before = _index(sidecar_http)
    assert set(ended) | {stranded} <= set(before)
    time.sleep(1.5)

    instance_id = f"books-prune-{uuid.uuid4().hex[:8]}"
    since = datetime.now(UTC) - timedelta(minutes=5)
    body = {
        "input": {"since": since.isoformat(), "page_size": 100, "retention_s": 1},
        "instance_id": instance_id,
    }
    assert api.post(f"{WORKFLOWS}/books_audit", json=body).status_code == 202
    done = api.get(
        f"{WORKFLOWS}/instances/{instance_id}/wait", params={"timeout_s": 90}, timeout=100
    )
    assert done.json()["runtime_status"] == "COMPLETED", done.text
    assert done.json()["output"]["instances_pruned"] >= 40

    after = _index(sidecar_http)
    assert not set(ended) & set(after)
    assert stranded in after
    assert len(after) <= len(before) - 40
    gone = sidecar_http.get(f"/v1.0/state/statestore/workflow-instance:{ended[0]}")
    assert gone.status_code == 204
    assert api.get(f"/api/v1/orders/{ended[0]}").json()["status"] == "completed"
