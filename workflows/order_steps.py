"""Steps the order workflows share: record on the OrderActor, and the compensations.

Generators for `yield from` inside an orchestrator: deterministic, I/O only in activities.
Two compensations: before payment, release the stock (`give_up`); after a successful
charge, give the stock back and refund the charge (`settle`, docs/order-domain.md).
"""

from collections.abc import Generator
from typing import Any

from dapr.ext.workflow import DaprWorkflowContext, when_all

from activities.inventory import ApplyRestockInput, InventoryActivities
from activities.order_models import (
    LineResult,
    LineStep,
    RecordStep,
    RefundInput,
    RefundOutcome,
    StepRecorded,
)
from activities.orders import OrderActivities
from activities.payments import PaymentActivities
from actors.inventory_interface import return_restock_id
from actors.order_states import OrderStatus
from app.building_blocks.sdk_line.durabletask import Task, TaskFailedError
from workflows.order_models import OrderOutcome
from workflows.policies import ACTIVITY_RETRY, REFUND_RETRY

S = OrderStatus
Steps = Generator[Task[Any], Any, Any]
REASON_MAX = 480  # under TransitionRequest.reason's 500


def activity(ctx: DaprWorkflowContext, fn: Any, payload: dict[str, Any]) -> Task[Any]:
    return ctx.call_activity(fn, input=payload, retry_policy=ACTIVITY_RETRY)


def record(
    ctx: DaprWorkflowContext, order_id: str, status: OrderStatus, reason: str = ""
) -> Generator[Task[Any], Any, bool]:
    """Record the step on the OrderActor; False if the actor refused it."""
    step = RecordStep(
        order_id=order_id, status=status, at=ctx.current_utc_datetime, reason=reason[:REASON_MAX]
    )
    recorded = yield activity(ctx, OrderActivities.record_step, step.model_dump(mode="json"))
    return StepRecorded.model_validate(recorded).accepted


def give_up(
    ctx: DaprWorkflowContext,
    order_id: str,
    lines: list[LineStep],
    status: OrderStatus,
    reason: str,
) -> Generator[Task[Any], Any, dict[str, Any]]:
    """Before payment: release every line (holding or not; release is idempotent), then
    record the end."""
    yield when_all([activity(ctx, InventoryActivities.release_line, x.model_dump()) for x in lines])
    yield from record(ctx, order_id, status, reason)
    return OrderOutcome(order_id=order_id, status=status, reason=reason).model_dump(mode="json")


def settle(
    ctx: DaprWorkflowContext,
    order_id: str,
    lines: list[LineStep],
    charge_id: str,
    status: OrderStatus,
    reason: str,
) -> Generator[Task[Any], Any, dict[str, Any]]:
    """After a successful charge, end the order without goods: give the stock back,
    refund the charge, record `refunded` then `status` (cancelled or failed).

    A refund the provider refuses or that fails past REFUND_RETRY ends the order `failed`
    with "refund pending: charge <id>: ..." for a person: the money is not silently lost.
    """
    yield from return_stock(ctx, order_id, lines)
    refund = yield from refund_charge(ctx, order_id, charge_id, reason)
    if not refund.refunded:
        pending = f"refund pending: charge {charge_id}: {refund.reason}; {reason}"[:REASON_MAX]
        yield from record(ctx, order_id, S.FAILED, pending)
        return OrderOutcome(
            order_id=order_id, status=S.FAILED, reason=pending, charge_id=charge_id
        ).model_dump(mode="json")
    yield from record(ctx, order_id, S.REFUNDED, f"refund {refund.refund_id} of {charge_id}")
    yield from record(ctx, order_id, status, reason)
    return OrderOutcome(
        order_id=order_id,
        status=status,
        reason=reason,
        charge_id=charge_id,
        refund_id=refund.refund_id,
    ).model_dump(mode="json")


def return_stock(
    ctx: DaprWorkflowContext, order_id: str, lines: list[LineStep]
) -> Generator[Task[Any], Any, None]:
    """Release every line; a line already committed (taken from stock) is put back with a
    restock keyed by the order, so a replay or retry puts it back once."""
    released = yield when_all(
        [activity(ctx, InventoryActivities.release_line, x.model_dump()) for x in lines]
    )
    taken = {r.sku for r in map(LineResult.model_validate, released) if r.status == "committed"}
    returns = [
        ApplyRestockInput(sku=x.sku, quantity=x.quantity, restock_id=return_restock_id(order_id))
        for x in lines
        if x.sku in taken
    ]
    if returns:
        yield when_all(
            [activity(ctx, InventoryActivities.apply_restock, x.model_dump()) for x in returns]
        )


def refund_charge(
    ctx: DaprWorkflowContext, order_id: str, charge_id: str, reason: str
) -> Generator[Task[Any], Any, RefundOutcome]:
    """Refund under REFUND_RETRY; a refusal or a failure past the retries is not refunded."""
    request = RefundInput(order_id=order_id, charge_id=charge_id, reason=reason[:REASON_MAX])
    try:
        answer = yield ctx.call_activity(
            PaymentActivities.refund_payment,
            input=request.model_dump(),
            retry_policy=REFUND_RETRY,
        )
    except TaskFailedError as error:
        return RefundOutcome(refunded=False, reason=f"refund unavailable: {error}"[:300])
    return RefundOutcome.model_validate(answer)
