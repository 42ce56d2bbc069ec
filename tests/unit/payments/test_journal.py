"""The provider's journal: every charge is filed once under its day, and a day lists them
with their refunds (what the reconciliation reads)."""

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal

from payments.journal import Journal, journal_key
from payments.ledger import Ledger
from payments.models import Charge, ChargeRequest, RefundRequest
from tests.unit.payments.memory_store import MemoryLedgerStore


def test_concurrent_charges_are_each_filed_once_under_their_day() -> None:
    """Twenty orders charged at once, each retried: the day lists twenty order ids once
    each, the refunded one with its refund."""

    async def scenario() -> None:
        store = MemoryLedgerStore()
        ledger = Ledger(store)
        requests = [ChargeRequest(order_id=f"o-{n}", amount=Decimal(n)) for n in range(20)]
        charges = await asyncio.gather(*(ledger.charge(r) for r in requests * 2))
        refunded = await ledger.refund(RefundRequest(charge_id=charges[3].charge_id))
        today = datetime.now(UTC).date()
        page = await ledger.day(today, 0, 1000)
        assert page.total == 20
        assert sorted(e.charge.order_id for e in page.entries) == sorted(
            r.order_id for r in requests
        )
        by_order = {e.charge.order_id: e for e in page.entries}
        assert by_order["o-3"].refund == refunded
        assert all(e.refund is None for o, e in by_order.items() if o != "o-3")
        assert (await ledger.day(today, 15, 10)).entries == page.entries[15:]

    asyncio.run(scenario())


def test_a_charge_without_a_time_is_not_filed_and_filing_is_idempotent() -> None:
    """A charge recorded before the journal (no charged_at) files nothing; filing one
    charge twice (a replay) lists it once."""

    async def scenario() -> None:
        store = MemoryLedgerStore()
        journal = Journal(store)
        old = Charge(order_id="o", amount=Decimal(1), currency="EUR", approved=True, charge_id="c")
        await journal.file(old)
        assert store.values == {}
        new = old.model_copy(update={"charged_at": datetime(2026, 12, 6, 23, 59, tzinfo=UTC)})
        await journal.file(new)
        await journal.file(new)
        assert store.values[journal_key(date(2026, 12, 6))][0] == {"order_ids": ["o"]}
        assert await journal.page(date(2026, 12, 7), 0, 10) == ([], 0)

    asyncio.run(scenario())
