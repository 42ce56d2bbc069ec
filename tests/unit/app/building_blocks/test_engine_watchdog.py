"""The engine watchdog's verdicts and sweep, over a fake engine: a canary that finishes is
healthy and purged, one that never finishes is unhealthy with the restart hint, and the
sweep counts out admitted runs the engine no longer runs."""

import asyncio
from types import SimpleNamespace
from typing import Any

from dapr.ext.workflow import WorkflowState, WorkflowStatus

from app.building_blocks.engine_watchdog import EngineWatchdog
from app.building_blocks.workflow_admission import WorkflowAdmission
from app.building_blocks.workflows import WorkflowEngine


class FakeEngine(WorkflowEngine):
    """Schedules by recording; each instance reports the status `finish_as` gives it."""

    def __init__(self, finish_as: WorkflowStatus | None, others: dict[str, Any]) -> None:
        self.finish_as = finish_as
        self.others = others
        self.scheduled: list[str] = []

    async def schedule(
        self, name: str, payload: dict[str, Any], instance_id: str | None = None
    ) -> str:
        assert instance_id is not None
        self.scheduled.append(instance_id)
        return instance_id

    async def get_state(
        self, instance_id: str, fetch_payloads: bool = True, deadline_s: float | None = None
    ) -> WorkflowState | None:
        if instance_id in self.others:
            status = self.others[instance_id]
        elif instance_id in self.scheduled:
            status = self.finish_as or WorkflowStatus.RUNNING
        else:
            return None
        state: Any = None if status is None else SimpleNamespace(runtime_status=status)
        return state


def _watchdog(
    engine: FakeEngine, admission: WorkflowAdmission, purged: list[str]
) -> EngineWatchdog:
    async def purge(instance_id: str) -> None:
        purged.append(instance_id)

    return EngineWatchdog(
        engine,
        admission,
        purge,
        canary_workflow="engine_canary",
        replica="r1",
        interval_s=10,
        deadline_s=0.3,
        sweep_after_s=0,
    )


def test_a_canary_that_completes_is_healthy_and_purged() -> None:
    """The engine ran the canary: healthy verdict, and its history is purged."""
    engine, purged = FakeEngine(WorkflowStatus.COMPLETED, {}), list[str]()
    verdict = asyncio.run(_watchdog(engine, WorkflowAdmission(5), purged).probe())
    assert verdict.healthy
    assert purged == engine.scheduled == ["engine-canary-r1-0"]


def test_a_canary_that_never_finishes_is_unhealthy_with_the_way_out() -> None:
    """A stalled engine: unhealthy after the deadline, naming the canary and the fix."""
    engine, purged = FakeEngine(None, {}), list[str]()
    verdict = asyncio.run(_watchdog(engine, WorkflowAdmission(5), purged).probe())
    assert not verdict.healthy
    assert "engine-canary-r1-0" in verdict.message
    assert "restart daprd" in verdict.message
    assert purged == []  # still running: purged once it ends


def test_the_sweep_counts_out_runs_that_no_longer_run() -> None:
    """Admitted runs the engine reports ended or unknown leave the count; running stay."""
    admission = WorkflowAdmission(5)
    for instance_id in ("ended", "gone", "running"):
        admission.admit(instance_id)
    others = {"ended": WorkflowStatus.TERMINATED, "running": WorkflowStatus.RUNNING}
    engine = FakeEngine(WorkflowStatus.COMPLETED, others)
    asyncio.run(_watchdog(engine, admission, []).sweep())
    assert admission.admitted_before(0) == ["running"]
