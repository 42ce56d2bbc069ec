"""Driving durabletask's own orchestration executor over hand-built histories, on either SDK
line: 1.18's bundled copy renamed orchestrations to workflows in its protobufs and helpers
and returns ExecutionResults instead of the action list. Tests ask these names instead."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from app.building_blocks.sdk_line.durabletask import helpers, pb

_NAMED_1_14 = hasattr(pb, "OrchestratorAction")
ACTION_KIND = "orchestratorActionType" if _NAMED_1_14 else "workflowActionType"
COMPLETE = "completeOrchestration" if _NAMED_1_14 else "completeWorkflow"
CHILD_CREATED = "subOrchestrationInstanceCreated" if _NAMED_1_14 else "childWorkflowInstanceCreated"
CREATE_CHILD = "createSubOrchestration" if _NAMED_1_14 else "createChildWorkflow"


def started_event(at: datetime | None = None) -> Any:
    """The batch opener (OrchestratorStarted / WorkflowStarted)."""
    name = "new_orchestrator_started_event" if _NAMED_1_14 else "new_workflow_started_event"
    return getattr(helpers, name)(at)


def execute(executor: Any, instance_id: str, old: Sequence[Any], new: Sequence[Any]) -> list[Any]:
    """The actions one execution returns."""
    result = executor.execute(instance_id, old, new)
    return list(getattr(result, "actions", result))


def kinds(actions: Sequence[Any]) -> list[str]:
    return [str(action.WhichOneof(ACTION_KIND)) for action in actions]


def completion(action: Any) -> Any:
    """The completion an action carries (CompleteOrchestration / CompleteWorkflow)."""
    return getattr(action, COMPLETE)


def completion_status(action: Any) -> int:
    """Its status, comparable with pb.ORCHESTRATION_STATUS_* on both lines."""
    done = completion(action)
    return int(done.orchestrationStatus if _NAMED_1_14 else done.workflowStatus)


def timer_created_event(action: Any) -> Any:
    """The engine's record of a createTimer action: its fire time and, on 1.18, everything
    else the action says of the timer (its name and origin: a timer of ours, or the
    optional one 1.18 schedules for an indefinite external-event wait), as daprd copies it."""
    timer = action.createTimer
    event = pb.HistoryEvent(eventId=action.id)
    event.timestamp.GetCurrentTime()
    fields = event.timerCreated.DESCRIPTOR.fields_by_name
    for field, value in timer.ListFields():
        if field.name not in fields:
            continue
        if field.message_type is not None:
            getattr(event.timerCreated, field.name).CopyFrom(value)
        else:
            setattr(event.timerCreated, field.name, value)
    event.timerCreated.SetInParent()
    return event
