"""Which runtime statuses mean what, and waiting for an instance to end: one definition
for the control API, the engine watchdog and order recovery."""

import asyncio

from dapr.ext.workflow import WorkflowState, WorkflowStatus

from app.building_blocks.errors import DaprTimeoutError
from app.building_blocks.workflows import WorkflowEngine

ENDED = frozenset({WorkflowStatus.COMPLETED, WorkflowStatus.FAILED, WorkflowStatus.TERMINATED})
RUNNING = frozenset({WorkflowStatus.RUNNING, WorkflowStatus.PENDING})
ACTIVE = RUNNING | {WorkflowStatus.SUSPENDED}

# Each read waits this long for a busy instance; it is never cut short (patient_calls.py).
READ_WAIT_S = 2.0
_POLL_S = 0.2


async def wait_until_ended(
    engine: WorkflowEngine, instance_id: str, timeout_s: float
) -> WorkflowState | None:
    """The instance's state once it has ended, or None if it does not exist; TimeoutError
    if it still runs after `timeout_s`. A read the busy engine does not answer in time
    counts as "not yet"."""
    async with asyncio.timeout(timeout_s):
        while True:
            try:
                state = await engine.get_state(
                    instance_id, fetch_payloads=False, deadline_s=READ_WAIT_S
                )
            except DaprTimeoutError:
                pass
            else:
                if state is None or state.runtime_status in ENDED:
                    return state
            await asyncio.sleep(_POLL_S)
