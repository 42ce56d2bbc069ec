"""The InventoryActor's contract: declared methods and their wire models."""

from abc import abstractmethod
from typing import Any

from dapr.actor import ActorInterface
from pydantic import BaseModel, ConfigDict, Field

from app.building_blocks.actors import actor_method

INVENTORY_ACTOR_TYPE = "InventoryActor"


class StockLevel(BaseModel):
    """What one SKU has on hand."""

    model_config = ConfigDict(frozen=True)

    sku: str
    on_hand: int = Field(ge=0)


class RestockRequest(BaseModel):
    """Add stock; `restock_id` makes a repeated request (a retried activity) a no-op."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    restock_id: str = Field(min_length=1, max_length=200)
    quantity: int = Field(gt=0, le=1_000_000)


class InventoryActorInterface(ActorInterface):
    """Methods callable through the sidecar; arguments and results are JSON objects."""

    @actor_method(name="GetStock")
    @abstractmethod
    async def get_stock(self) -> dict[str, Any]: ...

    @actor_method(name="Restock")
    @abstractmethod
    async def restock(self, request: dict[str, Any]) -> dict[str, Any]: ...
