"""The closed-loop load generator and the rotation of variants across rounds."""

import asyncio

import pytest

from bench.load import closed_loop, rotations


def test_closed_loop_runs_each_index_once_with_bounded_concurrency() -> None:
    """Every index 0..total-1 runs exactly once, never more than `concurrency` at a time,
    and each slot number stays below the concurrency."""
    seen: list[int] = []
    slots: set[int] = set()
    in_flight = 0
    most = 0

    async def operation(slot: int, index: int) -> None:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        slots.add(slot)
        await asyncio.sleep(0.001)
        seen.append(index)
        in_flight -= 1

    trial = asyncio.run(closed_loop(operation, concurrency=4, total=25))
    assert sorted(seen) == list(range(25))
    assert most == 4
    assert slots == {0, 1, 2, 3}
    assert len(trial.latencies_s) == 25
    assert trial.wall_s >= max(trial.latencies_s)


def test_closed_loop_refuses_empty_work() -> None:
    """Zero workers or zero operations is a mistake in the caller."""
    with pytest.raises(ValueError, match="at least 1"):
        asyncio.run(closed_loop(lambda slot, index: asyncio.sleep(0), 0, 1))


def test_rotations_alternate_who_goes_first() -> None:
    """Two variants alternate A B, B A, ...; three rotate; each round holds all of them."""
    assert rotations(["a", "b"], 4) == [["a", "b"], ["b", "a"], ["a", "b"], ["b", "a"]]
    assert rotations(["a", "b", "c"], 3) == [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]]
