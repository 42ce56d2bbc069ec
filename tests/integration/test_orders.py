"""Orders end to end through the API, the real sidecars and the payment-service peer."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.stack import Stack
from tests.support.orders import new_id, place, stock, stocked_sku, view, wait_for
from tests.support.payments import PaymentsAdmin


@pytest.fixture
def payments(stack: Stack) -> Iterator[PaymentsAdmin]:
    admin = PaymentsAdmin(stack)
    admin.behave()
    yield admin
    admin.behave()


def _history(order: dict[str, object]) -> list[str]:
    record = order["order"]
    assert isinstance(record, dict)
    return [step["status"] for step in record["history"]]


def test_happy_path_commits_stock_charges_once_and_writes_a_label(
    api: httpx.Client, stack: Stack, payments: PaymentsAdmin
) -> None:
    """A small order runs created -> reserved -> paid -> shipped -> completed."""
    sku = stocked_sku(api, 5)
    order_id = new_id("o")
    assert place(api, order_id, [(sku, 2, "10.00")]).status_code == 202
    done = wait_for(api, order_id, {"completed", "failed", "cancelled"})
    assert done["status"] == "completed"
    assert _history(done) == ["created", "reserved", "paid", "shipped", "completed"]
    assert stock(api, sku) == {"sku": sku, "on_hand": 3, "reserved": 0, "available": 3}
    charge = payments.charge(order_id)
    assert charge is not None
    assert charge["approved"] is True
    label = Path(stack.config.data_dir) / "localstorage" / f"label-{order_id}.json"
    assert label.exists()


def test_a_retried_place_request_starts_nothing_new(
    api: httpx.Client, payments: PaymentsAdmin
) -> None:
    """The same order id placed twice: one workflow, stock taken once."""
    sku = stocked_sku(api, 5)
    order_id = new_id("o")
    first = place(api, order_id, [(sku, 1, "1.00")])
    second = place(api, order_id, [(sku, 1, "1.00")])
    assert (first.status_code, second.status_code) == (202, 200)
    assert second.json()["started"] is False
    wait_for(api, order_id, {"completed"})
    assert stock(api, sku)["on_hand"] == 4


def test_large_order_waits_for_approval_and_completes_when_approved(
    api: httpx.Client, payments: PaymentsAdmin
) -> None:
    """At or above the threshold (1000) the order waits; approving it lets it finish."""
    sku = stocked_sku(api, 3)
    order_id = new_id("o")
    place(api, order_id, [(sku, 2, "600.00")])
    wait_for(api, order_id, {"awaiting_approval"})
    assert api.post(f"/api/v1/orders/{order_id}/approve", json={}).status_code == 202
    done = wait_for(api, order_id, {"completed", "failed", "cancelled"})
    assert done["status"] == "completed"
    assert "awaiting_approval" in _history(done)


def test_approval_timeout_rejects_and_releases(api: httpx.Client, payments: PaymentsAdmin) -> None:
    """Nobody approves within the timeout (6 s in tests): cancelled, stock back."""
    sku = stocked_sku(api, 3)
    order_id = new_id("o")
    place(api, order_id, [(sku, 2, "600.00")])
    done = wait_for(api, order_id, {"completed", "failed", "cancelled"}, timeout_s=60)
    assert done["status"] == "cancelled"
    assert done["workflow"]["output"]["reason"] == "approval timed out"
    assert stock(api, sku)["available"] == 3
    assert payments.charge(order_id) is None


def test_declined_payment_fails_the_order_and_releases_stock(
    api: httpx.Client, payments: PaymentsAdmin
) -> None:
    """The provider declines: failed with the reason, nothing taken from stock."""
    payments.behave(mode="decline")
    sku = stocked_sku(api, 3)
    order_id = new_id("o")
    place(api, order_id, [(sku, 1, "5.00")])
    done = wait_for(api, order_id, {"completed", "failed", "cancelled"})
    assert done["status"] == "failed"
    assert done["workflow"]["output"]["reason"].startswith("payment declined")
    assert stock(api, sku) == {"sku": sku, "on_hand": 3, "reserved": 0, "available": 3}


def test_payment_failing_twice_is_retried_and_charged_once(
    api: httpx.Client, payments: PaymentsAdmin
) -> None:
    """Two 503s from the provider, then success: the order completes with one charge."""
    payments.behave(fail_next=2)
    sku = stocked_sku(api, 3)
    order_id = new_id("o")
    place(api, order_id, [(sku, 1, "5.00")])
    done = wait_for(api, order_id, {"completed", "failed", "cancelled"})
    assert done["status"] == "completed"
    charge = payments.charge(order_id)
    assert charge is not None
    assert charge["approved"] is True
    assert charge["attempts"] == 3  # two failed requests and the one that charged


def test_insufficient_stock_fails_and_leaves_nothing_reserved(
    api: httpx.Client, payments: PaymentsAdmin
) -> None:
    """One line short of two: failed, and the line that was reserved is released."""
    plenty, scarce = stocked_sku(api, 10), stocked_sku(api, 1)
    order_id = new_id("o")
    place(api, order_id, [(plenty, 3, "1.00"), (scarce, 2, "1.00")])
    done = wait_for(api, order_id, {"completed", "failed", "cancelled"})
    assert done["status"] == "failed"
    assert scarce in done["workflow"]["output"]["reason"]
    assert stock(api, plenty) == {"sku": plenty, "on_hand": 10, "reserved": 0, "available": 10}
    assert stock(api, scarce) == {"sku": scarce, "on_hand": 1, "reserved": 0, "available": 1}


def test_cancel_while_awaiting_approval_releases_and_a_second_cancel_is_refused(
    api: httpx.Client, payments: PaymentsAdmin
) -> None:
    """Cancel mid-flight ends the order cancelled; cancelling an ended order is a 409."""
    sku = stocked_sku(api, 3)
    order_id = new_id("o")
    place(api, order_id, [(sku, 2, "600.00")])
    wait_for(api, order_id, {"awaiting_approval"})
    assert api.post(f"/api/v1/orders/{order_id}/cancel").status_code == 202
    done = wait_for(api, order_id, {"completed", "failed", "cancelled"})
    assert done["status"] == "cancelled"
    assert stock(api, sku)["available"] == 3
    again = api.post(f"/api/v1/orders/{order_id}/cancel")
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert view(api, order_id)["status"] == "cancelled"


def test_rejected_approval_cancels_and_releases(api: httpx.Client, payments: PaymentsAdmin) -> None:
    """Rejecting a waiting order ends it cancelled with the reason; approve is then a 409."""
    sku = stocked_sku(api, 3)
    order_id = new_id("o")
    place(api, order_id, [(sku, 2, "600.00")])
    wait_for(api, order_id, {"awaiting_approval"})
    rejected = api.post(f"/api/v1/orders/{order_id}/reject", json={"reason": "too large"})
    assert rejected.status_code == 202
    assert rejected.json() == {"order_id": order_id, "requested": "reject"}
    done = wait_for(api, order_id, {"completed", "failed", "cancelled"})
    assert done["status"] == "cancelled"
    assert done["workflow"]["output"]["reason"] == "approval rejected: too large"
    assert stock(api, sku)["available"] == 3
    assert api.post(f"/api/v1/orders/{order_id}/approve").status_code == 409


def test_an_order_cancelled_right_after_it_was_accepted_is_cancelled(api: httpx.Client) -> None:
    """A cancel sent at once after the 202, before the workflow's first step has created
    the OrderActor, is accepted (202, not 404) and the order ends cancelled with its stock
    back (five orders, so that some cancels land in that window). An id nobody placed is
    still a 404. (Found by the stateful test.)"""
    sku = stocked_sku(api, 5)
    orders = [new_id("order") for _ in range(5)]
    answers = []
    for order_id in orders:
        assert place(api, order_id, [(sku, 1, "10.00")]).status_code == 202
        answers.append(api.post(f"/api/v1/orders/{order_id}/cancel"))
    assert [a.status_code for a in answers] == [202] * 5, [a.text for a in answers]
    for order_id in orders:
        assert wait_for(api, order_id, {"cancelled"})["status"] == "cancelled"
    assert stock(api, sku) == {"sku": sku, "on_hand": 5, "reserved": 0, "available": 5}
    assert api.post(f"/api/v1/orders/{new_id('none')}/cancel").status_code == 404
    early = new_id("order")
    assert place(api, early, [(sku, 1, "10.00")]).status_code == 202
    assert api.post(f"/api/v1/orders/{early}/approve", json={}).status_code == 409
