"""The `books_audit` workflow: do the books balance for every order in the window?

Started with the inventory audit by the same cron tick (its sibling). Each page is one
run: check it in an activity, then `continue_as_new` with the next cursor and the
findings so far, so the history never grows past one page. Pages walk the order index
(ended orders against the provider's ledger and the stock), then the provider's journal
day by day (charges whose order the service never recorded). The last page stores the
record (`books-audit:last`) and sets the metric through an activity.
Deterministic: time from the context, settings read in an activity, no I/O.
"""

import logging
from collections.abc import Generator
from datetime import timedelta
from typing import Any

from dapr.ext.workflow import DaprWorkflowContext

from activities.books_audit import BooksAuditActivities
from activities.books_models import (
    MAX_VIOLATIONS_KEPT,
    BooksAuditInput,
    BooksAuditRecord,
    BooksPage,
    BooksPageRequest,
    PruneRequest,
)
from app.building_blocks.sdk_line.durabletask import Task
from workflows.policies import ACTIVITY_RETRY

logger = logging.getLogger(__name__)
# Ended orders dropped from the instance index per run, oldest first: one activity's
# worth of actor reads; a backlog shrinks run by run.
PRUNE_LIMIT = 1000


def books_audit(
    ctx: DaprWorkflowContext, payload: dict[str, Any]
) -> Generator[Task[Any], Any, Any]:
    run = BooksAuditInput.model_validate(payload or {})
    started = run.started_at or ctx.current_utc_datetime
    until = run.until or started
    since, page_size, retention_s = run.since, run.page_size, run.retention_s
    if since is None or page_size is None or retention_s is None:
        plan = yield ctx.call_activity(
            BooksAuditActivities.plan_books_audit, input={}, retry_policy=ACTIVITY_RETRY
        )
        since = since or until - timedelta(seconds=float(plan["window_s"]))
        page_size = page_size or int(plan["page_size"])
        retention_s = retention_s or float(plan["retention_s"])
    request = BooksPageRequest(since=since, until=until, cursor=run.cursor, page_size=page_size)
    page = BooksPage.model_validate(
        (
            yield ctx.call_activity(
                BooksAuditActivities.audit_books_page,
                input=request.model_dump(mode="json"),
                retry_policy=ACTIVITY_RETRY,
            )
        )
    )
    totals = {
        "pages": run.pages + 1,
        "orders_checked": run.orders_checked + page.orders_checked,
        "in_flight": run.in_flight + page.in_flight,
        "charges_checked": run.charges_checked + page.charges_checked,
        "violation_count": run.violation_count + len(page.violations),
        "violations": [*run.violations, *page.violations][:MAX_VIOLATIONS_KEPT],
    }
    if page.next is not None:
        following = BooksAuditInput(
            since=since,
            until=until,
            page_size=page_size,
            retention_s=retention_s,
            cursor=page.next,
            started_at=started,
            **totals,
        )
        ctx.continue_as_new(following.model_dump(mode="json"))
        return None
    # Last: the pages are read, so this run's own paging is not disturbed.
    prune = PruneRequest(before=until - timedelta(seconds=retention_s), limit=PRUNE_LIMIT)
    pruned = yield ctx.call_activity(
        BooksAuditActivities.prune_order_index,
        input=prune.model_dump(mode="json"),
        retry_policy=ACTIVITY_RETRY,
    )
    record = BooksAuditRecord(
        instance_id=ctx.instance_id,
        instances_pruned=int(pruned),
        started_at=started,
        finished_at=ctx.current_utc_datetime,
        since=since,
        until=until,
        **totals,
    )
    yield ctx.call_activity(
        BooksAuditActivities.record_books_audit,
        input=record.model_dump(mode="json"),
        retry_policy=ACTIVITY_RETRY,
    )
    if not ctx.is_replaying:
        logger.info(
            "books audit %s: %d orders, %d charges, %d violations",
            ctx.instance_id,
            record.orders_checked,
            record.charges_checked,
            record.violation_count,
        )
    return record.model_dump(mode="json")
