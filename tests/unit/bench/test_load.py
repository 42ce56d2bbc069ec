"""The closed-loop load generator, its call-by-call interleaved form, and the rotation of
variants across rounds."""

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from bench.load import closed_loop, interleaved, rotations


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


def test_interleaved_runs_every_variant_once_per_index_in_rotated_order() -> None:
    """Each index runs each variant exactly once; a worker runs them back to back, the
    starting variant rotating with the index; every variant gets a latency per call and
    the common wall time."""
    calls: list[tuple[str, int]] = []

    def variant(name: str) -> Callable[[int, int], Awaitable[None]]:
        async def run(slot: int, index: int) -> None:
            calls.append((name, index))
            await asyncio.sleep(0)

        return run

    trials = asyncio.run(
        interleaved({"a": variant("a"), "b": variant("b"), "c": variant("c")}, 1, 4, 10)
    )
    assert calls == [
        ("b", 10), ("c", 10), ("a", 10),
        ("c", 11), ("a", 11), ("b", 11),
        ("a", 12), ("b", 12), ("c", 12),
        ("b", 13), ("c", 13), ("a", 13),
    ]  # fmt: skip
    assert {name: len(trial.latencies_s) for name, trial in trials.items()} == {
        "a": 4,
        "b": 4,
        "c": 4,
    }
    assert len({trial.wall_s for trial in trials.values()}) == 1


def test_interleaved_refuses_empty_work() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        asyncio.run(interleaved({}, 1, 1))
