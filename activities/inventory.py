"""Activities that change stock. Each is safe to run twice: activities run at least once."""

from typing import Any

from dapr.ext.workflow import WorkflowActivityContext
from pydantic import BaseModel, ConfigDict, Field

from activities.order_models import LineResult, LineStep
from activities.spec import ActivityDeps, ActivityFn
from actors.inventory_interface import (
    INVENTORY_ACTOR_TYPE,
    InventoryActorInterface,
    OrderRef,
    ReservationResult,
    ReserveRequest,
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
    """Inventory activities, reaching InventoryActor through the actor gateway.

    Reserve, release and commit are idempotent per order id in the actor itself, so a
    replayed or retried activity changes nothing the second time.
    """

    def __init__(self, deps: ActivityDeps) -> None:
        self._loop = deps.loop
        self._actors = deps.actors
        self._skus = deps.skus

    def activities(self) -> list[ActivityFn]:
        return [self.apply_restock, self.reserve_line, self.release_line, self.commit_line]

    def apply_restock(
        self, ctx: WorkflowActivityContext, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """Add stock; a replayed call with the same restock_id changes nothing."""
        step = ApplyRestockInput.model_validate(payload)
        request = RestockRequest(restock_id=step.restock_id, quantity=step.quantity)
        level = self._loop.run(self._inventory(step.sku).Restock(request.model_dump()))
        self._loop.run(self._skus.add(step.sku))
        return StockLevel.model_validate(level).model_dump()

    def reserve_line(self, ctx: WorkflowActivityContext, payload: dict[str, Any]) -> dict[str, Any]:
        """Hold one line's units for the order, all or nothing (`renew`: again, after its
        hold expired)."""
        step = LineStep.model_validate(payload)
        request = ReserveRequest(order_id=step.order_id, quantity=step.quantity, renew=step.renew)
        return self._line(step, self._inventory(step.sku).Reserve(request.model_dump()))

    def release_line(self, ctx: WorkflowActivityContext, payload: dict[str, Any]) -> dict[str, Any]:
        """Give the line's held units back (compensation); nothing held is fine."""
        step = LineStep.model_validate(payload)
        ref = OrderRef(order_id=step.order_id).model_dump()
        return self._line(step, self._inventory(step.sku).Release(ref))

    def commit_line(self, ctx: WorkflowActivityContext, payload: dict[str, Any]) -> dict[str, Any]:
        """Take the held units out of stock for good."""
        step = LineStep.model_validate(payload)
        ref = OrderRef(order_id=step.order_id).model_dump()
        return self._line(step, self._inventory(step.sku).Commit(ref))

    def _line(self, step: LineStep, call: Any) -> dict[str, Any]:
        result = ReservationResult.model_validate(self._loop.run(call))
        return LineResult(sku=step.sku, ok=result.ok, status=result.status).model_dump()

    def _inventory(self, sku: str) -> Any:
        return self._actors.proxy(INVENTORY_ACTOR_TYPE, sku, InventoryActorInterface)
