"""Run the benchmarks: `python -m bench [--mode quick|full]` (`make bench`, `make bench-full`).

Starts a fresh local-profile stack plus the bare-SDK workflow baseline on free ports, runs
every scenario with alternating trials, then writes bench/results/latest.json (and a
timestamped copy, git-ignored), a run's headline rows in bench/results/history.csv,
BENCHMARKS.md and bench/charts/*.png.
"""

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
from tqdm import tqdm

from app.bootstrap import configure_sdk
from bench import history, machine
from bench.context import Bar, BenchContext
from bench.footprint import rss_mb
from bench.harness import BenchStack
from bench.modes import MODES, Mode
from bench.plots import write_charts
from bench.report import burst_table, render_markdown
from bench.results import BenchRun
from bench.scenarios import actors, burst, pubsub, state, workflows
from bench.startup import make_run_to_ready
from devstack.progress import say
from devstack.runtime import PROJECT_ROOT

BENCH_DIR = PROJECT_ROOT / "bench"
IDLE_SETTLE_S = 3.0
SCENARIOS: dict[str, Callable[[BenchContext], Awaitable[None]]] = {
    "workflows": workflows.run,
    "actors": actors.run,
    "state": state.run,
    "pubsub": pubsub.run,
    # Last: a 1000-order burst leaves the stack busier than any other scenario does.
    "burst": burst.run,
}


def _bar(total: int, description: str) -> Bar:
    bar: Bar = tqdm(total=total, desc=description, unit="trial", leave=True, file=sys.stderr)
    return bar


async def _scenarios(bench: BenchStack, mode: Mode, run: BenchRun, only: list[str]) -> None:
    stack = bench.stack
    # ActorProxy and the SDK client's start-up check read the SDK's process-wide settings.
    configure_sdk(bench.sdk_settings())
    run_id = uuid.uuid4().hex[:8]
    async with (
        httpx.AsyncClient(
            base_url=stack.app_url, timeout=60, headers=stack.config.api_headers()
        ) as api,
        httpx.AsyncClient(
            base_url=stack.dapr_http_url, timeout=60, headers=stack.config.tokens.headers()
        ) as sidecar,
    ):
        ctx = BenchContext(bench, mode, run, api, sidecar, run_id, bar=_bar)
        for name, scenario in SCENARIOS.items():
            if not only or name in only:
                await scenario(ctx)


def _run(mode: Mode, conditions: list[str], only: list[str]) -> BenchRun:
    began = time.monotonic()
    run = BenchRun(
        context={
            "mode": mode.name,
            "profile": "local",
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine.machine(),
            "versions": machine.versions(),
            "conditions": conditions,
        }
    )
    say(f"==> starting the stack and the baseline ({mode.name} mode)")
    with BenchStack() as bench:
        say(f"  stack ready in {bench.start_s:.1f}s; settling {IDLE_SETTLE_S:.0f}s")
        run.footprint["stack start (Stack.start, s)"] = bench.start_s
        time.sleep(IDLE_SETTLE_S)
        run.footprint["app idle MB"] = rss_mb(bench.stack.app.pid)
        run.footprint["daprd idle MB"] = rss_mb(bench.stack.daprd.pid)
        run.footprint["placement idle MB"] = rss_mb(bench.stack.placement.pid)
        asyncio.run(_scenarios(bench, mode, run, only))
        run.footprint["app after the run MB"] = rss_mb(bench.stack.app.pid)
        run.footprint["daprd after the run MB"] = rss_mb(bench.stack.daprd.pid)
    if mode.measure_make_run and not only:
        say("==> timing warm `make run` to ready")
        with tempfile.TemporaryDirectory(prefix="orderflow-bench-make-run-") as log_dir:
            measured = make_run_to_ready(Path(log_dir))
        if isinstance(measured, float):
            run.footprint["make run to ready, warm (s)"] = measured
        else:
            run.notes.append(f"`make run` to ready: {measured}")
    load = os.getloadavg()
    run.context["machine"]["load average at end (1/5/15 min)"] = " / ".join(
        f"{x:.2f}" for x in load
    )
    run.context["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    run.context["duration_s"] = time.monotonic() - began
    return run


def _write(
    run: BenchRun, results: Path, markdown: Path, charts: Path, merge: list[str] | None = None
) -> None:
    results.mkdir(parents=True, exist_ok=True)
    data = run.to_json()
    document = json.dumps(data, indent=1)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    # The timestamped copy stays on this machine (git-ignored); git keeps latest.json and
    # the headline figures of every run in history.csv.
    (results / f"{stamp}-{run.context['mode']}.json").write_text(document)
    history.append(results / "history.csv", data)
    latest = results / "latest.json"
    if merge and latest.exists():
        # A --only run updates its own scenarios on the published page and leaves the rest
        # of the last full run as it was (with a note saying so).
        base = BenchRun.from_json(json.loads(latest.read_text()))
        run = run.merged_into(base, merge)
        document = json.dumps(run.to_json(), indent=1)
    latest.write_text(document)
    render(run, markdown, charts)


def render(run: BenchRun, markdown: Path, charts: Path) -> None:
    """BENCHMARKS.md and the charts, with bench/analysis.md appended."""
    write_charts(run, charts)
    analysis_file = BENCH_DIR / "analysis.md"
    analysis = analysis_file.read_text() if analysis_file.exists() else ""
    # Both runtime lines side by side (bench/runtimes.py), when both have been measured.
    runtimes_file = BENCH_DIR / "runtimes.md"
    if runtimes_file.exists() and markdown.resolve() == (PROJECT_ROOT / "BENCHMARKS.md"):
        analysis = runtimes_file.read_text() + "\n" + analysis
    markdown.write_text(render_markdown(run, analysis))
    say(f"wrote {markdown} and {charts}/*.png")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--mode", choices=sorted(MODES), default="quick")
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "results")
    parser.add_argument("--markdown", type=Path, default=PROJECT_ROOT / "BENCHMARKS.md")
    parser.add_argument(
        "--conditions",
        action="append",
        default=[],
        help="a note on the run's conditions for the report (e.g. 'machine shared')",
    )
    parser.add_argument(
        "--only", action="append", default=[], choices=sorted(SCENARIOS), help="(repeatable)"
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="with --only: keep the other scenarios of the existing latest.json on the page",
    )
    parser.add_argument("--charts", type=Path, default=BENCH_DIR / "charts")
    parser.add_argument(
        "--render",
        type=Path,
        metavar="RESULTS_JSON",
        help="no run: regenerate BENCHMARKS.md and the charts from a results file",
    )
    args = parser.parse_args()
    if args.render:
        document = json.loads(args.render.read_text())
        render(BenchRun.from_json(document), args.markdown, args.charts)
        return 0
    if args.merge and not args.only:
        parser.error("--merge goes with --only")
    run = _run(MODES[args.mode], args.conditions, args.only)
    _write(run, args.results, args.markdown, args.charts, args.only if args.merge else None)
    for line in render_markdown(run).split("## Targets", 1)[1].split("\n## ", 1)[0].splitlines():
        say(line)
    for line in burst_table(run.bursts) if run.bursts else []:
        say(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
