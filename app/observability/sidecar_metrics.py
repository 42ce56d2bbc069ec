"""Counts the app's calls to its sidecar, as an outbound middleware.

The operation is the building block's fixed name for the call ("state get", "publish",
"actor invoke", ...). Service invocation names its target as "invoke <app>/<method path>";
only "invoke <app>" is kept, since a method path can carry an id.
"""

from typing import Any

import httpx

from app.building_blocks.middleware import Middleware, Next, OutboundCall
from app.observability.metrics import SIDECAR_CALLS


def sidecar_call_metrics() -> Middleware[OutboundCall, Any]:
    """One count per call (after retries), by operation and outcome (success/error)."""

    async def count(call: OutboundCall, call_next: Next[OutboundCall, Any]) -> Any:
        operation = call.operation.split("/", 1)[0]
        try:
            result = await call_next(call)
        except Exception:
            SIDECAR_CALLS.labels(operation, "error").inc()
            raise
        # HTTP calls hand back the response; the caller decides what an error status means.
        failed = isinstance(result, httpx.Response) and result.status_code >= 400
        SIDECAR_CALLS.labels(operation, "error" if failed else "success").inc()
        return result

    return Middleware("sidecar-metrics", count)
