"""Closed-loop load: `concurrency` workers each run one operation after another until
`total` operations are done; every operation's latency and the trial's wall time."""

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

# An operation gets its worker's slot (0..concurrency-1) and a run-unique index.
Operation = Callable[[int, int], Awaitable[None]]


class IndexBlocks:
    """Hands out disjoint index ranges, one per trial, for a whole run."""

    def __init__(self) -> None:
        self._next = 0

    def take(self, size: int) -> int:
        first, self._next = self._next, self._next + size
        return first


@dataclass(frozen=True)
class Trial:
    latencies_s: list[float]
    wall_s: float


async def closed_loop(
    operation: Operation, concurrency: int, total: int, first_index: int = 0
) -> Trial:
    """Indices run from `first_index`; give each trial its own range when an operation
    names things after its index (order ids, instance ids)."""
    if concurrency < 1 or total < 1:
        raise ValueError("concurrency and total must be at least 1")
    counter = itertools.count(first_index)
    end = first_index + total
    latencies: list[float] = []

    async def worker(slot: int) -> None:
        while (index := next(counter)) < end:
            began = time.perf_counter()
            await operation(slot, index)
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(worker(slot) for slot in range(min(concurrency, total))))
    return Trial(latencies, time.perf_counter() - began)


async def interleaved(
    operations: Mapping[str, Operation], concurrency: int, total: int, first_index: int = 0
) -> dict[str, Trial]:
    """Closed-loop load in which each worker, for each index, runs every operation once
    in turn, the order rotated index by index: the operations' latencies are taken over
    the same stretch of time, call by call. Each operation's Trial has the common wall
    time (all of them ran throughout)."""
    if concurrency < 1 or total < 1 or not operations:
        raise ValueError("concurrency, total and the operations must be at least 1")
    names = list(operations)
    counter = itertools.count(first_index)
    end = first_index + total
    latencies: dict[str, list[float]] = {name: [] for name in names}

    async def worker(slot: int) -> None:
        while (index := next(counter)) < end:
            start = index % len(names)
            for name in names[start:] + names[:start]:
                began = time.perf_counter()
                await operations[name](slot, index)
                latencies[name].append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(worker(slot) for slot in range(min(concurrency, total))))
    wall_s = time.perf_counter() - began
    return {name: Trial(latencies[name], wall_s) for name in names}


def rotations(variants: Sequence[str], rounds: int) -> list[list[str]]:
    """The order of the variants in each round, rotated by one every round (A B, B A, ...)
    so that no variant always runs first, while each round's trials stay adjacent."""
    count = len(variants)
    return [[variants[(start + k) % count] for k in range(count)] for start in range(rounds)]
