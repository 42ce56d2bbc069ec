"""What the provider saw: every charge request on arrival, and how it ended.

Tests read it to measure, on the provider's side, what a caller's sidecar did: how many
attempts a retry policy made, how far apart, and that an open circuit breaker let none
through. Arrival times are CLOCK_MONOTONIC, which every process on the host shares, so a
test can compare them with its own time.monotonic().
"""

import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime

from payments.models import Attempt, AttemptOutcome


class AttemptLog:
    """In memory, in arrival order; bounded so a long-running demo cannot grow it forever."""

    def __init__(
        self,
        max_entries: int = 10_000,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._max_entries = max_entries
        self._monotonic = monotonic
        self._wall = wall
        self._seq = itertools.count(1)
        self._entries: dict[int, Attempt] = {}

    def arrive(self, order_id: str) -> int:
        """Record a request as it arrives (before any added latency); returns its number."""
        seq = next(self._seq)
        self._entries[seq] = Attempt(
            seq=seq,
            order_id=order_id,
            arrived_monotonic=self._monotonic(),
            arrived_at=self._wall(),
        )
        while len(self._entries) > self._max_entries:
            del self._entries[next(iter(self._entries))]  # the oldest
        return seq

    def finish(self, seq: int, outcome: AttemptOutcome) -> None:
        """Record how attempt `seq` ended; a no-op if the log was cleared meanwhile."""
        entry = self._entries.get(seq)
        if entry is not None:
            self._entries[seq] = entry.model_copy(
                update={"outcome": outcome, "finished_monotonic": self._monotonic()}
            )

    def list(self, order_id: str | None = None) -> list[Attempt]:
        return [e for e in self._entries.values() if order_id is None or e.order_id == order_id]

    def clear(self) -> None:
        self._entries.clear()
