"""The books_audit workflow through a fake orchestration context: window, paging, record."""

from datetime import timedelta

from tests.unit.support.workflow_context import START, WorkflowRun
from workflows.books_audit import books_audit

VIOLATION = {"order_id": "o-1", "kind": "charge_not_refunded", "detail": "kept"}


def test_the_first_run_plans_the_window_then_continues_as_new_per_page() -> None:
    """Without `since` the window comes from the settings (an activity); a page with a
    next cursor continues as new carrying the window and the totals."""
    run = WorkflowRun(books_audit, {}, instance_id="books-audit")
    run.complete("plan_books_audit", {"window_s": 3600, "page_size": 7, "retention_s": 7200})
    [page] = run.calls("audit_books_page")
    assert page.input["page_size"] == 7
    assert page.input["cursor"] == {
        "phase": "orders",
        "after": None,
        "offset": 0,
        "day_offset": 0,
    }
    since = START - timedelta(hours=1)
    assert page.input["since"].startswith(since.isoformat()[:19])
    run.complete(
        "audit_books_page",
        {
            "orders_checked": 5,
            "in_flight": 2,
            "violations": [VIOLATION],
            "next": {"phase": "charges", "offset": 0, "day_offset": 0},
        },
    )
    assert run.ctx.continued
    carried = run.ctx.continued_with
    assert carried["orders_checked"] == 5
    assert carried["in_flight"] == 2
    assert carried["violation_count"] == 1
    assert carried["cursor"]["phase"] == "charges"
    assert carried["page_size"] == 7
    assert carried["retention_s"] == 7200


def test_the_last_page_prunes_then_records_the_totals() -> None:
    """A run carrying the window plans nothing; after its last page it prunes the order
    index of ended orders older than the retention, then records the totals."""
    carried = {
        "since": "2026-12-01T11:00:00+00:00",
        "until": "2026-12-01T12:00:00+00:00",
        "page_size": 7,
        "retention_s": 7200,
        "cursor": {"phase": "charges", "offset": 0, "day_offset": 0},
        "pages": 1,
        "orders_checked": 5,
        "violation_count": 1,
        "violations": [VIOLATION],
        "started_at": "2026-12-01T12:00:00+00:00",
    }
    run = WorkflowRun(books_audit, carried, instance_id="books-audit")
    assert run.calls("plan_books_audit") == []
    run.complete("audit_books_page", {"charges_checked": 3, "violations": [], "next": None})
    [prune] = run.calls("prune_order_index")
    assert prune.input["before"].startswith("2026-12-01T10:00:00")
    run.complete("prune_order_index", 4)
    [record] = run.calls("record_books_audit")
    assert record.input["instances_pruned"] == 4
    assert record.input["pages"] == 2
    assert record.input["charges_checked"] == 3
    assert record.input["violation_count"] == 1
    assert record.input["violations"][0]["kind"] == "charge_not_refunded"
    run.complete("record_books_audit", None)
    assert run.finished
    assert run.output["orders_checked"] == 5
