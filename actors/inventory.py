"""InventoryActor (id = SKU): stock on hand, changed one call at a time."""

from typing import Any

from dapr.actor import Actor

from actors.inventory_interface import InventoryActorInterface, RestockRequest, StockLevel

_ON_HAND = "on_hand"
_APPLIED_RESTOCKS = "applied_restocks"


class InventoryActor(Actor, InventoryActorInterface):
    """Turn-based access to one SKU's stock: concurrent callers never interleave."""

    async def get_stock(self) -> dict[str, Any]:
        return (await self._stock_level()).model_dump()

    async def restock(self, request: dict[str, Any]) -> dict[str, Any]:
        command = RestockRequest.model_validate(request)
        applied: list[str] = await self._get(_APPLIED_RESTOCKS, [])
        level = await self._stock_level()
        if command.restock_id in applied:
            return level.model_dump()
        level = StockLevel(sku=level.sku, on_hand=level.on_hand + command.quantity)
        await self._state_manager.set_state(_ON_HAND, level.on_hand)
        await self._state_manager.set_state(_APPLIED_RESTOCKS, [*applied, command.restock_id])
        # One save: both keys land in a single state-store transaction.
        await self._state_manager.save_state()
        return level.model_dump()

    async def _stock_level(self) -> StockLevel:
        on_hand: int = await self._get(_ON_HAND, 0)
        return StockLevel(sku=self.id.id, on_hand=on_hand)

    async def _get(self, key: str, default: Any) -> Any:
        found, value = await self._state_manager.try_get_state(key)
        return value if found else default
