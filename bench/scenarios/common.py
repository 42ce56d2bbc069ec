"""Run a scenario's variants in alternating rounds and record each as a Series."""

from collections.abc import Mapping

from bench.context import BenchContext
from bench.load import Operation, closed_loop, interleaved, rotations
from bench.results import Comparison, Series
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
    call_by_call: bool = False,
) -> dict[str, Series]:
    """Each round runs one trial of every variant, back to back (order rotated per round),
    so the i-th trials of two variants are an adjacent pair on the same stack.

    `call_by_call`, for operations so short that drift on the machine between two trials
    outweighs the difference being measured: each round is one trial in which every
    worker runs the variants in turn, call by call (`bench.load.interleaved`), so the
    i-th trials of two variants cover the same stretch of time."""
    series = {
        name: Series(scenario, name, concurrency, steps=(steps or {}).get(name, 1))
        for name in variants
    }
    bar = ctx.bar(rounds if call_by_call else rounds * len(variants), f"{scenario} c={concurrency}")
    try:
        for order in rotations(list(variants), rounds):
            if call_by_call:
                trials = await interleaved(variants, concurrency, total, ctx.indices.take(total))
            else:
                trials = {}
                for name in order:
                    first = ctx.indices.take(total)
                    trials[name] = await closed_loop(variants[name], concurrency, total, first)
                    bar.update()
            for name, trial in trials.items():
                series[name].add(TrialStats.of(trial.latencies_s, trial.wall_s), trial.latencies_s)
            if call_by_call:
                bar.update()
    finally:
        bar.close()
    ctx.run.series.extend(series.values())
    return series


def compare_p50(
    ctx: BenchContext,
    series: Mapping[str, Series],
    subject: str,
    baseline: str,
    *,
    scenario: str,
    label: str,
    target: float | None = None,
) -> None:
    """Record the median, over paired trials, of subject's p50 over baseline's."""
    ctx.run.comparisons.append(
        Comparison.between(
            [trial.p50_s for trial in series[subject].trials],
            [trial.p50_s for trial in series[baseline].trials],
            scenario=scenario,
            label=f"{label}: {subject} over {baseline}",
            concurrency=series[subject].concurrency,
            metric="p50 latency",
            target=target,
        )
    )


async def warm_up(
    ctx: BenchContext, variants: Mapping[str, Operation], concurrency: int, total: int
) -> None:
    """Untimed: first calls open connections, activate actors, load code."""
    for operation in variants.values():
        await closed_loop(operation, concurrency, total, ctx.indices.take(total))
