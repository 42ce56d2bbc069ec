"""The notifications consumer's own record: one notification per order and outcome.

Brokers deliver at least once, and a publisher that retries may send the same outcome
under a new event id, so the registry's event-id dedupe (best effort, by id) is not
enough for an effect that must happen once per order. The notification is claimed with a
first-write save of `notification:<event type>:<order id>`: of any number of deliveries,
concurrent or not, exactly one writes it and notifies; the others find it there.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from app.building_blocks.errors import ConcurrencyError
from app.building_blocks.state import Concurrency, StateManager, StateOptions

KEY_PREFIX = "notification"
# Kept as long as the records of settled orders (ORDERFLOW_RETENTION's default): a
# redelivery comes within minutes to hours; after this the key expires (bounded state).
TTL_SECONDS = 8 * 24 * 3600
_FIRST_WRITE = StateOptions(concurrency=Concurrency.FIRST_WRITE)


class Notification(BaseModel):
    """What the customer was told, and which delivery told them."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    customer_id: str
    event_type: str
    event_id: str
    message: str
    sent_at: datetime


class Notifications:
    def __init__(self, state: StateManager) -> None:
        self._state = state

    @staticmethod
    def key(event_type: str, order_id: str) -> str:
        return f"{KEY_PREFIX}:{event_type}:{order_id}"

    async def claim(self, note: Notification) -> bool:
        """Keep the notification if none is kept for its order and type; False: a
        duplicate delivery (nothing written)."""
        try:
            await self._state.save(
                self.key(note.event_type, note.order_id),
                note.model_dump_json().encode(),
                options=_FIRST_WRITE,
                ttl_seconds=TTL_SECONDS,
                content_type="application/json",
            )
        except ConcurrencyError:
            return False
        return True

    async def get(self, event_type: str, order_id: str) -> Notification | None:
        item = await self._state.get(self.key(event_type, order_id))
        return None if item is None else Notification.model_validate_json(item.value)
