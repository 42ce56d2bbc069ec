"""BENCHMARKS.md from a run: the targets first, then each scenario's table, the
comparisons, the footprint, charts, and the hand-written analysis (bench/analysis.md)."""

from collections.abc import Iterable
from dataclasses import dataclass

from bench.results import BenchRun, BurstRow, Comparison, Series
from bench.stats import Spread

APP_RSS_LIMIT_MB = 250.0
CHARTS = (
    ("Workflows: throughput against concurrency", "charts/workflow_throughput.png"),
    ("Workflows: end-to-end latency distribution", "charts/workflow_latency.png"),
    ("Actors and state: latency distribution at concurrency 1", "charts/call_latency.png"),
)


@dataclass(frozen=True)
class TargetRow:
    target: str
    measured: str
    met: bool | None


def spread_text(spread: Spread, scale: float = 1.0, digits: int = 2) -> str:
    """`median [low-high]` (the spread over trials), scaled (e.g. 1000 for ms)."""
    return (
        f"{spread.median * scale:.{digits}f} "
        f"[{spread.low * scale:.{digits}f}-{spread.high * scale:.{digits}f}]"
    )


def _met_text(met: bool | None) -> str:
    return {True: "yes", False: "**no**", None: "-"}[met]


def _worst(comparisons: Iterable[Comparison]) -> Comparison | None:
    return max(comparisons, key=lambda c: c.ratio.median, default=None)


def target_rows(run: BenchRun) -> list[TargetRow]:
    """Each target against its worst measured case (all concurrencies, all operations)."""
    rows = []
    checks = (
        ("state", "p50 latency", "State layer over the raw SDK, p50: at most 1.10x"),
        ("actors", "p50 latency", "Actor call, HTTP API over ActorProxy, p50: at most 1.5x"),
        ("workflows", "cost per step", "Workflow cost per step, order over bare: at most 1.2x"),
    )
    for scenario, metric, title in checks:
        targeted = [
            c
            for c in run.comparisons
            if c.scenario == scenario and c.metric == metric and c.target is not None
        ]
        worst = _worst(targeted)
        if worst is None:
            rows.append(TargetRow(title, "not measured", None))
            continue
        measured = (
            f"worst {worst.ratio.median:.2f}x ({worst.label}, c={worst.concurrency}); "
            f"best {min(c.ratio.median for c in targeted):.2f}x"
        )
        rows.append(TargetRow(title, measured, all(c.met for c in targeted)))
    peak = [value for key, value in run.footprint.items() if key.startswith("app peak MB")]
    rows.append(
        TargetRow(
            f"App RSS under the 50-concurrency workflow load: at most {APP_RSS_LIMIT_MB:.0f} MB",
            f"{peak[0]:.0f} MB peak" if peak else "not measured",
            (peak[0] <= APP_RSS_LIMIT_MB) if peak else None,
        )
    )
    return rows


def _series_table(series: list[Series]) -> list[str]:
    steps = any(s.steps > 1 for s in series)
    head = "| variant | concurrency | per second | " + ("steps/s | " if steps else "")
    lines = [
        head + "p50 ms | p95 ms | p99 ms | trials |",
        "|---|---:|---:|" + ("---:|" if steps else "") + "---:|---:|---:|---:|",
    ]
    for s in sorted(series, key=lambda s: (s.concurrency, s.variant)):
        summary = s.summary()
        rate = summary["per_second"]
        cells = [s.variant, str(s.concurrency), spread_text(rate, digits=1)]
        if steps:
            cells.append(f"{rate.median * s.steps:.1f}")
        cells += [spread_text(summary[p], 1000, 1) for p in ("p50_s", "p95_s", "p99_s")]
        cells.append(str(len(s.trials)))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _comparison_table(comparisons: list[Comparison]) -> list[str]:
    lines = [
        "| scenario | ratio of | concurrency | median ratio [min-max] | pairs | target | met |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for c in comparisons:
        target = f"≤ {c.target:.2f}x" if c.target is not None else "-"
        lines.append(
            f"| {c.scenario} | {c.label} ({c.metric}) | {c.concurrency} | "
            f"{spread_text(c.ratio)}x | {c.ratio.n} | {target} | {_met_text(c.met)} |"
        )
    return lines


BURST_INTRO = (
    "N one-unit orders placed at once for a SKU stocked to N/10 (a 429 placed again after"
    " its Retry-After), each order's status read every second until terminal; against N"
    " bare-SDK workflows (5 activities, each calling the same actor) started at once on the"
    " baseline's daprd, each read every second with `get_workflow_state`. Status latencies"
    " are client side: the burst's own client's, and a separate poller's (a process of its"
    " own polling the accepted orders round-robin, `devstack/read_observer.py`; '-' where"
    " none ran), free of the burst client's own queueing. From daprd, sampled every second:"
    " calls waiting for an actor's turn"
    " (goroutines under `ActorLock.Lock` in its goroutine dump: 1.14's"
    " `dapr_runtime_actor_pending_actor_calls` counts reports, it is no gauge), goroutines in"
    " `CompleteOrchestrationWorkItem` (the engine-slot leak), all goroutines, and actor turns"
    " (that counter's growth / 2). One run per size and side; the figures before the fix are"
    " in the analysis below (Burst, issue 11)."
)


def burst_time_text(row: BurstRow) -> str:
    """Seconds until all were terminal, or how far it got before the timeout."""
    if row.finished:
        return f"{row.elapsed_s:.1f}"
    return (
        f"**did not finish**: {row.terminal} of {row.orders} terminal after {row.elapsed_s:.0f} s"
    )


def burst_table(rows: list[BurstRow]) -> list[str]:
    lines = [
        "| size | side | terminal | outcomes | time to all terminal, s | per second |"
        " status p50 / p99 / max, ms | separate poller p50 / p99 / max, ms (reads) |"
        " reads (errors) | 429s |"
        " waiting for an actor's turn, peak | in CompleteOrchestrationWorkItem, peak |"
        " daprd goroutines, peak | actor turns | app / daprd peak RSS, MB |",
        "|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in sorted(rows, key=lambda r: r.orders):  # stable: each size's sides stay in order
        size = f"{row.orders}" + (f" (stock {row.stock})" if row.stock is not None else "")
        outcomes = ", ".join(f"{status} {n}" for status, n in sorted(row.outcomes.items()))
        latency = " / ".join(
            f"{value * 1000:.0f}"
            for value in (row.status_p50_s, row.status_p99_s, row.status_max_s)
        )
        observed = "-"
        if row.observer_reads:
            observed = " / ".join(
                f"{value * 1000:.0f}"
                for value in (row.observer_p50_s, row.observer_p99_s, row.observer_max_s)
            )
            observed += f" ({row.observer_reads})"
        errors = row.read_errors + row.place_errors
        cells = [
            size,
            row.variant,
            f"{row.terminal}/{row.orders}",
            outcomes or "-",
            burst_time_text(row),
            f"{row.orders_per_s:.1f}",
            latency,
            observed,
            f"{row.status_reads} ({errors})",
            str(row.refused_429),
            str(row.waiting_for_turn_peak),
            str(row.completing_orchestration_peak),
            str(row.goroutines_peak),
            f"{row.actor_turns:.0f}",
            f"{row.app_rss_peak_mb:.0f} / {row.daprd_rss_peak_mb:.0f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render_markdown(run: BenchRun, analysis: str = "") -> str:
    ctx = run.context
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench"
        + ("" if ctx.get("mode") == "quick" else f" MODE={ctx.get('mode')}")
        + f"` ({ctx.get('mode')} mode) at {ctx.get('finished')},"
        f" in {ctx.get('duration_s', 0):.0f} s,"
        f" profile `{ctx.get('profile')}`. Regenerate with the same command; raw numbers in"
        " `bench/results/latest.json`.",
        "",
        "Every figure is the median over repeated trials with its spread as"
        " `median [min-max]`; latencies are each trial's percentile, then the median over"
        " trials. Every ratio is computed per pair of adjacent trials (subject and baseline"
        " back to back, order rotated each round, same stack) and the median ratio is shown."
        " The state scenario's variants run call by call, in turn, within each trial"
        " (sub-millisecond calls: see bench/analysis.md, fix 11).",
        "",
        "## Machine and versions",
        "",
        "| what | value |",
        "|---|---|",
    ]
    for key, value in ctx.get("machine", {}).items():
        lines.append(f"| {key} | {value} |")
    for key, value in ctx.get("versions", {}).items():
        lines.append(f"| {key} | {value} |")
    for note in ctx.get("conditions", []):
        lines.append(f"| conditions | {note} |")
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {r.target} | {r.measured} | {_met_text(r.met)} |" for r in target_rows(run)]
    for scenario in dict.fromkeys(s.scenario for s in run.series):
        lines += ["", f"## {scenario}", "", *_series_table(run.series_of(scenario))]
    if run.bursts:
        lines += ["", "## burst", "", BURST_INTRO, "", *burst_table(run.bursts)]
    lines += ["", "## Comparisons", "", *_comparison_table(run.comparisons)]
    lines += ["", "## Footprint", "", "| what | value |", "|---|---:|"]
    for key, value in run.footprint.items():
        lines.append(f"| {key} | {value:.1f} |")
    if run.notes:
        lines += ["", "## Notes from this run", ""]
        lines += [f"- {note}" for note in run.notes]
    lines += ["", "## Charts", ""]
    lines += [f"![{title}](bench/{path})" for title, path in CHARTS]
    if analysis.strip():
        lines += ["", analysis.strip()]
    return "\n".join(lines) + "\n"
