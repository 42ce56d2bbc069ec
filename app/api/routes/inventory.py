"""Inventory: read one SKU's stock, restock it (the rules: app/order_service.py)."""

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from actors.inventory_interface import StockLevel
from actors.order_interface import SKU_PATTERN
from app.api.auth import Scope, requires
from app.api.deps import OrdersDep

router = APIRouter(prefix="/api/v1/inventory", tags=["inventory"])

Sku = Annotated[str, Path(min_length=1, max_length=100, pattern=SKU_PATTERN)]


class RestockBody(BaseModel):
    """`restock_id` makes a retried request a no-op; without one each request adds stock."""

    model_config = ConfigDict(extra="forbid")

    quantity: int = Field(gt=0, le=1_000_000)
    restock_id: str | None = Field(default=None, min_length=1, max_length=200)


@router.get("/{sku}", dependencies=[requires(Scope.ORDERS_READ)])
async def get_stock(sku: Sku, orders: OrdersDep) -> StockLevel:
    """On hand, reserved for orders, and available."""
    return await orders.stock(sku)


@router.post("/{sku}/restock", dependencies=[requires(Scope.INVENTORY_WRITE)])
async def restock(sku: Sku, body: RestockBody, orders: OrdersDep) -> StockLevel:
    """Add units to a SKU's stock."""
    return await orders.restock(sku, body.quantity, body.restock_id)
