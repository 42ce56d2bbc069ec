"""What the dashboard shows: durations, the actions an instance allows, the list's query
and paging, and the timelines."""

from datetime import UTC, datetime

from app.ui.presenters import (
    PAGE_SIZE,
    ListQuery,
    allowed_actions,
    awaits_approval,
    format_duration,
    history_timeline,
    instance_timeline,
    order_timeline,
    page_count,
    run_time,
)
from cli.wire import parse_time


def _names(runtime_status: str, awaiting: bool = False) -> list[str]:
    return [action.name for action in allowed_actions("o-1", runtime_status, awaiting)]


def test_durations_read_as_a_person_would_say_them() -> None:
    """Milliseconds, seconds with a decimal, then minutes, hours and days."""
    assert [format_duration(s) for s in (0.25, 4.21, 185, 7620, 3 * 86400 + 4 * 3600)] == [
        "250 ms",
        "4.2 s",
        "3 min 05 s",
        "2 h 07 min",
        "3 d 4 h",
    ]
    assert format_duration(None) == ""
    assert format_duration(-3) == "0 ms"  # clocks a little apart never show negative


def test_only_the_actions_the_api_would_accept_are_offered() -> None:
    """Approve and reject only while it waits for approval; pause and terminate while
    running; resume while suspended; purge once ended."""
    assert _names("RUNNING", awaiting=True) == [
        "approve",
        "reject",
        "pause",
        "terminate",
    ]
    assert _names("RUNNING") == ["pause", "terminate"]
    assert _names("SUSPENDED", awaiting=True) == ["resume"]
    assert _names("SUSPENDED") == ["resume"]
    assert _names("PENDING") == ["terminate"]
    for ended in ("COMPLETED", "FAILED", "TERMINATED"):
        assert _names(ended) == ["purge"]


def test_waiting_for_approval_is_the_orders_status_or_the_progress_reported() -> None:
    """An order: its OrderActor's status; restock_approval: its progress step."""
    instance = {"progress": {"step": "awaiting approval"}}
    assert awaits_approval({}, {"status": "awaiting_approval"})
    assert not awaits_approval(instance, {"status": "reserved"})  # the order's word counts
    assert awaits_approval(instance, None)
    assert not awaits_approval({"progress": {"step": "restocking"}}, None)
    assert not awaits_approval({"progress": None}, None)


def test_every_action_asks_to_be_confirmed_naming_the_instance() -> None:
    assert all("o-1" in action.confirm for action in allowed_actions("o-1", "RUNNING"))


def test_the_list_query_round_trips_through_the_url_and_pages_the_api() -> None:
    """Empty filters are left out of both the link and the API call; page N asks for
    offset (N-1) x page size; a page that is not a positive number is page 1."""
    query = ListQuery.from_params({"status": "RUNNING", "id_prefix": " ord ", "page": "3"})
    assert query.api_params() == {
        "limit": PAGE_SIZE,
        "offset": 2 * PAGE_SIZE,
        "status": "RUNNING",
        "id_prefix": "ord",
    }
    assert query.query_string() == "status=RUNNING&id_prefix=ord&page=3"
    assert query.query_string(page=1, status="") == "id_prefix=ord"
    assert ListQuery.from_params({"page": "-2"}).page == 1
    assert ListQuery.from_params({"page": "x"}).page == 1
    since = ListQuery.from_params({"since": "2026-12-06T10:00", "until": "2026-12-07T00:00"})
    assert since.api_params()["created_after"] == "2026-12-06T10:00"
    assert since.api_params()["created_before"] == "2026-12-07T00:00"


def test_page_count_is_at_least_one() -> None:
    assert [page_count(n) for n in (0, 1, PAGE_SIZE, PAGE_SIZE + 1)] == [1, 1, 1, 2]


def test_times_without_an_offset_are_utc_and_junk_is_none() -> None:
    assert parse_time("2026-12-06T10:00:00") == datetime(2026, 12, 6, 10, tzinfo=UTC)
    assert parse_time("yesterday") is None
    assert parse_time(None) is None


def test_run_time_ends_at_the_last_update_once_ended_else_now() -> None:
    instance = {
        "created_at": "2026-12-06T10:00:00Z",
        "last_updated_at": "2026-12-06T10:00:05Z",
        "runtime_status": "COMPLETED",
    }
    now = datetime(2026, 12, 6, 10, 1, tzinfo=UTC)
    assert run_time(instance, now) == 5.0
    assert run_time({**instance, "runtime_status": "RUNNING"}, now) == 60.0
    assert run_time({}, now) is None


def test_an_orders_timeline_is_its_history_with_the_time_between_steps() -> None:
    order = {
        "order": {
            "history": [
                {"status": "created", "at": "2026-12-06T10:00:00Z"},
                {"status": "reserved", "at": "2026-12-06T10:00:00.250Z"},
                {"status": "awaiting_approval", "at": "2026-12-06T10:00:02Z", "reason": "x"},
            ]
        }
    }
    steps = order_timeline(order)
    assert [(s.label, s.after, s.note) for s in steps] == [
        ("created", "", ""),
        ("reserved", "250 ms", ""),
        ("awaiting_approval", "1.8 s", "x"),
    ]


def test_another_workflows_timeline_is_what_the_service_records() -> None:
    """Start, the progress it last reported, and its end."""
    instance = {
        "created_at": "2026-12-06T10:00:00Z",
        "last_updated_at": "2026-12-06T10:00:03Z",
        "runtime_status": "COMPLETED",
        "progress": {"step": "restocked"},
    }
    steps = instance_timeline(instance)
    assert [(s.label, s.after) for s in steps] == [
        ("started", ""),
        ("reported: restocked", ""),
        ("completed", "3.0 s"),
    ]


def test_the_runtime_history_is_the_timeline_with_names_and_gaps() -> None:
    """Each of the runtime's events (1.18) is a step: its kind, what it names, the time
    since the one before; no events (1.14) make no steps."""
    history = {
        "events": [
            {"kind": "executionStarted", "at": "2026-12-01T12:00:00Z", "id": -1, "name": "wf"},
            {"kind": "taskScheduled", "at": "2026-12-01T12:00:02Z", "id": 0, "name": "step"},
            {"kind": "timerCreated", "at": "2026-12-01T12:00:02Z", "id": 1, "name": None},
        ]
    }
    steps = history_timeline(history)
    assert [(s.label, s.note) for s in steps] == [
        ("executionStarted", "wf"),
        ("taskScheduled", "step"),
        ("timerCreated", ""),
    ]
    assert steps[1].after == format_duration(2.0)
    assert history_timeline({"events": []}) == []
