"""The `order_compensation` workflow: settle a paid order whose own workflow ended without
settling it (terminated through the control API): give its stock back, refund its charge,
record `refunded` then `cancelled` on the OrderActor.

Started by the compensating cancel (`POST /api/v1/orders/{id}/cancel` on a stranded paid
order, app/order_recovery.py) under the instance id `<order id>:compensation`, so a
repeated request starts nothing new. Every step is idempotent (release, restock by
`return:<order id>`, refund by charge id, a repeated transition), so it is safe after
whatever the terminated run had already done.
"""

from collections.abc import Generator
from typing import Any

from dapr.ext.workflow import DaprWorkflowContext
from pydantic import BaseModel, ConfigDict, Field

from activities.order_models import LineStep
from actors.order_interface import OrderDetails
from actors.order_states import OrderStatus
from app.building_blocks.sdk_line.durabletask import Task
from workflows.order_steps import settle


class CompensationInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    order: OrderDetails
    charge_id: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=400)


def order_compensation(
    ctx: DaprWorkflowContext, payload: dict[str, Any]
) -> Generator[Task[Any], Any, dict[str, Any]]:
    request = CompensationInput.model_validate(payload)
    order = request.order
    lines = [LineStep(order_id=order.order_id, sku=x.sku, quantity=x.quantity) for x in order.lines]
    return (
        yield from settle(
            ctx, order.order_id, lines, request.charge_id, OrderStatus.CANCELLED, request.reason
        )
    )
