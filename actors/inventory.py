"""InventoryActor (id = SKU): stock on hand and per-order reservations, one call at a time."""

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from dapr.actor import Actor, ActorId, Remindable
from dapr.actor.runtime.context import ActorRuntimeContext

from actors.inventory_interface import (
    Commitment,
    InventoryActorInterface,
    OrderRef,
    ReservationResult,
    ReserveRequest,
    RestockRequest,
    StockLevel,
    return_restock_id,
)
from app.building_blocks.sdk_line.handles import ONE_SHOT_PERIOD

_ON_HAND = "on_hand"
_APPLIED_RESTOCKS = "applied_restocks"
_RESERVATIONS = "reservations"  # order id -> quantity held
_COMMITTED = "committed"  # order id -> quantity taken from stock
_RELEASED = "released"  # order ids whose hold ended; a late Reserve for them is refused
# When each committed or released order id and each applied restock id was recorded
# (epoch seconds): entries older than the retention are pruned (below).
_RECORDED_AT = "recorded_at"
_HOLD_REMINDER = "hold:"

DEFAULT_HOLD = timedelta(minutes=15)
# How long settled order ids and restock ids are kept. They make retries idempotent (a
# late Reserve, Commit, Release or Restock: minutes, at most the approval timeout of a
# day) and answer the books audit's GetCommitment for its window (7 days); past that they
# only grow the actor's state. ORDERFLOW_RETENTION_S sets it (settings: >= the window).
DEFAULT_RETENTION = timedelta(days=8)


class InventoryActor(Actor, InventoryActorInterface, Remindable):
    """Turn-based access to one SKU's stock: concurrent reservations never oversell.

    An uncommitted reservation expires through a reminder, which daprd keeps in the state
    store: it fires even if this actor was deactivated (or its process restarted) meanwhile.
    """

    def __init__(
        self,
        ctx: ActorRuntimeContext,
        actor_id: ActorId,
        hold: timedelta = DEFAULT_HOLD,
        retention: timedelta = DEFAULT_RETENTION,
        clock: Callable[[], float] = time.time,
    ):
        super().__init__(ctx, actor_id)
        self._hold = hold
        self._retention = retention
        self._clock = clock

    async def get_stock(self) -> dict[str, Any]:
        return (await self._stock_level()).model_dump()

    async def restock(self, request: dict[str, Any]) -> dict[str, Any]:
        command = RestockRequest.model_validate(request)
        applied: list[str] = await self._get(_APPLIED_RESTOCKS, [])
        if command.restock_id not in applied:
            on_hand: int = await self._get(_ON_HAND, 0)
            await self._state_manager.set_state(_ON_HAND, on_hand + command.quantity)
            await self._state_manager.set_state(_APPLIED_RESTOCKS, [*applied, command.restock_id])
            await self._recorded(command.restock_id)
            # One save: every key lands in a single state-store transaction.
            await self._state_manager.save_state()
        return (await self._stock_level()).model_dump()

    async def reserve(self, request: dict[str, Any]) -> dict[str, Any]:
        command = ReserveRequest.model_validate(request)
        order = command.order_id
        reservations: dict[str, int] = await self._get(_RESERVATIONS, {})
        committed: dict[str, int] = await self._get(_COMMITTED, {})
        if order in committed:
            return await self._result(order, True, "committed", committed[order])
        if order in reservations:  # a retried Reserve: the hold already exists
            return await self._result(order, True, "reserved", reservations[order])
        released: list[str] = await self._get(_RELEASED, [])
        if order in released and not command.renew:
            return await self._result(order, False, "released")
        level = await self._stock_level()
        if command.quantity > level.available:
            return await self._result(order, False, "insufficient")
        reservations[order] = command.quantity
        await self._state_manager.set_state(_RESERVATIONS, reservations)
        if order in released:  # renewed: a later Release fences it again
            await self._state_manager.set_state(_RELEASED, [o for o in released if o != order])
        await self._state_manager.save_state()
        hold = timedelta(seconds=command.hold_s) if command.hold_s else self._hold
        # Registered after the save: a reminder never points at a hold that was not stored.
        # Fires once (sdk_line.handles.ONE_SHOT_PERIOD: zero on 1.14, none on 1.18).
        await self.register_reminder(
            _HOLD_REMINDER + order,
            order.encode(),
            due_time=hold,
            period=ONE_SHOT_PERIOD,  # type: ignore[arg-type, unused-ignore]
        )
        return await self._result(order, True, "reserved", command.quantity)

    async def release(self, request: dict[str, Any]) -> dict[str, Any]:
        order = OrderRef.model_validate(request).order_id
        return (await self._release(order)).model_dump()

    async def commit(self, request: dict[str, Any]) -> dict[str, Any]:
        order = OrderRef.model_validate(request).order_id
        committed: dict[str, int] = await self._get(_COMMITTED, {})
        if order in committed:
            return await self._result(order, True, "committed", committed[order])
        reservations: dict[str, int] = await self._get(_RESERVATIONS, {})
        if order not in reservations:  # expired or never held: nothing to commit
            status = "released" if order in await self._get(_RELEASED, []) else "unknown"
            return await self._result(order, False, status)
        quantity = reservations.pop(order)
        on_hand: int = await self._get(_ON_HAND, 0)
        committed[order] = quantity
        await self._state_manager.set_state(_ON_HAND, on_hand - quantity)
        await self._state_manager.set_state(_RESERVATIONS, reservations)
        await self._state_manager.set_state(_COMMITTED, committed)
        await self._recorded(order)
        await self._state_manager.save_state()
        await self._forget_reminder(order)
        return await self._result(order, True, "committed", quantity)

    async def get_commitment(self, request: dict[str, Any]) -> dict[str, Any]:
        order = OrderRef.model_validate(request).order_id
        committed: dict[str, int] = await self._get(_COMMITTED, {})
        applied: list[str] = await self._get(_APPLIED_RESTOCKS, [])
        return Commitment(
            order_id=order,
            committed=committed.get(order, 0),
            returned=return_restock_id(order) in applied,
        ).model_dump()

    async def receive_reminder(
        self,
        name: str,
        state: bytes,
        due_time: timedelta,
        period: timedelta,
        ttl: timedelta | None = None,
    ) -> None:
        """The hold time of a reservation ran out: give its units back."""
        if name.startswith(_HOLD_REMINDER):
            # A one-shot reminder (period 0) is gone once it fired: nothing to unregister.
            await self._release(name.removeprefix(_HOLD_REMINDER), from_reminder=True)

    async def _release(self, order: str, from_reminder: bool = False) -> ReservationResult:
        committed: dict[str, int] = await self._get(_COMMITTED, {})
        if order in committed:  # taken from stock already; releasing it is refused
            return await self._result_model(order, False, "committed", committed[order])
        reservations: dict[str, int] = await self._get(_RESERVATIONS, {})
        released: list[str] = await self._get(_RELEASED, [])
        quantity = reservations.pop(order, 0)
        if order not in released:
            # Recorded even with no hold: a Reserve that arrives after its release
            # (a late retry) must not take stock again.
            await self._state_manager.set_state(_RESERVATIONS, reservations)
            await self._state_manager.set_state(_RELEASED, [*released, order])
            await self._recorded(order)
            await self._state_manager.save_state()
        if quantity and not from_reminder:
            await self._forget_reminder(order)
        return await self._result_model(order, True, "released", quantity)

    async def _recorded(self, entry: str) -> None:
        """Note when `entry` (an order or restock id) was recorded, and prune every entry
        recorded longer than the retention ago from the committed, released and applied
        sets (part of the caller's save). Entries from before this existed get a time now."""
        now = self._clock()
        stamps: dict[str, float] = await self._get(_RECORDED_AT, {})
        cutoff = now - self._retention.total_seconds()
        committed: dict[str, int] = await self._get(_COMMITTED, {})
        released: list[str] = await self._get(_RELEASED, [])
        applied: list[str] = await self._get(_APPLIED_RESTOCKS, [])
        for known in (*committed, *released, *applied):
            stamps.setdefault(known, now)
        stamps[entry] = now
        expired = {key for key, at in stamps.items() if at < cutoff}
        if expired:
            committed = {k: v for k, v in committed.items() if k not in expired}
            await self._state_manager.set_state(_COMMITTED, committed)
            await self._state_manager.set_state(
                _RELEASED, [r for r in released if r not in expired]
            )
            await self._state_manager.set_state(
                _APPLIED_RESTOCKS, [a for a in applied if a not in expired]
            )
        kept = {key: at for key, at in stamps.items() if key not in expired}
        await self._state_manager.set_state(_RECORDED_AT, kept)

    async def _forget_reminder(self, order: str) -> None:
        await self.unregister_reminder(_HOLD_REMINDER + order)

    async def _result(self, order: str, ok: bool, status: str, quantity: int = 0) -> dict[str, Any]:
        return (await self._result_model(order, ok, status, quantity)).model_dump()

    async def _result_model(
        self, order: str, ok: bool, status: str, quantity: int = 0
    ) -> ReservationResult:
        stock = await self._stock_level()
        return ReservationResult(
            order_id=order, ok=ok, status=status, quantity=quantity, stock=stock
        )

    async def _stock_level(self) -> StockLevel:
        on_hand: int = await self._get(_ON_HAND, 0)
        reservations: dict[str, int] = await self._get(_RESERVATIONS, {})
        reserved = sum(reservations.values())
        return StockLevel(
            sku=self.id.id, on_hand=on_hand, reserved=reserved, available=on_hand - reserved
        )

    async def _get(self, key: str, default: Any) -> Any:
        found, value = await self._state_manager.try_get_state(key)
        return value if found else default
