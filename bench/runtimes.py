"""The same bench on both Dapr lines, side by side: a section of BENCHMARKS.md.

    python -m bench.runtimes

Reads the 1.14 run (bench/results/latest.json), the 1.18 run
(bench/results/dapr-1.18/latest.json) and, where measured, each line's state operations
per order (bench/results/state-ops-<line>.json, `python -m bench.state_ops --out ...`);
writes bench/runtimes.md, which BENCHMARKS.md carries after the 1.14 report, and renders
BENCHMARKS.md again. `make bench` and `make bench DAPR=1.18` run it after their run.
"""

import json
import sys
from pathlib import Path
from typing import Any

from bench.results import BenchRun
from devstack.progress import say
from devstack.runtime import PROJECT_ROOT

BENCH_DIR = PROJECT_ROOT / "bench"
RESULTS = BENCH_DIR / "results"
RUNS = {"1.14": RESULTS / "latest.json", "1.18": RESULTS / "dapr-1.18" / "latest.json"}
SECTION = BENCH_DIR / "runtimes.md"
ORDER_VARIANT = "order_fulfillment via HTTP API"


def _load(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text()) if path.exists() else None


def _order_series(run: dict[str, Any], concurrency: int) -> dict[str, Any] | None:
    for entry in run["series"]:
        if entry["variant"] == ORDER_VARIANT and entry["concurrency"] == concurrency:
            return dict(entry)
    return None


def _median(entry: dict[str, Any] | None, key: str, scale: float = 1.0) -> str:
    if entry is None:
        return "-"
    return f"{entry['summary'][key]['median'] * scale:.1f}"


def _rows(runs: dict[str, dict[str, Any]]) -> list[tuple[str, ...]]:
    lines = list(runs)
    rows: list[tuple[str, ...]] = []
    for concurrency in (1, 10, 50):
        series = {line: _order_series(runs[line], concurrency) for line in lines}
        rows.append(
            (f"orders/s, c={concurrency}", *(_median(series[n], "per_second") for n in lines))
        )
        for key, label in (("p50_s", "p50"), ("p99_s", "p99")):
            rows.append(
                (
                    f"{label} ms, c={concurrency}",
                    *(_median(series[n], key, 1000.0) for n in lines),
                )
            )
    steps = {n: (_order_series(runs[n], 1) or {}).get("steps", 0) for n in lines}
    for who, key in (("app", "app"), ("daprd", "app's daprd")):
        name = f"CPU ms per workflow step: {key}"
        rows.append(
            (
                f"CPU ms per order: {who} ({'/'.join(str(steps[n]) for n in lines)} steps)",
                *(_per_order(runs[n]["footprint"].get(name), steps[n]) for n in lines),
            )
        )
    for label, key in (
        ("app RSS peak MB at 50 orders in flight", "app peak MB at 50 workflows in flight"),
        ("daprd RSS peak MB at 50 orders in flight", "daprd peak MB at 50 workflows in flight"),
        ("app RSS idle MB", "app idle MB"),
        ("daprd RSS idle MB", "daprd idle MB"),
    ):
        rows.append((label, *(_number(runs[n]["footprint"].get(key)) for n in lines)))
    for size in (200,):
        rows.append(
            (f"burst of {size}: seconds to all terminal", *(_burst(runs[n], size) for n in lines))
        )
    return rows


def _per_order(per_step: float | None, steps: int) -> str:
    return "-" if per_step is None or not steps else f"{per_step * steps:.0f}"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _burst(run: dict[str, Any], size: int) -> str:
    for burst in run.get("bursts", []):
        if burst["variant"].startswith("Orderflow") and burst["orders"] == size:
            return f"{burst['elapsed_s']:.1f}"
    return "-"


def _state_ops(line: str) -> str:
    measured = _load(RESULTS / f"state-ops-{line}.json")
    if measured is None:
        return "-"
    counts = [v for k, v in measured["per_order"].items() if k.startswith("dapr_resiliency")]
    return f"{max(counts):.0f}" if counts else "-"


def section(runs: dict[str, dict[str, Any]]) -> str:
    versions = {n: runs[n]["context"]["versions"].get("daprd", "?") for n in runs}
    started = {n: runs[n]["context"]["started"] for n in runs}
    head = ["what", *(f"Dapr {versions[n]}" for n in runs)]
    rows = [*_rows(runs), ("state-store operations per order", *(_state_ops(n) for n in runs))]
    table = ["| " + " | ".join(head) + " |", "|---" + "|---:" * len(runs) + "|"]
    table += ["| " + " | ".join(row) + " |" for row in rows]
    runs_line = "; ".join(
        f"{versions[n]}: `make bench{'' if n == '1.14' else ' DAPR=' + n}` at {started[n]}"
        for n in runs
    )
    return "\n".join(
        [
            "## Dapr 1.14 and 1.18 side by side",
            "",
            f"The same quick bench on each runtime line ({runs_line}), medians over trials;",
            "CPU per order is CPU per workflow step times the order's steps; state-store",
            "operations per order from `python -m bench.state_ops` (daprd's resiliency",
            "activations on `statestore`, docs/runtimes.md). 1.18 run: bench/results/dapr-1.18/.",
            "On 1.18 part of the engine's work moves to the scheduler process (timers and",
            "reminders), whose CPU and RSS are not in these figures.",
            "",
            *table,
            "",
        ]
    )


def main() -> int:
    runs = {line: run for line, path in RUNS.items() if (run := _load(path)) is not None}
    if len(runs) < 2:
        say(f"bench.runtimes: need both runs ({', '.join(map(str, RUNS.values()))})")
        return 0
    SECTION.write_text(section(runs))
    from bench.__main__ import render  # late: bench.__main__ imports the scenarios

    render(BenchRun.from_json(runs["1.14"]), PROJECT_ROOT / "BENCHMARKS.md", BENCH_DIR / "charts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
