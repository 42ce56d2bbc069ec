"""Actor lifecycle properties (seed 15, 16): idle deactivation and reminders that outlive it.

Each example waits out the test stack's idle timeout (10 s, scanned every 2 s), so these
two run 2 examples each instead of the "ci" profile's 100: 100 examples would take about
40 minutes. The example count is the only thing that differs from the seed.
"""

import asyncio
import time
import uuid
from typing import Any

import httpx
from dapr.actor import ActorId, ActorProxy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actors.inventory_interface import INVENTORY_ACTOR_TYPE, InventoryActorInterface
from devstack.stack import Stack

IDLE_WAIT_S = 10 + 2 + 8  # idle timeout + scan interval + margin for a loaded machine
slow = settings(
    max_examples=2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _inventory(sku: str) -> Any:
    return ActorProxy.create(INVENTORY_ACTOR_TYPE, ActorId(sku), InventoryActorInterface)


def _active(stack: Stack, actor_type: str) -> int:
    """Active actors of a type, from the sidecar's metadata API."""
    metadata = httpx.get(
        f"{stack.dapr_http_url}/v1.0/metadata", headers=stack.config.tokens.headers(), timeout=5
    ).json()
    runtime = metadata.get("actorRuntime") or {}
    counts = runtime.get("activeActors") or metadata.get("actors") or []
    return sum(int(entry.get("count", 0)) for entry in counts if entry["type"] == actor_type)


def _wait_until(condition: Any, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return bool(condition())


@slow
@given(count=st.integers(min_value=1, max_value=5))
def test_idle_actors_are_deactivated(
    runner: asyncio.Runner, stack: Stack, sdk_points_at_stack: None, count: int
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 15: Actor Deactivation on Idle**
    **Validates: Requirements 7.3**

    Actors called once and then left alone are deactivated after the idle timeout, and
    their state is still there when they are called again.
    """
    skus = [f"prop15-{uuid.uuid4().hex[:10]}" for _ in range(count)]

    async def touch(quantity: int) -> list[Any]:
        return list(
            await asyncio.gather(
                *(
                    _inventory(s).Restock({"restock_id": f"r{quantity}", "quantity": quantity})
                    for s in skus
                )
            )
        )

    runner.run(touch(3))
    assert _active(stack, INVENTORY_ACTOR_TYPE) >= count
    assert _wait_until(lambda: _active(stack, INVENTORY_ACTOR_TYPE) == 0, IDLE_WAIT_S)
    levels = runner.run(touch(4))
    assert [level["on_hand"] for level in levels] == [7] * count


@slow
@given(quantity=st.integers(min_value=1, max_value=50))
def test_reminders_fire_after_deactivation(
    runner: asyncio.Runner, stack: Stack, sdk_points_at_stack: None, quantity: int
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 16: Actor Reminder Persistence**
    **Validates: Requirements 7.6**

    A reservation's hold reminder fires after its actor was deactivated: the actor is
    activated for it and the units become available again.
    """
    sku = f"prop16-{uuid.uuid4().hex[:10]}"
    hold_s = IDLE_WAIT_S + 2

    async def reserve() -> Any:
        inventory = _inventory(sku)
        await inventory.Restock({"restock_id": "initial", "quantity": quantity})
        return await inventory.Reserve({"order_id": "o", "quantity": quantity, "hold_s": hold_s})

    started = time.monotonic()
    assert runner.run(reserve())["ok"] is True
    assert _wait_until(lambda: _active(stack, INVENTORY_ACTOR_TYPE) == 0, IDLE_WAIT_S)
    assert time.monotonic() - started < hold_s  # deactivated before the reminder was due
    time.sleep(max(0.0, hold_s - (time.monotonic() - started)))

    def released() -> bool:
        level = runner.run(_inventory(sku).GetStock())
        return bool(level["available"] == quantity and level["reserved"] == 0)

    assert _wait_until(released, 20)
