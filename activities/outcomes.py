"""The order's outcome announced on pub/sub: `order.completed` and `order.failed` on the
`order-outcomes` topic, for consumers (the notifications subscription).

The event id is the outcome and the order id, so a retried activity publishes the same
event again (not a new one) and a consumer's event-id dedupe already catches it;
consumers still dedupe by order id, since delivery is at least once.
"""

from typing import Any

from dapr.ext.workflow import WorkflowActivityContext

from activities.order_models import CompletedEvent, FailedEvent
from activities.spec import ActivityDeps, ActivityFn

ORDER_COMPLETED = "order.completed"
ORDER_FAILED = "order.failed"


def outcome_event_id(event_type: str, order_id: str) -> str:
    return f"{event_type}:{order_id}"


class OutcomeActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self._loop = deps.loop
        self._pubsub = deps.pubsub
        self._settings = deps.settings

    def activities(self) -> list[ActivityFn]:
        return [self.publish_completed, self.publish_failed]

    def publish_completed(self, ctx: WorkflowActivityContext, payload: dict[str, Any]) -> None:
        """Publish order.completed."""
        event = CompletedEvent.model_validate(payload)
        self._publish(ORDER_COMPLETED, event.order_id, event.model_dump(mode="json"))

    def publish_failed(self, ctx: WorkflowActivityContext, payload: dict[str, Any]) -> None:
        """Publish order.failed."""
        event = FailedEvent.model_validate(payload)
        self._publish(ORDER_FAILED, event.order_id, event.model_dump(mode="json"))

    def _publish(self, event_type: str, order_id: str, data: dict[str, Any]) -> None:
        self._loop.run(
            self._pubsub.publish(
                self._settings.pubsub_name,
                self._settings.order_outcomes_topic,
                {"type": event_type, **data},
                event_type=event_type,
                event_id=outcome_event_id(event_type, order_id),
            )
        )
