"""Admission control: never more workflow runs in flight than this runtime can carry.

The 1.14 engine accepts any number of starts, but every run in flight keeps a workflow
actor waiting for one of daprd's few execution slots; a step that waits 30 s is retried a
minute later, and a burst of hundreds turns into minutes of delay (docs/workflow-engine.md).
So the service admits at most `capacity` runs (counted here, per replica) and refuses the
rest with 429 and a Retry-After estimated from the recent completion rate, rather than
holding them in a queue of its own: a refused client knows at once and nothing is lost,
while a 202 keeps its promise to finish.

A run leaves the count when its orchestrator ends (the engine reports it), when the
control API terminates or purges it, or when the sweeper finds it no longer running.
Thread-safe: the engine reports endings from the SDK's worker threads.
"""

import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable

from app.building_blocks.errors import DaprError
from app.observability.metrics import ADMISSION_REFUSALS, WORKFLOWS_ADMITTED

# Completions over this window make the rate behind Retry-After.
RATE_WINDOW_S = 60.0
MIN_RETRY_AFTER_S = 1
MAX_RETRY_AFTER_S = 60
NO_RATE_RETRY_AFTER_S = 2  # nothing finished lately to estimate from
DRAIN_FRACTION = 0.25
# Refused clients come back at about this many times the rate slots free up: enough to
# keep the engine fed while the rate, read from the last minute, is still low at the
# start of a burst, few enough that refusals do not eat the event loop reads need.
# Measured here (docs/workflow-engine.md): 1000 orders at once drew 15245 refusals
# before (Retry-After from the runs in flight alone), 4053 with 4; with 2 a 300-order
# burst took 78 s instead of 49 (the engine waited for clients).
RETRY_RATE_FACTOR = 4
# A refused id counts as waiting this long after its last refusal (and at most this
# many are remembered: a flood of new ids only lengthens the spread, up to its bound).
WAITING_FOR_S = 2 * MAX_RETRY_AFTER_S
MAX_WAITING = 100_000


class EngineAtCapacityError(DaprError):
    """The workflow engine is running as many orders as it can; try again later."""

    error_code = "ENGINE_AT_CAPACITY"

    @property
    def retry_after_s(self) -> int:
        return int(self.details.get("retry_after_s", MIN_RETRY_AFTER_S))


class WorkflowAdmission:
    def __init__(
        self,
        capacity: int,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[int], int] = lambda most: random.randint(0, most),
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._clock = clock
        self._jitter = jitter
        self._lock = threading.Lock()
        self._admitted: dict[str, float] = {}  # instance id -> when admitted
        self._completions: deque[float] = deque()
        self._waiting: dict[str, float] = {}  # refused id -> when last refused
        self._reserved: set[str] = set()  # placements let through by the gate, not yet admitted

    @property
    def in_flight(self) -> int:
        with self._lock:
            return len(self._admitted)

    def reserve(self, instance_id: str) -> bool:
        """Hold a slot for a placement on its way to `admit` (the placement gate's call,
        before the request's costlier part), or raise the EngineAtCapacityError `admit`
        would. False, and no slot held, for an id admitted or reserved already."""
        with self._lock:
            if instance_id in self._admitted or instance_id in self._reserved:
                return False
            if len(self._admitted) + len(self._reserved) >= self.capacity:
                raise self._refused(instance_id)
            self._reserved.add(instance_id)
            return True

    def unreserve(self, instance_id: str) -> None:
        """Give back a slot held by `reserve` that `admit` did not take."""
        with self._lock:
            self._reserved.discard(instance_id)

    def admit(self, instance_id: str) -> None:
        """Count `instance_id` in (taking its reserved slot, if any), or raise
        EngineAtCapacityError; idempotent per id."""
        with self._lock:
            if instance_id in self._admitted:
                return
            reserved = instance_id in self._reserved
            if not reserved and len(self._admitted) + len(self._reserved) >= self.capacity:
                raise self._refused(instance_id)
            self._reserved.discard(instance_id)
            self._admitted[instance_id] = self._clock()
            self._waiting.pop(instance_id, None)
            WORKFLOWS_ADMITTED.set(len(self._admitted))

    def is_admitted(self, instance_id: str) -> bool:
        with self._lock:
            return instance_id in self._admitted

    def forget(self, instance_id: str) -> None:
        """Undo an admission whose start never reached the engine (no completion counted)."""
        with self._lock:
            self._admitted.pop(instance_id, None)
            WORKFLOWS_ADMITTED.set(len(self._admitted))

    def release(self, instance_id: str) -> None:
        """The run ended; unknown ids (runs this replica did not admit) are ignored."""
        with self._lock:
            if self._admitted.pop(instance_id, None) is not None:
                self._completions.append(self._clock())
                WORKFLOWS_ADMITTED.set(len(self._admitted))

    def admitted_before(self, age_s: float) -> list[str]:
        """Ids admitted at least `age_s` ago (for the sweeper to check)."""
        cutoff = self._clock() - age_s
        with self._lock:
            return [i for i, since in self._admitted.items() if since <= cutoff]

    def _refused(self, instance_id: str) -> EngineAtCapacityError:
        """A refusal of `instance_id`, counted (lock held)."""
        ADMISSION_REFUSALS.inc()
        self._note_waiting(instance_id)
        return EngineAtCapacityError(
            f"{len(self._admitted)} orders are in flight, the most this service "
            f"runs at once; retry after the Retry-After seconds",
            {"in_flight": len(self._admitted), "retry_after_s": self._retry_after()},
        )

    def _note_waiting(self, instance_id: str) -> None:
        """Count `instance_id` among the clients waiting for a slot (lock held)."""
        now = self._clock()
        self._waiting.pop(instance_id, None)
        self._waiting[instance_id] = now  # newest last: the oldest go first below
        while self._waiting:
            oldest, since = next(iter(self._waiting.items()))
            if since >= now - WAITING_FOR_S and len(self._waiting) <= MAX_WAITING:
                break
            del self._waiting[oldest]

    def _retry_after(self) -> int:
        """When to come back (lock held): at the soonest, when a quarter of the runs in
        flight have finished at the last minute's completion rate, so the engine never
        idles while clients wait; then spread at random over the time the clients already
        waiting need to be let in at RETRY_RATE_FACTOR times that rate. Refused together,
        clients must not come back together: a herd of retries is a burst of its own, and
        every refusal is a request the event loop serves instead of a status read."""
        now = self._clock()
        while self._completions and self._completions[0] < now - RATE_WINDOW_S:
            self._completions.popleft()
        if not self._completions:
            estimate = spread = NO_RATE_RETRY_AFTER_S
        else:
            window = max(now - self._completions[0], 1.0)
            rate = len(self._completions) / window
            estimate = math.ceil(DRAIN_FRACTION * len(self._admitted) / rate)
            spread = max(estimate, math.ceil(len(self._waiting) / (RETRY_RATE_FACTOR * rate)))
        estimate = max(MIN_RETRY_AFTER_S, min(MAX_RETRY_AFTER_S, estimate))
        return min(MAX_RETRY_AFTER_S, estimate + self._jitter(spread))
