"""Activities of the inventory audit: read a page of SKUs and check each, store findings."""

from typing import Any

from dapr.ext.workflow import WorkflowActivityContext

from activities.audit_models import Anomaly, AuditPage, AuditRecord, PageRequest
from activities.concurrency import bounded_gather
from activities.spec import ActivityDeps, ActivityFn
from actors.inventory_interface import INVENTORY_ACTOR_TYPE, InventoryActorInterface


def check_stock(sku: str, stock: dict[str, Any]) -> list[Anomaly]:
    """The invariants of one SKU's GetStock answer, checked on the raw numbers."""
    numbers = [stock.get(k) for k in ("on_hand", "reserved", "available")]
    if not all(type(n) is int for n in numbers):
        return [Anomaly(sku=sku, problem=f"malformed stock level: {stock}")]
    on_hand, reserved, available = (int(n) for n in numbers if isinstance(n, int))
    found = [
        problem
        for problem, broken in (
            ("on_hand < 0", on_hand < 0),
            ("reserved < 0", reserved < 0),
            ("available != on_hand - reserved", available != on_hand - reserved),
        )
        if broken
    ]
    return [
        Anomaly(sku=sku, problem=p, on_hand=on_hand, reserved=reserved, available=available)
        for p in found
    ]


class InventoryAuditActivities:
    """Read-only towards the actors; only `record_audit` writes (one key, overwritten)."""

    def __init__(self, deps: ActivityDeps) -> None:
        self._loop = deps.loop
        self._actors = deps.actors
        self._skus = deps.skus
        self._records = deps.audits
        self._default_page_size = deps.settings.inventory_audit_page_size

    def activities(self) -> list[ActivityFn]:
        return [self.audit_page, self.prune_empty_skus, self.record_audit]

    def audit_page(self, ctx: WorkflowActivityContext, payload: dict[str, Any]) -> dict[str, Any]:
        """Read one page of the SKU index and check each SKU's stock."""
        request = PageRequest.model_validate(payload)
        size = request.page_size or self._default_page_size
        return self._loop.run(self._audit(request.offset, size)).model_dump()

    def prune_empty_skus(self, ctx: WorkflowActivityContext, payload: list[str]) -> int:
        """Drop SKUs that hold nothing (on hand 0, reserved 0, asked again now) from the
        index; how many. A restock puts a SKU back (the restock route and activity add it)."""
        return self._loop.run(self._prune(payload))

    async def _prune(self, candidates: list[str]) -> int:
        levels = await bounded_gather(self._stock, candidates)
        empty = [sku for sku, level in zip(candidates, levels, strict=True) if _empty(level)]
        await self._skus.remove(empty)
        return len(empty)

    def record_audit(self, ctx: WorkflowActivityContext, payload: dict[str, Any]) -> None:
        """Overwrite the last-audit record; running it twice is harmless."""
        record = AuditRecord.model_validate(payload)
        self._loop.run(self._records.save_last(record.model_dump(mode="json")))

    async def _audit(self, offset: int, size: int) -> AuditPage:
        skus, total = await self._skus.page(offset, size)
        levels = await bounded_gather(self._stock, skus)
        anomalies = [
            a for sku, level in zip(skus, levels, strict=True) for a in check_stock(sku, level)
        ]
        end = offset + len(skus)
        return AuditPage(
            skus=skus,
            anomalies=anomalies,
            empty=[sku for sku, level in zip(skus, levels, strict=True) if _empty(level)],
            page_size=size,
            next_offset=end if skus and end < total else None,
        )

    async def _stock(self, sku: str) -> dict[str, Any]:
        level: dict[str, Any] = await self._inventory(sku).GetStock()
        return level

    def _inventory(self, sku: str) -> Any:
        return self._actors.proxy(INVENTORY_ACTOR_TYPE, sku, InventoryActorInterface)


def _empty(level: dict[str, Any]) -> bool:
    return level.get("on_hand") == 0 and level.get("reserved") == 0
