"""`order-outcomes` topic: the notifications consumer of `order.completed` and
`order.failed` (published by `order_fulfillment`).

Once per order and outcome, whatever the broker redelivers: the registry skips an event
id it has handled, and the notification itself is claimed first-write per order and
type (app/records/notifications.py), which also catches the same outcome sent under a
new id. Sending is recording here (the notification a customer would get), counted in
`orderflow_notifications_total`. Other types are acknowledged; bad data is DROP.
"""

import logging

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from activities.outcomes import ORDER_COMPLETED, ORDER_FAILED
from app.api.subscriptions.spec import SubscriberDeps
from app.building_blocks.cloudevents import CloudEvent
from app.building_blocks.subscriptions import TopicStatus
from app.observability.metrics import NOTIFICATIONS
from app.records.dead_letters import now
from app.records.notifications import Notification, Notifications

logger = logging.getLogger(__name__)


class OutcomeNotice(BaseModel):
    """What the consumer needs of either event (the rest is ignored)."""

    model_config = ConfigDict(extra="ignore")

    order_id: str = Field(min_length=1, max_length=200)
    customer_id: str = Field(min_length=1, max_length=200)
    reason: str = ""


def message(event_type: str, notice: OutcomeNotice) -> str:
    if event_type == ORDER_COMPLETED:
        return f"Your order {notice.order_id} is on its way."
    return f"Your order {notice.order_id} could not be completed: {notice.reason}"[:500]


async def notify_customer(event: CloudEvent, deps: SubscriberDeps) -> TopicStatus:
    """Notify the order's customer once of its outcome."""
    if event.type not in (ORDER_COMPLETED, ORDER_FAILED):
        return TopicStatus.SUCCESS
    try:
        notice = OutcomeNotice.model_validate(event.data)
    except ValidationError as error:
        logger.warning("dropping outcome %s: %s", event.id, error.errors(include_input=False))
        return TopicStatus.DROP
    if deps.state is None:  # bootstrap always hands the state store
        raise RuntimeError("notifications need the state store")
    note = Notification(
        order_id=notice.order_id,
        customer_id=notice.customer_id,
        event_type=event.type,
        event_id=event.id,
        message=message(event.type, notice),
        sent_at=now(),
    )
    sent = await Notifications(deps.state).claim(note)
    NOTIFICATIONS.labels(event_type=event.type, outcome="sent" if sent else "duplicate").inc()
    if sent:
        logger.info("notified %s of order %s: %s", notice.customer_id, notice.order_id, event.type)
    return TopicStatus.SUCCESS
