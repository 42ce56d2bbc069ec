"""A polled burst on a stack restarted over a data dir that already holds orders.

    python -m devstack.burst_after_restart [--seed 200] [--waiting 20] [-n 1000] [--stock 100]

Starts a local-profile stack of its own on free ports in a new temporary directory, places
`--seed` orders (half complete, half fail for stock) and `--waiting` orders that wait for
approval, stops it, starts it again over the same data, and runs devstack.burst's polled
burst of `-n` orders for `--stock` units, with a poller of its own process beside it
(devstack/read_observer.py). Prints both summaries as JSON. This is issue 11's scenario
at any size; tests/integration/test_order_burst.py runs it at 300.
"""

import argparse
import asyncio
import json
import sys
import tempfile
import uuid
from pathlib import Path

from devstack.burst import order_body, run_burst
from devstack.peers import PeerApp, payment_peer
from devstack.progress import say
from devstack.stack import Stack
from devstack.stack_config import StackConfig, StackPorts

WAITING_PRICE = "5000.00"  # over the approval threshold: the order waits for a person


def _seed(stack: Stack, orders: int, waiting: int) -> None:
    if orders:
        seeded = asyncio.run(
            run_burst(
                stack.app_url,
                orders,
                orders // 2,
                prefix="seed",
                headers=stack.config.api_headers(),
            )
        )
        say(f"seed: {json.dumps(seeded.summary())}")
    with stack.api_client(timeout_s=30) as api:
        sku = f"WAIT-{uuid.uuid4().hex[:8]}"
        api.post(f"/api/v1/inventory/{sku}/restock", json={"quantity": waiting}).raise_for_status()
        for n in range(waiting):
            body = order_body(f"waiting-{uuid.uuid4().hex[:8]}-{n}", sku)
            body["lines"] = [{"sku": sku, "quantity": 1, "unit_price": WAITING_PRICE}]
            api.post("/api/v1/orders", json=body).raise_for_status()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=200)
    parser.add_argument("--waiting", type=int, default=20)
    parser.add_argument("-n", "--orders", type=int, default=1000)
    parser.add_argument("--stock", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="orderflow-burst-"))
    config = StackConfig(
        ports=StackPorts.free(),
        data_dir=root / "data",
        log_dir=root / "logs",
        peers=(payment_peer(PeerApp.free_ports()),),
        app_env={"ORDERFLOW_APPROVAL_TIMEOUT": "PT1H"},  # the waiting orders outlast the run
    )
    say(f"stack data and logs under {root}")
    with Stack(config) as first:
        _seed(first, args.seed, args.waiting)
    say("restarting over the same data")
    with Stack(config) as restarted:
        say(f"placing {args.orders} orders for {args.stock} units, each polled every second")
        result = asyncio.run(
            run_burst(
                restarted.app_url,
                args.orders,
                args.stock,
                timeout_s=args.timeout,
                headers=restarted.config.api_headers(),
                observe=True,
            )
        )
    summary = {
        **result.summary(),
        "status_p90_ms": round(result.read_percentile(0.90) * 1000, 1),
    }
    say(f"burst: {json.dumps(summary)}")
    return 0 if result.terminal == args.orders and not result.place_errors else 1


if __name__ == "__main__":
    sys.exit(main())
