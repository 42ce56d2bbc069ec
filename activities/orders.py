"""Activities around the OrderActor: create and plan the order, record each step."""

from typing import Any

from dapr.ext.workflow import WorkflowActivityContext

from activities.order_models import OrderPlan, RecordStep, StepRecorded
from activities.spec import ActivityDeps, ActivityFn
from actors.order_interface import (
    ORDER_ACTOR_TYPE,
    OrderActorInterface,
    OrderDetails,
    OrderView,
    TransitionOutcome,
    TransitionRequest,
)
from actors.order_states import OrderStatus


class OrderActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self._loop = deps.loop
        self._actors = deps.actors
        self._flags = deps.flags
        self._settings = deps.settings
        self._admission = deps.admission
        self._views = deps.order_views

    def activities(self) -> list[ActivityFn]:
        return [self.validate_order, self.record_step]

    def validate_order(
        self, ctx: WorkflowActivityContext, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """Create the OrderActor (once) and decide, from the flags of now, whether the
        order needs approval. The flag is read here, not in the orchestrator: its value
        may change, and a replay must see the decision that was made."""
        order = OrderDetails.model_validate(payload)
        actor = self._order(order.order_id)
        created = self._loop.run(actor.Create(order.model_dump(mode="json")))
        self._views.put(OrderView.model_validate(created))
        return OrderPlan(
            amount=order.amount,
            requires_approval=self._flags.requires_approval(order.amount),
            approval_timeout_s=self._settings.approval_timeout.total_seconds(),
            shipping_delay_s=self._settings.shipping_delay.total_seconds(),
        ).model_dump(mode="json")

    def record_step(self, ctx: WorkflowActivityContext, payload: dict[str, Any]) -> dict[str, Any]:
        """Move the OrderActor to the step's status; a repeat of the last step is accepted."""
        step = RecordStep.model_validate(payload)
        request = TransitionRequest(status=step.status, reason=step.reason, at=step.at)
        answer = self._loop.run(
            self._order(step.order_id).Transition(request.model_dump(mode="json"))
        )
        outcome = TransitionOutcome.model_validate(answer)
        self._views.put(outcome.order)
        if step.status is OrderStatus.AWAITING_APPROVAL:
            # Waiting for a person costs the engine nothing: room for another order.
            self._admission.release(step.order_id)
        return StepRecorded(accepted=outcome.accepted, status=outcome.order.status).model_dump()

    def _order(self, order_id: str) -> Any:
        return self._actors.proxy(ORDER_ACTOR_TYPE, order_id, OrderActorInterface)
