"""Reading the replicas' app logs (one JSON object per line): which replica did what."""

import json
from typing import Any

from devstack.stack import Stack


def messages(stack: Stack, since: float = 0.0) -> list[list[dict[str, Any]]]:
    """Per replica, its app log's records written at or after `since` (epoch seconds)."""
    from datetime import datetime

    per_replica = []
    for replica in stack.replicas:
        records = []
        for line in replica.app.log_path.read_text(errors="replace").splitlines():
            if not line.startswith("{"):
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if datetime.fromisoformat(record["timestamp"]).timestamp() >= since:
                records.append(record)
        per_replica.append(records)
    return per_replica
