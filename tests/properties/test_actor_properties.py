"""Actor properties (seed 13, 14) against the real sidecar and placement."""

import asyncio
import uuid
from typing import Any

from dapr.actor import ActorId, ActorProxy
from hypothesis import given
from hypothesis import strategies as st

from actors.inventory_interface import INVENTORY_ACTOR_TYPE, InventoryActorInterface
from actors.order_interface import ORDER_ACTOR_TYPE, OrderActorInterface
from actors.order_states import TRANSITIONS, OrderStatus


def _inventory(sku: str) -> Any:
    return ActorProxy.create(INVENTORY_ACTOR_TYPE, ActorId(sku), InventoryActorInterface)


@given(
    stock=st.integers(min_value=0, max_value=20),
    requests=st.lists(st.integers(min_value=1, max_value=8), min_size=1, max_size=12),
)
def test_concurrent_reservations_never_oversell(
    runner: asyncio.Runner,
    sdk_points_at_stack: None,
    stock: int,
    requests: list[int],
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 13: Actor Single-Threaded Execution**
    **Validates: Requirements 7.2**

    Concurrent Reserve calls on one actor run one at a time: what was granted never
    exceeds the stock, and the actor's books equal the sum of the grants.
    """
    sku = f"prop13-{uuid.uuid4().hex[:10]}"

    async def scenario() -> tuple[list[dict[str, Any]], dict[str, Any]]:
        inventory = _inventory(sku)
        if stock:
            await inventory.Restock({"restock_id": "initial", "quantity": stock})
        calls = [
            _inventory(sku).Reserve({"order_id": f"o-{i}", "quantity": quantity})
            for i, quantity in enumerate(requests)
        ]
        results = await asyncio.gather(*calls)
        return list(results), await inventory.GetStock()

    results, level = runner.run(scenario())
    granted = sum(r["quantity"] for r in results if r["ok"])
    assert granted <= stock
    assert level == {
        "sku": sku,
        "on_hand": stock,
        "reserved": granted,
        "available": stock - granted,
    }
    # Every refusal was right when it was made: the request did not fit what was left.
    for result, quantity in zip(results, requests, strict=True):
        if not result["ok"]:
            assert result["status"] == "insufficient"
            assert quantity > result["stock"]["available"]


paths = st.lists(st.sampled_from(list(OrderStatus)), min_size=1, max_size=8)


@given(restocks=st.lists(st.integers(min_value=1, max_value=1000), max_size=6), path=paths)
def test_actor_state_survives_between_calls(
    runner: asyncio.Runner,
    sdk_points_at_stack: None,
    restocks: list[int],
    path: list[OrderStatus],
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 14: Actor State Persistence Round-Trip**
    **Validates: Requirements 7.4**

    What one call stores is what the next call reads: stock is the sum of the applied
    restocks; an order's status and history are the legal moves of a random path.
    """
    sku = f"prop14-{uuid.uuid4().hex[:10]}"
    order_id = f"prop14-{uuid.uuid4().hex[:10]}"
    at = "2026-01-01T00:00:00Z"

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        inventory = _inventory(sku)
        for i, quantity in enumerate(restocks):
            await inventory.Restock({"restock_id": f"r-{i}", "quantity": quantity})
        order = ActorProxy.create(ORDER_ACTOR_TYPE, ActorId(order_id), OrderActorInterface)
        details = {"customer_id": "c", "lines": [{"sku": "S", "quantity": 1, "unit_price": "1"}]}
        await order.Create({"order_id": order_id, **details})
        for status in path:
            await order.Transition({"status": status.value, "at": at})
        return await inventory.GetStock(), await order.GetOrder()

    level, order = runner.run(scenario())
    assert level["on_hand"] == sum(restocks)
    expected = [OrderStatus.CREATED]
    for status in path:
        if status in TRANSITIONS[expected[-1]]:
            expected.append(status)
    assert [step["status"] for step in order["history"]] == [s.value for s in expected]
    assert order["status"] == expected[-1].value
