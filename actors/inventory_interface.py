"""The InventoryActor's contract: declared methods and their wire models."""

from typing import Any

from dapr.actor import ActorInterface, actormethod
from pydantic import BaseModel, ConfigDict, Field

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
    """Methods callable through the sidecar; arguments and results are JSON objects.

    `@actormethod` also marks each method abstract: the implementation must define it.
    """

    @actormethod(name="GetStock")
    async def get_stock(self) -> dict[str, Any]: ...

    @actormethod(name="Restock")
    async def restock(self, request: dict[str, Any]) -> dict[str, Any]: ...
