"""The actor baseline: a bare Dapr SDK actor that answers GetStock the way InventoryActor
does (two state reads, through the SDK's actor state manager), with nothing of ours."""

from abc import abstractmethod
from typing import Any

from dapr.actor import Actor, ActorInterface, actormethod

ACTOR_TYPE = "BareStockActor"


class BareStockInterface(ActorInterface):
    @abstractmethod
    @actormethod(name="GetStock")  # type: ignore[untyped-decorator]  # the SDK's, untyped
    async def get_stock(self) -> dict[str, Any]: ...

    @abstractmethod
    @actormethod(name="Restock")  # type: ignore[untyped-decorator]
    async def restock(self, quantity: int) -> None: ...


class BareStockActor(Actor, BareStockInterface):
    async def get_stock(self) -> dict[str, Any]:
        found, on_hand = await self._state_manager.try_get_state("on_hand")
        held, reservations = await self._state_manager.try_get_state("reservations")
        reserved = sum(reservations.values()) if held and reservations else 0
        stock = on_hand if found else 0
        return {"sku": self.id.id, "on_hand": stock, "reserved": reserved}

    async def restock(self, quantity: int) -> None:
        """Set up like the benchmark's InventoryActors: stock on hand, no reservations."""
        await self._state_manager.set_state("on_hand", quantity)
        await self._state_manager.save_state()
