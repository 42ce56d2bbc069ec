"""The bridge from worker threads to the app's event loop.

Workflow activities run on the workflow worker's threads, while every async client (actor
proxies, state, secrets, invocation, bindings, pub/sub) belongs to the app's event loop:
its HTTP sessions and gRPC channels were opened there. `LoopBridge.run` hands a
coroutine to that loop instead of starting a second loop per activity.
"""

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class LoopBridge:
    """Runs coroutines on one event loop for code on other threads, and waits for them."""

    def __init__(self, loop: asyncio.AbstractEventLoop, call_timeout_s: float) -> None:
        self._loop = loop
        self._call_timeout_s = call_timeout_s

    @classmethod
    def to_running_loop(cls, call_timeout_s: float) -> "LoopBridge":
        """A bridge to the loop this is called on (the app's, in the lifespan)."""
        return cls(asyncio.get_running_loop(), call_timeout_s)

    def run(self, call: Coroutine[Any, Any, T]) -> T:
        """Run `call` on the bridged loop from another thread and wait for its result.

        The coroutine runs in a copy of this thread's context, so it continues the
        calling activity's span."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            call.close()
            raise RuntimeError("LoopBridge.run was called on the bridged loop; await instead")
        future = asyncio.run_coroutine_threadsafe(call, self._loop)
        return future.result(timeout=self._call_timeout_s)
