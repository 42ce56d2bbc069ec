"""SidecarGuardedProxy: actor calls that find no sidecar retry a bounded number of times,
then fail with DaprConnectionError naming the sidecar; other errors pass through.

The refused connection is real (nothing listens on port 1); the proxy is a fake.
"""

import asyncio
import re

import aiohttp
import pytest

from app.building_blocks.actor_proxies import SidecarGuardedProxy
from app.building_blocks.errors import DaprConnectionError
from app.building_blocks.retry import RetryPolicy

SIDECAR = "http://127.0.0.1:1"


class FakeProxy:
    """Refuses `refusals` times (a real refused connect), then answers; or raises `error`."""

    def __init__(self, refusals: int = 0, error: Exception | None = None) -> None:
        self.calls = 0
        self._refusals = refusals
        self._error = error

    async def GetStock(self) -> dict[str, int]:
        self.calls += 1
        if self._error is not None:
            raise self._error
        if self.calls <= self._refusals:
            async with aiohttp.ClientSession() as session:
                await session.get(SIDECAR)
        return {"on_hand": 1}


def _guarded(proxy: FakeProxy, retries: int = 2) -> SidecarGuardedProxy:
    return SidecarGuardedProxy(proxy, SIDECAR, RetryPolicy(retries, initial_backoff_s=0.01))


def test_refused_every_time_fails_after_bounded_retries_naming_the_sidecar() -> None:
    """retries + 1 attempts, then DaprConnectionError whose message names the sidecar."""
    proxy = FakeProxy(refusals=99)
    with pytest.raises(DaprConnectionError, match=re.escape(SIDECAR)) as raised:
        asyncio.run(_guarded(proxy, retries=2).GetStock())
    assert proxy.calls == 3
    assert raised.value.details["sidecar"] == SIDECAR
    assert "daprd is running" in str(raised.value)


def test_a_sidecar_back_within_the_retries_answers() -> None:
    """One refusal, then the call goes through and its result is returned."""
    proxy = FakeProxy(refusals=1)
    assert asyncio.run(_guarded(proxy).GetStock()) == {"on_hand": 1}
    assert proxy.calls == 2


def test_a_connection_lost_mid_call_is_translated_not_retried() -> None:
    """The actor may have run the call: no retry, but still a DaprConnectionError."""
    proxy = FakeProxy(error=aiohttp.ServerDisconnectedError())
    with pytest.raises(DaprConnectionError):
        asyncio.run(_guarded(proxy).GetStock())
    assert proxy.calls == 1


def test_other_errors_pass_through_unchanged() -> None:
    """An actor's own failure is not a sidecar problem."""
    proxy = FakeProxy(error=ValueError("bad"))
    with pytest.raises(ValueError, match="bad"):
        asyncio.run(_guarded(proxy).GetStock())
    assert proxy.calls == 1
