"""The inventory-audit cron fires on every replica's daprd (every 2 s here); the audits
start once per tick, not once per replica (app/records/audit_ticks.py)."""

import re
import time
from collections import Counter

from tests.integration.replicas.client import ReplicaClient
from tests.integration.replicas.logs import messages

WINDOW_S = 12.0
_TICK = re.compile(r"^audit tick .* \(slot (\S+)\) claimed$")
_STARTED = re.compile(r"^inventory_audit started \(tick (.+)\)$")


def test_the_audit_starts_at_most_once_per_tick_while_every_replica_fires_the_cron(
    replicas: ReplicaClient,
) -> None:
    since = time.time()
    time.sleep(WINDOW_S)
    per_replica = messages(replicas.stack, since)

    fired = [
        sum(r["message"].startswith("audit tick ") for r in records) for records in per_replica
    ]
    assert all(count >= 3 for count in fired), f"cron calls per replica: {fired}"
    claims = Counter(
        match.group(1)
        for records in per_replica
        for record in records
        if (match := _TICK.match(record["message"]))
    )
    assert claims, "no tick claimed"
    assert max(claims.values()) == 1, claims
    assert len(claims) <= WINDOW_S / 2 + 1, claims  # one claim per 2 s slot at most
    starts = Counter(
        match.group(1)[:19]  # per second of the tick
        for records in per_replica
        for record in records
        if (match := _STARTED.match(record["message"]))
    )
    assert starts, "no audit started"
    assert sum(starts.values()) <= len(claims), (starts, claims)
