"""`payments` topic: `payment.approved` / `payment.declined` reach the order's workflow.

`order_fulfillment` charges the provider itself (service invocation) and waits for no
payment event, so there is no event of its own to map these to. Each one is raised on the
order's instance as an external event named after its type (`payment.approved`,
`payment.declined`) with the event's data: daprd keeps it in the instance's inbox for a
workflow that waits for that name; today's workflow never reads it. An event for an
order whose workflow has ended is acknowledged and ignored; for an unknown order id, or
with invalid data, it is dropped (to the dead letters), logged.
"""

import logging

from dapr.ext.workflow import WorkflowStatus
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.api.subscriptions.spec import SubscriberDeps
from app.building_blocks.cloudevents import CloudEvent
from app.building_blocks.ids import CLIENT_ID_MAX_LENGTH, CLIENT_ID_PATTERN
from app.building_blocks.subscriptions import TopicStatus

logger = logging.getLogger(__name__)

PAYMENT_EVENTS = frozenset({"payment.approved", "payment.declined"})
_ENDED = {WorkflowStatus.COMPLETED, WorkflowStatus.FAILED, WorkflowStatus.TERMINATED}


class PaymentEvent(BaseModel):
    """Data of a payment event; only `order_id` is required."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    order_id: str = Field(min_length=1, max_length=CLIENT_ID_MAX_LENGTH, pattern=CLIENT_ID_PATTERN)
    charge_id: str = Field(default="", max_length=200)
    reason: str = Field(default="", max_length=500)


async def on_payment_event(event: CloudEvent, deps: SubscriberDeps) -> TopicStatus:
    """Raise the event named after the type on the order's running workflow instance."""
    if event.type not in PAYMENT_EVENTS:
        logger.warning("dropping payment event %s: unknown type %s", event.id, event.type)
        return TopicStatus.DROP
    try:
        payment = PaymentEvent.model_validate(event.data)
    except ValidationError as error:
        logger.warning("dropping payment event %s: %s", event.id, error.errors(include_input=False))
        return TopicStatus.DROP
    state = await deps.workflows.get_state(payment.order_id, fetch_payloads=False)
    if state is None:
        logger.warning("dropping payment event %s: no order %s", event.id, payment.order_id)
        return TopicStatus.DROP
    if state.runtime_status in _ENDED:
        logger.info("payment event %s: order %s has ended; ignored", event.id, payment.order_id)
        return TopicStatus.SUCCESS
    await deps.workflows.raise_event(payment.order_id, event.type, payment.model_dump())
    logger.info("payment event %s raised on order %s", event.type, payment.order_id)
    return TopicStatus.SUCCESS
