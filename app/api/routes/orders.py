"""Orders: place one (starts order_fulfillment), read it, approve, reject or cancel it.

The rules are app/order_service.py's; these routes translate requests and answers."""

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from actors.order_interface import ID_PATTERN, OrderDetails
from app.api.auth import Scope, requires
from app.api.deps import OrdersDep
from app.building_blocks.ids import CLIENT_ID_MAX_LENGTH
from app.order_service import OrderStatusView

router = APIRouter(prefix="/api/v1/orders", tags=["orders"])

# Ids outside the rule (':' in old data dirs) are a 422: no order can hold them now.
OrderId = Annotated[str, Path(min_length=1, max_length=CLIENT_ID_MAX_LENGTH, pattern=ID_PATTERN)]


class Accepted(BaseModel):
    order_id: str
    started: bool  # False: an order with this id exists; nothing new was started


class Requested(BaseModel):
    """An event was delivered to the order's workflow; GET the order to see its effect."""

    order_id: str
    requested: str


class DecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=500)


@router.post(
    "",
    status_code=202,
    dependencies=[requires(Scope.ORDERS_WRITE)],
    responses={
        200: {"model": Accepted, "description": "an order with this id exists already"},
        429: {"description": "as many orders run as the service can carry; see Retry-After"},
    },
)
async def place_order(details: OrderDetails, orders: OrdersDep) -> JSONResponse:
    """Start fulfilment with instance id = order id; a retry with the same id starts nothing.
    429 with Retry-After while the service runs as many orders as it can."""
    started = await orders.place(details)
    body = Accepted(order_id=details.order_id, started=started)
    return JSONResponse(body.model_dump(), status_code=202 if started else 200)


@router.get("/{order_id}", dependencies=[requires(Scope.ORDERS_READ)])
async def get_order(order_id: OrderId, orders: OrdersDep) -> OrderStatusView:
    """The order's status and history, and its workflow's runtime status and result
    (like every read, within `status_read_deadline_s`: app/api/read_deadline.py)."""
    return await orders.view(order_id)


@router.post("/{order_id}/approve", dependencies=[requires(Scope.ORDERS_WRITE)], status_code=202)
async def approve(
    order_id: OrderId, orders: OrdersDep, body: DecisionBody | None = None
) -> Requested:
    """Approve an order that waits for approval."""
    await orders.approve(order_id, body.reason if body else "")
    return Requested(order_id=order_id, requested="approve")


@router.post("/{order_id}/reject", dependencies=[requires(Scope.ORDERS_WRITE)], status_code=202)
async def reject(
    order_id: OrderId, orders: OrdersDep, body: DecisionBody | None = None
) -> Requested:
    """Reject an order that waits for approval; its stock is released."""
    await orders.reject(order_id, body.reason if body else "")
    return Requested(order_id=order_id, requested="reject")


@router.post("/{order_id}/restart", dependencies=[requires(Scope.ORDERS_WRITE)], status_code=202)
async def restart(order_id: OrderId, orders: OrdersDep) -> Requested:
    """Run a stranded or stalled order's workflow again from the start, before payment
    only (app/order_recovery.py); 409 for an order that is moving or past payment."""
    await orders.restart(order_id)
    return Requested(order_id=order_id, requested="restart")


@router.post("/{order_id}/cancel", dependencies=[requires(Scope.ORDERS_WRITE)], status_code=202)
async def cancel(order_id: OrderId, orders: OrdersDep) -> Requested:
    """Cancel an order not yet paid (a cancel read just after the charge is refunded), or
    settle a paid order whose workflow ended: stock back, refund, cancelled. 409 otherwise.

    Requested is not done: a cancel the workflow reads too late is unread (GET shows which).
    """
    await orders.cancel(order_id)
    return Requested(order_id=order_id, requested="cancel")
