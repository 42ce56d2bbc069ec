"""OrderActor (id = order id): the order's status and the history of how it got there."""

from datetime import UTC, datetime
from typing import Any

from dapr.actor import Actor

from actors.order_interface import (
    OrderActorInterface,
    OrderDetails,
    OrderView,
    RestartRequest,
    Transition,
    TransitionOutcome,
    TransitionRequest,
)
from actors.order_states import RESTARTABLE, OrderStatus, can_move

_ORDER = "order"


class OrderActor(Actor, OrderActorInterface):
    """Every change goes through one turn, so the workflow and a cancel request never race."""

    async def create(self, details: dict[str, Any]) -> dict[str, Any]:
        """Create once; a repeated Create (retried activity) returns the order as it is."""
        order = await self._load()
        if not order.exists:
            parsed = OrderDetails.model_validate(details)
            first = Transition(status=OrderStatus.CREATED, at=datetime.now(UTC))
            order = OrderView(
                order_id=self.id.id, status=first.status, details=parsed, history=[first]
            )
            await self._store(order)
        return order.model_dump(mode="json")

    async def transition(self, request: dict[str, Any]) -> dict[str, Any]:
        move = TransitionRequest.model_validate(request)
        order = await self._load()
        if order.status is None:
            return TransitionOutcome(accepted=False, order=order).model_dump(mode="json")
        if order.status == move.status:  # a retried step: already there
            return TransitionOutcome(accepted=True, order=order).model_dump(mode="json")
        if not can_move(order.status, move.status):
            return TransitionOutcome(accepted=False, order=order).model_dump(mode="json")
        step = Transition(status=move.status, at=move.at, reason=move.reason)
        order = order.model_copy(update={"status": move.status, "history": [*order.history, step]})
        await self._store(order)
        return TransitionOutcome(accepted=True, order=order).model_dump(mode="json")

    async def restart(self, request: dict[str, Any]) -> dict[str, Any]:
        """Back to `created` for a new run of its workflow (app/order_recovery.py); only
        before payment. Not a transition of the table: the history records it as such."""
        move = RestartRequest.model_validate(request)
        order = await self._load()
        if order.status not in RESTARTABLE:
            return TransitionOutcome(accepted=False, order=order).model_dump(mode="json")
        step = Transition(status=OrderStatus.CREATED, at=move.at, reason=move.reason)
        order = order.model_copy(
            update={"status": OrderStatus.CREATED, "history": [*order.history, step]}
        )
        await self._store(order)
        return TransitionOutcome(accepted=True, order=order).model_dump(mode="json")

    async def get_order(self) -> dict[str, Any]:
        return (await self._load()).model_dump(mode="json")

    async def _load(self) -> OrderView:
        found, value = await self._state_manager.try_get_state(_ORDER)
        if not found:
            return OrderView(order_id=self.id.id, exists=False)
        return OrderView.model_validate(value)

    async def _store(self, order: OrderView) -> None:
        await self._state_manager.set_state(_ORDER, order.model_dump(mode="json"))
        await self._state_manager.save_state()
