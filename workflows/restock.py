"""The `restock` workflow: add stock to one SKU through its InventoryActor."""

from collections.abc import Generator
from typing import Any

from dapr.ext.workflow import DaprWorkflowContext
from pydantic import BaseModel, ConfigDict, Field

from activities.inventory import ApplyRestockInput, InventoryActivities


class RestockOrder(BaseModel):
    """Input of `restock`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    quantity: int = Field(gt=0, le=1_000_000)


def restock(ctx: DaprWorkflowContext, payload: dict[str, Any]) -> Generator[Any, Any, Any]:
    """Apply the restock once: the instance id doubles as the actor's idempotency key."""
    order = RestockOrder.model_validate(payload)
    step = ApplyRestockInput(sku=order.sku, quantity=order.quantity, restock_id=ctx.instance_id)
    level = yield ctx.call_activity(InventoryActivities.apply_restock, input=step.model_dump())
    return level
