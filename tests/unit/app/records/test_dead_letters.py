"""Dead letters larger than the state store's value limit are kept in parts and listed
whole; a letter missing a part is left out, never shown damaged (no sidecar)."""

import asyncio
import itertools
from datetime import UTC, datetime
from typing import Any

import pytest

from app.building_blocks.client import DaprClientWrapper, DaprConfig
from app.building_blocks.errors import ConcurrencyError, InvalidRequestError
from app.building_blocks.state import StateItem, StateManager, StateOptions
from app.records.dead_letters import DeadLetter, DeadLetters

LIMIT = 4096  # the fake store's value limit, as ORDERFLOW_STATE_MAX_VALUE_BYTES


class MemoryState(StateManager):
    """A StateManager over a dict: the real key and size checks, ETags as counters."""

    def __init__(self) -> None:
        super().__init__(DaprClientWrapper(DaprConfig()), "memory", LIMIT)
        self.values: dict[str, tuple[bytes, str]] = {}
        self._etags = itertools.count(1)

    async def get(self, key: str) -> StateItem | None:
        self._check_key(key)
        if key not in self.values:
            return None
        value, etag = self.values[key]
        return StateItem(key=key, value=value, etag=etag)

    async def get_bulk(self, keys: Any, parallelism: int = 10) -> list[StateItem]:
        found = [await self.get(key) for key in keys]
        return [item for item in found if item is not None]

    async def save(
        self,
        key: str,
        value: bytes,
        etag: str | None = None,
        options: StateOptions | None = None,
        ttl_seconds: int | None = None,
        content_type: str | None = None,
    ) -> None:
        self._check_key(key)
        self._check_value(key, value)
        if etag is not None and self.values.get(key, (b"", None))[1] != etag:
            raise ConcurrencyError("etag mismatch", {"key": key})
        self.values[key] = (value, str(next(self._etags)))


def letter(event_id: str, data: Any) -> DeadLetter:
    return DeadLetter(
        event_id=event_id,
        topic="orders",
        dead_letter_topic="orders-deadletter",
        type="order.placed",
        source="tests",
        data=data,
        received_at=datetime.now(UTC),
    )


def test_an_oversized_letter_is_kept_in_parts_and_listed_whole() -> None:
    """A letter of about 5 limits is stored as parts no larger than the part size and a
    manifest, and lists equal to what arrived, beside a small one."""

    async def scenario() -> None:
        state = MemoryState()
        letters = DeadLetters(state, part_bytes=LIMIT // 2)
        small = letter("small", {"n": 0})
        big = letter("big", {"blob": "é" * (5 * LIMIT), "n": 1})  # received later
        await letters.keep(small)
        await letters.keep(big)
        assert max(len(value) for value, _ in state.values.values()) <= LIMIT
        parts = [key for key in state.values if ":part:" in key]
        assert len(parts) >= 5
        listed = await letters.newest(None, 10)
        assert [x.event_id for x in listed] == ["big", "small"]
        assert listed[0] == big

    asyncio.run(scenario())


def test_without_parts_an_oversized_letter_cannot_be_kept() -> None:
    """The store refuses the whole letter (what happened before parts: the letter was
    retried until daprd gave up, and lost)."""

    async def scenario() -> None:
        letters = DeadLetters(MemoryState(), part_bytes=10 * LIMIT)
        with pytest.raises(InvalidRequestError):
            await letters.keep(letter("big", {"blob": "x" * (2 * LIMIT)}))

    asyncio.run(scenario())


def test_a_letter_with_a_part_missing_is_left_out() -> None:
    """A part gone (expired, or a write that died half way): the letter is not listed."""

    async def scenario() -> None:
        state = MemoryState()
        letters = DeadLetters(state, part_bytes=LIMIT // 2)
        await letters.keep(letter("small", {"n": 0}))
        await letters.keep(letter("big", {"blob": "x" * (3 * LIMIT)}))
        del state.values[next(key for key in state.values if key.endswith(":part:1"))]
        assert [x.event_id for x in await letters.newest(None, 10)] == ["small"]

    asyncio.run(scenario())
