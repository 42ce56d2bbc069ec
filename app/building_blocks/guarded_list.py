"""A JSON list in one state key, changed by read-change-write under the read's ETag.

Dapr cannot list keys, so the service keeps its own indexes (SKUs, workflow instances,
dead letters) each as a list in one key. Writers race: every write carries the ETag of
its read (first-write when the key is new); a conflict means someone wrote in between,
so the writer backs off a little, re-reads and applies its change again.
"""

import asyncio
import random
from collections.abc import Callable
from typing import Generic, TypeVar

from pydantic import TypeAdapter

from app.building_blocks.errors import ConcurrencyError, DaprError
from app.building_blocks.state import Concurrency, StateManager, StateOptions

T = TypeVar("T")

_FIRST_WRITE = StateOptions(concurrency=Concurrency.FIRST_WRITE)
_JSON = "application/json"
# Each retry means another writer got in between our read and write; give up eventually.
MAX_ATTEMPTS = 50


class GuardedList(Generic[T]):
    """The list of `item_type` stored under `key` in `state`: a JSON array, or the array
    under one field of a JSON object when `field` is given (`{"skus": [...]}`)."""

    def __init__(
        self,
        state: StateManager,
        key: str,
        item_type: type[T],
        field: str | None = None,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self._state = state
        self.key = key
        self._field = field
        self._items = TypeAdapter(list[item_type])  # type: ignore[valid-type]
        self._wrapped = TypeAdapter(dict[str, list[item_type]])  # type: ignore[valid-type]
        self._max_attempts = max_attempts

    async def read(self) -> list[T]:
        items, _ = await self._read()
        return items

    async def update(self, change: Callable[[list[T]], list[T]]) -> None:
        """Apply `change` to the stored list; no write when it changes nothing.

        Raises ConcurrencyError if other writers won every one of `max_attempts` rounds.
        """
        for attempt in range(self._max_attempts):
            items, etag = await self._read()
            changed = change(items)
            if changed == items and etag is not None:
                return
            try:
                await self._state.save(
                    self.key,
                    self._encode(changed),
                    etag=etag,
                    options=_FIRST_WRITE,
                    content_type=_JSON,
                )
                return
            except ConcurrencyError:
                await asyncio.sleep(random.uniform(0, 0.01 * (attempt + 1)))
            except DaprError:
                # Two writers creating the key at once (replicas adding their first entry):
                # state.postgresql v1 answers the losing insert with an internal error ("no
                # item was updated"), not a conflict. The key exists now: a lost race.
                if etag is not None or await self._state.get(self.key) is None:
                    raise
                await asyncio.sleep(random.uniform(0, 0.01 * (attempt + 1)))
        raise ConcurrencyError(
            f"the list in state key {self.key!r} stayed contended; try again", {"key": self.key}
        )

    async def _read(self) -> tuple[list[T], str | None]:
        item = await self._state.get(self.key)
        if item is None:
            return [], None
        if self._field is None:
            return self._items.validate_json(item.value), item.etag
        return self._wrapped.validate_json(item.value).get(self._field, []), item.etag

    def _encode(self, items: list[T]) -> bytes:
        if self._field is None:
            return self._items.dump_json(items)
        return self._wrapped.dump_json({self._field: items})
