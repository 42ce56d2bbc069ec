"""WorkerSupervisor: restarts the workflow worker when daprd is back but the worker's
stream is not, instead of waiting out gRPC's reconnect backoff (up to 120 s)."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from app.building_blocks.workflows import WorkflowEngine

logger = logging.getLogger(__name__)


class WorkerSupervisor:
    """Polls the worker every `interval_s`; once it has been disconnected for `grace_s`
    while the sidecar answers healthy, restarts it on fresh channels.

    `grace_s` gives the worker's own 5 s retry two chances first: a short outage never
    costs a restart.
    """

    def __init__(
        self,
        engine: WorkflowEngine,
        sidecar_healthy: Callable[[], Awaitable[bool]],
        grace_s: float,
        interval_s: float = 1.0,
    ) -> None:
        self._engine = engine
        self._sidecar_healthy = sidecar_healthy
        self._grace_s = grace_s
        self._interval_s = interval_s
        self._disconnected_since: float | None = None
        self.restarts = 0

    async def check_once(self) -> bool:
        """One observation; True if it restarted the worker."""
        if not self._engine.started or self._engine.worker_connected():
            self._disconnected_since = None
            return False
        now = time.monotonic()
        if self._disconnected_since is None:
            self._disconnected_since = now
            return False
        if now - self._disconnected_since < self._grace_s or not await self._sidecar_healthy():
            return False
        logger.warning(
            "workflow worker disconnected for %.0fs while the sidecar at %s is healthy; "
            "restarting it on a fresh connection",
            now - self._disconnected_since,
            self._engine.sidecar_address,
        )
        await self._engine.restart_worker()
        self.restarts += 1
        self._disconnected_since = None
        return True

    async def run(self) -> None:
        """Until cancelled (the lifespan cancels it before stopping the engine)."""
        while True:
            await asyncio.sleep(self._interval_s)
            try:
                await self.check_once()
            except Exception:  # a failed restart is retried at the next grace period
                logger.exception("restarting the workflow worker failed")
                self._disconnected_since = None
