"""The wrapper's retry loop (`_retried`, pure logic, no sidecar): the first attempt runs
outside tenacity, and after a connection error tenacity's schedule applies unchanged."""

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from tenacity import RetryCallState

from app.building_blocks.client import DaprClientWrapper, DaprConfig
from app.building_blocks.errors import DaprConnectionError, DaprTimeoutError


def _wrapper(max_retries: int) -> tuple[DaprClientWrapper, list[int]]:
    config = DaprConfig(max_retries=max_retries, retry_initial_backoff_s=0.001)
    wrapper = DaprClientWrapper(config)
    retried: list[int] = []

    def record(state: RetryCallState) -> None:
        retried.append(state.attempt_number)

    wrapper.on_retry = record
    return wrapper, retried


def _failing(times: int, error: Exception) -> tuple[list[int], Callable[[], Awaitable[str]]]:
    calls: list[int] = []

    async def attempt() -> str:
        calls.append(len(calls) + 1)
        if len(calls) <= times:
            raise error
        return "done"

    return calls, attempt


@pytest.mark.parametrize("failures", [0, 1, 3])
def test_connection_errors_are_retried_on_tenacitys_schedule(failures: int) -> None:
    """Each connection error but the last allowed is followed by one more attempt, and
    `on_retry` sees attempt numbers 1..failures, as if tenacity had run the first."""
    wrapper, retried = _wrapper(max_retries=3)
    calls, attempt = _failing(failures, DaprConnectionError("down"))
    assert asyncio.run(wrapper._retried(attempt)) == "done"
    assert calls == list(range(1, failures + 2))
    assert retried == list(range(1, failures + 1))


def test_attempts_stop_after_max_retries() -> None:
    """With the sidecar never reachable: max_retries + 1 attempts, then its error."""
    wrapper, retried = _wrapper(max_retries=2)
    calls, attempt = _failing(10, DaprConnectionError("down"))
    with pytest.raises(DaprConnectionError):
        asyncio.run(wrapper._retried(attempt))
    assert calls == [1, 2, 3]
    assert retried == [1, 2]


def test_no_retries_configured_means_one_attempt() -> None:
    """max_retries=0: the first connection error is the caller's."""
    wrapper, retried = _wrapper(max_retries=0)
    calls, attempt = _failing(1, DaprConnectionError("down"))
    with pytest.raises(DaprConnectionError):
        asyncio.run(wrapper._retried(attempt))
    assert calls == [1]
    assert retried == []


def test_other_errors_are_not_retried() -> None:
    """A timeout (or any error but unreachability) is raised after the first attempt."""
    wrapper, retried = _wrapper(max_retries=3)
    calls, attempt = _failing(1, DaprTimeoutError("slow"))
    with pytest.raises(DaprTimeoutError):
        asyncio.run(wrapper._retried(attempt))
    assert calls == [1]
    assert retried == []
