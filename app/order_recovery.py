"""Orders whose workflow was lost or stopped moving: how the service tells, and restarts them.

Two ways an order can be left behind while its status still says it is under way:
- stranded: its workflow has ended (terminated through the control API, failed) or no
  longer exists, so nothing will ever move the order or release its stock;
- stalled: its workflow still counts as running, but the order has not moved for
  `order_stall_after_s` while not waiting for a person. daprd 1.14 can leave an instance
  like this when it is stopped mid-step (issue 11 saw one after a SIGKILL of `make run`).

An order in either state, still before payment, may be restarted: its workflow (if it
runs) is terminated and purged, the OrderActor goes back to `created` with the reason in
its history, and `order_fulfillment` starts again with the same id and details. Every step
before payment is idempotent per order id (the reservation is found again, not taken
twice), so a restart cannot double anything; after payment a restart could, and is refused.

Past payment, a stranded order (`paid`, or `refunded` but not yet ended: its workflow was
terminated before it settled) is settled instead: the compensating cancel starts
`order_compensation`, which gives the stock back, refunds the charge and cancels the order.
Terminating a workflow runs no compensation by itself: money taken stays taken until then.
"""

from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import UTC, datetime
from typing import Literal

from dapr.ext.workflow import WorkflowState, WorkflowStatus
from pydantic import BaseModel

from actors.order_interface import (
    ORDER_ACTOR_TYPE,
    OrderActorInterface,
    OrderDetails,
    OrderView,
    RestartRequest,
    TransitionOutcome,
)
from actors.order_states import (
    RESTARTABLE,
    SETTLEABLE,
    IllegalTransitionError,
    OrderStatus,
    is_terminal,
)
from app.building_blocks.actors import ActorGateway
from app.building_blocks.errors import DaprTimeoutError, WorkflowConflictError
from app.building_blocks.ids import child_instance_id
from app.building_blocks.workflow_admission import WorkflowAdmission
from app.building_blocks.workflow_status import ENDED, wait_until_ended
from app.building_blocks.workflows import WorkflowEngine
from workflows import ORDER_COMPENSATION
from workflows.order_compensation import CompensationInput

_TERMINATE_WAIT_S = 30.0


class Attention(BaseModel):
    """Why an order needs a person, and what they can do about it."""

    kind: Literal["stranded", "stalled"]
    detail: str
    action: str


def attention(
    order: OrderView, workflow_status: WorkflowStatus | None, found: bool, stall_after_s: float
) -> Attention | None:
    """Whether `order` is stranded or stalled, given its workflow's status from the engine
    (`found` False: the engine has no such instance)."""
    if not order.exists or order.status is None or is_terminal(order.status):
        return None
    if order.status in RESTARTABLE:
        action = f"POST /api/v1/orders/{order.order_id}/restart"
    elif order.status in SETTLEABLE:
        action = f"POST /api/v1/orders/{order.order_id}/cancel refunds the charge and cancels"
    else:
        action = "past shipping: settle it by hand (docs/workflow-engine.md)"
    if not found or workflow_status is None or workflow_status in ENDED:
        ended = "no longer exists" if workflow_status is None else f"ended {workflow_status.name}"
        return Attention(
            kind="stranded",
            detail=f"the order is {order.status.value} but its workflow {ended}",
            action=action,
        )
    idle_s = order.idle_s(datetime.now(UTC))
    if order.status is not OrderStatus.AWAITING_APPROVAL and idle_s > stall_after_s:
        return Attention(
            kind="stalled",
            detail=f"the order has not moved for {idle_s:.0f}s while its workflow runs",
            action=action,
        )
    return None


class OrderRecovery:
    """Judges orders left behind, and takes them back to the start (module docstring)."""

    def __init__(
        self,
        actors: ActorGateway,
        workflows: WorkflowEngine,
        admission: WorkflowAdmission,
        purge: Callable[[str], Awaitable[None]],
        stall_after_s: float,
    ) -> None:
        self._actors = actors
        self._workflows = workflows
        self._admission = admission
        self._purge = purge
        self._stall_after_s = stall_after_s

    def attention(
        self, order: OrderView, workflow_status: WorkflowStatus | None, found: bool
    ) -> Attention | None:
        return attention(order, workflow_status, found, self._stall_after_s)

    async def restart(self, order: OrderView) -> tuple[OrderView, OrderDetails]:
        """End and purge the order's workflow if it has one, and put the OrderActor back
        to `created`; returns the new view and the details to place the order with again.
        IllegalTransitionError past payment, WorkflowConflictError for an order that moves."""
        order_id = order.order_id
        if order.status is None or order.details is None or order.status not in RESTARTABLE:
            raise IllegalTransitionError(order_id, str(order.status), "restarted")
        state = await self._workflows.get_state(order_id, fetch_payloads=False)
        status = state.runtime_status if state is not None else None
        why = self.attention(order, status, found=state is not None)
        if why is None:
            raise WorkflowConflictError(
                f"order {order_id} is {order.status.value} and its workflow is moving: "
                "nothing to restart",
                {"order_id": order_id},
            )
        if state is not None and state.runtime_status not in ENDED:
            await self._workflows.terminate(order_id)
            state = await self._ended(order_id)
        if state is not None:
            await self._purge(order_id)
        self._admission.release(order_id)
        request = RestartRequest(reason=f"restarted: {why.detail}", at=datetime.now(UTC))
        actor = self._actors.proxy(ORDER_ACTOR_TYPE, order_id, OrderActorInterface)
        restarted = TransitionOutcome.model_validate(
            await actor.Restart(request.model_dump(mode="json"))
        )
        if not restarted.accepted:  # it moved on (e.g. paid) since the check above
            raise IllegalTransitionError(order_id, str(restarted.order.status), "restarted")
        return restarted.order, order.details

    async def settle(self, order: OrderView) -> str:
        """The compensating cancel of a paid order whose workflow ended without settling
        it: start `order_compensation` (once; a repeat finds it); its instance id.
        IllegalTransitionError for an order not paid or whose workflow still runs (it
        settles the order itself)."""
        order_id = order.order_id
        charge_id = charge_of(order)
        if order.status not in SETTLEABLE or order.details is None or not charge_id:
            raise IllegalTransitionError(order_id, str(order.status), OrderStatus.CANCELLED.value)
        state = await self._workflows.get_state(order_id, fetch_payloads=False)
        if state is not None and state.runtime_status not in ENDED:
            raise IllegalTransitionError(order_id, str(order.status), OrderStatus.CANCELLED.value)
        request = CompensationInput(
            order=order.details,
            charge_id=charge_id,
            reason="cancelled by request after its workflow ended",
        )
        instance_id = child_instance_id(order_id, "compensation")
        with suppress(WorkflowConflictError):  # started before: it goes on
            if await self._workflows.get_state(instance_id, fetch_payloads=False) is None:
                payload = request.model_dump(mode="json")
                await self._workflows.schedule(ORDER_COMPENSATION.name, payload, instance_id)
        return instance_id

    async def _ended(self, order_id: str) -> WorkflowState | None:
        """Wait for a termination to take effect (the engine applies it in the instance's
        next step); the final state, or None if the instance is gone."""
        try:
            return await wait_until_ended(self._workflows, order_id, _TERMINATE_WAIT_S)
        except TimeoutError:
            raise DaprTimeoutError(
                f"the workflow engine did not end order {order_id}'s workflow within "
                f"{_TERMINATE_WAIT_S:.0f}s; check /health/ready and retry",
                {"order_id": order_id},
            ) from None


def charge_of(order: OrderView) -> str:
    """The order's charge id: the reason of its `paid` step ("" if it was never paid)."""
    paid = [step.reason for step in order.history if step.status is OrderStatus.PAID]
    return paid[-1] if paid else ""
