"""`restocks` topic: each event starts one `restock` workflow (instance id = event id)."""

import logging

from pydantic import ValidationError

from app.api.subscriptions.spec import SubscriberDeps
from app.building_blocks.cloudevents import CloudEvent
from app.building_blocks.ids import CLIENT_ID_PATTERN, is_client_id
from app.building_blocks.subscriptions import TopicStatus
from workflows import RESTOCK
from workflows.restock import RestockOrder

logger = logging.getLogger(__name__)


async def on_restock_requested(event: CloudEvent, deps: SubscriberDeps) -> TopicStatus:
    """Start the restock; a redelivered event finds its instance and starts nothing new."""
    # The event id becomes the instance id: one the engine cannot run (':' in it, too long)
    # would retry forever, so it is refused rather than cut or rewritten.
    if not is_client_id(event.id):
        logger.warning(
            "dropping restock event %r: id does not match %s", event.id, CLIENT_ID_PATTERN
        )
        return TopicStatus.DROP
    try:
        order = RestockOrder.model_validate(event.data)
    except ValidationError as error:
        logger.warning("dropping restock event %s: %s", event.id, error.errors(include_input=False))
        return TopicStatus.DROP
    if await deps.workflows.get_state(event.id, fetch_payloads=False) is None:
        await deps.workflows.schedule(RESTOCK.name, order.model_dump(), instance_id=event.id)
    return TopicStatus.SUCCESS
