"""CoalescedAdds: concurrent additions to one index key become a few writes, each caller
returns once its id is written, and a failed write fails exactly its own batch."""

import asyncio

import pytest

from app.records.workflow_index import CoalescedAdds


def test_a_burst_of_additions_is_written_in_a_few_batches_holding_every_id() -> None:
    """200 concurrent adds: every id written once, in far fewer writes than adds."""
    batches: list[list[str]] = []

    async def write(ids: list[str]) -> None:
        await asyncio.sleep(0.01)  # a state-store round trip
        batches.append(ids)

    async def burst() -> None:
        adds = CoalescedAdds(write)
        await asyncio.gather(*(adds.add(f"o-{n}") for n in range(200)))

    asyncio.run(burst())
    written = [i for batch in batches for i in batch]
    assert sorted(written) == sorted(f"o-{n}" for n in range(200))
    assert len(batches) <= 3


def test_a_failed_write_fails_its_callers_and_the_next_batch_still_goes() -> None:
    """The error reaches the callers whose ids it held; later adds are written."""
    calls: list[list[str]] = []

    async def write(ids: list[str]) -> None:
        calls.append(ids)
        if len(calls) == 1:
            raise RuntimeError("store down")

    async def two_rounds() -> None:
        adds = CoalescedAdds(write)
        with pytest.raises(RuntimeError, match="store down"):
            await adds.add("first")
        await adds.add("second")

    asyncio.run(two_rounds())
    assert calls == [["first"], ["second"]]
