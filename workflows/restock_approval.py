"""The `restock_approval` workflow: a restock that waits for a person's decision.

Large restocks are held until someone approves them; the wait is a durable timer, so an
undecided request ends by itself (rejected) instead of waiting forever.
"""

from collections.abc import Generator
from datetime import timedelta
from typing import Any

from dapr.ext.workflow import DaprWorkflowContext, when_any
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from activities.inventory import ApplyRestockInput, InventoryActivities
from activities.progress import ProgressActivities, ProgressUpdate
from app.building_blocks.sdk_line.features import report_progress
from workflows.events import APPROVAL_EVENT
from workflows.restock import RestockOrder


class RestockApprovalRequest(RestockOrder):
    """Input of `restock_approval`: the restock, and how long to wait for a decision."""

    approval_timeout_s: int = Field(default=3600, gt=0, le=7 * 24 * 3600)


class RestockDecision(BaseModel):
    """Payload of the `approval` event on a restock: approved or not, and by whom."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    approved: bool
    approver: str | None = Field(default=None, max_length=200)


def restock_approval(ctx: DaprWorkflowContext, payload: dict[str, Any]) -> Generator[Any, Any, Any]:
    """Wait for `approval` or the timeout; apply the restock only when approved."""
    request = RestockApprovalRequest.model_validate(payload)
    yield from _report(ctx, "awaiting approval")
    decision_event = ctx.wait_for_external_event(APPROVAL_EVENT)
    timeout = ctx.create_timer(timedelta(seconds=request.approval_timeout_s))
    winner = yield when_any([decision_event, timeout])
    if winner is timeout:
        yield from _report(ctx, "rejected")
        return {"approved": False, "reason": "no decision before the timeout"}
    try:
        decision = RestockDecision.model_validate(decision_event.get_result())
    except ValidationError:
        # A malformed decision must not leave the restock half-decided: it counts as a no.
        yield from _report(ctx, "rejected")
        return {"approved": False, "reason": "the decision was not a valid approval event"}
    if not decision.approved:
        yield from _report(ctx, "rejected")
        return {"approved": False, "reason": "rejected", "approver": decision.approver}
    step = ApplyRestockInput(sku=request.sku, quantity=request.quantity, restock_id=ctx.instance_id)
    yield from _report(ctx, "restocking")
    level = yield ctx.call_activity(InventoryActivities.apply_restock, input=step.model_dump())
    yield from _report(ctx, "restocked")
    return {"approved": True, "approver": decision.approver, "level": level}


def _report(ctx: DaprWorkflowContext, step: str) -> Generator[Any, Any, None]:
    """Where the restock stands: its custom status, or the record_progress activity where
    the SDK cannot set one (1.14; app/building_blocks/sdk_line/features.py)."""
    update = ProgressUpdate(instance_id=ctx.instance_id, progress={"step": step})
    record = ProgressActivities.record_progress
    yield from report_progress(ctx, update.progress, record, update.model_dump())
