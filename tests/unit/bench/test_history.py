"""bench/results/history.csv: one row per headline figure, each run once."""

import csv
from pathlib import Path
from typing import Any

from bench.history import COLUMNS, append, headline_rows


def _document(started: str = "2026-12-01T10:00:00+00:00") -> dict[str, Any]:
    return {
        "context": {
            "started": started,
            "mode": "quick",
            "duration_s": 148.2,
            "machine": {"cores": "2", "cpu": "AMD EPYC"},
            "versions": {"orderflow commit": "abc1234"},
        },
        "comparisons": [
            {
                "scenario": "state",
                "label": "get, layer over raw SDK",
                "concurrency": 1,
                "metric": "p50",
                "ratio": {"median": 1.0612},
                "target": 1.1,
                "met": True,
            }
        ],
        "footprint": {"app idle MB": 91.04},
    }


def test_a_run_becomes_its_duration_comparisons_and_footprint() -> None:
    """Ratios keep three decimals and their verdict; the run's identity is on every row."""
    rows = headline_rows(_document())
    assert [r["figure"] for r in rows] == [
        "run duration (s)",
        "state: get, layer over raw SDK (p50, c=1)",
        "app idle MB",
    ]
    assert rows[1] == {
        "started": "2026-12-01T10:00:00+00:00",
        "mode": "quick",
        "commit": "abc1234",
        "machine": "2 cores, AMD EPYC",
        "figure": "state: get, layer over raw SDK (p50, c=1)",
        "value": "1.061",
        "target": "1.1",
        "met": "true",
    }
    assert rows[2]["value"] == "91.0"


def test_append_writes_the_header_once_and_each_run_once(tmp_path: Path) -> None:
    """A second append of the same run adds nothing; another run adds its rows."""
    path = tmp_path / "history.csv"
    assert append(path, _document())
    assert not append(path, _document())
    assert append(path, _document(started="2026-12-02T10:00:00+00:00"))
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        rows = list(reader)
    assert len(rows) == 6


def test_a_burst_becomes_its_terminal_count_time_rate_and_p99() -> None:
    """An unfinished burst keeps its terminal count: its rate covers only what ended."""
    document = _document()
    document["bursts"] = [
        {
            "variant": "bare SDK",
            "orders": 1000,
            "terminal": 400,
            "elapsed_s": 300.04,
            "status_p99_s": 1.2341,
        }
    ]
    rows = {r["figure"]: r["value"] for r in headline_rows(document)}
    assert rows["burst: bare SDK, 1000 at once: terminal"] == "400"
    assert rows["burst: bare SDK, 1000 at once: seconds to all terminal"] == "300.0"
    assert rows["burst: bare SDK, 1000 at once: per second"] == "1.33"
    assert rows["burst: bare SDK, 1000 at once: status p99 ms"] == "1234"
