"""Activities of the books audit: page through the orders and the provider's journal,
check each against the rules (activities/books_checks.py), store the findings.

Read-only towards the actors and the provider; only `record_books_audit` writes (one key,
overwritten, and the metric)."""

import asyncio
from datetime import datetime, timedelta
from typing import Any

from dapr.ext.workflow import WorkflowActivityContext

from activities.books_checks import check_charge, check_order, quantities
from activities.books_models import (
    BooksAuditRecord,
    BooksCursor,
    BooksPage,
    BooksPageRequest,
    PruneRequest,
    Violation,
    ViolationKind,
)
from activities.concurrency import bounded_gather
from activities.provider import PaymentProvider
from activities.spec import ActivityDeps, ActivityFn
from actors.inventory_interface import INVENTORY_ACTOR_TYPE, Commitment, InventoryActorInterface
from actors.order_interface import ORDER_ACTOR_TYPE, OrderActorInterface, OrderView
from actors.order_states import is_terminal
from app.observability.metrics import BOOKS_VIOLATIONS
from payments.models import LedgerEntry

# The instance index's name for orders: ORDER_FULFILLMENT.name (workflows/__init__.py,
# which imports this module); tests/unit/activities/test_books_checks.py holds them equal.
ORDER_WORKFLOW = "order_fulfillment"


class BooksAuditActivities:
    def __init__(self, deps: ActivityDeps) -> None:
        self._loop = deps.loop
        self._actors = deps.actors
        self._instances = deps.instances
        self._records = deps.books
        self._settings = deps.settings
        self._provider = PaymentProvider(
            deps.invoker, deps.secrets, deps.settings, deps.payment_key_header
        )

    def activities(self) -> list[ActivityFn]:
        return [
            self.plan_books_audit,
            self.audit_books_page,
            self.prune_order_index,
            self.record_books_audit,
        ]

    def plan_books_audit(self, ctx: WorkflowActivityContext, payload: Any) -> dict[str, Any]:
        """The window, page size and retention from the settings of now (kept in the
        history)."""
        return {
            "window_s": self._settings.books_audit_window_s,
            "page_size": self._settings.books_audit_page_size,
            "retention_s": self._settings.retention.total_seconds(),
        }

    def prune_order_index(self, ctx: WorkflowActivityContext, payload: dict[str, Any]) -> int:
        """Drop ended orders started before the retention from the instance index (their
        record and progress too), oldest first; how many. The OrderActor says whether an
        order ended: the index's own status is only as fresh as the last read."""
        request = PruneRequest.model_validate(payload)
        return self._loop.run(self._prune(request))

    def audit_books_page(
        self, ctx: WorkflowActivityContext, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """Check one page of orders (or of the provider's journal) against the books."""
        request = BooksPageRequest.model_validate(payload)
        if request.cursor.phase == "orders":
            page = self._loop.run(self._orders_page(request))
        else:
            page = self._loop.run(self._charges_page(request))
        return page.model_dump(mode="json")

    def record_books_audit(self, ctx: WorkflowActivityContext, payload: dict[str, Any]) -> None:
        """Overwrite the last books audit's record and set the metric; harmless twice."""
        record = BooksAuditRecord.model_validate(payload)
        self._loop.run(self._records.save_last(record.model_dump(mode="json")))
        # Per kind, of the violations kept (all of them unless past MAX_VIOLATIONS_KEPT).
        for kind in ViolationKind:
            count = sum(1 for v in record.violations if v.kind is kind)
            BOOKS_VIOLATIONS.labels(kind=kind.value).set(count)

    async def _prune(self, request: PruneRequest) -> int:
        ids = await self._instances.ids(ORDER_WORKFLOW)
        records = await self._instances.get_many(ids[: request.limit])
        old = [r.instance_id for r in records if r.created_at < request.before]
        orders = await bounded_gather(self._order_view, old)
        ended = [o.order_id for o in orders if not o.exists or (o.status and is_terminal(o.status))]
        await self._instances.forget(ORDER_WORKFLOW, ended)
        return len(ended)

    async def _orders_page(self, request: BooksPageRequest) -> BooksPage:
        size = request.page_size
        ids = await self._instances.ids(ORDER_WORKFLOW)
        start = _after(ids, request.cursor.after)
        page_ids = ids[start : start + size]
        records = await self._instances.get_many(page_ids)
        window = [r.instance_id for r in records if _within(r.created_at, request)]
        orders = await bounded_gather(self._order_view, window)
        ended = [o for o in orders if o.exists and o.status and is_terminal(o.status)]
        in_flight = sum(1 for o in orders if o.exists and o.status and not is_terminal(o.status))
        entries = {e.charge.order_id: e for e in await self._ledger([o.order_id for o in ended])}
        commitments = await bounded_gather(self._commitments, ended)
        violations = [
            v
            for order, taken in zip(ended, commitments, strict=True)
            for v in check_order(order, entries.get(order.order_id), taken)
        ]
        following = (
            BooksCursor(after=page_ids[-1])
            if start + size < len(ids)
            else BooksCursor(phase="charges")
        )
        return BooksPage(
            orders_checked=len(ended),
            in_flight=in_flight,
            violations=violations,
            next=following,
        )

    async def _charges_page(self, request: BooksPageRequest) -> BooksPage:
        cursor, size = request.cursor, request.page_size
        day = request.since.date() + timedelta(days=cursor.day_offset)
        page = await self._provider.ledger_day(day, cursor.offset, size)
        charged = [e for e in page.entries if _within(e.charge.charged_at, request)]
        orders = await bounded_gather(self._order_view, [e.charge.order_id for e in charged])
        violations: list[Violation] = [
            v for e, o in zip(charged, orders, strict=True) for v in check_charge(e, o.exists)
        ]
        following: BooksCursor | None
        if cursor.offset + size < page.total:
            following = cursor.model_copy(update={"offset": cursor.offset + size})
        elif day < request.until.date():
            following = BooksCursor(phase="charges", day_offset=cursor.day_offset + 1)
        else:
            following = None
        return BooksPage(charges_checked=len(charged), violations=violations, next=following)

    async def _ledger(self, order_ids: list[str]) -> list[LedgerEntry]:
        return await self._provider.ledger(order_ids) if order_ids else []

    def _inventory(self, sku: str) -> Any:
        return self._actors.proxy(INVENTORY_ACTOR_TYPE, sku, InventoryActorInterface)

    async def _order_view(self, order_id: str) -> OrderView:
        actor = self._actors.proxy(ORDER_ACTOR_TYPE, order_id, OrderActorInterface)
        return OrderView.model_validate(await actor.GetOrder())

    async def _commitments(self, order: OrderView) -> dict[str, Commitment]:
        skus = list(quantities(order))
        ref = {"order_id": order.order_id}
        found = await asyncio.gather(*(self._inventory(sku).GetCommitment(ref) for sku in skus))
        return {sku: Commitment.model_validate(c) for sku, c in zip(skus, found, strict=True)}


def _after(ids: list[str], after: str | None) -> int:
    """Where the page after the id `after` starts. An id gone from the index (pruned by
    another run: only ended orders older than the window are) ends the phase."""
    if after is None:
        return 0
    try:
        return ids.index(after) + 1
    except ValueError:
        return len(ids)


def _within(moment: datetime | None, request: BooksPageRequest) -> bool:
    return moment is not None and request.since <= moment <= request.until
