"""Waiting a bounded time for a sidecar call without cutting the call short.

A read that must answer quickly (a status poll) cannot wait for a busy workflow instance,
but it must not cancel its call either: daprd 1.14's SQLite state store (modernc.org/sqlite
1.30.1) interrupts the query of a cancelled request, and a connection left interrupted
fails every later query with "interrupted (9)" at once. A bench burst of 1000 orders read
under 50 ms gRPC deadlines ended that way: every state, reminder and workflow call failed
until daprd restarted (docs/workflow-engine.md). So the caller stops waiting, and the call
runs to its end on its own thread; at most `max_outstanding` calls are left running like
that, and past that the caller is told at once that the sidecar is busy.
"""

import asyncio
import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from app.building_blocks.errors import DaprTimeoutError

T = TypeVar("T")


class PatientCalls:
    """Bounded waits for calls run on `pool`, which is never cancelled mid-call."""

    def __init__(self, pool: ThreadPoolExecutor, max_outstanding: int) -> None:
        self._pool = pool
        self._max_outstanding = max_outstanding
        self._outstanding = 0
        self._lock = threading.Lock()

    @property
    def outstanding(self) -> int:
        """Calls the callers stopped waiting for that have not finished yet."""
        with self._lock:
            return self._outstanding

    async def within(self, deadline_s: float, call: Callable[[], T], what: str) -> T:
        """`call`'s result if it comes within `deadline_s`, else DaprTimeoutError (the call
        goes on). Its own errors are raised as they are."""
        if self.outstanding >= self._max_outstanding:
            raise DaprTimeoutError(
                f"{what}: the sidecar is still answering {self._max_outstanding} earlier "
                "calls; not asked",
                {"deadline_s": deadline_s},
            )
        context = contextvars.copy_context()
        running: Future[T] = self._pool.submit(context.run, call)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(running), deadline_s)
        except TimeoutError:
            with self._lock:
                self._outstanding += 1
            running.add_done_callback(self._finished)
            raise DaprTimeoutError(
                f"{what}: no answer within {deadline_s:g}s (the call goes on)",
                {"deadline_s": deadline_s},
            ) from None

    def _finished(self, running: "Future[T]") -> None:
        with self._lock:
            self._outstanding -= 1
        if not running.cancelled():  # still queued when the wait ended: it never ran
            running.exception()  # consumed: an abandoned call's error is nobody's to raise
