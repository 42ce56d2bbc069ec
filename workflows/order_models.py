"""The order_fulfillment workflow's result and the payloads of the events it waits for."""

from pydantic import BaseModel, ConfigDict, Field

from actors.order_states import OrderStatus


class OrderOutcome(BaseModel):
    """How the workflow ended; `status` is the order's final status."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    status: OrderStatus
    reason: str = ""
    charge_id: str = ""
    refund_id: str = ""  # set when the charge was given back
    label: str = ""


class OrderDecision(BaseModel):
    """Payload of the `approval` event on an order: approved or not, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    approved: bool
    reason: str = Field(default="", max_length=500)


class CancelRequest(BaseModel):
    """Payload of the `cancel` event (the workflow acts on its arrival, not its content)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: str = Field(default="", max_length=500)
