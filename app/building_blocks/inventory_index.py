"""The inventory's own records in the state store: the SKU index and the last audit.

Dapr cannot list actors, so the service keeps the SKUs it has seen restocked in one key
(a JSON list, append-only so that page offsets stay stable while an audit pages through
it). Updates are ETag-guarded (first-write when the key is new) and retried, so
concurrent restocks never lose a SKU.
"""

import asyncio
import json
import random
from typing import Any

from pydantic import BaseModel

from app.building_blocks.errors import ConcurrencyError, DaprError
from app.building_blocks.state import Concurrency, StateManager, StateOptions

SKU_INDEX_KEY = "inventory-skus"
LAST_AUDIT_KEY = "inventory-audit:last"
_MAX_ATTEMPTS = 50
_FIRST_WRITE = StateOptions(concurrency=Concurrency.FIRST_WRITE)
_JSON = "application/json"


class _Skus(BaseModel):
    skus: list[str]


class SkuIndex:
    def __init__(self, state: StateManager) -> None:
        self._state = state

    async def all(self) -> list[str]:
        item = await self._state.get(SKU_INDEX_KEY)
        return [] if item is None else _Skus.model_validate_json(item.value).skus

    async def page(self, offset: int, limit: int) -> tuple[list[str], int]:
        """The SKUs in [offset, offset + limit) and how many the index holds."""
        skus = await self.all()
        return skus[offset : offset + limit], len(skus)

    async def add(self, sku: str) -> None:
        """Append the SKU unless it is there; read, change, write with the read's ETag."""
        for attempt in range(_MAX_ATTEMPTS):
            item = await self._state.get(SKU_INDEX_KEY)
            skus = [] if item is None else _Skus.model_validate_json(item.value).skus
            if sku in skus:
                return
            try:
                await self._state.save(
                    SKU_INDEX_KEY,
                    _Skus(skus=[*skus, sku]).model_dump_json().encode(),
                    etag=None if item is None else item.etag,
                    options=_FIRST_WRITE,
                    content_type=_JSON,
                )
                return
            except ConcurrencyError:
                await asyncio.sleep(random.uniform(0, 0.01 * (attempt + 1)))
        raise DaprError("the SKU index stayed contended; try again", {"sku": sku})


class AuditRecords:
    """The last inventory audit's findings, one key."""

    def __init__(self, state: StateManager) -> None:
        self._state = state

    async def save_last(self, record: dict[str, Any]) -> None:
        await self._state.save(LAST_AUDIT_KEY, json.dumps(record).encode(), content_type=_JSON)

    async def last(self) -> dict[str, Any] | None:
        item = await self._state.get(LAST_AUDIT_KEY)
        if item is None:
            return None
        record: dict[str, Any] = json.loads(item.value)
        return record
