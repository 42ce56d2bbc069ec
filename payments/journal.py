"""The provider's journal: which orders were charged on each UTC day, for reconciliation.

The ledger's keys answer "the charge of this order" and "the refund of this charge", but a
state store cannot list keys, and a reconciliation must also find charges nobody asked
about (a charge whose order the service never recorded). So each new charge files its
order id under `journal:<YYYY-MM-DD>` (a JSON list, append-only so that page offsets stay
stable while a reader pages through it), with the same compare-and-swap as the ledger.
Filing is idempotent: a replayed charge files again and changes nothing, which also
repairs an entry a crash between the charge and its filing left out.
"""

from datetime import date

from payments.models import Charge
from payments.store import LedgerStore, LedgerUnavailableError

_ROUNDS = 20  # concurrent charges of one day race on its key; each round re-reads


def journal_key(day: date) -> str:
    return f"journal:{day.isoformat()}"


class Journal:
    def __init__(self, store: LedgerStore) -> None:
        self._store = store

    async def file(self, charge: Charge) -> None:
        """Add the charge's order id to its day (once); charges without a time are not
        filed (recorded before the journal existed)."""
        if charge.charged_at is None:
            return
        key = journal_key(charge.charged_at.date())
        for _ in range(_ROUNDS):
            found, etag = await self._store.get(key)
            if found is None or etag is None:
                if await self._store.insert(key, {"order_ids": [charge.order_id]}):
                    return
                continue
            order_ids = [str(i) for i in found.get("order_ids", [])]
            if charge.order_id in order_ids:
                return
            value = {"order_ids": [*order_ids, charge.order_id]}
            if await self._store.replace(key, value, etag):
                return
        raise LedgerUnavailableError(f"journal {key} kept conflicting")

    async def page(self, day: date, offset: int, limit: int) -> tuple[list[str], int]:
        """The order ids filed on `day` in [offset, offset + limit), and how many there are."""
        found, _ = await self._store.get(journal_key(day))
        order_ids = [] if found is None else [str(i) for i in found.get("order_ids", [])]
        return order_ids[offset : offset + limit], len(order_ids)
