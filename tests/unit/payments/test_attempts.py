"""The provider's attempt log: what it records on arrival and on completion."""

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from payments.attempts import AttemptLog
from payments.ledger import InjectedFailure, Ledger
from payments.models import Behaviour, ChargeRequest
from tests.unit.payments.memory_store import MemoryLedgerStore


class FakeClock:
    """Monotonic time that moves only when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


WALL = datetime(2026, 1, 1, tzinfo=UTC)


def test_an_attempt_is_recorded_on_arrival_and_finished_with_its_outcome() -> None:
    """arrive() stamps order, number and both clocks; finish() sets outcome and end time."""
    clock = FakeClock()
    log = AttemptLog(monotonic=clock, wall=lambda: WALL)
    seq = log.arrive("o-1")
    (pending,) = log.list()
    assert (pending.seq, pending.order_id, pending.outcome) == (seq, "o-1", "pending")
    assert (pending.arrived_monotonic, pending.arrived_at) == (100.0, WALL)
    clock.now = 100.25
    log.finish(seq, "charged")
    (done,) = log.list()
    assert (done.outcome, done.finished_monotonic, done.arrived_monotonic) == (
        "charged",
        100.25,
        100.0,
    )


def test_attempts_filter_by_order_keep_arrival_order_and_clear() -> None:
    """list(order_id) keeps only that order's attempts, oldest first; clear() forgets all
    and a late finish() of a cleared attempt is ignored."""
    log = AttemptLog()
    first, _, third = log.arrive("a"), log.arrive("b"), log.arrive("a")
    assert [a.seq for a in log.list("a")] == [first, third]
    assert len(log.list()) == 3
    log.clear()
    log.finish(first, "failed")
    assert log.list() == []
    assert log.arrive("a") > third  # numbers keep rising after a clear


def test_the_log_is_bounded_and_drops_the_oldest() -> None:
    """Past max_entries the oldest attempts go first."""
    log = AttemptLog(max_entries=3)
    seqs = [log.arrive(f"o-{i}") for i in range(5)]
    assert [a.seq for a in log.list()] == seqs[2:]


def test_the_ledger_records_each_outcome() -> None:
    """Injected failure, charge, replay and decline each leave one attempt with that outcome,
    and arrival is stamped before the added latency."""
    clock = FakeClock()

    async def scenario() -> None:
        ledger = Ledger(MemoryLedgerStore(), AttemptLog(monotonic=clock))
        ledger.behaviour = Behaviour(fail_next=1)
        request = ChargeRequest(order_id="o-1", amount=Decimal("5"))
        with pytest.raises(InjectedFailure):
            await ledger.charge(request)
        await ledger.charge(request)
        await ledger.charge(request)
        ledger.behaviour = Behaviour(mode="decline", latency_ms=10)
        await ledger.charge(ChargeRequest(order_id="o-2", amount=Decimal("5")))
        outcomes = [(a.order_id, a.outcome) for a in ledger.attempt_log.list()]
        assert outcomes == [
            ("o-1", "failed"),
            ("o-1", "charged"),
            ("o-1", "replayed"),
            ("o-2", "declined"),
        ]

    asyncio.run(scenario())


def test_a_charge_cancelled_in_its_latency_is_recorded_as_cancelled() -> None:
    """A request abandoned while waiting out the latency is not left pending."""

    async def scenario() -> None:
        ledger = Ledger(MemoryLedgerStore())
        ledger.behaviour = Behaviour(latency_ms=10_000)
        task = asyncio.create_task(ledger.charge(ChargeRequest(order_id="o", amount=1)))
        await asyncio.sleep(0.01)
        assert [a.outcome for a in ledger.attempt_log.list()] == ["pending"]
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert [a.outcome for a in ledger.attempt_log.list()] == ["cancelled"]
        assert await ledger.get("o") is None

    asyncio.run(scenario())
