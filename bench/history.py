"""bench/results/history.csv: the headline figures of every run, one row per figure.

Each run's full results (0.1-0.8 MB of JSON) stay on the machine that made them; git
keeps `latest.json` in full and this file's few rows per run: every comparison's median
ratio against its target, and the footprint. `python -m bench.history FILE...` adds the
runs of older results files that the CSV does not have yet.
"""

import csv
import json
import sys
from pathlib import Path
from typing import Any

COLUMNS = ["started", "mode", "commit", "machine", "figure", "value", "target", "met"]


def headline_rows(document: dict[str, Any]) -> list[dict[str, str]]:
    """The rows of one run, from its results document (`BenchRun.to_json()`)."""
    ctx = document.get("context", {})
    machine = ctx.get("machine", {})
    run = {
        "started": str(ctx.get("started", "")),
        "mode": str(ctx.get("mode", "")),
        "commit": str(ctx.get("versions", {}).get("orderflow commit", "")),
        "machine": f"{machine.get('cores', '?')} cores, {machine.get('cpu', '?')}",
    }
    rows = [{**run, "figure": "run duration (s)", "value": f"{ctx.get('duration_s', 0):.0f}"}]
    for c in document.get("comparisons", []):
        figure = f"{c['scenario']}: {c['label']} ({c['metric']}, c={c['concurrency']})"
        target, met = c.get("target"), c.get("met")
        rows.append(
            {
                **run,
                "figure": figure,
                "value": f"{c['ratio']['median']:.3f}",
                "target": "" if target is None else f"{target:g}",
                "met": "" if met is None else str(met).lower(),
            }
        )
    for name, value in document.get("footprint", {}).items():
        rows.append({**run, "figure": name, "value": f"{value:.1f}"})
    for burst in document.get("bursts", []):
        # An unfinished burst's orders/s counts only what ended: the terminal count says so.
        figure = f"burst: {burst['variant']}, {burst['orders']} at once"
        elapsed = burst["elapsed_s"]
        per_second = burst["terminal"] / elapsed if elapsed > 0 else 0.0
        rows += [
            {**run, "figure": f"{figure}: terminal", "value": str(burst["terminal"])},
            {**run, "figure": f"{figure}: seconds to all terminal", "value": f"{elapsed:.1f}"},
            {**run, "figure": f"{figure}: per second", "value": f"{per_second:.2f}"},
            {
                **run,
                "figure": f"{figure}: status p99 ms",
                "value": f"{burst['status_p99_s'] * 1000:.0f}",
            },
        ]
    return [{column: row.get(column, "") for column in COLUMNS} for row in rows]


def append(path: Path, document: dict[str, Any]) -> bool:
    """Add one run's rows; a run already there (same start and mode) is not added twice."""
    rows = headline_rows(document)
    key = (rows[0]["started"], rows[0]["mode"])
    existing: list[dict[str, str]] = []
    if path.exists():
        with path.open(newline="") as f:
            existing = list(csv.DictReader(f))
    if any((row["started"], row["mode"]) == key for row in existing):
        return False
    new_file = not path.exists()
    with path.open("a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        if new_file:
            writer.writeheader()
        writer.writerows(rows)
    return True


def main(argv: list[str]) -> int:
    target = Path(__file__).parent / "results" / "history.csv"
    documents = [json.loads(Path(name).read_text()) for name in argv]
    documents.sort(key=lambda d: str(d.get("context", {}).get("started", "")))
    added = sum(append(target, d) for d in documents)
    sys.stderr.write(f"{target}: {added} run(s) added\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
