"""The one retry policy for calls that never reached the sidecar.

The client's gRPC and HTTP calls, the actor proxies and the workflow client all retry
the same way while daprd is unreachable: a bounded number of attempts, exponential
backoff with jitter. Each says only which errors mean "not sent".
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, stop_after_attempt, wait_exponential_jitter
from tenacity.retry import retry_base

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """`retries` more attempts after the first, waiting `initial_backoff_s` doubling up
    to `max_backoff_s`, each wait with up to `initial_backoff_s` of jitter."""

    retries: int = 3
    initial_backoff_s: float = 0.1
    max_backoff_s: float = 2.0

    def retrying(
        self,
        retry: retry_base,
        before_sleep: Callable[[RetryCallState], None] | None = None,
    ) -> AsyncRetrying:
        return AsyncRetrying(
            stop=stop_after_attempt(self.retries + 1),
            wait=wait_exponential_jitter(
                multiplier=self.initial_backoff_s,
                max=self.max_backoff_s,
                jitter=self.initial_backoff_s,
            ),
            retry=retry,
            before_sleep=before_sleep,
            reraise=True,
        )

    async def call(
        self,
        attempt: Callable[[], Awaitable[T]],
        retry: retry_base,
        *,
        failed_first: BaseException | None = None,
        before_sleep: Callable[[RetryCallState], None] | None = None,
    ) -> T:
        """`attempt`, retried while `retry` says so; the last error is re-raised.

        `failed_first`: the caller ran the first attempt itself (building AsyncRetrying
        per call costs; bench/analysis.md) and it failed with this error. It is raised as
        tenacity's first attempt, so the attempts, waits and `before_sleep` calls are
        tenacity's own."""
        first = failed_first
        async for retrying in self.retrying(retry, before_sleep):
            with retrying:
                if first is not None:
                    failed, first = first, None
                    raise failed
                return await attempt()
        raise AssertionError("unreachable: tenacity re-raises the last error")
