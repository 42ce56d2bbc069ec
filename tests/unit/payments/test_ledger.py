"""The payment provider's ledger, without a sidecar."""

import asyncio
from decimal import Decimal

import pytest

from payments.ledger import InjectedFailure, Ledger
from payments.models import Behaviour, ChargeRequest

REQUEST = ChargeRequest(order_id="o-1", amount=Decimal("10"))


def test_one_charge_per_order_id_even_when_retried_concurrently() -> None:
    """Ten concurrent charges of one order give one charge id and count ten attempts."""

    async def scenario() -> set[str]:
        ledger = Ledger()
        charges = await asyncio.gather(*(ledger.charge(REQUEST) for _ in range(10)))
        final = ledger.get("o-1")
        assert final is not None
        assert final.attempts == 10
        return {charge.charge_id for charge in charges}

    assert len(asyncio.run(scenario())) == 1


def test_fail_next_then_charge_and_decline_is_remembered() -> None:
    """`fail_next=2` fails twice then charges; a declined order stays declined."""

    async def scenario() -> None:
        ledger = Ledger()
        ledger.behaviour = Behaviour(fail_next=2)
        for _ in range(2):
            with pytest.raises(InjectedFailure):
                await ledger.charge(REQUEST)
        assert (await ledger.charge(REQUEST)).approved
        ledger.behaviour = Behaviour(mode="decline")
        other = ChargeRequest(order_id="o-2", amount=Decimal("1"))
        assert not (await ledger.charge(other)).approved
        ledger.behaviour = Behaviour()
        assert not (await ledger.charge(other)).approved
        assert ledger.charged_total() == 1

    asyncio.run(scenario())
