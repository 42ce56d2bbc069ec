"""The payment provider's ledger over an in-memory store with the state API's rules."""

import asyncio
from decimal import Decimal

import pytest

from payments.ledger import InjectedFailure, Ledger, NotRefundableError, UnknownChargeError
from payments.models import Behaviour, ChargeRequest, RefundRequest
from tests.unit.payments.memory_store import MemoryLedgerStore

REQUEST = ChargeRequest(order_id="o-1", amount=Decimal("10"))


def test_one_charge_per_order_id_even_when_retried_concurrently() -> None:
    """Ten concurrent charges of one order give one charge id and count ten attempts."""

    async def scenario() -> set[str]:
        ledger = Ledger(MemoryLedgerStore())
        charges = await asyncio.gather(*(ledger.charge(REQUEST) for _ in range(10)))
        final = await ledger.get("o-1")
        assert final is not None
        assert final.attempts == 10
        return {charge.charge_id for charge in charges}

    assert len(asyncio.run(scenario())) == 1


def test_failures_scoped_to_one_order_spare_every_other_order() -> None:
    """With `fail_order_id`, another order's charge in flight is charged and leaves the
    injected failures to that order."""

    async def scenario() -> None:
        ledger = Ledger(MemoryLedgerStore())
        ledger.behaviour = Behaviour(fail_next=1, fail_order_id="o-1")
        other = ChargeRequest(order_id="o-2", amount=Decimal("1"))
        assert (await ledger.charge(other)).approved
        with pytest.raises(InjectedFailure):
            await ledger.charge(REQUEST)
        assert (await ledger.charge(REQUEST)).attempts == 2

    asyncio.run(scenario())


def test_fail_next_then_charge_and_decline_is_remembered() -> None:
    """`fail_next=2` fails twice then charges (three attempts); a declined order stays
    declined when the provider approves again."""

    async def scenario() -> None:
        ledger = Ledger(MemoryLedgerStore())
        ledger.behaviour = Behaviour(fail_next=2)
        for _ in range(2):
            with pytest.raises(InjectedFailure):
                await ledger.charge(REQUEST)
        charged = await ledger.charge(REQUEST)
        assert charged.approved
        assert charged.attempts == 3
        ledger.behaviour = Behaviour(mode="decline")
        other = ChargeRequest(order_id="o-2", amount=Decimal("1"))
        assert not (await ledger.charge(other)).approved
        ledger.behaviour = Behaviour()
        assert not (await ledger.charge(other)).approved

    asyncio.run(scenario())


def test_a_restarted_provider_replays_the_charge_from_its_store() -> None:
    """A new Ledger over the same store (a restarted provider) returns the first charge."""

    async def scenario() -> None:
        store = MemoryLedgerStore()
        first = await Ledger(store).charge(REQUEST)
        again = await Ledger(store).charge(REQUEST)
        assert again.charge_id == first.charge_id
        assert again.attempts == 2

    asyncio.run(scenario())


def test_a_refund_twice_refunds_once() -> None:
    """The second refund of a charge returns the first (same id), counting the attempt,
    also from a restarted provider."""

    async def scenario() -> None:
        store = MemoryLedgerStore()
        ledger = Ledger(store)
        charge = await ledger.charge(REQUEST)
        first = await ledger.refund(RefundRequest(charge_id=charge.charge_id, reason="cancel"))
        second = await Ledger(store).refund(RefundRequest(charge_id=charge.charge_id))
        assert second.refund_id == first.refund_id
        assert (first.order_id, first.amount, first.reason) == ("o-1", Decimal("10"), "cancel")
        assert second.attempts == 2
        assert [key for key in store.values if key.startswith("refund:")] == [
            f"refund:{charge.charge_id}"
        ]

    asyncio.run(scenario())


def test_refunding_an_unknown_or_declined_charge_is_refused() -> None:
    """An unknown charge id: UnknownChargeError (404); a declined charge: NotRefundableError
    (409). Neither leaves a refund."""

    async def scenario() -> None:
        store = MemoryLedgerStore()
        ledger = Ledger(store)
        with pytest.raises(UnknownChargeError):
            await ledger.refund(RefundRequest(charge_id="ch_nope"))
        ledger.behaviour = Behaviour(mode="decline")
        declined = await ledger.charge(REQUEST)
        with pytest.raises(NotRefundableError):
            await ledger.refund(RefundRequest(charge_id=declined.charge_id))
        assert not [key for key in store.values if key.startswith("refund:")]

    asyncio.run(scenario())


def test_fail_next_refunds_fails_that_many_refunds_then_refunds() -> None:
    """The refund fault switch: 503s first, then one refund; charges are not affected."""

    async def scenario() -> None:
        ledger = Ledger(MemoryLedgerStore())
        ledger.behaviour = Behaviour(fail_next_refunds=2)
        charge = await ledger.charge(REQUEST)
        for _ in range(2):
            with pytest.raises(InjectedFailure):
                await ledger.refund(RefundRequest(charge_id=charge.charge_id))
        refund = await ledger.refund(RefundRequest(charge_id=charge.charge_id))
        assert refund.attempts == 1
        assert await ledger.get_refund(charge.charge_id) == refund

    asyncio.run(scenario())


def test_a_lost_compare_and_swap_reads_again() -> None:
    """A charge written by another provider between our read and our insert is replayed,
    not overwritten (first-write)."""

    class RacedStore(MemoryLedgerStore):
        async def insert(self, key: str, value: dict[str, object]) -> bool:
            if key == "charge:o-1" and key not in self.values:
                await super().insert(key, {**value, "charge_id": "ch_other"})
            return await super().insert(key, value)

    async def scenario() -> None:
        store = RacedStore()
        charge = await Ledger(store).charge(REQUEST)
        assert charge.charge_id == "ch_other"
        assert charge.attempts == 2

    asyncio.run(scenario())
