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
    """Reserve, release or commit one line of one order.

    `renew`: reserve again after the order's hold expired before commit (the actor fences
    an expired order id against late reserves; the order's own workflow may lift it)."""

    order_id: str
    sku: str
    quantity: int = 0
    renew: bool = False


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


class RefundInput(_Frozen):
    order_id: str
    charge_id: str
    reason: str = ""


class RefundOutcome(_Frozen):
    """`refunded` False: the provider refused (unknown or declined charge); `reason` says why."""

    refunded: bool
    refund_id: str = ""
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


class FailedEvent(_Frozen):
    """An order that ended failed: why, and its charge and refund if it was paid."""

    order_id: str
    customer_id: str
    amount: Decimal
    reason: str
    charge_id: str = ""
    refund_id: str = ""
