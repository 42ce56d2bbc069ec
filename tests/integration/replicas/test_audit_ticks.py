"""The inventory-audit cron fires on every replica's daprd (every 2 s here); the audits
start once per tick, not once per replica (app/records/audit_ticks.py)."""

import re
import time
from collections import Counter
from datetime import UTC, datetime

from app.records.audit_ticks import slot_of, tick_time
from tests.integration.replicas.client import ReplicaClient
from tests.integration.replicas.conftest import AUDIT_SCHEDULE
from tests.integration.replicas.logs import messages

WINDOW_S = 12.0
_RECEIVED = re.compile(r"^audit tick .* received$")
_CLAIMED = re.compile(r"^audit tick .* \(slot (\S+)\) claimed$")
_STARTED = re.compile(r"^inventory_audit started \(tick (.+)\)$")


def test_the_audit_starts_at_most_once_per_tick_while_every_replica_fires_the_cron(
    replicas: ReplicaClient,
) -> None:
    since = time.time()
    time.sleep(WINDOW_S)
    per_replica = messages(replicas.stack, since)

    fired = [
        sum(_RECEIVED.match(r["message"]) is not None for r in records) for records in per_replica
    ]
    assert all(count >= 3 for count in fired), f"cron calls per replica: {fired}"
    now = datetime.now(UTC)
    starts = Counter(
        slot_of(AUDIT_SCHEDULE, tick_time(match.group(1), now))
        for records in per_replica
        for record in records
        if (match := _STARTED.match(record["message"]))
    )
    # An audit still running when the next tick comes is left alone, so a slow window
    # may start none; never two in one slot.
    assert max(starts.values(), default=0) <= 1, f"audits started per 2 s slot: {starts}"
    assert sum(starts.values()) <= WINDOW_S / 2 + 1, starts
    claims = Counter(
        match.group(1)
        for records in per_replica
        for record in records
        if (match := _CLAIMED.match(record["message"]))
    )
    assert claims, "no tick claimed"
    assert max(claims.values()) == 1, claims
