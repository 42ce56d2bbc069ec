"""Activities that change stock. Each is safe to run twice: activities run at least once."""

from typing import Any

from dapr.ext.workflow import WorkflowActivityContext
from pydantic import BaseModel, ConfigDict, Field

from activities.spec import ActivityDeps, ActivityFn
from actors.inventory_interface import (
    INVENTORY_ACTOR_TYPE,
    InventoryActorInterface,
    RestockRequest,
    StockLevel,
)


class ApplyRestockInput(BaseModel):
    """Input of `apply_restock`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str
    quantity: int = Field(gt=0)
    restock_id: str = Field(min_length=1)


class InventoryActivities:
    """Inventory activities, reaching InventoryActor through the actor gateway."""

    def __init__(self, deps: ActivityDeps) -> None:
        self._actors = deps.actors

    def activities(self) -> list[ActivityFn]:
        return [self.apply_restock]

    def apply_restock(
        self, ctx: WorkflowActivityContext, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """Add stock; a replayed call with the same restock_id changes nothing."""
        step = ApplyRestockInput.model_validate(payload)
        inventory = self._actors.proxy(INVENTORY_ACTOR_TYPE, step.sku, InventoryActorInterface)
        request = RestockRequest(restock_id=step.restock_id, quantity=step.quantity)
        level = self._actors.call_blocking(inventory.Restock(request.model_dump()))
        return StockLevel.model_validate(level).model_dump()
