"""Typed inputs and outputs of the order activities (JSON dicts on the wire)."""

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from actors.order_interface import UtcDateTime
from actors.order_states import OrderStatus


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OrderPlan(_Frozen):
    """What validate_order decided, from the settings and flags of the moment."""

    amount: Decimal
    requires_approval: bool
    approval_timeout_s: float
    shipping_delay_s: float


class LineStep(_Frozen):
    """Reserve, release or commit one line of one order."""

    order_id: str
    sku: str
    quantity: int = 0


class LineResult(_Frozen):
    sku: str
    ok: bool
    status: str


class RecordStep(_Frozen):
    order_id: str
    status: OrderStatus
    at: UtcDateTime
    reason: str = ""


class StepRecorded(_Frozen):
    accepted: bool
    status: OrderStatus | None


class ChargeInput(_Frozen):
    order_id: str
    amount: Decimal


class ChargeOutcome(_Frozen):
    approved: bool
    charge_id: str = ""
    reason: str = ""


class ShippingInput(_Frozen):
    order_id: str
    customer_id: str
    skus: list[str]
    delay_s: float


class Label(_Frozen):
    file_name: str


class CompletedEvent(_Frozen):
    order_id: str
    customer_id: str
    amount: Decimal
    charge_id: str
    label: str
