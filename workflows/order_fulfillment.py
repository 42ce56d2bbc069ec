"""The `order_fulfillment` workflow: reserve, approve, charge, commit, ship, announce.

Deterministic: time from the context, no I/O (activities do it), logs only when not
replaying. Each step is recorded on the OrderActor. Every way the order ends after a
successful charge without its goods refunds the charge (`settle`, workflows/order_steps.py):
a cancel or a rejection that arrives while the charge runs, a hold lost at commit that
cannot be taken again, a shipping failure.
"""

import logging
from collections.abc import Generator
from datetime import timedelta
from typing import Any

from dapr.ext.workflow import DaprWorkflowContext, when_all, when_any
from pydantic import ValidationError

from activities.inventory import InventoryActivities
from activities.order_models import (
    ChargeInput,
    ChargeOutcome,
    CompletedEvent,
    FailedEvent,
    Label,
    LineResult,
    LineStep,
    OrderPlan,
    ShippingInput,
)
from activities.orders import OrderActivities
from activities.outcomes import OutcomeActivities
from activities.payments import PaymentActivities
from actors.order_interface import OrderDetails
from actors.order_states import OrderStatus
from app.building_blocks.ids import child_instance_id
from app.building_blocks.sdk_line.durabletask import Task, TaskFailedError
from workflows.events import APPROVAL_EVENT, CANCEL_EVENT
from workflows.order_models import OrderDecision, OrderOutcome
from workflows.order_steps import REASON_MAX, activity, give_up, record, settle
from workflows.policies import PAYMENT_RETRY
from workflows.shipping import shipping

logger = logging.getLogger(__name__)
S = OrderStatus
Steps = Generator[Task[Any], Any, Any]
CANCELLED_BY_REQUEST = "cancelled by request"


def order_fulfillment(ctx: DaprWorkflowContext, payload: dict[str, Any]) -> Steps:
    order = OrderDetails.model_validate(payload)
    order_id = order.order_id
    # Raised by the cancel route; checked at each point where cancelling is still allowed,
    # the last one right after `paid` is recorded (then the charge is refunded).
    cancel = ctx.wait_for_external_event(CANCEL_EVENT)
    # A second decision after an approval (the reject route still accepts one until `paid`
    # is recorded): a rejection there is honoured like a cancel.
    second_decision: Task[Any] | None = None
    plan = OrderPlan.model_validate(
        (yield activity(ctx, OrderActivities.validate_order, order.model_dump(mode="json")))
    )

    lines = [LineStep(order_id=order_id, sku=x.sku, quantity=x.quantity) for x in order.lines]
    reserved = yield when_all(
        [activity(ctx, InventoryActivities.reserve_line, line.model_dump()) for line in lines]
    )
    short = [r.sku for r in map(LineResult.model_validate, reserved) if not r.ok]
    if short:
        return (yield from _end(ctx, order, lines, S.FAILED, f"insufficient stock: {short}"))
    if not (yield from record(ctx, order_id, S.RESERVED)) or cancel.is_complete:
        return (yield from _end(ctx, order, lines, S.CANCELLED, CANCELLED_BY_REQUEST))

    if plan.requires_approval:
        yield from record(ctx, order_id, S.AWAITING_APPROVAL, f"amount {plan.amount}")
        approval = ctx.wait_for_external_event(APPROVAL_EVENT)
        timeout = ctx.create_timer(timedelta(seconds=plan.approval_timeout_s))
        winner = yield when_any([approval, cancel, timeout])
        if winner is timeout:
            return (yield from _end(ctx, order, lines, S.CANCELLED, "approval timed out"))
        if winner is cancel:
            return (yield from _end(ctx, order, lines, S.CANCELLED, CANCELLED_BY_REQUEST))
        rejected = _rejection(approval.get_result())
        if rejected:
            return (yield from _end(ctx, order, lines, S.CANCELLED, rejected))
        second_decision = ctx.wait_for_external_event(APPROVAL_EVENT)
    stop = _stop_reason(cancel, second_decision)
    if stop:
        return (yield from _end(ctx, order, lines, S.CANCELLED, stop))

    charge_input = ChargeInput(order_id=order_id, amount=plan.amount)
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
        return (yield from _end(ctx, order, lines, S.FAILED, reason[:400]))
    if not charged.approved:
        reason = f"payment declined: {charged.reason}"
        return (yield from _end(ctx, order, lines, S.FAILED, reason))
    charge_id = charged.charge_id
    # The reason of `paid` is the charge id: a compensating cancel reads it from history.
    yield from record(ctx, order_id, S.PAID, charge_id)

    stop = _stop_reason(cancel, second_decision)
    if stop:  # arrived while the charge ran: the money goes back
        reason = f"{stop} after payment"
        return (yield from _end(ctx, order, lines, S.CANCELLED, reason, charge_id))

    lost = yield from _commit(ctx, lines)
    if lost:
        reason = f"reservation expired before commit and stock is gone: {lost}"
        return (yield from _end(ctx, order, lines, S.FAILED, reason, charge_id))

    shipment = ShippingInput(
        order_id=order_id,
        customer_id=order.customer_id,
        skus=[line.sku for line in order.lines],
        delay_s=plan.shipping_delay_s,
    )
    try:
        label = Label.model_validate(
            (
                yield ctx.call_child_workflow(
                    shipping,
                    input=shipment.model_dump(),
                    instance_id=child_instance_id(order_id, "shipping"),
                )
            )
        )
    except TaskFailedError as error:
        reason = f"shipping failed: {error}"[:REASON_MAX]
        return (yield from _end(ctx, order, lines, S.FAILED, reason, charge_id))
    yield from record(ctx, order_id, S.SHIPPED, label.file_name)
    event = CompletedEvent(
        order_id=order_id,
        customer_id=order.customer_id,
        amount=plan.amount,
        charge_id=charge_id,
        label=label.file_name,
    )
    yield activity(ctx, OutcomeActivities.publish_completed, event.model_dump(mode="json"))
    yield from record(ctx, order_id, S.COMPLETED)
    if not ctx.is_replaying:
        logger.info("order %s ended completed", order_id)
    return OrderOutcome(
        order_id=order_id, status=S.COMPLETED, charge_id=charge_id, label=label.file_name
    ).model_dump(mode="json")


def _commit(
    ctx: DaprWorkflowContext, lines: list[LineStep]
) -> Generator[Task[Any], Any, list[str]]:
    """Commit every line; a line whose hold expired (hold time shorter than the order took)
    is reserved again and committed. The SKUs still not committed after that."""
    committed = yield when_all(
        [activity(ctx, InventoryActivities.commit_line, line.model_dump()) for line in lines]
    )
    lost = {r.sku for r in map(LineResult.model_validate, committed) if not r.ok}
    if not lost:
        return []
    again = [line.model_copy(update={"renew": True}) for line in lines if line.sku in lost]
    renewed = yield when_all(
        [activity(ctx, InventoryActivities.reserve_line, line.model_dump()) for line in again]
    )
    held = {r.sku for r in map(LineResult.model_validate, renewed) if r.ok}
    if held:
        recommitted = yield when_all(
            [
                activity(ctx, InventoryActivities.commit_line, x.model_dump())
                for x in again
                if x.sku in held
            ]
        )
        lost -= {r.sku for r in map(LineResult.model_validate, recommitted) if r.ok}
    return sorted(lost)


def _rejection(payload: Any) -> str:
    """Why an approval event is a no ("" for a yes). A payload that is not a decision (sent
    around the API's check, e.g. through daprd's raise-event API) must not fail the
    orchestrator and strand the order with its stock held."""
    try:
        decision = OrderDecision.model_validate(payload or {"approved": False})
    except ValidationError as error:
        fields = sorted({".".join(map(str, e["loc"])) or "payload" for e in error.errors()})
        return f"approval rejected: malformed approval event ({', '.join(fields)})"[:400]
    return "" if decision.approved else f"approval rejected: {decision.reason}".rstrip(": ")


def _stop_reason(cancel: Task[Any], second_decision: Task[Any] | None) -> str:
    """Why the order must stop now: a cancel, or a rejection after the approval ("": go on)."""
    if cancel.is_complete:
        return CANCELLED_BY_REQUEST
    if second_decision is not None and second_decision.is_complete:
        return _rejection(second_decision.get_result())
    return ""


def _end(
    ctx: DaprWorkflowContext,
    order: OrderDetails,
    lines: list[LineStep],
    status: OrderStatus,
    reason: str,
    charge_id: str = "",
) -> Generator[Task[Any], Any, dict[str, Any]]:
    """End without goods: before payment release the stock; after it, settle (refund).
    An order that ends failed is announced (`order.failed`)."""
    if charge_id:
        outcome = yield from settle(ctx, order.order_id, lines, charge_id, status, reason)
    else:
        outcome = yield from give_up(ctx, order.order_id, lines, status, reason)
    if outcome["status"] == S.FAILED:
        failed = FailedEvent(
            order_id=order.order_id,
            customer_id=order.customer_id,
            amount=order.amount,
            reason=outcome["reason"],
            charge_id=outcome.get("charge_id", ""),
            refund_id=outcome.get("refund_id", ""),
        )
        yield activity(ctx, OutcomeActivities.publish_failed, failed.model_dump(mode="json"))
    if not ctx.is_replaying:
        logger.info("order %s ended %s: %s", order.order_id, outcome["status"], outcome["reason"])
    return outcome
