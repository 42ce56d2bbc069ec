"""`inventory-audit` cron: each tick starts `inventory_audit` unless one is running.

One well-known instance id: a tick that finds it pending, running or suspended starts
nothing; a finished one is replaced by the new run (Dapr reuses a terminal instance id).
"""

import logging

from dapr.ext.workflow import WorkflowStatus

from app.api.subscriptions.spec import SubscriberDeps
from app.building_blocks.errors import WorkflowConflictError
from app.building_blocks.input_bindings import BindingEvent
from workflows import INVENTORY_AUDIT

logger = logging.getLogger(__name__)

AUDIT_INSTANCE_ID = "inventory-audit"
_FINISHED = {WorkflowStatus.COMPLETED, WorkflowStatus.FAILED, WorkflowStatus.TERMINATED}


async def on_audit_tick(event: BindingEvent, deps: SubscriberDeps) -> None:
    """Start the audit under its fixed id, or leave the running one alone."""
    state = await deps.workflows.get_state(AUDIT_INSTANCE_ID, fetch_payloads=False)
    if state is not None and state.runtime_status not in _FINISHED:
        logger.info("inventory audit still %s; tick skipped", state.runtime_status.name)
        return
    try:
        await deps.workflows.schedule(INVENTORY_AUDIT.name, {}, instance_id=AUDIT_INSTANCE_ID)
    except WorkflowConflictError:  # another tick started it between our read and start
        logger.info("inventory audit started by another tick")
        return
    logger.info("inventory audit started (tick %s)", event.metadata.get("readtimeutc", "?"))
