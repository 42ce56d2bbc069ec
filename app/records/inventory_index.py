"""The inventory's own records in the state store: the SKU index and the last audit.

Dapr cannot list actors, so the service keeps the SKUs it has seen restocked in one key
(a JSON list, append-only so that page offsets stay stable while an audit pages through
it). Updates are ETag-guarded (first-write when the key is new) and retried, so
concurrent restocks never lose a SKU.
"""

import json
from typing import Any

from app.building_blocks.guarded_list import GuardedList
from app.building_blocks.state import StateManager

SKU_INDEX_KEY = "inventory-skus"
LAST_AUDIT_KEY = "inventory-audit:last"
_JSON = "application/json"


class SkuIndex:
    def __init__(self, state: StateManager) -> None:
        self._skus = GuardedList(state, SKU_INDEX_KEY, str, field="skus")

    async def all(self) -> list[str]:
        return await self._skus.read()

    async def page(self, offset: int, limit: int) -> tuple[list[str], int]:
        """The SKUs in [offset, offset + limit) and how many the index holds."""
        skus = await self.all()
        return skus[offset : offset + limit], len(skus)

    async def add(self, sku: str) -> None:
        """Append the SKU unless it is there."""
        await self._skus.update(lambda skus: skus if sku in skus else [*skus, sku])

    async def remove(self, skus: list[str]) -> None:
        """Drop these SKUs (the inventory audit's pruning of SKUs that hold nothing; it
        runs after the audit's last page, so its own offsets stay stable)."""
        if skus:
            gone = set(skus)
            await self._skus.update(lambda known: [s for s in known if s not in gone])


class AuditRecords:
    """The last audit's findings, one key (the inventory audit's by default)."""

    def __init__(self, state: StateManager, key: str = LAST_AUDIT_KEY) -> None:
        self._state = state
        self._key = key

    async def save_last(self, record: dict[str, Any]) -> None:
        await self._state.save(self._key, json.dumps(record).encode(), content_type=_JSON)

    async def last(self) -> dict[str, Any] | None:
        item = await self._state.get(self._key)
        if item is None:
            return None
        record: dict[str, Any] = json.loads(item.value)
        return record
