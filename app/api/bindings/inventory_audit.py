"""`inventory-audit` cron: each tick starts `inventory_audit` and its sibling
`books_audit`, each unless one is running. With several replicas every daprd fires the
cron: only the replica that claims the tick (app/records/audit_ticks.py) starts them.

One well-known instance id each: a tick that finds it pending, running or suspended
starts nothing; a finished one is replaced by the new run (Dapr reuses a terminal
instance id).
"""

import logging

from dapr.ext.workflow import WorkflowStatus

from app.api.subscriptions.spec import SubscriberDeps
from app.building_blocks.errors import WorkflowConflictError
from app.building_blocks.input_bindings import BindingEvent
from workflows import BOOKS_AUDIT, INVENTORY_AUDIT

logger = logging.getLogger(__name__)

AUDIT_INSTANCE_ID = "inventory-audit"
BOOKS_AUDIT_INSTANCE_ID = "books-audit"
_FINISHED = {WorkflowStatus.COMPLETED, WorkflowStatus.FAILED, WorkflowStatus.TERMINATED}


async def on_audit_tick(event: BindingEvent, deps: SubscriberDeps) -> None:
    """Start each audit under its fixed id, or leave the running one alone."""
    tick = event.metadata.get("readtimeutc", "?")
    logger.info("audit tick %s received", tick)
    if deps.audit_ticks is not None:
        slot = deps.audit_ticks.slot(tick)
        if not await deps.audit_ticks.claim(tick, deps.replica):
            logger.info("audit tick %s (slot %s) claimed by another replica", tick, slot)
            return
        logger.info("audit tick %s (slot %s) claimed", tick, slot)
    await _start_unless_running(deps, INVENTORY_AUDIT.name, AUDIT_INSTANCE_ID, tick)
    await _start_unless_running(deps, BOOKS_AUDIT.name, BOOKS_AUDIT_INSTANCE_ID, tick)


async def _start_unless_running(
    deps: SubscriberDeps, workflow: str, instance_id: str, tick: str
) -> None:
    state = await deps.workflows.get_state(instance_id, fetch_payloads=False)
    if state is not None and state.runtime_status not in _FINISHED:
        logger.info("%s still %s; tick skipped", workflow, state.runtime_status.name)
        return
    try:
        await deps.workflows.schedule(workflow, {}, instance_id=instance_id)
    except WorkflowConflictError:  # another tick started it between our read and start
        logger.info("%s started by another tick", workflow)
        return
    logger.info("%s started (tick %s)", workflow, tick)
