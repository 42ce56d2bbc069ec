"""The last books audit's record in the state store (one key, overwritten by each run)."""

import json
from typing import Any

from app.building_blocks.state import StateManager

LAST_BOOKS_AUDIT_KEY = "books-audit:last"


class BooksRecords:
    def __init__(self, state: StateManager) -> None:
        self._state = state

    async def save_last(self, record: dict[str, Any]) -> None:
        body = json.dumps(record).encode()
        await self._state.save(LAST_BOOKS_AUDIT_KEY, body, content_type="application/json")

    async def last(self) -> dict[str, Any] | None:
        item = await self._state.get(LAST_BOOKS_AUDIT_KEY)
        if item is None:
            return None
        record: dict[str, Any] = json.loads(item.value)
        return record
