"""`restocks` topic: each event starts one `restock` workflow (instance id = event id)."""

import logging

from pydantic import ValidationError

from app.api.deps import WorkflowsDep
from app.api.subscriptions.cloudevent import CloudEventIn, TopicResponse
from workflows.restock import RestockOrder

logger = logging.getLogger(__name__)


async def on_restock_requested(event: CloudEventIn, workflows: WorkflowsDep) -> TopicResponse:
    """Start the restock; a redelivered event finds its instance and starts nothing new."""
    try:
        order = RestockOrder.model_validate(event.data)
    except ValidationError as error:
        logger.warning("dropping restock event %s: %s", event.id, error.errors(include_input=False))
        return TopicResponse(status="DROP")
    if await workflows.get_state(event.id, fetch_payloads=False) is None:
        await workflows.schedule("restock", order.model_dump(), instance_id=event.id)
    return TopicResponse(status="SUCCESS")
