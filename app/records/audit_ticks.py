"""Claims on the inventory-audit cron's ticks, one state key per tick.

Every replica's daprd loads the cron binding and fires it on its own clock, so with N
replicas the app is called N times per tick. The first replica to claim a tick's slot
(a first-write insert) runs the audits; the others skip. An `@every D` schedule's slot is
the tick time divided by D: each daprd fires once per slot however their phases differ,
so the audits start once per period. Any other schedule (a cron expression fires on the
same wall-clock second everywhere) uses the tick's own time, to the second: best effort
if one daprd fires a second late.
"""

import json
import math
import re
from datetime import UTC, datetime

from app.building_blocks.errors import DaprError
from app.building_blocks.state import Concurrency, StateManager, StateOptions

KEY_PREFIX = "inventory-audit:tick:"
_INSERT = StateOptions(concurrency=Concurrency.FIRST_WRITE)  # no ETag: insert, or conflict
_EVERY = re.compile(r"^@every\s+((?:\d+(?:\.\d+)?(?:h|ms|m|s))+)$")
_PART = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")
_TICK = re.compile(r"^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)")
_UNIT_S = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def every_period_s(schedule: str) -> float | None:
    """The period of an `@every` schedule (Go duration syntax: 5m, 1m30s, 500ms)."""
    match = _EVERY.match(schedule.strip())
    if match is None:
        return None
    return sum(float(n) * _UNIT_S[unit] for n, unit in _PART.findall(match.group(1)))


def tick_time(tick: str, now: datetime) -> datetime:
    """The tick's time as daprd sent it, to the second (readtimeutc is Go's
    `2026-12-06 21:30:08.002762173 +0000 UTC`, always UTC), else now."""
    match = _TICK.match(tick)
    if match is None:
        return now
    return datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}+00:00")


def slot_of(schedule: str, at: datetime) -> str:
    period = every_period_s(schedule)
    if period is None or period <= 0:
        return at.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
    return f"every{period:g}s-{math.floor(at.timestamp() / period)}"


class AuditTicks:
    def __init__(self, state: StateManager, schedule: str) -> None:
        self._state = state
        self._schedule = schedule
        period = every_period_s(schedule) or 60.0
        self._ttl_s = max(60, math.ceil(2 * period))  # outlives the slot; then cleaned up

    def slot(self, tick: str) -> str:
        return slot_of(self._schedule, tick_time(tick, datetime.now(UTC)))

    async def claim(self, tick: str, replica: str) -> bool:
        """True for the one caller that claimed this tick's slot first."""
        slot = self.slot(tick)
        record = {"slot": slot, "tick": tick, "replica": replica}
        try:
            await self._state.save(
                KEY_PREFIX + slot,
                json.dumps(record).encode(),
                options=_INSERT,
                ttl_seconds=self._ttl_s,
            )
        except DaprError:
            # state.postgresql v1 answers an insert over an existing key with an internal
            # error ("no item was updated"), not an ETag conflict: the key decides.
            existing = await self._state.get(KEY_PREFIX + slot)
            if existing is None:
                raise
            claimant: str = json.loads(existing.value).get("replica", "")
            return claimant == replica
        return True
