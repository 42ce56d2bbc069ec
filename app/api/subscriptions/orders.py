"""`orders` topic: `order.placed` starts `order_fulfillment` (instance id = order id).

An order the service has no room for yet is left to the broker to redeliver (RETRY).
Other types on the topic (our own `order.completed`, published by the workflow) are
acknowledged and ignored. Data that is not a valid order is dropped (to the dead letters).
"""

import logging

from pydantic import ValidationError

from actors.order_interface import OrderDetails
from app.api.subscriptions.spec import SubscriberDeps
from app.building_blocks.cloudevents import CloudEvent
from app.building_blocks.subscriptions import TopicStatus
from app.building_blocks.workflow_admission import EngineAtCapacityError

logger = logging.getLogger(__name__)

ORDER_PLACED = "order.placed"


async def on_order_event(event: CloudEvent, deps: SubscriberDeps) -> TopicStatus:
    """Place the order of an `order.placed` event; a known order id starts nothing new."""
    if event.type != ORDER_PLACED:
        logger.debug("orders: ignoring event %s of type %s", event.id, event.type)
        return TopicStatus.SUCCESS
    try:
        details = OrderDetails.model_validate(event.data)
    except ValidationError as error:
        logger.warning("dropping order event %s: %s", event.id, error.errors(include_input=False))
        return TopicStatus.DROP
    if deps.orders is None:  # bootstrap always hands the order service
        raise RuntimeError("order events need the order service")
    try:
        started = await deps.orders.place(details)
    except EngineAtCapacityError as error:
        # The broker redelivers later (its resiliency policy spaces the retries).
        logger.info("order event %s: %s", event.id, error)
        return TopicStatus.RETRY
    logger.info("order event %s: order %s started=%s", event.id, details.order_id, started)
    return TopicStatus.SUCCESS
