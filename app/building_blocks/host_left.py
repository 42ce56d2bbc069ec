"""A workflow start refused because its workflow actor's host is leaving.

With several replicas, the workflow actor of an instance id may live on a daprd that is
shutting down: its engine is gone while placement still routes the id there, and the
start comes back as "not found" (seen once in the rolling restart test). Placement moves
the actor within a second or two, so the start is tried again, a few times. The same id
never starts twice: a start that did happen makes the next try a conflict.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from app.building_blocks.errors import ComponentNotFoundError, DaprError

T = TypeVar("T")

ATTEMPTS = 4
PAUSE_S = 1.0


async def host_left_retry(
    call: Callable[[], Awaitable[T]],
    attempts: int = ATTEMPTS,
    pause_s: float = PAUSE_S,
    retry_on: tuple[type[DaprError], ...] = (ComponentNotFoundError,),
) -> T:
    """`call`, tried again after `retry_on` errors. A read may pass (DaprError,): the
    state read of an instance whose host is leaving fails with a plain sidecar error."""
    for _ in range(attempts - 1):
        try:
            return await call()
        except retry_on:
            await asyncio.sleep(pause_s)
    return await call()
