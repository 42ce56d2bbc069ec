"""What the dashboard's pages show, computed from the API's JSON: times, durations, the
actions an instance allows, the list's query, the timeline. Pure functions (unit-tested)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from dapr.ext.workflow import WorkflowStatus

from app.building_blocks.workflow_status import ENDED
from cli.wire import parse_time

STATUSES = [status.name for status in WorkflowStatus]
ENDED_NAMES = frozenset(status.name for status in ENDED)
PAGE_SIZE = 20
APPROVAL_STATUS = "awaiting_approval"  # the OrderActor's status that approve/reject need
APPROVAL_STEP = "awaiting approval"  # the progress restock_approval reports while it waits


def format_time(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def format_duration(seconds: float | None) -> str:
    """A short human duration: '850 ms', '4.2 s', '3 min 05 s', '2 h 07 min', '3 d 4 h'."""
    if seconds is None:
        return ""
    seconds = max(0.0, seconds)
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def run_time(instance: Mapping[str, Any], now: datetime) -> float | None:
    """Seconds from start to the last update when ended, else to `now`."""
    created = parse_time(instance.get("created_at"))
    if created is None:
        return None
    updated = parse_time(instance.get("last_updated_at"))
    ended = instance.get("runtime_status") in ENDED_NAMES
    end = updated if ended and updated is not None else now
    return (end - created).total_seconds()


@dataclass(frozen=True)
class Action:
    """A button on the instance page; `name` is the last segment of its form's action."""

    name: str
    label: str
    confirm: str
    danger: bool = False


def awaits_approval(instance: Mapping[str, Any], order: Mapping[str, Any] | None) -> bool:
    """An order waiting for approval (its OrderActor says so), or another workflow that
    reported it waits for one (restock_approval's progress step)."""
    if order is not None:
        return order.get("status") == APPROVAL_STATUS
    progress = instance.get("progress")
    return isinstance(progress, dict) and progress.get("step") == APPROVAL_STEP


def allowed_actions(instance_id: str, runtime_status: str, awaiting: bool = False) -> list[Action]:
    """The actions the API would accept now (it still checks: a race shows its problem).
    `awaiting`: it waits for an approval (awaits_approval)."""
    actions: list[Action] = []
    if runtime_status == "RUNNING" and awaiting:
        actions.append(Action("approve", "Approve", f"Approve {instance_id}?"))
        actions.append(Action("reject", "Reject", f"Reject {instance_id}?", danger=True))
    if runtime_status == "RUNNING":
        actions.append(Action("pause", "Pause", f"Pause {instance_id}?"))
    if runtime_status == "SUSPENDED":
        actions.append(Action("resume", "Resume", f"Resume {instance_id}?"))
    if runtime_status in ("RUNNING", "PENDING"):
        actions.append(Action("terminate", "Terminate", f"Terminate {instance_id}?", danger=True))
    if runtime_status in ENDED_NAMES:
        text = f"Purge {instance_id}? Its history is deleted for good."
        actions.append(Action("purge", "Purge", text, danger=True))
    return actions


def can_raise_events(runtime_status: str) -> bool:
    return runtime_status in ("RUNNING", "SUSPENDED", "PENDING")


@dataclass(frozen=True)
class ListQuery:
    """The workflow list's filters and page, as the page's query string carries them."""

    name: str = ""
    status: str = ""
    id_prefix: str = ""
    since: str = ""  # datetime-local input, UTC
    until: str = ""
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> "ListQuery":
        page = params.get("page", "1")
        return cls(
            name=params.get("name", "").strip(),
            status=params.get("status", "").strip(),
            id_prefix=params.get("id_prefix", "").strip(),
            since=params.get("since", "").strip(),
            until=params.get("until", "").strip(),
            page=int(page) if page.isdigit() and int(page) > 0 else 1,
        )

    def api_params(self) -> dict[str, str | int]:
        """The query for GET /api/v1/workflows/instances (empty filters left out)."""
        params: dict[str, str | int] = {"limit": PAGE_SIZE, "offset": (self.page - 1) * PAGE_SIZE}
        chosen = {
            "name": self.name,
            "status": self.status,
            "id_prefix": self.id_prefix,
            "created_after": self.since,
            "created_before": self.until,
        }
        params.update({key: value for key, value in chosen.items() if value})
        return params

    def query_string(self, **changes: str | int) -> str:
        """This query with `changes` (e.g. page=2, status="RUNNING"), empty values left out."""
        values: dict[str, str | int] = {
            "name": self.name,
            "status": self.status,
            "id_prefix": self.id_prefix,
            "since": self.since,
            "until": self.until,
            "page": self.page,
        }
        values.update(changes)
        kept = {k: v for k, v in values.items() if v not in ("", None) and (k, v) != ("page", 1)}
        return urlencode(kept)


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


@dataclass(frozen=True)
class Step:
    """One row of an instance's timeline."""

    label: str
    at: datetime | None
    note: str = ""
    after: str = ""  # time since the previous step


def order_timeline(order: Mapping[str, Any]) -> list[Step]:
    """The OrderActor's transition history, with the time each step took after the last."""
    history = order.get("order", {}).get("history", [])
    steps: list[Step] = []
    previous: datetime | None = None
    for entry in history:
        at = parse_time(entry.get("at"))
        gap = (
            ""
            if previous is None or at is None
            else format_duration((at - previous).total_seconds())
        )
        steps.append(Step(str(entry.get("status", "")), at, str(entry.get("reason", "")), gap))
        previous = at or previous
    return steps


def history_timeline(history: Mapping[str, Any]) -> list[Step]:
    """The runtime's events of an instance (Dapr 1.18's history; none on 1.14), each with
    the step, timer or event it names and the time since the one before."""
    steps: list[Step] = []
    previous: datetime | None = None
    for event in history.get("events") or []:
        at = parse_time(event.get("at"))
        gap = format_duration((at - previous).total_seconds()) if at and previous else ""
        steps.append(Step(str(event.get("kind", "")), at, note=event.get("name") or "", after=gap))
        previous = at or previous
    return steps


def instance_timeline(instance: Mapping[str, Any]) -> list[Step]:
    """What the service records of a workflow that keeps no history of its own: its start,
    the progress it last reported, and its last update (its end, once ended)."""
    created = parse_time(instance.get("created_at"))
    updated = parse_time(instance.get("last_updated_at"))
    steps = [Step("started", created)]
    progress = instance.get("progress")
    if isinstance(progress, dict) and progress.get("step"):
        steps.append(Step(f"reported: {progress['step']}", None))
    status = str(instance.get("runtime_status", ""))
    gap = format_duration((updated - created).total_seconds()) if created and updated else ""
    label = status.lower() if status in ENDED_NAMES else f"last update ({status.lower()})"
    steps.append(Step(label, updated, after=gap))
    return steps
