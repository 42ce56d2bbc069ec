"""Dead-letter topics: every message that arrives is kept in the state store for a person."""

import logging

from app.api.subscriptions.spec import SubscriberDeps
from app.building_blocks.cloudevents import CloudEvent
from app.building_blocks.subscriptions import TopicHandler, TopicStatus
from app.observability.metrics import DEAD_LETTERS
from app.records.dead_letters import DeadLetter, DeadLetters, now

logger = logging.getLogger(__name__)


def keep_dead_letters(topic: str, dead_letter_topic: str) -> TopicHandler[SubscriberDeps]:
    """A handler for `dead_letter_topic` that keeps each message, noting its first `topic`."""

    async def keep(event: CloudEvent, deps: SubscriberDeps) -> TopicStatus:
        if deps.state is None:
            logger.error("%s: no state store to keep event %s; retry", dead_letter_topic, event.id)
            return TopicStatus.RETRY
        letter = DeadLetter(
            event_id=event.id,
            topic=topic,
            dead_letter_topic=dead_letter_topic,
            type=event.type,
            source=event.source,
            data=event.data,
            received_at=now(),
        )
        await DeadLetters(deps.state).keep(letter)
        DEAD_LETTERS.labels(topic, dead_letter_topic).inc()
        logger.warning("%s: kept dead letter %s (%s)", dead_letter_topic, event.id, event.type)
        return TopicStatus.SUCCESS

    return keep
