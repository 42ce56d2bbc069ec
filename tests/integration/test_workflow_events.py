"""External events: the raise-event API checks names and payloads against the workflow's
event registry, and a malformed approval that still arrives is a rejection, not a
failed workflow (issue 11, defect 3)."""

from collections.abc import Iterator

import httpx
import pytest

from devstack.stack import Stack
from tests.support.orders import new_id, place, stock, stocked_sku, wait_for
from tests.support.payments import PaymentsAdmin

EVENTS = "/api/v1/workflows/instances/{}/events/{}"


@pytest.fixture
def payments(stack: Stack) -> Iterator[PaymentsAdmin]:
    admin = PaymentsAdmin(stack)
    admin.behave()
    yield admin
    admin.behave()


def _awaiting_approval(api: httpx.Client) -> tuple[str, str]:
    """An order at the approval threshold, waiting (6 s in tests) with 2 units reserved."""
    sku = stocked_sku(api, 3)
    order_id = new_id("o")
    assert place(api, order_id, [(sku, 2, "600.00")]).status_code == 202
    wait_for(api, order_id, {"awaiting_approval"})
    return order_id, sku


def test_raise_event_refuses_payloads_and_names_the_workflow_does_not_accept(
    api: httpx.Client, payments: PaymentsAdmin
) -> None:
    """The restock approval's shape sent to an order: 422 naming the field; an event name
    the workflow never waits for: 422 listing the accepted ones; the order still waits."""
    order_id, sku = _awaiting_approval(api)
    wrong = api.post(EVENTS.format(order_id, "approval"), json={"approved": True, "approver": "o"})
    assert wrong.status_code == 422, wrong.text
    assert wrong.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in wrong.json()["errors"]] == ["approver"]
    unknown = api.post(EVENTS.format(order_id, "approved"), json={})
    assert unknown.status_code == 422, unknown.text
    assert unknown.json()["error_code"] == "UNKNOWN_WORKFLOW_EVENT"
    assert unknown.json()["details"]["accepted"] == "approval, cancel"
    assert api.get(f"/api/v1/orders/{order_id}").json()["status"] == "awaiting_approval"
    right = api.post(EVENTS.format(order_id, "approval"), json={"approved": False})
    assert right.status_code == 202, right.text
    assert wait_for(api, order_id, {"cancelled"})["status"] == "cancelled"
    assert stock(api, sku)["reserved"] == 0


def test_a_malformed_approval_raised_through_daprd_rejects_and_compensates(
    api: httpx.Client, sidecar_http: httpx.Client, payments: PaymentsAdmin
) -> None:
    """Sent past the API (daprd's own raise-event endpoint), a payload that is no decision
    cancels the order with a reason and releases its stock; the workflow completes."""
    order_id, sku = _awaiting_approval(api)
    raised = sidecar_http.post(
        f"/v1.0-beta1/workflows/dapr/{order_id}/raiseEvent/approval",
        json={"approved": True, "approver": "ops"},
    )
    assert raised.status_code == 202, raised.text
    done = wait_for(api, order_id, {"cancelled", "completed", "failed"}, timeout_s=30)
    assert done["workflow"]["runtime_status"] == "COMPLETED", done
    assert done["status"] == "cancelled"
    reason = done["order"]["history"][-1]["reason"]
    assert reason == "approval rejected: malformed approval event (approver)"
    assert stock(api, sku) == {"sku": sku, "on_hand": 3, "reserved": 0, "available": 3}
