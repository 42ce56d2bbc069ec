"""Results and BENCHMARKS.md: per-step costs, target verdicts, JSON and the markdown."""

import json

import pytest

from bench.report import render_markdown, spread_text, target_rows
from bench.results import BenchRun, Comparison, Series
from bench.stats import Spread, TrialStats


def _series(variant: str, steps: int, walls: list[float], count: int = 10) -> Series:
    series = Series("workflows", variant, concurrency=10, steps=steps)
    for wall in walls:
        latencies = [wall / count] * count
        series.add(TrialStats.of(latencies, wall), latencies)
    return series


def _run() -> BenchRun:
    subject = _series("order", steps=12, walls=[2.4, 3.6])
    baseline = _series("bare", steps=5, walls=[1.0, 1.0])
    run = BenchRun(
        context={"mode": "quick", "profile": "local", "machine": {"cores": "2"}},
        series=[subject, baseline],
        footprint={"app peak MB at 50 workflows in flight": 180.0},
    )
    run.comparisons.append(
        Comparison.between(
            subject.cost_per_step_s(),
            baseline.cost_per_step_s(),
            scenario="workflows",
            label="cost per step",
            concurrency=10,
            metric="cost per step",
            target=1.2,
        )
    )
    run.comparisons.append(
        Comparison(
            "state", "save", 1, "p50 latency", Spread(1.05, 1.0, 1.1, 0.9, 1.2, 3), target=1.1
        )
    )
    return run


def test_cost_per_step_divides_wall_time_by_steps_completed() -> None:
    """12-step workflows taking 2.4 s for 10 cost 20 ms a step; 5-step ones at 1 s, 20 ms."""
    run = _run()
    subject, baseline = run.series
    assert subject.cost_per_step_s() == pytest.approx([0.02, 0.03])
    assert baseline.cost_per_step_s() == pytest.approx([0.02, 0.02])
    ratio = run.comparisons[0].ratio
    assert (ratio.low, ratio.median, ratio.high) == pytest.approx((1.0, 1.25, 1.5))
    assert run.comparisons[0].met is False


def test_targets_report_the_worst_case_and_the_rss_limit() -> None:
    """Each target is judged on its worst comparison; unmeasured targets say so."""
    rows = {row.target.split(",")[0].split(":")[0]: row for row in target_rows(_run())}
    assert rows["State layer over the raw SDK"].met is True
    assert rows["Workflow cost per step"].met is False
    assert "1.25x" in rows["Workflow cost per step"].measured
    assert rows["Actor call"].met is None
    assert rows["Actor call"].measured == "not measured"
    rss = next(row for row in target_rows(_run()) if row.target.startswith("App RSS"))
    assert (rss.met, rss.measured) == (True, "180 MB peak")


def test_markdown_has_targets_tables_charts_and_analysis() -> None:
    """The generated page carries the verdicts, a row per series, the charts and the
    hand-written analysis."""
    page = render_markdown(_run(), analysis="## Analysis\n\nWhy it is so.")
    assert "| Workflow cost per step, order over bare: at most 1.2x |" in page
    assert "| order | 10 | " in page
    assert "| bare | 10 | " in page
    assert (
        "![Workflows: throughput against concurrency](bench/charts/workflow_throughput.png)" in page
    )
    assert page.rstrip().endswith("Why it is so.")
    assert "**no**" in page


def test_json_round_trips_summaries_and_verdicts() -> None:
    """The JSON document holds every trial, each series' summary and each verdict."""
    document = json.loads(json.dumps(_run().to_json()))
    assert [s["variant"] for s in document["series"]] == ["order", "bare"]
    assert document["series"][0]["summary"]["per_second"]["median"] == pytest.approx(
        (10 / 2.4 + 10 / 3.6) / 2
    )
    assert len(document["series"][0]["trials"]) == 2
    assert [c["met"] for c in document["comparisons"]] == [False, True]


def test_a_run_reads_back_from_its_json() -> None:
    """from_json rebuilds the run, so the page can be regenerated without re-measuring."""
    run = _run()
    again = BenchRun.from_json(json.loads(json.dumps(run.to_json())))
    assert render_markdown(again) == render_markdown(run)


def test_spread_text_scales_and_rounds() -> None:
    """Seconds become milliseconds with the requested digits."""
    assert spread_text(Spread(0.0123, 0.0, 0.0, 0.01, 0.02, 3), 1000, 1) == "12.3 [10.0-20.0]"
