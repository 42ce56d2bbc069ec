"""Dead-lettered messages kept in the state store: one key per message plus a bounded index.

Each message is saved under its own key (with a TTL); the index key lists the newest
`MAX_INDEXED` message keys and is written with its ETag under first-write, re-read and
retried on a conflict, so concurrent writers do not lose each other's entries.
"""

import hashlib
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from app.building_blocks.guarded_list import GuardedList
from app.building_blocks.state import StateManager

INDEX_KEY = "dead-letter-index"
KEY_PREFIX = "dead-letter"
MAX_INDEXED = 1000
TTL_SECONDS = 7 * 24 * 3600


class DeadLetter(BaseModel):
    """One dead-lettered message as it arrived on the dead-letter topic."""

    model_config = ConfigDict(frozen=True)

    event_id: str
    topic: str  # the topic it was first published to
    dead_letter_topic: str
    type: str
    source: str
    data: Any = None
    received_at: datetime


class _IndexEntry(BaseModel):
    key: str
    topic: str
    received_at: datetime


class DeadLetters:
    def __init__(self, state: StateManager) -> None:
        self._state = state
        self._index = GuardedList(state, INDEX_KEY, _IndexEntry)

    @staticmethod
    def key(dead_letter_topic: str, event_id: str) -> str:
        digest = hashlib.sha256(event_id.encode()).hexdigest()
        return f"{KEY_PREFIX}:{dead_letter_topic}:{digest}"

    async def keep(self, letter: DeadLetter) -> None:
        """Save the message, then add it to the index (once)."""
        key = self.key(letter.dead_letter_topic, letter.event_id)
        body = letter.model_dump_json().encode()
        await self._state.save(key, body, ttl_seconds=TTL_SECONDS, content_type="application/json")
        entry = _IndexEntry(key=key, topic=letter.topic, received_at=letter.received_at)
        await self._index.update(
            lambda entries: (
                entries
                if any(existing.key == key for existing in entries)
                else [*entries, entry][-MAX_INDEXED:]
            )
        )

    async def newest(self, topic: str | None, limit: int) -> list[DeadLetter]:
        """Kept messages, newest first; `topic` matches the original or dead-letter topic."""
        entries = await self._index.read()
        keys = [
            e.key
            for e in sorted(entries, key=lambda e: e.received_at, reverse=True)
            if topic is None or e.topic == topic or e.key.startswith(f"{KEY_PREFIX}:{topic}:")
        ][:limit]
        items = await self._state.get_bulk(keys)
        return [DeadLetter.model_validate_json(item.value) for item in items]


def now() -> datetime:
    return datetime.now(UTC)
