"""Dead-lettered messages kept in the state store: one key per message plus a bounded index.

Each message is saved under its own key (with a TTL); the index key lists the newest
`MAX_INDEXED` message keys and is written with its ETag under first-write, re-read and
retried on a conflict, so concurrent writers do not lose each other's entries.

A message larger than `PART_BYTES` (a poison message is often poison because it is too
big) is kept in parts: `<key>:part:<n>` each at most PART_BYTES, written first and
living a little longer, then the message key holds a manifest (part count, size,
SHA-256). A reader joins the parts and checks the digest, so it lists the message like
any other; a message with a part missing (expired, or a write that died half way) is
left out of the list rather than shown damaged.
"""

import hashlib
import logging
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from app.building_blocks.guarded_list import GuardedList
from app.building_blocks.state import StateManager

INDEX_KEY = "dead-letter-index"
KEY_PREFIX = "dead-letter"
MAX_INDEXED = 1000
TTL_SECONDS = 7 * 24 * 3600
# Half the state store's default value limit (ORDERFLOW_STATE_MAX_VALUE_BYTES, 1 MiB):
# room for the store's own framing, and for a smaller limit than ours in another store.
PART_BYTES = 512 * 1024
_PART_TTL_SECONDS = TTL_SECONDS + 3600  # parts outlive their manifest, never the reverse

logger = logging.getLogger(__name__)


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


class _Manifest(BaseModel):
    """What the message key holds when the message is kept in parts."""

    model_config = ConfigDict(extra="forbid")

    parts: int
    bytes: int
    sha256: str


class _IndexEntry(BaseModel):
    key: str
    topic: str
    received_at: datetime


class DeadLetters:
    def __init__(self, state: StateManager, part_bytes: int = PART_BYTES) -> None:
        self._state = state
        self._index = GuardedList(state, INDEX_KEY, _IndexEntry)
        self._part_bytes = part_bytes

    @staticmethod
    def key(dead_letter_topic: str, event_id: str) -> str:
        digest = hashlib.sha256(event_id.encode()).hexdigest()
        return f"{KEY_PREFIX}:{dead_letter_topic}:{digest}"

    async def keep(self, letter: DeadLetter) -> None:
        """Save the message, then add it to the index (once)."""
        key = self.key(letter.dead_letter_topic, letter.event_id)
        body = letter.model_dump_json().encode()
        if len(body) > self._part_bytes:
            body = await self._save_parts(key, body)
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
        letters = [await self._letter(item.key, item.value) for item in items]
        return [letter for letter in letters if letter is not None]

    async def _save_parts(self, key: str, body: bytes) -> bytes:
        """Save `body` in parts under `<key>:part:<n>`; the manifest to save under `key`."""
        size = self._part_bytes
        for n, start in enumerate(range(0, len(body), size)):
            part = body[start : start + size]
            await self._state.save(_part_key(key, n), part, ttl_seconds=_PART_TTL_SECONDS)
        manifest = _Manifest(
            parts=-(-len(body) // size), bytes=len(body), sha256=hashlib.sha256(body).hexdigest()
        )
        return manifest.model_dump_json().encode()

    async def _letter(self, key: str, value: bytes) -> DeadLetter | None:
        try:
            manifest = _Manifest.model_validate_json(value)
        except ValidationError:
            return DeadLetter.model_validate_json(value)
        parts = await self._state.get_bulk([_part_key(key, n) for n in range(manifest.parts)])
        body = b"".join(part.value for part in parts)
        if len(parts) != manifest.parts or hashlib.sha256(body).hexdigest() != manifest.sha256:
            found, wanted = len(parts), manifest.parts
            logger.warning("dead letter %s: %d of %d parts readable", key, found, wanted)
            return None
        return DeadLetter.model_validate_json(body)


def _part_key(key: str, n: int) -> str:
    return f"{key}:part:{n}"


def now() -> datetime:
    return datetime.now(UTC)
