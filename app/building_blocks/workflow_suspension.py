"""A suspended workflow keeps the records of the steps it already scheduled.

durabletask 0.1.1a1 holds back every history event it replays after `executionSuspended`
until `executionResumed`, including `taskScheduled`, `timerCreated` and
`subOrchestrationInstanceCreated`: the engine's records of actions the orchestrator already
took. When a pause reaches the worker in the same batch as an activity's result, the
orchestrator schedules its next step before the pause applies; on every later replay
while paused that step's record is held back, so the step looks unsent and is sent again,
and on resume the duplicate record fails the instance with NonDeterminismError (a restock
approved while paused ended FAILED in CI, about 3 pauses in 100 here). A record of an
action is not an input to the orchestrator, so it is replayed where it stands; results,
fired timers and raised events still wait for the resume. The upstream function is
unchanged in later durabletask releases, so this stays while the pin does.
"""

from durabletask import worker
from durabletask.internal import orchestrator_service_pb2 as pb

ACTION_RECORDS = frozenset({"taskScheduled", "timerCreated", "subOrchestrationInstanceCreated"})

SDK_WAITS_FOR_RESUME = worker._is_suspendable


def waits_for_resume(event: pb.HistoryEvent) -> bool:
    """Whether a suspended instance holds `event` back until it is resumed."""
    return event.WhichOneof("eventType") not in ACTION_RECORDS and SDK_WAITS_FOR_RESUME(event)


def keep_action_records_while_suspended() -> None:
    """Make the SDK's orchestration executor replay action records in place when paused."""
    worker._is_suspendable = waits_for_resume
