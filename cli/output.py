"""How `orderflow` shows answers: Rich tables for people, the API's JSON for scripts, and
the API's problem on stderr when it refuses."""

import json
import sys
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from cli.wire import ApiError, parse_time

# Piped or captured, Rich would assume 80 columns and wrap every date; a log is wider.
_WIDE = None if sys.stdout.isatty() else 160
out = Console(soft_wrap=True, width=_WIDE)
err = Console(stderr=True, soft_wrap=True)

STATUS_STYLE = {
    "COMPLETED": "green",
    "RUNNING": "blue",
    "PENDING": "cyan",
    "SUSPENDED": "yellow",
    "FAILED": "red",
    "TERMINATED": "red",
    "completed": "green",
    "awaiting_approval": "yellow",
    "cancelled": "red",
    "failed": "red",
}


def emit_json(body: Any) -> None:
    """The API's JSON as it came (one document on stdout), for scripts."""
    sys.stdout.write(json.dumps(body, indent=2, sort_keys=True) + "\n")


def styled(status: str | None) -> str:
    text = status or "-"
    style = STATUS_STYLE.get(text)
    return f"[{style}]{text}[/{style}]" if style else text


def when(value: Any) -> str:
    """An API timestamp as 'YYYY-MM-DD HH:MM:SS' UTC, or '-'."""
    moment = parse_time(value)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def took(start: Any, end: Any) -> str:
    """The time from `start` to `end` (to now when `end` is None): '2.1s', '3m05s', '2h07m'."""
    first, last = parse_time(start), parse_time(end) or datetime.now(UTC)
    if first is None:
        return "-"
    total = max(0.0, (last - first).total_seconds())
    if total < 60:
        return f"{total:.1f}s"
    minutes = int(total) // 60
    return (
        f"{minutes}m{int(total) % 60:02d}s"
        if minutes < 60
        else f"{minutes // 60}h{minutes % 60:02d}m"
    )


def table(title: str | None, *columns: str) -> Table:
    grid = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        grid.add_column(column)
    return grid


def facts(rows: list[tuple[str, Any]]) -> Table:
    """A two-column table of labels and values."""
    grid = Table(show_header=False, box=None, pad_edge=False)
    grid.add_column(style="dim")
    grid.add_column()
    for label, value in rows:
        grid.add_row(label, value if isinstance(value, str) else json.dumps(value))
    return grid


def problem(error: ApiError) -> None:
    """The API's problem detail on stderr: status, title, code, detail, fields at fault."""
    code = f" {error.error_code}" if error.error_code else ""
    err.print(f"[red]error:[/red] {error.status} {error.title}{code}", highlight=False)
    err.print(error.detail, highlight=False, markup=False)
    for fault in error.fields:
        err.print(f"  - {fault}", highlight=False, markup=False)
    if error.retry_after:
        err.print(f"retry after {error.retry_after} s", highlight=False)
