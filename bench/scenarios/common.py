"""Run a scenario's variants in alternating rounds and record each as a Series."""

from collections.abc import Mapping

from bench.context import BenchContext
from bench.load import Operation, closed_loop, interleaved, rotations
from bench.results import Series
from bench.stats import TrialStats


async def alternate(
    ctx: BenchContext,
    scenario: str,
    variants: Mapping[str, Operation],
    *,
    concurrency: int,
    total: int,
    rounds: int,
    steps: Mapping[str, int] | None = None,
) -> dict[str, Series]:
    """Each round runs one trial of every variant, back to back (order rotated per round),
    so the i-th trials of two variants are an adjacent pair on the same stack."""
    series = {
        name: Series(scenario, name, concurrency, steps=(steps or {}).get(name, 1))
        for name in variants
    }
    bar = ctx.bar(rounds * len(variants), f"{scenario} c={concurrency}")
    try:
        for order in rotations(list(variants), rounds):
            for name in order:
                first = ctx.indices.take(total)
                trial = await closed_loop(variants[name], concurrency, total, first)
                series[name].add(TrialStats.of(trial.latencies_s, trial.wall_s), trial.latencies_s)
                bar.update()
    finally:
        bar.close()
    ctx.run.series.extend(series.values())
    return series


async def interleave(
    ctx: BenchContext,
    scenario: str,
    variants: Mapping[str, Operation],
    *,
    concurrency: int,
    total: int,
    rounds: int,
) -> dict[str, Series]:
    """For operations so short that drift on the machine between two trials outweighs
    the difference being measured: each round is one trial in which every worker runs
    the variants call by call, in turn (`bench.load.interleaved`), so the i-th trials of
    two variants cover the same stretch of time."""
    series = {name: Series(scenario, name, concurrency) for name in variants}
    bar = ctx.bar(rounds, f"{scenario} c={concurrency}")
    try:
        for _ in range(rounds):
            first = ctx.indices.take(total)
            trials = await interleaved(variants, concurrency, total, first)
            for name, trial in trials.items():
                series[name].add(TrialStats.of(trial.latencies_s, trial.wall_s), trial.latencies_s)
            bar.update()
    finally:
        bar.close()
    ctx.run.series.extend(series.values())
    return series


async def warm_up(
    ctx: BenchContext, variants: Mapping[str, Operation], concurrency: int, total: int
) -> None:
    """Untimed: first calls open connections, activate actors, load code."""
    for operation in variants.values():
        await closed_loop(operation, concurrency, total, ctx.indices.take(total))
