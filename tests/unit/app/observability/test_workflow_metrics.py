"""The orchestrator and activity wrappers count each run once, however often it replays.

Orchestrators are driven by durabletask's own executor (the code the workflow worker
runs) over hand-built histories: each execution replays the old events, then processes
the new ones, as the sidecar's work items make it do.
"""

import logging
from collections.abc import Callable, Generator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dapr.ext.workflow import DaprWorkflowContext

from app.building_blocks.sdk_line.durabletask import helpers, pb, worker
from app.observability.metrics import REGISTRY
from app.observability.workflow_metrics import observed_activity, observed_workflow
from tests.unit.support.engine_history import completion, completion_status, execute, started_event

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def step(ctx: Any, _: Any) -> None:
    """Stands in for an activity: only its name is used when scheduling it."""


def two_steps(ctx: DaprWorkflowContext, payload: Any = None) -> Generator[Any, Any, str]:
    first = yield ctx.call_activity(step, input=1)
    second = yield ctx.call_activity(step, input=2)
    return f"{first}+{second}"


def failing(ctx: DaprWorkflowContext, payload: Any = None) -> Generator[Any, Any, None]:
    yield ctx.call_activity(step, input=1)
    raise RuntimeError("the order cannot be fulfilled")


def continuing(ctx: DaprWorkflowContext, payload: Any = None) -> Generator[Any, Any, None]:
    yield ctx.call_activity(step, input=1)
    ctx.continue_as_new({"page": 2})


def executor_for(name: str, orchestrator: Callable[..., Any]) -> worker._OrchestrationExecutor:
    """durabletask's executor with `orchestrator` registered as the Dapr SDK registers it."""
    registry = worker._Registry()
    observed = observed_workflow(name, orchestrator)

    def as_the_sdk_registers(ctx: Any, payload: Any = None) -> Any:
        return observed(DaprWorkflowContext(ctx), payload)

    registry.add_named_orchestrator(name, as_the_sdk_registers)
    return worker._OrchestrationExecutor(registry, logging.getLogger("test"))


def run(
    name: str,
    orchestrator: Callable[..., Any],
    old: Sequence[pb.HistoryEvent],
    new: Sequence[pb.HistoryEvent],
) -> list[Any]:
    return execute(executor_for(name, orchestrator), "instance-1", old, new)


def started(name: str, at: datetime) -> list[pb.HistoryEvent]:
    return [
        started_event(at),
        helpers.new_execution_started_event(name, "instance-1", '{"x": 1}'),
    ]


def completed_task(task_id: int, output: str, at: datetime) -> list[pb.HistoryEvent]:
    return [
        started_event(at),
        helpers.new_task_completed_event(task_id, output),
    ]


def scheduled(task_id: int) -> pb.HistoryEvent:
    return helpers.new_task_scheduled_event(task_id, "step")


def test_a_run_that_replays_twice_is_counted_started_once_and_completed_once() -> None:
    """Three executions (start, after step 1, after step 2) give one start, one completion,
    and a duration measured on the workflow's clock (first to last event: 90 s)."""
    name = "wf_complete"
    first = started(name, T0)
    after_one = [scheduled(1), *completed_task(1, '"a"', T0 + timedelta(seconds=30))]
    after_two = [scheduled(2), *completed_task(2, '"b"', T0 + timedelta(seconds=90))]

    run(name, two_steps, [], first)
    assert value("orderflow_workflows_started_total", workflow=name) == 1
    run(name, two_steps, first, after_one)
    actions = run(name, two_steps, [*first, *after_one], after_two)

    assert completion(actions[-1]).result.value == '"a+b"'
    assert value("orderflow_workflows_started_total", workflow=name) == 1
    assert value("orderflow_workflows_completed_total", workflow=name) == 1
    assert value("orderflow_workflows_failed_total", workflow=name) == 0
    histogram = {"workflow": name, "outcome": "completed"}
    assert value("orderflow_workflow_duration_seconds_count", **histogram) == 1
    assert value("orderflow_workflow_duration_seconds_sum", **histogram) == 90.0


def test_a_failed_run_is_counted_failed_once_and_the_failure_still_reaches_the_runtime() -> None:
    """An exception leaving the orchestrator is counted, then fails the orchestration."""
    name = "wf_fail"
    first = started(name, T0)
    run(name, failing, [], first)
    actions = run(name, failing, first, [scheduled(1), *completed_task(1, '"a"', T0)])

    outcome = completion(actions[-1])
    assert completion_status(actions[-1]) == pb.ORCHESTRATION_STATUS_FAILED
    assert "cannot be fulfilled" in outcome.failureDetails.errorMessage
    assert value("orderflow_workflows_failed_total", workflow=name) == 1
    assert value("orderflow_workflows_completed_total", workflow=name) == 0


def test_a_replay_that_ends_in_old_history_counts_nothing_again() -> None:
    """Executing a finished history once more (a redelivered work item replays it all)
    adds no count, because its end is reached while replaying."""
    name = "wf_replayed"
    first = started(name, T0)
    after_one = [scheduled(1), *completed_task(1, '"a"', T0)]
    after_two = [scheduled(2), *completed_task(2, '"b"', T0)]
    run(name, two_steps, [], first)
    run(name, two_steps, first, after_one)
    run(name, two_steps, [*first, *after_one], after_two)
    before = value("orderflow_workflows_completed_total", workflow=name)

    # Everything but a last orchestrator-started marker is old history now.
    history = [*first, *after_one, *after_two]
    run(name, two_steps, history, [started_event(T0)])

    assert before == 1
    assert value("orderflow_workflows_completed_total", workflow=name) == 1
    assert value("orderflow_workflows_started_total", workflow=name) == 1


def test_continue_as_new_ends_the_run_as_continued_not_completed() -> None:
    """A run that continues as new is counted as such; the orchestration is not completed."""
    name = "wf_continue"
    first = started(name, T0)
    run(name, continuing, [], first)
    actions = run(name, continuing, first, [scheduled(1), *completed_task(1, '"a"', T0)])

    status = completion_status(actions[-1])
    assert status == pb.ORCHESTRATION_STATUS_CONTINUED_AS_NEW
    assert value("orderflow_workflows_continued_as_new_total", workflow=name) == 1
    assert value("orderflow_workflows_completed_total", workflow=name) == 0


def test_an_orchestrator_that_schedules_nothing_completes_with_its_value() -> None:
    """A plain function (no generator) still returns its result through the wrapper."""
    name = "wf_plain"
    actions = run(name, lambda ctx, payload=None: {"done": True}, [], started(name, T0))

    assert completion(actions[-1]).result.value == '{"done": true}'
    assert value("orderflow_workflows_completed_total", workflow=name) == 1


def test_activity_executions_are_timed_and_failures_counted() -> None:
    """Each execution is one histogram observation; one that raises is also a failure."""

    def flaky(ctx: Any, amount: int) -> int:
        if amount < 0:
            raise ValueError("negative amount")
        return amount * 2

    activity = observed_activity("unit_flaky", flaky)
    assert activity(None, 21) == 42
    with pytest.raises(ValueError, match="negative"):
        activity(None, -1)

    assert value("orderflow_activity_failures_total", activity="unit_flaky") == 1
    for outcome in ("success", "failure"):
        labels = {"activity": "unit_flaky", "outcome": outcome}
        assert value("orderflow_activity_duration_seconds_count", **labels) == 1
