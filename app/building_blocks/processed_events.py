"""Which events a subscription has already handled, kept in the state store for a while.

Brokers deliver at least once, so the same event id can arrive again (a redelivery after
a lost acknowledgement, a publisher retrying with the same id). The subscription registry
asks here before running a handler and records the event after the handler succeeded.
It is best effort: two deliveries of one id arriving at the same moment can both run, so
handlers that must not repeat an effect still key it by the event id themselves.
"""

import hashlib
import json
from datetime import UTC, datetime

from app.building_blocks.state import StateManager

KEY_PREFIX = "processed-event"


class ProcessedEvents:
    def __init__(self, state: StateManager, ttl_seconds: int) -> None:
        self._state = state
        self._ttl_seconds = ttl_seconds

    @staticmethod
    def key(subscription: str, event_id: str) -> str:
        # Event ids are arbitrary strings (they may contain the "||" Dapr reserves, or be
        # long); a digest keeps the key valid and bounded. The value names the id in clear.
        digest = hashlib.sha256(event_id.encode()).hexdigest()
        return f"{KEY_PREFIX}:{subscription}:{digest}"

    async def seen(self, subscription: str, event_id: str) -> bool:
        return await self._state.get(self.key(subscription, event_id)) is not None

    async def remember(self, subscription: str, event_id: str) -> None:
        record = {"subscription": subscription, "event_id": event_id, "at": _now()}
        await self._state.save(
            self.key(subscription, event_id),
            json.dumps(record).encode(),
            ttl_seconds=self._ttl_seconds,
        )


def _now() -> str:
    return datetime.now(UTC).isoformat()
