"""An order left behind by its workflow is flagged and can be restarted, once, before
payment: issue 11's stuck order, made deterministic by terminating the workflow of an
order that waits for approval (its stock stays reserved, nothing will move it again)."""

import httpx

from tests.support.orders import new_id, place, stock, stocked_sku, view, wait_for

BIG_PRICE = "600.00"  # 2 x 600 = 1200, over the approval threshold (1000)


def _stranded_order(api: httpx.Client) -> tuple[str, str]:
    sku = stocked_sku(api, 5)
    order_id = new_id("stranded")
    assert place(api, order_id, [(sku, 2, BIG_PRICE)]).status_code == 202
    wait_for(api, order_id, {"awaiting_approval"})
    terminated = api.post(f"/api/v1/workflows/instances/{order_id}/terminate")
    assert terminated.status_code == 202, terminated.text
    done = api.get(f"/api/v1/workflows/instances/{order_id}/wait", params={"timeout_s": 30})
    assert done.json()["runtime_status"] == "TERMINATED", done.text
    return order_id, sku


def test_a_terminated_order_is_flagged_stranded_and_restarts_to_completion(
    api: httpx.Client,
) -> None:
    """Workflow terminated while the order waits for approval: the view flags it stranded
    with its stock held; a restart runs it again, and once approved it completes, with
    the stock taken exactly once and the restart in its history."""
    order_id, sku = _stranded_order(api)
    flagged = view(api, order_id)
    assert flagged["attention"]["kind"] == "stranded", flagged
    assert flagged["attention"]["action"] == f"POST /api/v1/orders/{order_id}/restart"
    assert stock(api, sku)["reserved"] == 2

    restarted = api.post(f"/api/v1/orders/{order_id}/restart")
    assert restarted.status_code == 202, restarted.text
    wait_for(api, order_id, {"awaiting_approval"})
    assert api.post(f"/api/v1/orders/{order_id}/approve").status_code == 202
    final = wait_for(api, order_id, {"completed"})

    assert final["attention"] is None
    reasons = [step["reason"] for step in final["order"]["history"]]
    assert any(reason.startswith("restarted: ") for reason in reasons), reasons
    left = stock(api, sku)
    assert (left["on_hand"], left["reserved"]) == (3, 0), left


def test_a_moving_order_is_not_restarted(api: httpx.Client) -> None:
    """An order whose workflow runs and waits as designed: 409, nothing changes."""
    sku = stocked_sku(api, 5)
    order_id = new_id("moving")
    assert place(api, order_id, [(sku, 2, BIG_PRICE)]).status_code == 202
    wait_for(api, order_id, {"awaiting_approval"})
    refused = api.post(f"/api/v1/orders/{order_id}/restart")
    assert refused.status_code == 409, refused.text
    assert view(api, order_id)["status"] == "awaiting_approval"


def test_an_ended_order_is_not_restarted(api: httpx.Client) -> None:
    """A completed order cannot run again: 409 naming the transition."""
    sku = stocked_sku(api, 5)
    order_id = new_id("ended")
    assert place(api, order_id, [(sku, 1, "1.00")]).status_code == 202
    wait_for(api, order_id, {"completed"})
    refused = api.post(f"/api/v1/orders/{order_id}/restart")
    assert refused.status_code == 409, refused.text
    assert refused.json()["error_code"] == "ILLEGAL_ORDER_TRANSITION"
