"""The `inventory_audit` workflow: check every known SKU's stock, one page per run.

Each page is one run: audit it in an activity, then `continue_as_new` with the next
page's position and the findings so far, so the history never grows past one page.
The last page stores the record (`inventory-audit:last`) through an activity.
Deterministic: time from the context, no I/O, logs only when not replaying.
"""

import logging
from collections.abc import Generator
from typing import Any

from dapr.ext.workflow import DaprWorkflowContext

from activities.audit_models import (
    MAX_ANOMALIES_KEPT,
    MAX_EMPTY_KEPT,
    AuditInput,
    AuditPage,
    AuditRecord,
    PageRequest,
)
from activities.inventory_audit import InventoryAuditActivities
from app.building_blocks.sdk_line.durabletask import Task
from workflows.policies import ACTIVITY_RETRY

logger = logging.getLogger(__name__)


def inventory_audit(
    ctx: DaprWorkflowContext, payload: dict[str, Any]
) -> Generator[Task[Any], Any, Any]:
    run = AuditInput.model_validate(payload or {})
    started = run.started_at or ctx.current_utc_datetime
    request = PageRequest(offset=run.offset, page_size=run.page_size)
    page = AuditPage.model_validate(
        (
            yield ctx.call_activity(
                InventoryAuditActivities.audit_page,
                input=request.model_dump(),
                retry_policy=ACTIVITY_RETRY,
            )
        )
    )
    found = [*run.anomalies, *page.anomalies][:MAX_ANOMALIES_KEPT]
    empty = [*run.empty, *page.empty][:MAX_EMPTY_KEPT]
    pages, checked = run.pages + 1, run.skus_checked + len(page.skus)
    anomaly_count = run.anomaly_count + len(page.anomalies)
    if page.next_offset is not None:
        if not ctx.is_replaying:
            logger.info("inventory audit %s: page %d done", ctx.instance_id, pages)
        following = AuditInput(
            offset=page.next_offset,
            page_size=page.page_size,
            pages=pages,
            skus_checked=checked,
            anomaly_count=anomaly_count,
            anomalies=found,
            empty=empty,
            started_at=started,
        )
        ctx.continue_as_new(following.model_dump(mode="json"))
        return None
    # After the last page: dropping SKUs shifts the index, which this run pages by offset.
    pruned = yield ctx.call_activity(
        InventoryAuditActivities.prune_empty_skus, input=empty, retry_policy=ACTIVITY_RETRY
    )
    record = AuditRecord(
        instance_id=ctx.instance_id,
        started_at=started,
        finished_at=ctx.current_utc_datetime,
        pages=pages,
        skus_checked=checked,
        anomaly_count=anomaly_count,
        anomalies=found,
        skus_pruned=int(pruned),
    )
    yield ctx.call_activity(
        InventoryAuditActivities.record_audit,
        input=record.model_dump(mode="json"),
        retry_policy=ACTIVITY_RETRY,
    )
    if not ctx.is_replaying:
        logger.info(
            "inventory audit %s: %d SKUs, %d anomalies", ctx.instance_id, checked, anomaly_count
        )
    return record.model_dump(mode="json")
