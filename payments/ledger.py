"""The provider's ledger: at most one charge per order id, at most one refund per charge.

Kept in the provider's own state store (payments/store.py), so a restart of the provider
or of its sidecar forgets nothing: a retried charge is replayed, a retried refund too.
Keys: `charge:<order id>` (the charge), `charge-id:<charge id>` (which order it belongs
to, for refunds by charge id), `refund:<charge id>` (the refund). The behaviour switches
and the attempt log stay in memory: they are for tests and demos, not records.
"""

import asyncio
import uuid
from collections import Counter
from datetime import UTC, date, datetime

from payments.attempts import AttemptLog
from payments.journal import Journal
from payments.models import (
    AttemptOutcome,
    Behaviour,
    Charge,
    ChargeRequest,
    LedgerDay,
    LedgerEntry,
    Refund,
    RefundRequest,
)
from payments.store import LedgerStore, LedgerUnavailableError

# A compare-and-swap that keeps losing means another writer is busy on the key; this many
# rounds is plenty for one process (its lock) plus a restarted twin.
_CONFLICT_ROUNDS = 5


class InjectedFailure(Exception):
    """The behaviour asked for this call to fail (answered with 503)."""


class UnknownChargeError(LookupError):
    """No charge has this id (answered with 404)."""


class NotRefundableError(Exception):
    """The charge was declined: no money was taken, so none goes back (answered with 409)."""


class Ledger:
    """Charges by order id and refunds by charge id, and the behaviour that decides new ones."""

    def __init__(self, store: LedgerStore, attempts: AttemptLog | None = None) -> None:
        self.behaviour = Behaviour()
        self.attempt_log = attempts if attempts is not None else AttemptLog()
        self._store = store
        self._journal = Journal(store)
        self._failed: Counter[str] = Counter()  # injected failures before an order's charge
        # One lock: two concurrent retries in this process queue instead of racing on the
        # store's compare-and-swap (which still decides across processes).
        self._lock = asyncio.Lock()

    async def charge(self, request: ChargeRequest) -> Charge:
        """Charge, recording the request in the attempt log on arrival and its outcome."""
        seq = self.attempt_log.arrive(request.order_id)
        outcome: AttemptOutcome = "cancelled"
        try:
            charge, outcome = await self._charge(request)
        except InjectedFailure:
            outcome = "failed"
            raise
        finally:
            self.attempt_log.finish(seq, outcome)
        return charge

    async def _charge(self, request: ChargeRequest) -> tuple[Charge, AttemptOutcome]:
        if self.behaviour.latency_ms:
            await asyncio.sleep(self.behaviour.latency_ms / 1000)
        key = _charge_key(request.order_id)
        async with self._lock:
            for _ in range(_CONFLICT_ROUNDS):
                found, etag = await self._store.get(key)
                if found is not None and etag is not None:
                    charge = Charge.model_validate(found)
                    charge = charge.model_copy(update={"attempts": charge.attempts + 1})
                    if await self._store.replace(key, charge.model_dump(mode="json"), etag):
                        await self._index(charge)  # repairs an index a crash left unwritten
                        return charge, "replayed"
                    continue
                if self.behaviour.fail_next > 0 and self.behaviour.fail_order_id in (
                    None,
                    request.order_id,
                ):
                    self._spend_failure("fail_next")
                    self._failed[request.order_id] += 1
                    raise InjectedFailure(f"injected failure for order {request.order_id}")
                charge = self._new_charge(request)
                if await self._store.insert(key, charge.model_dump(mode="json")):
                    self._failed.pop(request.order_id, None)
                    await self._index(charge)
                    return charge, "charged" if charge.approved else "declined"
        raise LedgerUnavailableError(f"charge of order {request.order_id} kept conflicting")

    def _new_charge(self, request: ChargeRequest) -> Charge:
        approved = self.behaviour.mode == "approve"
        return Charge(
            order_id=request.order_id,
            amount=request.amount,
            currency=request.currency,
            approved=approved,
            reason="" if approved else "declined by the provider",
            charge_id=f"ch_{uuid.uuid4().hex[:16]}",
            attempts=self._failed[request.order_id] + 1,
            charged_at=datetime.now(UTC),
        )

    async def _index(self, charge: Charge) -> None:
        # Written before the caller hears of the charge id, so a refund by it finds it.
        await self._store.put(_charge_id_key(charge.charge_id), {"order_id": charge.order_id})
        await self._journal.file(charge)

    async def refund(self, request: RefundRequest) -> Refund:
        """Refund the charge once; a repeat returns the first refund with its attempts
        counted. UnknownChargeError, NotRefundableError, InjectedFailure."""
        if self.behaviour.latency_ms:
            await asyncio.sleep(self.behaviour.latency_ms / 1000)
        key = _refund_key(request.charge_id)
        async with self._lock:
            for _ in range(_CONFLICT_ROUNDS):
                found, etag = await self._store.get(key)
                if found is not None and etag is not None:
                    refund = Refund.model_validate(found)
                    refund = refund.model_copy(update={"attempts": refund.attempts + 1})
                    if await self._store.replace(key, refund.model_dump(mode="json"), etag):
                        return refund
                    continue
                charge = await self.charge_by_id(request.charge_id)
                if charge is None:
                    raise UnknownChargeError(f"no charge {request.charge_id}")
                if not charge.approved:
                    raise NotRefundableError(f"charge {request.charge_id} was declined")
                if self.behaviour.fail_next_refunds > 0:
                    self._spend_failure("fail_next_refunds")
                    raise InjectedFailure(f"injected failure for refund of {request.charge_id}")
                refund = Refund(
                    refund_id=f"rf_{uuid.uuid4().hex[:16]}",
                    charge_id=charge.charge_id,
                    order_id=charge.order_id,
                    amount=charge.amount,
                    currency=charge.currency,
                    reason=request.reason,
                )
                if await self._store.insert(key, refund.model_dump(mode="json")):
                    return refund
        raise LedgerUnavailableError(f"refund of {request.charge_id} kept conflicting")

    def _spend_failure(self, switch: str) -> None:
        count: int = getattr(self.behaviour, switch)
        self.behaviour = self.behaviour.model_copy(update={switch: count - 1})

    async def get(self, order_id: str) -> Charge | None:
        found, _ = await self._store.get(_charge_key(order_id))
        return None if found is None else Charge.model_validate(found)

    async def charge_by_id(self, charge_id: str) -> Charge | None:
        pointer, _ = await self._store.get(_charge_id_key(charge_id))
        if pointer is None:
            return None
        charge = await self.get(str(pointer["order_id"]))
        return charge if charge is not None and charge.charge_id == charge_id else None

    async def get_refund(self, charge_id: str) -> Refund | None:
        found, _ = await self._store.get(_refund_key(charge_id))
        return None if found is None else Refund.model_validate(found)

    async def day(self, day: date, offset: int, limit: int) -> LedgerDay:
        """A page of the charges first decided on `day` (UTC), each with its refund."""
        order_ids, total = await self._journal.page(day, offset, limit)
        entries = await self.entries(order_ids)
        return LedgerDay(day=day, total=total, offset=offset, entries=entries)

    async def entries(self, order_ids: list[str]) -> list[LedgerEntry]:
        """The charges of these orders with their refunds; orders never charged are left out."""
        charges = [c for c in await asyncio.gather(*map(self.get, order_ids)) if c is not None]
        refunds = await asyncio.gather(*(self.get_refund(c.charge_id) for c in charges))
        return [LedgerEntry(charge=c, refund=r) for c, r in zip(charges, refunds, strict=True)]


def _charge_key(order_id: str) -> str:
    return f"charge:{order_id}"


def _charge_id_key(charge_id: str) -> str:
    return f"charge-id:{charge_id}"


def _refund_key(charge_id: str) -> str:
    return f"refund:{charge_id}"
