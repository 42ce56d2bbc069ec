"""Workflow control properties (seed 17, 18) against the real sidecar and the app's worker.

The control layer is built here on the session's client; the workflows run in the stack's
app, whose runtime is the only worker (this engine is never started).
"""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from dapr.ext.workflow import WorkflowStatus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.errors import WorkflowConflictError
from app.building_blocks.state import StateManager
from app.building_blocks.workflow_admission import WorkflowAdmission
from app.building_blocks.workflow_status import ENDED
from app.building_blocks.workflows import WorkflowEngine
from app.records.workflow_index import WorkflowIndex, WorkflowProgress
from app.workflow_control import WorkflowControl
from devstack.stack import Stack
from workflows import WORKFLOWS
from workflows.events import APPROVAL_EVENT

# What INSTANCE_ID_PATTERN allows after its first character.
id_suffixes = st.from_regex(r"\A[A-Za-z0-9._-]{1,40}\Z")


@pytest.fixture(scope="module")
def control(stack: Stack, dapr_client: DaprClientWrapper) -> WorkflowControl:
    host, port = stack.dapr_grpc_address.rsplit(":", 1)
    engine = WorkflowEngine(host, int(port))
    engine.register(WORKFLOWS, [])
    state = StateManager(dapr_client, "statestore", max_value_bytes=1024 * 1024)
    progress = WorkflowProgress(state)
    admission = WorkflowAdmission(1000)
    return WorkflowControl(engine, WorkflowIndex(state), progress, dapr_client, admission)


def _restock_input() -> dict[str, Any]:
    return {"sku": f"SKU-{uuid.uuid4().hex[:8]}", "quantity": 1}


async def _settled(control: WorkflowControl, instance_id: str, expected: str) -> str:
    """The reported status once it equals `expected`, or the last one after 20 s."""
    deadline = time.monotonic() + 20
    while True:
        status = (await control.get(instance_id)).record.status
        if status == expected or time.monotonic() > deadline:
            return status
        await asyncio.sleep(0.1)


# One example runs up to five real starts and waits for a completed run (0.2 s here, a
# few seconds on a loaded machine): 50 examples instead of the profile's 100 keep the
# property under a minute even then; no per-example deadline for the same reason.
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suffix=id_suffixes, concurrent_starts=st.integers(min_value=2, max_value=5))
def test_workflow_instance_id_uniqueness(
    runner: asyncio.Runner, control: WorkflowControl, suffix: str, concurrent_starts: int
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 17: Workflow Instance ID Uniqueness**
    **Validates: Requirements 8.2**
    """
    instance_id = f"p17-{uuid.uuid4().hex[:8]}-{suffix}"

    async def scenario() -> None:
        starts = [
            control.start("restock", _restock_input(), instance_id)
            for _ in range(concurrent_starts)
        ]
        outcomes = await asyncio.gather(*starts, return_exceptions=True)
        started = [o for o in outcomes if not isinstance(o, BaseException)]
        refused = [o for o in outcomes if isinstance(o, WorkflowConflictError)]
        assert len(started) == 1, outcomes
        assert len(refused) == concurrent_starts - 1, outcomes
        assert await _settled(control, instance_id, "COMPLETED") == "COMPLETED"
        first_run = (await control.get(instance_id)).state
        # Once finished, the id still belongs to that run: no silent re-creation.
        with pytest.raises(WorkflowConflictError):
            await control.start("restock", _restock_input(), instance_id)
        again = await control.get(instance_id)
        assert again.state is not None
        assert first_run is not None
        assert again.state.runtime_status == WorkflowStatus.COMPLETED
        assert again.state.created_at == first_run.created_at
        assert again.state.serialized_input == first_run.serialized_input
        listed = await control.list("restock", None, limit=10_000, offset=0)
        assert [r.instance_id for r in listed.items].count(instance_id) == 1

    runner.run(scenario())


operations = st.lists(
    st.sampled_from(["pause", "resume", "terminate", "approve"]), min_size=1, max_size=5
)


def _expected_after(operation: str, status: str, approved: bool) -> tuple[str, bool, bool]:
    """The model: (status after, approval pending, whether the API must refuse the call)."""
    if status in {s.name for s in ENDED}:
        return status, approved, True
    if operation == "pause":
        return ("SUSPENDED", approved, False) if status == "RUNNING" else (status, approved, True)
    if operation == "resume":
        if status != "SUSPENDED":
            return status, approved, True
        return ("COMPLETED" if approved else "RUNNING"), approved, False
    if operation == "terminate":
        return ("TERMINATED", approved, False) if status == "RUNNING" else (status, approved, True)
    # approve: a suspended instance keeps the event until it is resumed
    return ("COMPLETED" if status == "RUNNING" else status), True, False


# Each example starts a real workflow and waits for every transition to show (up to 0.3 s
# an example here, seconds under load): 50 examples instead of 100, no deadline.
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=operations)
def test_workflow_status_accuracy(
    runner: asyncio.Runner, control: WorkflowControl, steps: list[str]
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 18: Workflow Status Accuracy**
    **Validates: Requirements 8.4**
    """
    instance_id = f"p18-{uuid.uuid4().hex[:12]}"

    async def scenario() -> None:
        payload = {**_restock_input(), "approval_timeout_s": 600}
        await control.start("restock_approval", payload, instance_id)
        status, approved = await _settled(control, instance_id, "RUNNING"), False
        assert status == "RUNNING"
        for step in steps:
            expected, approved, refused = _expected_after(step, status, approved)
            calls: dict[str, Callable[[], Awaitable[None]]] = {
                "pause": lambda: control.pause(instance_id),
                "resume": lambda: control.resume(instance_id),
                "terminate": lambda: control.terminate(instance_id),
                "approve": lambda: control.raise_event(
                    instance_id, APPROVAL_EVENT, {"approved": True}
                ),
            }
            call = calls[step]
            if refused:
                with pytest.raises(WorkflowConflictError):
                    await call()
            else:
                await call()
            status = await _settled(control, instance_id, expected)
            assert status == expected, (steps, step)
            live = await control._engine.get_state(instance_id)  # the sidecar's own answer
            assert live is not None
            assert live.runtime_status.name == expected
            listed = await control.list("restock_approval", None, limit=10_000, offset=0)
            assert {r.instance_id: r.status for r in listed.items}[instance_id] == expected
        if status not in {s.name for s in ENDED}:
            if status == "SUSPENDED":
                await control.resume(instance_id)
                await _settled(control, instance_id, "COMPLETED" if approved else "RUNNING")
            if (await control.get(instance_id)).record.status == "RUNNING":
                await control.terminate(instance_id)

    runner.run(scenario())
