"""Orders: place one, read it, approve, reject or cancel it; read and restock a SKU.

The rules live here; `app/api/routes/orders.py` and `inventory.py` and the `orders` topic
handler only translate (as app/workflow_control.py is for the workflow API). Placing an
order starts `order_fulfillment` with instance id = order id, at most once, and only
while admission has room (429 otherwise: docs/workflow-engine.md).
"""

import json
import uuid
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from dapr.ext.workflow import WorkflowStatus
from pydantic import BaseModel, Field

from actors.inventory_interface import (
    INVENTORY_ACTOR_TYPE,
    InventoryActorInterface,
    RestockRequest,
    StockLevel,
)
from actors.order_interface import ORDER_ACTOR_TYPE, OrderActorInterface, OrderDetails, OrderView
from actors.order_states import (
    BEFORE_PAYMENT,
    SETTLEABLE,
    IllegalTransitionError,
    OrderStatus,
    is_terminal,
)
from app.building_blocks.actors import ActorGateway
from app.building_blocks.errors import DaprError, DaprTimeoutError, WorkflowConflictError
from app.building_blocks.host_left import host_left_retry
from app.building_blocks.workflow_admission import WorkflowAdmission
from app.building_blocks.workflow_status import ENDED
from app.building_blocks.workflows import WorkflowEngine
from app.order_recovery import Attention, OrderRecovery
from app.order_view_refresh import OrderViewRefresh
from app.order_views import OrderViews
from app.records.inventory_index import SkuIndex
from app.records.workflow_index import InstanceRecord, WorkflowIndex
from workflows import ORDER_COMPENSATION, ORDER_FULFILLMENT
from workflows.events import APPROVAL_EVENT, CANCEL_EVENT
from workflows.order_models import OrderDecision

WORKFLOW = ORDER_FULFILLMENT.name
# A cancel is asked of the workflow before payment; past it, the workflow refunds a cancel
# that arrived while it charged, and a paid order whose workflow ended is settled.
CANCELLABLE = BEFORE_PAYMENT

# An order whose last step is this recent is running: its workflow is not asked (below).
RECENT_STEP = timedelta(seconds=60)


class OrderNotFoundError(LookupError):
    """No order has this id (the API answers 404)."""

    def __init__(self, order_id: str) -> None:
        super().__init__(f"no order {order_id}")


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
    attention: Attention | None = Field(
        default=None,
        description="set when the order is left behind: its workflow ended or was lost "
        "(stranded), or it has not moved for order_stall_after_s (stalled)",
    )


async def start_order(
    workflows: WorkflowEngine,
    admission: WorkflowAdmission,
    index: WorkflowIndex,
    details: OrderDetails,
) -> bool:
    """Start fulfilment; False if an instance with this order id exists (nothing new).

    Raises EngineAtCapacityError when the service runs as many orders as it can: checked
    first, so a refusal costs no call to the sidecar while clients retry. A started order
    joins the workflow index at once (as WorkflowControl.start does), so the instance list
    shows it before anyone reads it.
    """
    if admission.is_admitted(details.order_id):
        return False  # running here already
    admission.admit(details.order_id)
    try:
        # A read, safe to repeat: with replicas the instance's host may be leaving.
        existing = await host_left_retry(
            lambda: workflows.get_state(details.order_id), retry_on=(DaprError,)
        )
        if existing is not None:
            admission.forget(details.order_id)
            return False
        await workflows.schedule(WORKFLOW, details.model_dump(mode="json"), details.order_id)
    except WorkflowConflictError:
        admission.forget(details.order_id)
        # Two identical requests raced past the check: the sidecar refused the second.
        if await workflows.get_state(details.order_id) is None:
            raise
        return False
    except BaseException:
        admission.forget(details.order_id)
        raise
    await _index(index, WORKFLOW, details.order_id)
    return True


async def _index(index: WorkflowIndex, name: str, instance_id: str) -> None:
    now = datetime.now(UTC)
    record = InstanceRecord(
        instance_id=instance_id,
        name=name,
        status=WorkflowStatus.PENDING.name,
        created_at=now,
        updated_at=now,
    )
    # First write only: a read that already refreshed the record (RUNNING, or even
    # COMPLETED) is never overwritten with PENDING.
    with suppress(WorkflowConflictError):
        await index.claim(record)
    await index.add(name, instance_id)  # ETag-guarded and idempotent: races lose nothing


class OrderService:
    """What the API and the event handlers do with orders and stock; built by bootstrap."""

    def __init__(
        self,
        actors: ActorGateway,
        workflows: WorkflowEngine,
        admission: WorkflowAdmission,
        index: WorkflowIndex,
        skus: SkuIndex,
        order_views: OrderViews,
        recovery: OrderRecovery,
        engine_read_deadline_s: float,
        max_stale_s: float,
    ) -> None:
        self._actors = actors
        self._workflows = workflows
        self._admission = admission
        self._index = index
        self._skus = skus
        self._order_views = order_views
        self._recovery = recovery
        self._engine_read_deadline_s = engine_read_deadline_s
        self._view_refresh = OrderViewRefresh(order_views, self._read_order, max_stale_s)

    async def place(self, details: OrderDetails) -> bool:
        """Start fulfilment with instance id = order id; False: an order with this id
        exists and nothing new started. EngineAtCapacityError while the service runs as
        many orders as it can."""
        started = await start_order(self._workflows, self._admission, self._index, details)
        if started:
            self._order_views.accepted(details.order_id)
        return started

    async def view(self, order_id: str) -> OrderStatusView:
        """The order's status and history, its workflow's runtime status and result, and
        whether it was left behind (judged only on the engine's own word)."""
        order = await self._order(order_id)
        workflow = await self._workflow(order)
        if not order.exists and workflow is None:
            raise OrderNotFoundError(order_id)
        left_behind = None
        if workflow is None or workflow.source == "engine":
            status = WorkflowStatus[workflow.runtime_status] if workflow else None
            left_behind = self._recovery.attention(order, status, found=workflow is not None)
        return OrderStatusView(
            order_id=order_id,
            status=order.status,
            order=order,
            workflow=workflow,
            attention=left_behind,
        )

    async def restart(self, order_id: str) -> None:
        """Run a stranded or stalled order again from the start, before payment only."""
        order = await self._order(order_id, fresh=True)
        if not order.exists:
            raise OrderNotFoundError(order_id)
        restarted, details = await self._recovery.restart(order)
        self._order_views.put(restarted)
        await self.place(details)

    async def approve(self, order_id: str, reason: str) -> None:
        """Approve an order that waits for approval."""
        await self._decide(order_id, True, reason)

    async def reject(self, order_id: str, reason: str) -> None:
        """Reject an order that waits for approval; its stock is released."""
        await self._decide(order_id, False, reason)

    async def cancel(self, order_id: str) -> None:
        """Cancel an order not yet paid (the workflow releases the stock), or settle a paid
        one whose workflow ended without settling it (a refund, app/order_recovery.py).

        Requested is not done: a cancel the workflow reads once `paid` is recorded refunds
        the charge and cancels; one that arrives after that check is unread and the order
        goes on (GET shows which).
        """
        order = await self._order(order_id, fresh=True)
        if not order.exists:
            # Accepted (202) but its first step has not created the OrderActor yet: the
            # engine keeps the event for the workflow, which reads it after reserving.
            await self._require_accepted(order_id)
            await self._workflows.raise_event(order_id, CANCEL_EVENT, {"reason": "requested"})
            return
        if order.status in SETTLEABLE:
            compensation = await self._recovery.settle(order)
            # Listed with the other instances (GET /api/v1/workflows/instances).
            await _index(self._index, ORDER_COMPENSATION.name, compensation)
            return
        if order.status not in CANCELLABLE:
            raise IllegalTransitionError(order_id, str(order.status), OrderStatus.CANCELLED.value)
        await self._workflows.raise_event(order_id, CANCEL_EVENT, {"reason": "requested"})

    async def stock(self, sku: str) -> StockLevel:
        """On hand, reserved for orders, and available."""
        return StockLevel.model_validate(await self._inventory(sku).GetStock())

    async def restock(self, sku: str, quantity: int, restock_id: str | None) -> StockLevel:
        """Add units to a SKU's stock; a `restock_id` makes a retried request a no-op."""
        request = RestockRequest(restock_id=restock_id or f"api-{uuid.uuid4()}", quantity=quantity)
        level = StockLevel.model_validate(await self._inventory(sku).Restock(request.model_dump()))
        await self._skus.add(sku)  # after the stock exists: the audit finds it
        return level

    async def _order(self, order_id: str, fresh: bool = False) -> OrderView:
        """The order as its actor keeps it; a read (`fresh` False) may be answered from the
        view the order's last step left (app/order_views.py), or from one a little older
        while it is refreshed (app/order_view_refresh.py)."""
        if not fresh:
            kept = self._order_views.get(order_id) or self._view_refresh.stale(order_id)
            if kept is not None:
                return kept
        return await self._read_order(order_id)

    async def _read_order(self, order_id: str) -> OrderView:
        actor = self._actors.proxy(ORDER_ACTOR_TYPE, order_id, OrderActorInterface)
        view = OrderView.model_validate(await actor.GetOrder())
        self._order_views.put(view)
        return view

    async def _workflow(self, order: OrderView) -> WorkflowView | None:
        """The workflow's view of the order. The 1.14 engine answers a read only between the
        instance's steps (its actor is turn-based), which under load takes seconds. So the
        engine is not asked about a run that ended here (its outcome is kept), one still
        in flight here (admitted, its end not yet reported: an order that just failed is
        still releasing its stock) or an order that moved within RECENT_STEP; and a busy
        engine is waited for only `engine_read_deadline_s` (docs/workflow-engine.md)."""
        order_id = order.order_id
        ended = self._order_views.ending(order_id)
        if ended is not None and ended.workflow == WORKFLOW:
            return WorkflowView(
                instance_id=order_id,
                runtime_status=ended.runtime_status,
                output=ended.output,
                failure=ended.failure,
            )
        running = WorkflowView(instance_id=order_id, runtime_status="RUNNING", source="order")
        if self._admission.is_admitted(order_id) or _moved_recently(order):
            return running
        try:
            state = await self._workflows.get_state(
                order_id, deadline_s=self._engine_read_deadline_s
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

    async def _decide(self, order_id: str, approved: bool, reason: str) -> None:
        order = await self._order(order_id, fresh=True)
        target = "approved" if approved else "rejected"
        if not order.exists:
            await self._require_accepted(order_id)  # accepted, not yet waiting: 409
            raise IllegalTransitionError(order_id, "accepted", target)
        if order.status != OrderStatus.AWAITING_APPROVAL:
            raise IllegalTransitionError(order_id, str(order.status), target)
        decision = OrderDecision(approved=approved, reason=reason)
        await self._workflows.raise_event(order_id, APPROVAL_EVENT, decision.model_dump())

    def _inventory(self, sku: str) -> Any:
        return self._actors.proxy(INVENTORY_ACTOR_TYPE, sku, InventoryActorInterface)

    async def _require_accepted(self, order_id: str) -> None:
        """OrderNotFoundError unless an order workflow with this id was started (placed
        and answered 202, its first step still to come)."""
        if self._admission.is_admitted(order_id):
            return
        state = await self._workflows.get_state(order_id, fetch_payloads=False)
        if state is None or state.name != WORKFLOW or state.runtime_status in ENDED:
            raise OrderNotFoundError(order_id)


def _json(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text


def _moved_recently(order: OrderView) -> bool:
    if not order.exists or order.status is None or is_terminal(order.status):
        return False
    if order.status is OrderStatus.AWAITING_APPROVAL or not order.history:
        return False
    return order.idle_s(datetime.now(UTC)) < RECENT_STEP.total_seconds()
