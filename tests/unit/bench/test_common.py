"""Recording a scenario's variants as Series: whole trials in turn, or call by call."""

import asyncio
from typing import Any, cast

from bench.context import BenchContext
from bench.modes import QUICK
from bench.results import BenchRun
from bench.scenarios.common import alternate


def _context() -> BenchContext:
    # No stack: the operations below are local coroutines.
    return BenchContext(
        bench=cast(Any, None),
        mode=QUICK,
        run=BenchRun(context={}),
        api=cast(Any, None),
        sidecar=cast(Any, None),
        run_id="unit",
    )


def test_each_round_gives_every_variant_one_trial_either_way() -> None:
    """Whole trials or call by call, each variant ends with `rounds` trials of `total`
    operations, every operation index is used once per variant, and the series are
    recorded on the run."""
    for call_by_call in (False, True):
        ctx = _context()
        seen: dict[str, list[int]] = {"a": [], "b": []}

        def variant(indices: list[int]) -> Any:
            async def run(slot: int, index: int) -> None:
                indices.append(index)
                await asyncio.sleep(0)

            return run

        series = asyncio.run(
            alternate(
                ctx,
                "unit",
                {"a": variant(seen["a"]), "b": variant(seen["b"])},
                concurrency=2,
                total=5,
                rounds=3,
                call_by_call=call_by_call,
            )
        )
        assert [len(s.trials) for s in series.values()] == [3, 3]
        assert all(trial.count == 5 for s in series.values() for trial in s.trials)
        assert all(len(set(indices)) == 15 for indices in seen.values())
        assert ctx.run.series == list(series.values())
