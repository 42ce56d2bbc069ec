"""WorkerSupervisor: restarts the workflow worker only when it has stayed disconnected
past the grace period while the sidecar is healthy."""

import asyncio

from app.building_blocks.workflow_supervisor import WorkerSupervisor
from app.building_blocks.workflows import WorkflowEngine

GRACE_S = 0.05


class FakeEngine(WorkflowEngine):
    def __init__(self, connected: bool) -> None:
        self.connected = connected
        self.restarted = 0

    @property
    def started(self) -> bool:
        return True

    @property
    def sidecar_address(self) -> str:
        return "127.0.0.1:50001"

    def worker_connected(self) -> bool:
        return self.connected

    async def restart_worker(self) -> None:
        self.restarted += 1
        self.connected = True


def _observe(engine: FakeEngine, sidecar_up: bool, wait_s: float) -> list[bool]:
    """Two observations `wait_s` apart; what each returned."""

    async def sidecar_healthy() -> bool:
        return sidecar_up

    async def run() -> list[bool]:
        supervisor = WorkerSupervisor(engine, sidecar_healthy, GRACE_S)
        first = await supervisor.check_once()
        await asyncio.sleep(wait_s)
        return [first, await supervisor.check_once()]

    return asyncio.run(run())


def test_a_connected_worker_is_left_alone() -> None:
    """Connected: never restarted."""
    engine = FakeEngine(connected=True)
    assert _observe(engine, sidecar_up=True, wait_s=GRACE_S * 2) == [False, False]
    assert engine.restarted == 0


def test_disconnected_past_grace_with_a_healthy_sidecar_is_restarted() -> None:
    """Disconnected for longer than the grace period, sidecar healthy: one restart."""
    engine = FakeEngine(connected=False)
    assert _observe(engine, sidecar_up=True, wait_s=GRACE_S * 2) == [False, True]
    assert engine.restarted == 1


def test_no_restart_while_the_sidecar_is_down() -> None:
    """A restart cannot help while daprd is away: none happens."""
    engine = FakeEngine(connected=False)
    assert _observe(engine, sidecar_up=False, wait_s=GRACE_S * 2) == [False, False]
    assert engine.restarted == 0


def test_no_restart_within_the_grace_period() -> None:
    """The worker's own retry gets its chance first."""
    engine = FakeEngine(connected=False)
    supervisor_grace_s = 60.0

    async def sidecar_healthy() -> bool:
        return True

    async def run() -> list[bool]:
        supervisor = WorkerSupervisor(engine, sidecar_healthy, supervisor_grace_s)
        return [await supervisor.check_once(), await supervisor.check_once()]

    assert asyncio.run(run()) == [False, False]
    assert engine.restarted == 0
