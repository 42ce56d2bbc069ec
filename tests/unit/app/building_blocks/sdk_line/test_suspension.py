"""keep_action_records_while_suspended: a restock approved while paused completes after the
resume, even when the pause reached the worker with a step's result.

The SDK's own orchestration executor runs a workflow of `restock_approval`'s 1.14 shape (a
progress activity, then the approval racing a timer, then the next step: on 1.18 the real
one reports progress as custom status, not as an activity, so the shape is kept here to
test the patch on both lines); the engine's side is the little daprd does between
batches (append the batch, then a record of each action the orchestrator returned).
The batches are the ones in the history of an instance that failed in CI (the pause
arrived in the same batch as the first step's result)."""

import json
import logging
from collections.abc import Generator, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dapr.ext.workflow import DaprWorkflowContext, when_any

from app.building_blocks.sdk_line.durabletask import helpers, pb, worker
from app.building_blocks.sdk_line.suspension import (
    SDK_WAITS_FOR_RESUME,
    keep_action_records_while_suspended,
    waits_for_resume,
)
from tests.unit.support.engine_history import (
    COMPLETE,
    completion,
    completion_status,
    execute,
    kinds,
    started_event,
    timer_created_event,
)
from workflows.events import APPROVAL_EVENT

INSTANCE = "restock-paused"


def record_progress(ctx: Any, payload: Any) -> None:
    """Stands in for the activity: only its name is scheduled."""


def restock_approval(ctx: DaprWorkflowContext, request: Any) -> Generator[Any, Any, Any]:
    """restock_approval as it runs on 1.14: report, wait for a decision or the timeout,
    report the next step."""
    yield ctx.call_activity(record_progress, input={"progress": {"step": "awaiting approval"}})
    decision = ctx.wait_for_external_event(APPROVAL_EVENT)
    timeout = ctx.create_timer(timedelta(seconds=request["approval_timeout_s"]))
    if (yield when_any([decision, timeout])) is timeout:
        return {"approved": False}
    yield ctx.call_activity(record_progress, input={"progress": {"step": "restocking"}})
    return {"approved": True}


class EngineHistory:
    """One instance's history as the engine keeps it, and the SDK executor run per batch."""

    def __init__(self) -> None:
        registry = worker._Registry()

        def orchestrator(ctx: Any, payload: Any) -> Any:  # as the Dapr runtime wraps it
            return restock_approval(DaprWorkflowContext(ctx), payload)

        registry.add_named_orchestrator("restock_approval", orchestrator)
        self._registry = registry
        self.events: list[pb.HistoryEvent] = []

    def run(self, *new_events: pb.HistoryEvent) -> list[Any]:
        batch = [started_event(), *new_events]
        executor = worker._OrchestrationExecutor(self._registry, logging.getLogger("test"))
        actions = execute(executor, INSTANCE, self.events, batch)
        self.events += [*batch, *_records_of(actions)]
        return actions


def _records_of(actions: Sequence[Any]) -> Iterator[pb.HistoryEvent]:
    for action in actions:
        if action.HasField("scheduleTask"):
            task = action.scheduleTask
            yield helpers.new_task_scheduled_event(action.id, task.name, task.input.value)
        elif action.HasField("createTimer"):
            yield timer_created_event(action)


def _paused_as_the_first_step_ends(engine: EngineHistory) -> list[Any]:
    """Start, pause in the batch of the first step's result, approve while paused; the
    actions of that approval batch."""
    request = {"sku": "SKU-1", "quantity": 1, "approval_timeout_s": 600}
    started = helpers.new_execution_started_event("restock_approval", INSTANCE, json.dumps(request))
    first_step = engine.run(started)
    assert kinds(first_step) == ["scheduleTask"]
    done = helpers.new_task_completed_event(first_step[0].id, json.dumps(None))
    # The workflow waits for the decision or its timeout: the timer is scheduled before
    # the pause applies, as in the failed instance's history.
    assert "createTimer" in kinds(engine.run(done, helpers.new_suspend_event()))
    decision = json.dumps({"approved": True})
    return engine.run(helpers.new_event_raised_event(APPROVAL_EVENT, decision))


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "_is_suspendable", worker._is_suspendable)  # restored after
    keep_action_records_while_suspended()


@pytest.mark.usefixtures("patched")
def test_an_approval_while_paused_completes_the_restock_after_the_resume() -> None:
    """While paused, nothing is sent again; on resume the approved restock goes on to its
    next step instead of failing with NonDeterminismError."""
    engine = EngineHistory()
    assert _paused_as_the_first_step_ends(engine) == []
    resumed = engine.run(helpers.new_resume_event())
    assert kinds(resumed) == ["scheduleTask"], resumed
    assert resumed[0].scheduleTask.name == "record_progress"
    assert json.loads(resumed[0].scheduleTask.input.value)["progress"] == {"step": "restocking"}


def test_the_pinned_sdk_alone_resends_the_step_and_fails_on_resume(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Why the patch exists: without it, the paused replay sends the timer again and the
    resume fails the instance. If a new SDK stops doing this, the patch can go."""
    monkeypatch.setattr(worker, "_is_suspendable", SDK_WAITS_FOR_RESUME)
    engine = EngineHistory()
    # The timer is sent again (on 1.18 with the optional timer of the indefinite wait).
    assert set(kinds(_paused_as_the_first_step_ends(engine))) == {"createTimer"}
    resumed = engine.run(helpers.new_resume_event())
    assert kinds(resumed) == [COMPLETE]
    assert completion_status(resumed[0]) == pb.ORCHESTRATION_STATUS_FAILED
    assert completion(resumed[0]).failureDetails.errorType == "NonDeterminismError"


def test_only_records_of_actions_skip_the_wait() -> None:
    """Results, fired timers and raised events still wait for the resume."""
    assert not waits_for_resume(helpers.new_timer_created_event(2, datetime.now(UTC)))
    assert not waits_for_resume(helpers.new_task_scheduled_event(1, "step"))
    assert waits_for_resume(helpers.new_task_completed_event(1, "null"))
    assert waits_for_resume(helpers.new_event_raised_event(APPROVAL_EVENT, "{}"))
    assert waits_for_resume(helpers.new_timer_fired_event(2, datetime.now(UTC)))
    assert not waits_for_resume(helpers.new_resume_event())
