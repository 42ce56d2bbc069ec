"""SidecarGuardedProxy: actor calls that find no sidecar, or whose sidecar cannot dial the
actor's host, retry a bounded number of times, then fail with DaprConnectionError naming
the sidecar or ActorHostUnavailableError; other errors pass through.

The refused connection is real (nothing listens on port 1); the proxy is a fake.
"""

import asyncio
import re

import aiohttp
import pytest
from dapr.clients.exceptions import DaprInternalError

from app.building_blocks.actor_proxies import SidecarGuardedProxy
from app.building_blocks.errors import ActorHostUnavailableError, DaprConnectionError
from app.building_blocks.retry import RetryPolicy

SIDECAR = "http://127.0.0.1:1"


class FakeProxy:
    """Refuses `refusals` times (a real refused connect), then answers; or raises `error`."""

    def __init__(self, refusals: int = 0, error: Exception | None = None, errors: int = 99) -> None:
        self.calls = 0
        self._refusals = refusals
        self._error = error
        self._errors = errors  # how many calls raise `error`

    async def GetStock(self) -> dict[str, int]:
        self.calls += 1
        if self._error is not None and self.calls <= self._errors:
            raise self._error
        if self.calls <= self._refusals:
            async with aiohttp.ClientSession() as session:
                await session.get(SIDECAR)
        return {"on_hand": 1}


# daprd 1.14's answer when placement still routes the actor to a replica that was killed
# (app-0.log of the failover test, before the fix: a 500 on GET /api/v1/orders/{id}).
HOST_REFUSED = DaprInternalError(
    "error invoke actor method: failed to invoke target 127.0.0.1:47415 after 3 retries. "
    "Error: rpc error: code = Unavailable desc = last connection error: connection error: "
    'desc = "transport: Error while dialing: dial tcp 127.0.0.1:47415: connect: '
    'connection refused"',
    "ERR_ACTOR_INVOKE_METHOD",
    b"{}",
)
HOST_LOST = DaprInternalError(
    "error invoke actor method: rpc error: code = Unavailable desc = error reading from "
    "server: EOF",
    "ERR_ACTOR_INVOKE_METHOD",
)
# A status read during the replica tests' rolling restart (a 500 before this was known).
HOST_CONNECTION_CLOSING = DaprInternalError(
    "error invoke actor method: rpc error: code = Canceled desc = grpc: the client "
    "connection is closing",
    "ERR_ACTOR_INVOKE_METHOD",
)

# daprd 1.18.2 during the rolling restart: the host's drain on a placement change (5 s)
# cancelled the call (app-0.log: a status read answered 500 before this was known).
HOST_DRAIN_CANCELLED = DaprInternalError(
    "error invoke actor method: rpc error: code = Internal desc = error invoke actor "
    "method: context canceled",
    "ERR_ACTOR_INVOKE_METHOD",
)


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


def test_a_host_that_left_is_retried_until_placement_moves_the_actor() -> None:
    """The sidecar could not dial the actor's host twice (never sent); the third try,
    after placement's new table, answers."""
    proxy = FakeProxy(error=HOST_REFUSED, errors=2)
    assert asyncio.run(_guarded(proxy, retries=3).GetStock()) == {"on_hand": 1}
    assert proxy.calls == 3


def test_a_host_still_gone_after_the_retries_is_unavailable_with_a_retry_after() -> None:
    """retries + 1 attempts, then ActorHostUnavailableError (503 with Retry-After at the
    edge), never the SDK's DaprInternalError (a 500)."""
    proxy = FakeProxy(error=HOST_REFUSED)
    with pytest.raises(ActorHostUnavailableError) as raised:
        asyncio.run(_guarded(proxy, retries=2).GetStock())
    assert proxy.calls == 3
    assert raised.value.retry_after_s >= 1


@pytest.mark.parametrize("error", [HOST_LOST, HOST_CONNECTION_CLOSING, HOST_DRAIN_CANCELLED])
def test_a_host_lost_mid_call_is_unavailable_without_a_retry(error: DaprInternalError) -> None:
    """Unavailable after the call may have been sent (the connection broke, was closing
    as its replica left, or the host's drain cancelled it): the actor may have run it, so
    no retry."""
    proxy = FakeProxy(error=error)
    with pytest.raises(ActorHostUnavailableError):
        asyncio.run(_guarded(proxy).GetStock())
    assert proxy.calls == 1


def test_an_actors_own_failure_stays_the_sdks_error() -> None:
    """ERR_ACTOR_INVOKE_METHOD from the actor itself is for the caller to translate."""
    raised_by_actor = DaprInternalError(
        'error invoke actor method: error from actor service: {"message": "no stock"}',
        "ERR_ACTOR_INVOKE_METHOD",
    )
    proxy = FakeProxy(error=raised_by_actor)
    with pytest.raises(DaprInternalError):
        asyncio.run(_guarded(proxy).GetStock())
    assert proxy.calls == 1
