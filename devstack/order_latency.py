"""Measure end-to-end latency of orders that need no approval, against a running stack.

    python -m devstack.order_latency [--base-url http://127.0.0.1:8000] [-n 20]

Places one order at a time (placed -> completed, polled every 20 ms) and prints each
latency and the median. The shipping workflow's durable timer (ORDERFLOW_SHIPPING_DELAY,
2 s by default) is part of every order's time.
"""

import argparse
import statistics
import sys
import time
import uuid

import httpx

from devstack.api_auth import add_token_argument, api_token_headers
from devstack.progress import say


def _one_order(client: httpx.Client, sku: str, timeout_s: float) -> float:
    order_id = f"latency-{uuid.uuid4().hex[:12]}"
    body = {
        "order_id": order_id,
        "customer_id": "latency",
        "lines": [{"sku": sku, "quantity": 1, "unit_price": "1.00"}],
    }
    started = time.perf_counter()
    client.post("/api/v1/orders", json=body).raise_for_status()
    while time.perf_counter() - started < timeout_s:
        status = client.get(f"/api/v1/orders/{order_id}").json().get("status")
        if status == "completed":
            return time.perf_counter() - started
        if status in ("failed", "cancelled"):
            raise RuntimeError(f"order {order_id} ended {status}")
        time.sleep(0.02)
    raise RuntimeError(f"order {order_id} did not complete in {timeout_s:.0f}s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("-n", "--orders", type=int, default=20)
    add_token_argument(parser)
    args = parser.parse_args()
    headers = api_token_headers(parser, args.token)
    sku = f"LAT-{uuid.uuid4().hex[:8]}"
    with httpx.Client(base_url=args.base_url, timeout=10, headers=headers) as client:
        restock = {"quantity": args.orders + 1}
        client.post(f"/api/v1/inventory/{sku}/restock", json=restock).raise_for_status()
        _one_order(client, sku, 60)  # warm-up, not counted
        latencies = []
        for index in range(args.orders):
            latencies.append(_one_order(client, sku, 60))
            say(f"  order {index + 1}/{args.orders}: {latencies[-1] * 1000:.0f} ms")
    say(
        f"median {statistics.median(latencies) * 1000:.0f} ms, min {min(latencies) * 1000:.0f} ms,"
        f" max {max(latencies) * 1000:.0f} ms over {len(latencies)} orders"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
