"""Inventory: read one SKU's stock, restock it."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from actors.inventory_interface import (
    INVENTORY_ACTOR_TYPE,
    InventoryActorInterface,
    RestockRequest,
    StockLevel,
)
from actors.order_interface import SKU_PATTERN
from app.api.deps import ServicesDep
from app.records.inventory_index import SkuIndex

router = APIRouter(prefix="/api/v1/inventory", tags=["inventory"])

Sku = Annotated[str, Path(min_length=1, max_length=100, pattern=SKU_PATTERN)]


class RestockBody(BaseModel):
    """`restock_id` makes a retried request a no-op; without one each request adds stock."""

    model_config = ConfigDict(extra="forbid")

    quantity: int = Field(gt=0, le=1_000_000)
    restock_id: str | None = Field(default=None, min_length=1, max_length=200)


def _inventory(services: ServicesDep, sku: str) -> Any:
    return services.actors.proxy(INVENTORY_ACTOR_TYPE, sku, InventoryActorInterface)


@router.get("/{sku}")
async def get_stock(sku: Sku, services: ServicesDep) -> StockLevel:
    """On hand, reserved for orders, and available."""
    return StockLevel.model_validate(await _inventory(services, sku).GetStock())


@router.post("/{sku}/restock")
async def restock(sku: Sku, body: RestockBody, services: ServicesDep) -> StockLevel:
    """Add units to a SKU's stock."""
    request = RestockRequest(
        restock_id=body.restock_id or f"api-{uuid.uuid4()}", quantity=body.quantity
    )
    level = StockLevel.model_validate(await _inventory(services, sku).Restock(request.model_dump()))
    await SkuIndex(services.state).add(sku)  # after the stock exists: the audit finds it
    return level
