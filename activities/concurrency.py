"""Many actor calls from one activity, a few at a time.

An activity that fans out to hundreds of actors at once (an audit's page, a prune) has
every call come back into this app through daprd, and each handler then reads its state
through the same sidecar: measured here, 1000 GetStock calls at once all hung for daprd's
60 s actor timeout and failed, and the app served nothing else meanwhile. A small bound
keeps the sidecar and the app's connection pool free for everyone else.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")

PARALLEL_ACTOR_CALLS = 16


async def bounded_gather(
    fn: Callable[[U], Awaitable[T]], items: list[U], limit: int = PARALLEL_ACTOR_CALLS
) -> list[T]:
    """`fn` over `items`, at most `limit` at a time; results in the order of `items`."""
    limiter = asyncio.Semaphore(limit)

    async def one(item: U) -> T:
        async with limiter:
            return await fn(item)

    return list(await asyncio.gather(*map(one, items)))
