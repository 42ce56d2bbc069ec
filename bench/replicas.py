"""Orders per second through the balancer with 1, 2 and 3 replicas, and the CPU each
process spent per order (`python -m bench.replicas`; docs/replicas.md has the results).

Each replica count gets a fresh full-profile stack (PostgreSQL, Redis, placement,
sentry, the Scheduler, the payment peer, N apps with their daprds, HAProxy; one replica
runs behind HAProxy too, so the three runs differ only in the count; `--reminders
state-store` keeps reminders in PostgreSQL instead of on the Scheduler). It places ORDERS one-line
orders (below the approval threshold) through the balancer, CONCURRENCY at a time
(a 429 is retried), and waits until every one is terminal: orders/s is ORDERS over that
time. Before that, PROBE orders one at a time give the latency of a lone order. CPU is
user + system time of each process and its descendants (PostgreSQL's backends count
toward postgres) over the same window; the CPU of processes that exited meanwhile is lost.
"""

import argparse
import concurrent.futures
import json
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from devstack.progress import say
from devstack.replicas import free_replica_ports
from devstack.stack import Stack
from devstack.stack_config import REMINDER_STORES, ReminderStore, StackConfig

TERMINAL = {"completed", "failed", "cancelled"}


def tree_cpu_s(root: int | None) -> float:
    """User + system CPU seconds of process `root` and every live descendant (by parent
    pid: PostgreSQL's backends start sessions of their own, so no process group holds
    them)."""
    if root is None:
        return 0.0
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])  # the 4th field: the parent
        cpu[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid, seconds in cpu.items():
        ancestor = pid
        while ancestor > 1 and ancestor != root:
            ancestor = parents.get(ancestor, 0)
        if ancestor == root:
            total += seconds
    return total


def cpu_by_process(stack: Stack) -> dict[str, float]:
    return {process.name: tree_cpu_s(process.pid) for process in stack.processes}


def place_all(stack: Stack, orders: int, concurrency: int) -> tuple[list[str], float]:
    sku = f"SKU-bench-{uuid.uuid4().hex[:8]}"
    with stack.api_client(timeout_s=60.0) as client:
        client.post(f"/api/v1/inventory/{sku}/restock", json={"quantity": orders * 2})

        def place(_: int) -> str:
            order_id = f"ord-bench-{uuid.uuid4().hex[:10]}"
            body = {
                "order_id": order_id,
                "customer_id": "bench",
                "lines": [{"sku": sku, "quantity": 1, "unit_price": "1.00"}],
            }
            while client.post("/api/v1/orders", json=body).status_code == 429:
                time.sleep(0.5)
            return order_id

        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            ids = list(pool.map(place, range(orders)))
        pending = set(ids)
        while pending:
            for order_id in list(pending):
                answer = client.get(f"/api/v1/orders/{order_id}")
                if answer.status_code == 200 and answer.json()["status"] in TERMINAL:
                    pending.discard(order_id)
            time.sleep(0.5)
        return ids, time.monotonic() - started


def one_at_a_time(stack: Stack, orders: int) -> list[float]:
    """Seconds from placing each order to reading it terminal, one order at a time."""
    took = []
    for _ in range(orders):
        started = time.monotonic()
        place_all(stack, 1, 1)
        took.append(round(time.monotonic() - started, 1))
    return took


def run(
    replicas: int,
    orders: int,
    concurrency: int,
    probe: int = 0,
    reminders: ReminderStore | None = None,
) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="orderflow-bench-replicas-"))
    root.chmod(0o711)
    config = replace(
        StackConfig.throwaway(root),
        profile="full",
        replicas=free_replica_ports(replicas),
        reminders=reminders,
    )
    try:
        with Stack(config, progress=lambda _: None) as stack:
            place_all(stack, 5, 5)  # warm-up: actors, connections, first writes
            latencies = one_at_a_time(stack, probe)
            before = cpu_by_process(stack)
            ids, elapsed = place_all(stack, orders, concurrency) if orders else ([], 0.0)
            after = cpu_by_process(stack)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    probed = {
        "replicas": replicas,
        "reminders": config.reminder_store,
        "one_order_at_a_time_s": latencies,
    }
    if not ids:
        return probed
    cpu_ms = {name: round((after[name] - before[name]) * 1000 / len(ids), 1) for name in after}
    return {
        **probed,
        "orders": len(ids),
        "seconds": round(elapsed, 1),
        "orders_per_s": round(len(ids) / elapsed, 2),
        "cpu_ms_per_order": cpu_ms,
        "cpu_ms_per_order_total": round(sum(cpu_ms.values()), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.replicas")
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--orders", type=int, default=60, help="0: the probe only")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--probe", type=int, default=3, help="orders placed one at a time first")
    parser.add_argument(
        "--reminders",
        choices=REMINDER_STORES,
        help="where daprd keeps reminders (default: the Scheduler, as replica stacks do)",
    )
    args = parser.parse_args()
    for count in args.replicas:
        result = run(count, args.orders, args.concurrency, args.probe, args.reminders)
        say(json.dumps(result))


if __name__ == "__main__":
    main()
