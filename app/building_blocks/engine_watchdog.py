"""The engine watchdog: proves the workflow engine runs work, and counts finished runs out.

An open work-item stream does not mean the 1.14 engine schedules anything: when daprd's
orchestration slots have leaked (docs/workflow-engine.md) the stream stays open, the
worker idles and every run waits forever. So every `interval_s` the watchdog starts the
`engine_canary` workflow (one no-op activity) and waits `deadline_s` for it to finish;
readiness reports the last verdict. A finished canary is purged.

The same loop sweeps admission: a run admitted more than `sweep_after_s` ago is checked
against the engine and counted out if it is no longer running (terminated, purged, or
ended on another replica), so a lost end report cannot shrink capacity for good.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from dapr.ext.workflow import WorkflowStatus

from app.building_blocks.errors import DaprError
from app.building_blocks.workflow_admission import WorkflowAdmission
from app.building_blocks.workflow_status import ENDED, READ_WAIT_S, RUNNING, wait_until_ended
from app.building_blocks.workflows import WorkflowEngine

logger = logging.getLogger(__name__)

_POLL_S = 0.2
_RETRY_S = 1.0


@dataclass(frozen=True)
class CanaryVerdict:
    healthy: bool
    message: str
    elapsed_s: float
    at: float  # monotonic time of the verdict


class EngineWatchdog:
    def __init__(
        self,
        engine: WorkflowEngine,
        admission: WorkflowAdmission,
        purge: Callable[[str], Awaitable[None]],
        replica: str,
        interval_s: float,
        deadline_s: float,
        sweep_after_s: float,
        canary_workflow: str,
    ) -> None:
        self._engine = engine
        self._admission = admission
        self._purge = purge
        self._replica = replica
        self._interval_s = interval_s
        self._deadline_s = deadline_s
        self._sweep_after_s = sweep_after_s
        self._canary_workflow = canary_workflow  # its registry entry's name
        self._sequence = 0
        self._unpurged: list[str] = []
        self.verdict: CanaryVerdict | None = None

    async def run(self) -> None:
        """Probe and sweep until cancelled (the lifespan cancels it at shutdown). Probes
        start once the worker's stream is open, and come again soon after a failure."""
        while True:
            if not self._engine.worker_connected():
                await asyncio.sleep(_POLL_S)
                continue
            verdict = await self.probe()
            await self.sweep()
            await asyncio.sleep(self._interval_s if verdict.healthy else _RETRY_S)

    def stale_after_s(self) -> float:
        """A verdict older than this means the watchdog itself stopped reporting."""
        return self._interval_s + self._deadline_s + _RETRY_S

    async def probe(self) -> CanaryVerdict:
        """Run one canary to its end or its deadline; the verdict is kept for readiness."""
        instance_id = f"engine-canary-{self._replica}-{self._sequence}"
        payload = {"replica": self._replica, "sequence": self._sequence}
        self._sequence += 1
        started = time.monotonic()
        try:
            async with asyncio.timeout(self._deadline_s):
                await self._engine.schedule(self._canary_workflow, payload, instance_id)
                self._unpurged.append(instance_id)
                state = await wait_until_ended(self._engine, instance_id, self._deadline_s)
            status = state.runtime_status.name if state is not None else "gone"
            healthy = status == WorkflowStatus.COMPLETED.name
            message = f"canary workflow {instance_id} ended {status}"
        except TimeoutError:
            healthy = False
            message = (
                f"the workflow engine did not run canary workflow {instance_id} within "
                f"{self._deadline_s:.0f}s: daprd schedules no workflow work (if this lasts, "
                "restart daprd; docs/workflow-engine.md explains the 1.14 engine stall)"
            )
        except DaprError as error:
            healthy = False
            message = f"canary workflow {instance_id} could not run: {error}"
        elapsed = time.monotonic() - started
        if not healthy:
            logger.warning("engine watchdog: %s", message)
        self.verdict = CanaryVerdict(healthy, message, elapsed, time.monotonic())
        await self._purge_finished()
        return self.verdict

    async def sweep(self) -> None:
        """Count out admitted runs that are no longer running."""
        for instance_id in self._admission.admitted_before(self._sweep_after_s):
            try:
                state = await self._engine.get_state(
                    instance_id, fetch_payloads=False, deadline_s=READ_WAIT_S
                )
            except DaprError as error:
                logger.debug("engine watchdog: cannot read %s yet: %s", instance_id, error)
                continue
            if state is None or state.runtime_status not in RUNNING:
                self._admission.release(instance_id)

    async def _purge_finished(self) -> None:
        """Purge canaries that have ended (a late one ends after its deadline)."""
        waiting = []
        for instance_id in self._unpurged:
            try:
                state = await self._engine.get_state(
                    instance_id, fetch_payloads=False, deadline_s=READ_WAIT_S
                )
                if state is None:
                    continue
                if state.runtime_status not in ENDED:
                    waiting.append(instance_id)
                    continue
                await self._purge(instance_id)
            except DaprError as error:
                logger.debug("engine watchdog: %s not purged yet: %s", instance_id, error)
                waiting.append(instance_id)
        self._unpurged = waiting
