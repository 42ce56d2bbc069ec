"""The `order_fulfillment` workflow: reserve, approve, charge, commit, ship, announce.

Deterministic: time from the context, no I/O (activities do it), logs only when not
replaying. Each step is recorded on the OrderActor through `record_step`.
"""

import logging
from collections.abc import Generator
from datetime import timedelta
from typing import Any

from dapr.ext.workflow import DaprWorkflowContext, when_all, when_any
from durabletask.task import Task, TaskFailedError
from pydantic import ValidationError

from activities.inventory import InventoryActivities
from activities.order_models import (
    ChargeInput,
    ChargeOutcome,
    CompletedEvent,
    Label,
    LineResult,
    LineStep,
    OrderPlan,
    RecordStep,
    ShippingInput,
    StepRecorded,
)
from activities.orders import OrderActivities
from activities.payments import PaymentActivities
from activities.shipping import ShippingActivities
from actors.order_interface import OrderDetails
from actors.order_states import OrderStatus
from app.building_blocks.ids import child_instance_id
from workflows.events import APPROVAL_EVENT, CANCEL_EVENT
from workflows.order_models import OrderDecision, OrderOutcome
from workflows.policies import ACTIVITY_RETRY, PAYMENT_RETRY
from workflows.shipping import shipping

logger = logging.getLogger(__name__)
S = OrderStatus
Steps = Generator[Task[Any], Any, Any]


def order_fulfillment(ctx: DaprWorkflowContext, payload: dict[str, Any]) -> Steps:
    order = OrderDetails.model_validate(payload)
    # Raised by the cancel route; checked at each point where cancelling is still allowed.
    cancel = ctx.wait_for_external_event(CANCEL_EVENT)
    plan = OrderPlan.model_validate(
        (yield _activity(ctx, OrderActivities.validate_order, order.model_dump(mode="json")))
    )

    lines = [LineStep(order_id=order.order_id, sku=x.sku, quantity=x.quantity) for x in order.lines]
    reserved = yield when_all(
        [_activity(ctx, InventoryActivities.reserve_line, line.model_dump()) for line in lines]
    )
    short = [r.sku for r in map(LineResult.model_validate, reserved) if not r.ok]
    if short:
        return (yield from _give_up(ctx, order, lines, S.FAILED, f"insufficient stock: {short}"))
    if not (yield from _record(ctx, order, S.RESERVED)) or cancel.is_complete:
        return (yield from _give_up(ctx, order, lines, S.CANCELLED, "cancelled by request"))

    if plan.requires_approval:
        yield from _record(ctx, order, S.AWAITING_APPROVAL, f"amount {plan.amount}")
        approval = ctx.wait_for_external_event(APPROVAL_EVENT)
        timeout = ctx.create_timer(timedelta(seconds=plan.approval_timeout_s))
        winner = yield when_any([approval, cancel, timeout])
        if winner is timeout:
            return (yield from _give_up(ctx, order, lines, S.CANCELLED, "approval timed out"))
        if winner is cancel:
            return (yield from _give_up(ctx, order, lines, S.CANCELLED, "cancelled by request"))
        decision = _decision(approval.get_result() or {"approved": False})
        if isinstance(decision, str):
            return (yield from _give_up(ctx, order, lines, S.CANCELLED, decision))
        if not decision.approved:
            reason = f"approval rejected: {decision.reason}".rstrip(": ")
            return (yield from _give_up(ctx, order, lines, S.CANCELLED, reason))
    if cancel.is_complete:
        return (yield from _give_up(ctx, order, lines, S.CANCELLED, "cancelled by request"))

    charge_input = ChargeInput(order_id=order.order_id, amount=plan.amount)
    try:
        charged = ChargeOutcome.model_validate(
            (
                yield ctx.call_activity(
                    PaymentActivities.charge_payment,
                    input=charge_input.model_dump(mode="json"),
                    retry_policy=PAYMENT_RETRY,
                )
            )
        )
    except TaskFailedError as error:
        reason = f"payment unavailable: {error}"
        return (yield from _give_up(ctx, order, lines, S.FAILED, reason[:400]))
    if not charged.approved:
        reason = f"payment declined: {charged.reason}"
        return (yield from _give_up(ctx, order, lines, S.FAILED, reason))
    yield from _record(ctx, order, S.PAID, charged.charge_id)

    # Past payment, cancelling is no longer possible; a commit that finds its hold
    # expired (hold time shorter than the order took) fails the order for a person to fix.
    committed = yield when_all(
        [_activity(ctx, InventoryActivities.commit_line, line.model_dump()) for line in lines]
    )
    lost = [r.sku for r in map(LineResult.model_validate, committed) if not r.ok]
    if lost:
        reason = f"reservation expired before commit: {lost}; charge {charged.charge_id}"
        yield from _record(ctx, order, S.FAILED, reason)
        return _outcome(ctx, order, S.FAILED, reason)

    shipment = ShippingInput(
        order_id=order.order_id,
        customer_id=order.customer_id,
        skus=[line.sku for line in order.lines],
        delay_s=plan.shipping_delay_s,
    )
    label = Label.model_validate(
        (
            yield ctx.call_child_workflow(
                shipping,
                input=shipment.model_dump(),
                instance_id=child_instance_id(order.order_id, "shipping"),
            )
        )
    )
    yield from _record(ctx, order, S.SHIPPED, label.file_name)
    event = CompletedEvent(
        order_id=order.order_id,
        customer_id=order.customer_id,
        amount=plan.amount,
        charge_id=charged.charge_id,
        label=label.file_name,
    )
    yield _activity(ctx, ShippingActivities.publish_completed, event.model_dump(mode="json"))
    yield from _record(ctx, order, S.COMPLETED)
    return OrderOutcome(
        order_id=order.order_id,
        status=S.COMPLETED,
        charge_id=charged.charge_id,
        label=label.file_name,
    ).model_dump(mode="json")


def _decision(payload: Any) -> OrderDecision | str:
    """The approval event's decision, or why it is a rejection: a payload that is not a
    decision (sent around the API's check, e.g. through daprd's raise-event API) must not
    fail the orchestrator and strand the order with its stock held."""
    try:
        return OrderDecision.model_validate(payload)
    except ValidationError as error:
        fields = sorted({".".join(map(str, e["loc"])) or "payload" for e in error.errors()})
        return f"approval rejected: malformed approval event ({', '.join(fields)})"[:400]


def _activity(ctx: DaprWorkflowContext, activity: Any, payload: dict[str, Any]) -> Task[Any]:
    return ctx.call_activity(activity, input=payload, retry_policy=ACTIVITY_RETRY)


def _record(
    ctx: DaprWorkflowContext, order: OrderDetails, status: OrderStatus, reason: str = ""
) -> Generator[Task[Any], Any, bool]:
    """Record the step on the OrderActor; False if the actor refused it."""
    step = RecordStep(
        order_id=order.order_id, status=status, at=ctx.current_utc_datetime, reason=reason
    )
    recorded = yield _activity(ctx, OrderActivities.record_step, step.model_dump(mode="json"))
    return StepRecorded.model_validate(recorded).accepted


def _give_up(
    ctx: DaprWorkflowContext,
    order: OrderDetails,
    lines: list[LineStep],
    status: OrderStatus,
    reason: str,
) -> Generator[Task[Any], Any, dict[str, Any]]:
    """Compensate: release every line (holding or not; release is idempotent), then
    record the end."""
    yield when_all(
        [_activity(ctx, InventoryActivities.release_line, line.model_dump()) for line in lines]
    )
    yield from _record(ctx, order, status, reason)
    return _outcome(ctx, order, status, reason)


def _outcome(
    ctx: DaprWorkflowContext, order: OrderDetails, status: OrderStatus, reason: str
) -> dict[str, Any]:
    if not ctx.is_replaying:
        logger.info("order %s ended %s: %s", order.order_id, status.value, reason or "ok")
    return OrderOutcome(order_id=order.order_id, status=status, reason=reason).model_dump(
        mode="json"
    )
