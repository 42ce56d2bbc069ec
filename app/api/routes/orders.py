"""Orders: place one (starts order_fulfillment), read it, approve, reject or cancel it."""

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import grpc
from fastapi import APIRouter, HTTPException, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from actors.order_interface import (
    ID_PATTERN,
    ORDER_ACTOR_TYPE,
    OrderActorInterface,
    OrderDetails,
    OrderView,
)
from actors.order_states import IllegalTransitionError, OrderStatus, is_terminal
from app.api.deps import ServicesDep
from app.building_blocks.errors import DaprTimeoutError
from app.building_blocks.ids import CLIENT_ID_MAX_LENGTH
from app.order_placement import start_order
from app.records.workflow_index import WorkflowIndex
from workflows.events import APPROVAL_EVENT, CANCEL_EVENT
from workflows.order_models import OrderDecision

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/orders", tags=["orders"])

# Ids outside the rule (':' in old data dirs) are a 422: no order can hold them now.
OrderId = Annotated[str, Path(min_length=1, max_length=CLIENT_ID_MAX_LENGTH, pattern=ID_PATTERN)]
_CANCELLABLE = {OrderStatus.CREATED, OrderStatus.RESERVED, OrderStatus.AWAITING_APPROVAL}


# An order whose last step is this recent is running: its workflow is not asked (below).
RECENT_STEP = timedelta(seconds=60)


class WorkflowView(BaseModel):
    instance_id: str
    runtime_status: str
    output: Any = None
    failure: str | None = None
    source: Literal["engine", "order"] = Field(
        default="engine",
        description="`engine`: the workflow engine's answer; `order`: RUNNING inferred from "
        "an order that moved within the last minute, or an engine too busy to answer in time",
    )


class OrderStatusView(BaseModel):
    """The OrderActor's record and the workflow's progress, in one view."""

    order_id: str
    status: OrderStatus | None
    order: OrderView
    workflow: WorkflowView | None


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


async def _order(services: ServicesDep, order_id: str, fresh: bool = False) -> OrderView:
    """The order as its actor keeps it; a read (`fresh` False) may be answered from the
    view the order's last step left (app/order_views.py)."""
    kept = None if fresh else services.order_views.get(order_id)
    if kept is not None:
        return kept
    actor = services.actors.proxy(ORDER_ACTOR_TYPE, order_id, OrderActorInterface)
    view = OrderView.model_validate(await actor.GetOrder())
    services.order_views.put(view)
    return view


async def _workflow(services: ServicesDep, order: OrderView) -> WorkflowView | None:
    """The workflow's view of the order. The 1.14 engine answers a read only between the
    instance's steps (its actor is turn-based), which under load takes seconds; an order
    that moved within RECENT_STEP is running, so its workflow is not asked, and a busy
    engine is waited for only `engine_read_deadline_s` (docs/workflow-engine.md)."""
    order_id = order.order_id
    running = WorkflowView(instance_id=order_id, runtime_status="RUNNING", source="order")
    if _moved_recently(order) or (not order.exists and services.admission.is_admitted(order_id)):
        return running  # moving, or accepted here and waiting for its first step
    try:
        state = await services.workflows.get_state(
            order_id, deadline_s=services.settings.engine_read_deadline_s
        )
    except DaprTimeoutError:
        # Busy with a step of this instance (an ended order's last step included); an
        # unknown id is answered at once, so the instance exists.
        return running
    if state is None:
        return None
    failure = state.failure_details.message if state.failure_details else None
    output = state.serialized_output
    return WorkflowView(
        instance_id=order_id,
        runtime_status=state.runtime_status.name,
        output=_json(output),
        failure=failure,
    )


def _json(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


@router.post(
    "",
    status_code=202,
    responses={
        200: {"model": Accepted, "description": "an order with this id exists already"},
        429: {"description": "as many orders run as the service can carry; see Retry-After"},
    },
)
async def place_order(details: OrderDetails, services: ServicesDep) -> JSONResponse:
    """Start fulfilment with instance id = order id; a retry with the same id starts nothing.
    429 with Retry-After while the service runs as many orders as it can."""
    index = WorkflowIndex(services.state)
    started = await start_order(services.workflows, services.admission, index, details)
    body = Accepted(order_id=details.order_id, started=started)
    return JSONResponse(body.model_dump(), status_code=202 if started else 200)


def _moved_recently(order: OrderView) -> bool:
    if not order.exists or order.status is None or is_terminal(order.status):
        return False
    if order.status is OrderStatus.AWAITING_APPROVAL or not order.history:
        return False
    last = order.history[-1].at
    last = last if last.tzinfo else last.replace(tzinfo=UTC)  # the workflow's clock is UTC
    return datetime.now(UTC) - last < RECENT_STEP


@router.get(
    "/{order_id}",
    responses={504: {"description": "the order's records did not answer within the deadline"}},
)
async def get_order(order_id: OrderId, services: ServicesDep) -> OrderStatusView:
    """The order's status and history, and its workflow's runtime status and result."""
    deadline_s = services.settings.status_read_deadline_s
    try:
        async with asyncio.timeout(deadline_s):
            order = await _order(services, order_id)
            workflow = await _workflow(services, order)
    except TimeoutError:
        raise DaprTimeoutError(
            f"order {order_id} could not be read within {deadline_s:.0f}s; retry shortly",
            {"order_id": order_id},
        ) from None
    if not order.exists and workflow is None:
        raise HTTPException(status_code=404, detail=f"no order {order_id}")
    return OrderStatusView(order_id=order_id, status=order.status, order=order, workflow=workflow)


async def _decide(services: ServicesDep, order_id: str, approved: bool, reason: str) -> None:
    order = await _order(services, order_id, fresh=True)
    if not order.exists:
        raise HTTPException(status_code=404, detail=f"no order {order_id}")
    if order.status != OrderStatus.AWAITING_APPROVAL:
        target = "approved" if approved else "rejected"
        raise IllegalTransitionError(order_id, str(order.status), target)
    decision = OrderDecision(approved=approved, reason=reason)
    await services.workflows.raise_event(order_id, APPROVAL_EVENT, decision.model_dump())


@router.post("/{order_id}/approve", status_code=202)
async def approve(
    order_id: OrderId, services: ServicesDep, body: DecisionBody | None = None
) -> Requested:
    """Approve an order that waits for approval."""
    await _decide(services, order_id, True, body.reason if body else "")
    return Requested(order_id=order_id, requested="approve")


@router.post("/{order_id}/reject", status_code=202)
async def reject(
    order_id: OrderId, services: ServicesDep, body: DecisionBody | None = None
) -> Requested:
    """Reject an order that waits for approval; its stock is released."""
    await _decide(services, order_id, False, body.reason if body else "")
    return Requested(order_id=order_id, requested="reject")


@router.post("/{order_id}/cancel", status_code=202)
async def cancel(order_id: OrderId, services: ServicesDep) -> Requested:
    """Ask the workflow to cancel an order not yet paid; it releases the stock.

    Requested is not done: if payment completes first, the order goes on (GET shows which).
    """
    order = await _order(services, order_id, fresh=True)
    if not order.exists:
        raise HTTPException(status_code=404, detail=f"no order {order_id}")
    if order.status not in _CANCELLABLE:
        raise IllegalTransitionError(order_id, str(order.status), OrderStatus.CANCELLED.value)
    try:
        await services.workflows.raise_event(order_id, CANCEL_EVENT, {"reason": "requested"})
    except grpc.RpcError:
        # The workflow ended between the check and the event.
        raise IllegalTransitionError(order_id, "ended", OrderStatus.CANCELLED.value) from None
    return Requested(order_id=order_id, requested="cancel")
