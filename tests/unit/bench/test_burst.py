"""The burst scenario's pure parts: rows from what the clients saw, the bare SDK's burst
against a fake workflow client (finished, and cut off at the timeout), the table."""

import asyncio
import json
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

from bench.report import burst_table, burst_time_text, render_markdown
from bench.results import BURST_SCENARIO, BenchRun, BurstRow, Series
from bench.scenarios import burst
from bench.scenarios.burst import BASELINE, SUBJECT, bare_burst, bare_status, burst_row
from bench.sidecar_watch import SidecarPeaks
from devstack.burst import BurstResult


@dataclass
class _Status:
    name: str


@dataclass
class _State:
    runtime_status: _Status


class _FakeWorkflowClient:
    """The SDK client's two calls: each instance reads RUNNING `running_reads` times, then
    COMPLETED; `never_ends` instances stay RUNNING; `hangs` instances never answer."""

    def __init__(
        self, running_reads: int = 1, never_ends: frozenset[int] = frozenset(), hangs: int = -1
    ) -> None:
        self.running_reads = running_reads
        self.never_ends = never_ends
        self.hangs = hangs
        self.reads: Counter[str] = Counter()
        self.scheduled: list[str] = []
        self.release = threading.Event()

    def schedule_new_workflow(self, workflow: Any, *, input: Any, instance_id: str) -> str:
        self.scheduled.append(instance_id)
        return instance_id

    def get_workflow_state(self, instance_id: str, *, fetch_payloads: bool) -> _State | None:
        index = int(instance_id.rsplit("-", 1)[1])
        if index == self.hangs:
            self.release.wait(5)  # a stalled daprd: the call does not come back
        self.reads[instance_id] += 1
        if index in self.never_ends or self.reads[instance_id] <= self.running_reads:
            return _State(_Status("RUNNING"))
        return _State(_Status("COMPLETED"))


def _noop_workflow() -> None:
    return None


def test_a_bare_burst_reads_every_instance_until_it_completes() -> None:
    """Every instance started once and read until COMPLETED: all terminal, each read
    timed, no unfinished."""
    client = _FakeWorkflowClient(running_reads=2)
    result = asyncio.run(
        bare_burst(client, _noop_workflow, 5, prefix="t", timeout_s=10, poll_interval_s=0.01)
    )
    assert sorted(client.scheduled) == [f"t-{i}" for i in range(5)]
    assert result.terminal == 5
    assert result.statuses == Counter({"completed": 5})
    assert len(result.read_latencies_s) == 15  # 2 RUNNING + 1 COMPLETED each
    assert result.unfinished == []


def test_a_bare_burst_stops_at_its_timeout_and_says_what_did_not_finish(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An instance that never ends and one whose read never returns are cut off at the
    timeout (the hung read by the per-call bound) and counted as unfinished, with their
    last status; the burst does not wait on them."""
    monkeypatch.setattr(burst, "BARE_CALL_TIMEOUT_S", 0.2)
    client = _FakeWorkflowClient(running_reads=0, never_ends=frozenset({1}), hangs=2)
    try:
        result = asyncio.run(
            bare_burst(client, _noop_workflow, 4, prefix="t", timeout_s=0.5, poll_interval_s=0.05)
        )
    finally:
        client.release.set()
    assert result.terminal == 2
    assert result.statuses == Counter({"completed": 2, "running": 1, "unknown": 1})
    assert sorted(result.unfinished) == ["t-1 (running)", "t-2 (unknown)"]
    assert result.read_errors["TimeoutError"] >= 1
    assert 0.5 <= result.elapsed_s < 2.0


def test_bare_statuses_map_to_the_bursts_words() -> None:
    """TERMINATED counts as the burst's `cancelled` (terminal); an unknown id is missing."""
    assert bare_status(_State(_Status("COMPLETED"))) == "completed"
    assert bare_status(_State(_Status("TERMINATED"))) == "cancelled"
    assert bare_status(_State(_Status("RUNNING"))) == "running"
    assert bare_status(None) == "missing"


def _result() -> BurstResult:
    result = BurstResult(orders=4, sku="S", elapsed_s=8.0, refused=3)
    result.statuses.update({"completed": 1, "failed": 2, "running": 1})
    result.read_latencies_s.extend([0.01, 0.02, 0.03, 0.5])
    result.read_errors["504"] += 2
    result.place_errors.append("x: 500")
    return result


def test_a_row_carries_the_clients_and_the_daprds_figures() -> None:
    peaks = SidecarPeaks(
        waiting_for_turn=7,
        completing_orchestration=1,
        goroutines=300,
        pending_reports=100.0,
        rss_mb={"app": 110.0, "daprd": 130.0},
        samples=8,
        failed_samples=1,
    )
    row = burst_row(SUBJECT, _result(), peaks, timeout_s=300.0, stock=1)
    assert (row.orders, row.terminal, row.finished) == (4, 3, False)
    assert row.orders_per_s == pytest.approx(3 / 8.0)
    assert (row.status_p50_s, row.status_p99_s, row.status_max_s) == (0.02, 0.5, 0.5)
    assert (row.read_errors, row.place_errors, row.refused_429) == (2, 1, 3)
    assert (row.waiting_for_turn_peak, row.actor_turns) == (7, 50.0)
    assert (row.app_rss_peak_mb, row.daprd_rss_peak_mb) == (110.0, 130.0)
    assert row.outcomes == {"completed": 1, "failed": 2, "running": 1}


def _row(variant: str, orders: int, terminal: int, elapsed_s: float) -> BurstRow:
    return BurstRow(
        variant=variant,
        orders=orders,
        terminal=terminal,
        elapsed_s=elapsed_s,
        timeout_s=300.0,
        outcomes={"completed": terminal},
        refused_429=0,
        status_reads=10,
        read_errors=0,
        place_errors=0,
        status_p50_s=0.01,
        status_p99_s=0.2,
        status_max_s=0.3,
        waiting_for_turn_peak=5,
        completing_orchestration_peak=0,
        goroutines_peak=200,
        actor_turns=1000.0,
        app_rss_peak_mb=100.0,
        daprd_rss_peak_mb=120.0,
        sidecar_samples=10,
        failed_sidecar_samples=0,
    )


def test_an_unfinished_burst_reads_as_such_in_the_table() -> None:
    """A run cut off at its timeout shows k of N and the time, never a completion time."""
    assert burst_time_text(_row(BASELINE, 200, 200, 45.25)) == "45.2"
    stalled = _row(BASELINE, 1000, 412, 300.4)
    assert burst_time_text(stalled) == "**did not finish**: 412 of 1000 terminal after 300 s"
    lines = burst_table([stalled, _row(SUBJECT, 200, 200, 50.0), _row(BASELINE, 200, 200, 20.0)])
    assert [line.split(" | ")[0:2] for line in lines[2:]] == [
        ["| 200", SUBJECT],
        ["| 200", BASELINE],
        ["| 1000", BASELINE],
    ]
    assert "| 412/1000 |" in lines[4]


def test_the_page_has_a_burst_section_only_with_bursts() -> None:
    run = BenchRun(context={"mode": "quick"})
    assert "## burst" not in render_markdown(run)
    run.bursts.append(_row(SUBJECT, 200, 200, 50.0))
    page = render_markdown(run)
    assert "## burst" in page
    assert f"| 200 | {SUBJECT} | 200/200 |" in page


def test_bursts_survive_the_results_file_and_older_files_have_none() -> None:
    """latest.json round trip; a file written before the burst scenario reads as none."""
    run = BenchRun(context={"mode": "quick"}, bursts=[_row(SUBJECT, 200, 200, 50.0)])
    document = json.loads(json.dumps(run.to_json()))
    assert BenchRun.from_json(document).bursts == run.bursts
    del document["bursts"]
    assert BenchRun.from_json(document).bursts == []


def test_an_only_run_replaces_its_own_scenarios_and_keeps_the_rest() -> None:
    """--only burst --merge: the last full run's other series, comparisons, footprint and
    context stay; the bursts are the new run's; a note says where they come from, and the
    base's notes on its bursts go."""
    base = BenchRun(
        context={"mode": "quick", "started": "base"},
        series=[Series("state", "raw", 1), Series("workflows", "order", 10)],
        footprint={"app idle MB": 90.0},
        notes=["old note", "burst: from an earlier `--only` run", "burst, bare SDK: 9 of 10"],
        bursts=[_row(SUBJECT, 150, 0, 300.0)],
    )
    only = BenchRun(
        context={
            "mode": "full",
            "started": "2026-12-02T10:00:00+00:00",
            "versions": {"orderflow commit": "abc1234"},
        },
        footprint={"app idle MB": 95.0},
        bursts=[_row(SUBJECT, 1000, 1000, 250.0)],
    )
    merged = only.merged_into(base, [BURST_SCENARIO])
    assert [s.scenario for s in merged.series] == ["state", "workflows"]
    assert merged.bursts == only.bursts
    assert (merged.context, merged.footprint) == (base.context, base.footprint)
    assert merged.notes[0] == "old note"  # the old burst notes went with the old bursts
    assert len(merged.notes) == 2
    assert (
        "burst: from a separate `--only` run started 2026-12-02T10:00:00+00:00" in (merged.notes[1])
    )
    assert "abc1234" in merged.notes[1]
