"""InventoryActor (id = SKU): stock on hand and per-order reservations, one call at a time."""

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

_ON_HAND = "on_hand"
_APPLIED_RESTOCKS = "applied_restocks"
_RESERVATIONS = "reservations"  # order id -> quantity held
_COMMITTED = "committed"  # order id -> quantity taken from stock
_RELEASED = "released"  # order ids whose hold ended; a late Reserve for them is refused
_HOLD_REMINDER = "hold:"

DEFAULT_HOLD = timedelta(minutes=15)


class InventoryActor(Actor, InventoryActorInterface, Remindable):
    """Turn-based access to one SKU's stock: concurrent reservations never oversell.

    An uncommitted reservation expires through a reminder, which daprd keeps in the state
    store: it fires even if this actor was deactivated (or its process restarted) meanwhile.
    """

    def __init__(self, ctx: ActorRuntimeContext, actor_id: ActorId, hold: timedelta = DEFAULT_HOLD):
        super().__init__(ctx, actor_id)
        self._hold = hold

    async def get_stock(self) -> dict[str, Any]:
        return (await self._stock_level()).model_dump()

    async def restock(self, request: dict[str, Any]) -> dict[str, Any]:
        command = RestockRequest.model_validate(request)
        applied: list[str] = await self._get(_APPLIED_RESTOCKS, [])
        if command.restock_id not in applied:
            on_hand: int = await self._get(_ON_HAND, 0)
            await self._state_manager.set_state(_ON_HAND, on_hand + command.quantity)
            await self._state_manager.set_state(_APPLIED_RESTOCKS, [*applied, command.restock_id])
            # One save: both keys land in a single state-store transaction.
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
        await self.register_reminder(
            _HOLD_REMINDER + order, order.encode(), due_time=hold, period=timedelta(0)
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
            await self._state_manager.save_state()
        if quantity and not from_reminder:
            await self._forget_reminder(order)
        return await self._result_model(order, True, "released", quantity)

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
