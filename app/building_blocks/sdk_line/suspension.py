"""A suspended workflow keeps the records of the steps it already scheduled.

durabletask (0.1.1a1 under the 1.14 SDK, and the copy dapr-ext-workflow 1.18.3 bundles,
whose `_is_suspendable` is unchanged) holds back every history event it replays after
`executionSuspended` until `executionResumed`, including `taskScheduled`, `timerCreated` and
`subOrchestrationInstanceCreated`: the engine's records of actions the orchestrator already
took. When a pause reaches the worker in the same batch as an activity's result, the
orchestrator schedules its next step before the pause applies; on every later replay
while paused that step's record is held back, so the step looks unsent and is sent again,
and on resume the duplicate record fails the instance with NonDeterminismError (a restock
approved while paused ended FAILED in CI, about 3 pauses in 100 here). A record of an
action is not an input to the orchestrator, so it is replayed where it stands; results,
fired timers and raised events still wait for the resume. The upstream function is
unchanged in later durabletask releases, including the one 1.18.3 bundles, so this
stays on both lines (tests/unit/app/building_blocks/sdk_line/test_suspension.py shows the
SDK alone failing on each).
"""

from typing import Any

from app.building_blocks.sdk_line.durabletask import worker

# The records of actions, as each line's protobufs name them (1.18 renamed sub-orchestrations
# to child workflows and added detached ones); a name the line lacks never occurs.
ACTION_RECORDS = frozenset(
    {
        "taskScheduled",
        "timerCreated",
        "subOrchestrationInstanceCreated",  # 1.14
        "childWorkflowInstanceCreated",  # 1.18
        "detachedWorkflowInstanceCreated",  # 1.18
    }
)

SDK_WAITS_FOR_RESUME = worker._is_suspendable


def waits_for_resume(event: Any) -> bool:
    """Whether a suspended instance holds `event` (a HistoryEvent) back until resumed."""
    kind = event.WhichOneof("eventType")
    return kind not in ACTION_RECORDS and bool(SDK_WAITS_FOR_RESUME(event))


def keep_action_records_while_suspended() -> None:
    """Make the SDK's orchestration executor replay action records in place when paused."""
    worker._is_suspendable = waits_for_resume
