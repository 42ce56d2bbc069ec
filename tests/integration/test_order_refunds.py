"""Charge without goods, on the real stack: every path that ends a paid order without its
goods gives the money back (issue 13). Each test holds the charge in flight with the
provider's latency switch, then makes its race happen while the provider waits."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from devstack.stack import Stack
from tests.support.orders import TERMINAL, new_id, place, stock, stocked_sku, wait_for
from tests.support.payments import PaymentsAdmin

INVENTORY = "/api/v1/actors/InventoryActor"
LATENCY_MS = 3000  # under the 5 s per-attempt timeout of python-api's daprd


@pytest.fixture
def payments(stack: Stack) -> Iterator[PaymentsAdmin]:
    admin = PaymentsAdmin(stack)
    admin.behave(latency_ms=LATENCY_MS)
    yield admin
    admin.behave()


def _steps(order: dict[str, Any]) -> list[tuple[str, str]]:
    return [(step["status"], step["reason"]) for step in order["order"]["history"]]


def _charge_id(order: dict[str, Any]) -> str:
    [paid] = [reason for status, reason in _steps(order) if status == "paid"]
    return paid


def test_a_cancel_that_arrives_after_the_charge_started_is_refunded(
    api: httpx.Client, payments: PaymentsAdmin
) -> None:
    """The cancel is accepted while the charge runs (status reserved); the order then ends
    cancelled, its history shows paid -> refunded -> cancelled, the provider holds one
    refund of that charge and the stock is back. (Before issue 13: the order completed.)"""
    sku, order_id = stocked_sku(api, 5), new_id("order")
    assert place(api, order_id, [(sku, 2, "10.00")]).status_code == 202
    payments.wait_for_attempt(order_id)
    assert api.post(f"/api/v1/orders/{order_id}/cancel").status_code == 202

    done = wait_for(api, order_id, TERMINAL)
    assert done["status"] == "cancelled", _steps(done)
    statuses = [status for status, _ in _steps(done)]
    assert statuses[-3:] == ["paid", "refunded", "cancelled"]
    refund = payments.refund(_charge_id(done))
    assert refund is not None
    assert refund["order_id"] == order_id
    assert done["workflow"]["output"]["refund_id"] == refund["refund_id"]
    assert stock(api, sku) == {"sku": sku, "on_hand": 5, "reserved": 0, "available": 5}


def test_a_hold_expired_before_commit_with_the_stock_gone_is_refunded(
    api: httpx.Client, payments: PaymentsAdmin
) -> None:
    """While the charge runs, the order's hold ends (Release: the same change the hold's
    reminder makes when it expires) and another order takes the units. Commit finds no
    hold, re-reserving finds too little: the order fails with its charge refunded, and
    nothing of it stays taken. (Before issue 13: failed with the money kept.)"""
    sku, order_id = stocked_sku(api, 3), new_id("order")
    assert place(api, order_id, [(sku, 2, "10.00")]).status_code == 202
    payments.wait_for_attempt(order_id)
    ended = api.post(f"{INVENTORY}/{sku}/methods/Release", json={"order_id": order_id})
    assert ended.status_code == 200, ended.text
    other = {"order_id": new_id("other"), "quantity": 3}
    assert api.post(f"{INVENTORY}/{sku}/methods/Reserve", json=other).json()["ok"]

    done = wait_for(api, order_id, TERMINAL)
    assert done["status"] == "failed", _steps(done)
    assert [s for s, _ in _steps(done)][-3:] == ["paid", "refunded", "failed"]
    assert "stock is gone" in done["order"]["history"][-1]["reason"]
    assert payments.refund(_charge_id(done)) is not None
    assert stock(api, sku) == {"sku": sku, "on_hand": 3, "reserved": 3, "available": 0}


def test_a_hold_expired_before_commit_is_reserved_again_and_the_order_completes(
    api: httpx.Client, payments: PaymentsAdmin
) -> None:
    """The hold ends while the charge runs but the units are still free: the workflow
    reserves them again, commits and completes; nothing is refunded."""
    sku, order_id = stocked_sku(api, 3), new_id("order")
    assert place(api, order_id, [(sku, 2, "10.00")]).status_code == 202
    payments.wait_for_attempt(order_id)
    ended = api.post(f"{INVENTORY}/{sku}/methods/Release", json={"order_id": order_id})
    assert ended.status_code == 200, ended.text

    done = wait_for(api, order_id, TERMINAL)
    assert done["status"] == "completed", _steps(done)
    assert payments.refund(_charge_id(done)) is None
    assert stock(api, sku) == {"sku": sku, "on_hand": 1, "reserved": 0, "available": 1}


def test_a_terminated_paid_order_is_settled_by_the_compensating_cancel(
    api: httpx.Client, payments: PaymentsAdmin
) -> None:
    """Terminate compensates nothing: the order stays `paid`. The compensating cancel
    gives the stock back (committed or held) and refunds: paid -> refunded -> cancelled;
    a second cancel starts nothing new. Terminated in the shipping timer's 2 s after paid."""
    payments.behave()
    sku, order_id = stocked_sku(api, 5), new_id("order")
    assert place(api, order_id, [(sku, 2, "10.00")]).status_code == 202
    wait_for(api, order_id, {"paid"}, timeout_s=30)
    terminated = api.post(f"/api/v1/workflows/instances/{order_id}/terminate")
    assert terminated.status_code == 202, terminated.text
    wait = api.get(f"/api/v1/workflows/instances/{order_id}/wait", params={"timeout_s": 30})
    assert wait.json()["runtime_status"] == "TERMINATED", wait.text

    # (The view flags it stranded only once its last step is a minute old: not waited for.)
    assert api.post(f"/api/v1/orders/{order_id}/cancel").status_code == 202
    assert api.post(f"/api/v1/orders/{order_id}/cancel").status_code in {202, 409}

    done = wait_for(api, order_id, {"cancelled"})
    assert [s for s, _ in _steps(done)][-3:] == ["paid", "refunded", "cancelled"]
    listed = api.get("/api/v1/workflows/instances", params={"name": "order_compensation"})
    assert f"{order_id}:compensation" in [i["instance_id"] for i in listed.json()["items"]]
    assert payments.refund(_charge_id(done)) is not None
    assert stock(api, sku) == {"sku": sku, "on_hand": 5, "reserved": 0, "available": 5}


def test_a_rejection_that_arrives_while_the_approved_charge_runs_is_refunded(
    api: httpx.Client, payments: PaymentsAdmin
) -> None:
    """A large order is approved; while its charge is held at the provider a rejection
    arrives (the order still shows awaiting_approval). The order ends cancelled with
    paid -> refunded -> cancelled, one refund of its charge, and its stock back."""
    sku, order_id = stocked_sku(api, 2), new_id("order")
    assert place(api, order_id, [(sku, 1, "1500.00")]).status_code == 202
    wait_for(api, order_id, {"awaiting_approval"})
    approved = api.post(f"/api/v1/orders/{order_id}/approve", json={"reason": "ok"})
    assert approved.status_code == 202, approved.text
    payments.wait_for_attempt(order_id)
    rejected = api.post(f"/api/v1/orders/{order_id}/reject", json={"reason": "changed mind"})
    assert rejected.status_code == 202, rejected.text

    done = wait_for(api, order_id, TERMINAL)
    assert done["status"] == "cancelled", _steps(done)
    assert [s for s, _ in _steps(done)][-3:] == ["paid", "refunded", "cancelled"]
    assert "after payment" in done["order"]["history"][-1]["reason"]
    assert payments.refund(_charge_id(done)) is not None
    assert stock(api, sku) == {"sku": sku, "on_hand": 2, "reserved": 0, "available": 2}
