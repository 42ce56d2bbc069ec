"""State-store operations per order, read from daprd's own metrics.

    python -m bench.state_ops [--orders 20]

Starts a stack on free ports (the runtime line ORDERFLOW_DAPR selects), places `orders`
one-line orders one after another through the HTTP API, waits for each to complete, and
prints, per order, the growth of every daprd counter that names the actor state store
(`statestore`): its resiliency-policy activations count every call daprd makes to the
store, the actor runtime's and the workflow engine's included (bench/analysis.md,
"Where the workflow-step time goes"). Also the scheduler's job counters where there is one.
"""

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

from bench.sidecar_watch import parse_metrics
from devstack.peers import PeerApp, payment_peer
from devstack.progress import say
from devstack.runtime import DAPR_VERSION
from devstack.stack import Stack
from devstack.stack_config import StackConfig, StackPorts

SKU = "STATE-OPS"


def _counters(metrics_url: str) -> dict[str, float]:
    """Counter samples naming the state store or the scheduler, by name and labels."""
    totals: dict[str, float] = defaultdict(float)
    for sample in parse_metrics(httpx.get(metrics_url, timeout=10).text):
        labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()) if k != "app_id")
        about = sample.name + "{" + labels + "}"
        if "statestore" in labels or "scheduler" in sample.name or "reminder" in sample.name:
            totals[about] += sample.value
    return dict(totals)


def _order(api: httpx.Client, index: int, run: str) -> None:
    order_id = f"state-ops-{run}-{index}"
    line = {"sku": SKU, "quantity": 1, "unit_price": "1.00"}
    body = {"order_id": order_id, "customer_id": "bench", "lines": [line]}
    api.post("/api/v1/orders", json=body).raise_for_status()
    done = api.get(f"/api/v1/workflows/instances/{order_id}/wait", params={"timeout_s": 60})
    if done.status_code != 200 or done.json()["runtime_status"] != "COMPLETED":
        raise RuntimeError(f"order {order_id} did not complete: {done.text}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--orders", type=int, default=20)
    parser.add_argument("--out", type=Path, help="also write the result here (JSON)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="orderflow-state-ops-"))
    config = StackConfig(
        ports=StackPorts.free(),
        data_dir=root / "data",
        log_dir=root / "logs",
        peers=(payment_peer(PeerApp.free_ports()),),
    )
    with Stack(config, progress=lambda _: None) as stack:
        metrics = f"http://127.0.0.1:{config.ports.dapr_metrics}/metrics"
        with stack.api_client(timeout_s=70) as api:  # a token with every scope
            api.post(
                f"/api/v1/inventory/{SKU}/restock", json={"quantity": 10**6}
            ).raise_for_status()
            _order(api, -1, "warm")  # the first order's one-off work is not counted
            time.sleep(2.0)
            before = _counters(metrics)
            started = time.monotonic()
            for index in range(args.orders):
                _order(api, index, "run")
            time.sleep(2.0)  # counters settle (reminder deletes after completion)
            after = _counters(metrics)
    per_order = {
        key: round((after[key] - before.get(key, 0.0)) / args.orders, 1)
        for key in sorted(after)
        if after[key] != before.get(key, 0.0)
    }
    result = {
        "daprd": DAPR_VERSION,
        "orders": args.orders,
        "seconds": round(time.monotonic() - started, 1),
        "per_order": per_order,
    }
    say(json.dumps(result, indent=1))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
