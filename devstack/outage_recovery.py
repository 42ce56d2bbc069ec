"""Measure how the app recovers from sidecar outages, on a stack of its own.

    python -m devstack.outage_recovery [SECONDS ...]      (default: 5 30 90)

Starts a local-profile stack with payment-service on free ports, and for each duration
kills the app's daprd, waits that long, starts it again and prints how long until daprd
is healthy, until /health/ready is 200 (the workflow worker reconnected), and until an
order placed at that moment completes. The app itself is never restarted.
"""

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx

from devstack.progress import say
from devstack.stack import Stack
from devstack.stack_config import StackConfig


def _until(check: Callable[[], bool], timeout_s: float) -> float:
    """Seconds until `check()` is true; raises after `timeout_s`."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout_s:
            raise RuntimeError(f"not recovered after {timeout_s:.0f}s")
        time.sleep(0.2)
    return time.monotonic() - started


def _order_completes(api: httpx.Client, sku: str, timeout_s: float) -> float:
    order_id = f"outage-{uuid.uuid4().hex[:10]}"
    started = time.monotonic()
    body = {
        "order_id": order_id,
        "customer_id": "outage",
        "lines": [{"sku": sku, "quantity": 1, "unit_price": "1.00"}],
    }
    api.post("/api/v1/orders", json=body).raise_for_status()

    def completed() -> bool:
        response = api.get(f"/api/v1/orders/{order_id}")
        return response.status_code == 200 and response.json().get("status") == "completed"

    _until(completed, timeout_s)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("outages", nargs="*", type=float, default=[5.0, 30.0, 90.0])
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="orderflow-outage-"))
    config = StackConfig.throwaway(root)
    with (
        Stack(config, progress=lambda _: None) as stack,
        stack.api_client(timeout_s=30) as api,
        httpx.Client(base_url=stack.dapr_http_url, timeout=2) as sidecar,
    ):
        sku = f"OUT-{uuid.uuid4().hex[:8]}"
        api.post(f"/api/v1/inventory/{sku}/restock", json={"quantity": 100}).raise_for_status()
        for outage_s in args.outages:
            stack.daprd.kill()
            time.sleep(outage_s)
            stack.start_sidecar()
            restarted = time.monotonic()

            def daprd_healthy() -> bool:
                try:
                    return sidecar.get("/v1.0/healthz").status_code == 204
                except httpx.HTTPError:
                    return False

            healthy_s = _until(daprd_healthy, 120)
            _until(lambda: api.get("/health/ready").status_code == 200, 300)
            ready_s = time.monotonic() - restarted
            order_s = _order_completes(api, sku, 120)
            say(
                f"outage {outage_s:.0f}s: daprd healthy after {healthy_s:.1f}s, "
                f"/health/ready 200 after {ready_s:.1f}s, "
                f"an order placed then completed in {order_s:.1f}s"
            )
    say(f"logs: {config.log_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
