"""GuardedList's first write racing another process's: state.postgresql v1 refuses the
losing insert with an internal error, not an ETag conflict; the list retries on the
key the winner wrote and keeps both entries."""

import asyncio
import json
from typing import Any, cast

import pytest

from app.building_blocks.errors import DaprError
from app.building_blocks.guarded_list import GuardedList
from app.building_blocks.state import StateItem, StateManager


class RacedStore:
    """A store where another writer inserts the key just before our first insert."""

    def __init__(self) -> None:
        self.items: dict[str, StateItem] = {}
        self.raced = False

    async def get(self, key: str) -> StateItem | None:
        return self.items.get(key)

    async def save(self, key: str, value: bytes, etag: str | None = None, **_: Any) -> None:
        if etag is None and not self.raced:
            self.raced = True
            self.items[key] = StateItem(key, json.dumps({"skus": ["theirs"]}).encode(), "1")
            raise DaprError("failed saving state in state store statestore: no item was updated")
        self.items[key] = StateItem(key, value, str(int(etag or "0") + 1))


def test_a_lost_first_insert_is_retried_on_the_winners_value() -> None:
    store = RacedStore()
    skus = GuardedList(cast(StateManager, store), "inventory-skus", str, field="skus")
    asyncio.run(skus.update(lambda known: [*known, "ours"]))
    assert asyncio.run(skus.read()) == ["theirs", "ours"]


def test_an_internal_error_with_no_key_written_is_raised() -> None:
    class Broken(RacedStore):
        async def save(self, key: str, value: bytes, etag: str | None = None, **_: Any) -> None:
            raise DaprError("store down")

    skus = GuardedList(cast(StateManager, Broken()), "inventory-skus", str, field="skus")
    with pytest.raises(DaprError, match="store down"):
        asyncio.run(skus.update(lambda known: [*known, "ours"]))
