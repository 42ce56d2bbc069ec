"""The provider's in-memory ledger: at most one charge per order id."""

import asyncio
import uuid

from payments.attempts import AttemptLog
from payments.models import AttemptOutcome, Behaviour, Charge, ChargeRequest


class InjectedFailure(Exception):
    """The behaviour asked for this call to fail (answered with 503)."""


class Ledger:
    """Charges by order id, and the behaviour that decides new ones.

    Kept in memory: restarting the provider forgets its charges, which is what a demo
    provider may do, not what a real one would.
    """

    def __init__(self, attempts: AttemptLog | None = None) -> None:
        self.behaviour = Behaviour()
        self.attempt_log = attempts if attempts is not None else AttemptLog()
        self._charges: dict[str, Charge] = {}
        self._attempts: dict[str, int] = {}
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
        behaviour = self.behaviour
        if behaviour.latency_ms:
            await asyncio.sleep(behaviour.latency_ms / 1000)
        # One lock: two concurrent retries of one order must not both charge.
        async with self._lock:
            attempts = self._attempts.get(request.order_id, 0) + 1
            self._attempts[request.order_id] = attempts
            existing = self._charges.get(request.order_id)
            if existing is not None:
                existing = existing.model_copy(update={"attempts": attempts})
                self._charges[request.order_id] = existing
                return existing, "replayed"
            if self.behaviour.fail_next > 0:
                self.behaviour = self.behaviour.model_copy(
                    update={"fail_next": self.behaviour.fail_next - 1}
                )
                raise InjectedFailure(f"injected failure for order {request.order_id}")
            approved = self.behaviour.mode == "approve"
            charge = Charge(
                order_id=request.order_id,
                amount=request.amount,
                currency=request.currency,
                approved=approved,
                reason="" if approved else "declined by the provider",
                charge_id=f"ch_{uuid.uuid4().hex[:16]}",
                attempts=attempts,
            )
            self._charges[request.order_id] = charge
            return charge, "charged" if approved else "declined"

    def get(self, order_id: str) -> Charge | None:
        return self._charges.get(order_id)

    def charged_total(self) -> int:
        """How many approved charges exist."""
        return sum(1 for charge in self._charges.values() if charge.approved)
