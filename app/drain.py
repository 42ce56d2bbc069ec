"""Graceful shutdown behind a load balancer: on SIGTERM, turn unready first.

uvicorn alone stops listening at once on SIGTERM, and a balancer that still counts the
replica in sends it requests that are refused. Here the first SIGTERM only marks the
process as draining (/health/ready answers 503, everything else is still served); the
exit starts after `drain_s`, once the balancer has seen the failed probes, and after
the sidecar has stopped (it hands its actors to the other replicas and finishes their
calls into this app), at most `max_s` in all. A second signal exits at once.
"""

import logging
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType

import httpx
import uvicorn

logger = logging.getLogger(__name__)


class ShutdownDrain:
    """Whether this process is draining; one per process (the signal is per process)."""

    def __init__(self) -> None:
        self._since: float | None = None

    @property
    def draining(self) -> bool:
        return self._since is not None

    def begin(self) -> None:
        if self._since is None:
            self._since = time.monotonic()


DRAIN = ShutdownDrain()


def sidecar_answers(url: str) -> Callable[[], bool]:
    def answers() -> bool:
        try:
            httpx.get(url, timeout=1.0)
        except httpx.HTTPError:
            return False
        return True

    return answers


class DrainingServer(uvicorn.Server):
    """uvicorn's server, whose first SIGTERM drains before it stops."""

    def __init__(
        self,
        config: uvicorn.Config,
        drain_s: float,
        max_s: float,
        sidecar_up: Callable[[], bool],
        drain: ShutdownDrain = DRAIN,
    ) -> None:
        super().__init__(config)
        self._drain_s, self._max_s = drain_s, max_s
        self._sidecar_up = sidecar_up
        self._drain = drain

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._drain.draining or sig != signal.SIGTERM or self._max_s <= 0:
            super().handle_exit(sig, frame)
            return
        self._drain.begin()
        logger.info("SIGTERM: unready now, stopping after the drain (up to %.0fs)", self._max_s)
        threading.Thread(target=self._exit_after_drain, name="drain", daemon=True).start()

    def _exit_after_drain(self) -> None:
        started = time.monotonic()
        time.sleep(min(self._drain_s, self._max_s))
        while time.monotonic() - started < self._max_s and self._sidecar_up():
            time.sleep(0.25)
        logger.info("drained after %.1fs; finishing in-flight requests", time.monotonic() - started)
        self.should_exit = True
