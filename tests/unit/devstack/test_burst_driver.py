"""devstack.burst against a stub service: the timeout bounds a burst the service refuses
for good (429 on every placement), as it must for `make bench` to end."""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from devstack.burst import NOT_ACCEPTED, BurstResult, run_burst


@asynccontextmanager
async def _service(retry_after: str) -> AsyncIterator[str]:
    """Restocks succeed; every order is refused with 429 and `retry_after`."""

    async def restock(request: web.Request) -> web.Response:
        return web.json_response({"on_hand": 1})

    async def refuse(request: web.Request) -> web.Response:
        return web.json_response(
            {"title": "busy"}, status=429, headers={"Retry-After": retry_after}
        )

    app = web.Application()
    app.router.add_post("/api/v1/inventory/{sku}/restock", restock)
    app.router.add_post("/api/v1/orders", refuse)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def test_orders_refused_until_the_timeout_end_the_burst_as_not_accepted() -> None:
    """Each order is tried again after Retry-After until the timeout, then counted once
    as not accepted (unfinished, not terminal); the burst returns at its timeout."""

    async def scenario() -> tuple[float, BurstResult]:
        async with _service(retry_after="0.1") as url:
            began = time.monotonic()
            result = await run_burst(url, orders=5, stock=1, timeout_s=0.6, poll_interval_s=0.1)
            return time.monotonic() - began, result

    took, result = asyncio.run(scenario())
    assert took < 3.0
    assert result.terminal == 0
    assert result.statuses == {NOT_ACCEPTED: 5}
    assert len(result.unfinished) == 5
    assert result.refused >= 5 * 3
    assert result.place_errors == []


def test_a_retry_after_longer_than_the_time_left_gives_up_at_once() -> None:
    """A Retry-After past the deadline is not slept through."""

    async def scenario() -> float:
        async with _service(retry_after="30") as url:
            began = time.monotonic()
            await run_burst(url, orders=3, stock=1, timeout_s=1.0, poll_interval_s=0.1)
            return time.monotonic() - began

    assert asyncio.run(scenario()) < 3.0
