"""A burst of one-unit orders against a running service, every order polled until it ends.

    python -m devstack.burst [--base-url http://127.0.0.1:8000] [-n 200] [--stock 20]

Restocks a fresh SKU, places `n` orders for it all at once, and polls each order's status
until every one is terminal (or `--timeout` passes). An order refused with 429 is placed
again after its Retry-After, as a well-behaved client does, until the timeout. Prints the
time until all are terminal, orders/s, status-read latency percentiles and what was left
unfinished.
Tests (tests/integration/test_order_burst.py) and `make bench` use `run_burst` directly.
The client is aiohttp: with hundreds of requests in flight, httpx's own CPU per request
on this 2-core machine added seconds to the latencies it measured.
"""

import argparse
import asyncio
import json
import math
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import aiohttp

from devstack.api_auth import add_token_argument, api_token_headers
from devstack.observer_process import ReadObserver
from devstack.progress import say

TERMINAL = frozenset({"completed", "cancelled", "failed"})
# An order still refused with 429 when the timeout comes (counted, never terminal).
NOT_ACCEPTED = "not accepted"
# A 429 without a Retry-After (never sent by the service) is retried after this long.
DEFAULT_RETRY_AFTER_S = 1.0


@dataclass
class BurstResult:
    orders: int
    sku: str = ""
    elapsed_s: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)
    refused: int = 0  # 429 answers, each placed again after Retry-After
    place_errors: list[str] = field(default_factory=list)
    read_latencies_s: list[float] = field(default_factory=list)
    read_errors: Counter[str] = field(default_factory=Counter)
    unfinished: list[str] = field(default_factory=list)
    # Reads by a poller in a process of its own (devstack/read_observer.py), if asked for.
    observed_latencies_s: list[float] = field(default_factory=list)

    @property
    def terminal(self) -> int:
        return sum(n for status, n in self.statuses.items() if status in TERMINAL)

    @property
    def orders_per_s(self) -> float:
        return self.terminal / self.elapsed_s if self.elapsed_s else 0.0

    def read_percentile(self, q: float) -> float:
        """The q-quantile (0..1) of status-read latency, nearest rank; 0 with no reads."""
        return percentile(self.read_latencies_s, q)

    def observed_percentile(self, q: float) -> float:
        """The same for the observer's reads."""
        return percentile(self.observed_latencies_s, q)

    def summary(self) -> dict[str, object]:
        return {
            "orders": self.orders,
            "terminal": self.terminal,
            "statuses": dict(self.statuses),
            "elapsed_s": round(self.elapsed_s, 1),
            "orders_per_s": round(self.orders_per_s, 2),
            "refused_429": self.refused,
            "status_reads": len(self.read_latencies_s),
            "status_p50_ms": round(self.read_percentile(0.50) * 1000, 1),
            "status_p99_ms": round(self.read_percentile(0.99) * 1000, 1),
            "status_max_ms": round(max(self.read_latencies_s, default=0.0) * 1000, 1),
            "read_errors": dict(self.read_errors),
            "observer_reads": len(self.observed_latencies_s),
            "observer_p50_ms": round(self.observed_percentile(0.50) * 1000, 1),
            "observer_p99_ms": round(self.observed_percentile(0.99) * 1000, 1),
            "observer_max_ms": round(max(self.observed_latencies_s, default=0.0) * 1000, 1),
            "place_errors": self.place_errors[:5],
            "unfinished": self.unfinished[:10],
        }


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1), nearest rank; 0 with no values."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def order_body(order_id: str, sku: str) -> dict[str, object]:
    return {
        "order_id": order_id,
        "customer_id": "burst",
        "lines": [{"sku": sku, "quantity": 1, "unit_price": "1.00"}],
    }


async def _place(
    client: aiohttp.ClientSession,
    order_id: str,
    sku: str,
    result: BurstResult,
    deadline: float,
    accepted: Callable[[str], None],
) -> bool:
    """Place until accepted (202, or 200 for an id that already exists); False on an error,
    or when 429s last until `deadline`: a service that refuses for good (its runs in flight
    never end) must not keep the burst going past its timeout. Such an order is counted
    as "not accepted" and unfinished."""
    loop = asyncio.get_running_loop()
    while True:
        try:
            async with client.post("/api/v1/orders", json=order_body(order_id, sku)) as response:
                status, text = response.status, await response.text()
                retry_after = response.headers.get("retry-after")
        except (aiohttp.ClientError, TimeoutError) as error:
            result.place_errors.append(f"{order_id}: {type(error).__name__}")
            return False
        if status in (200, 202):
            accepted(order_id)
            return True
        if status == 429:
            result.refused += 1
            wait = float(retry_after) if retry_after else DEFAULT_RETRY_AFTER_S
            if loop.time() + wait >= deadline:
                result.statuses[NOT_ACCEPTED] += 1
                result.unfinished.append(f"{order_id} ({NOT_ACCEPTED})")
                return False
            await asyncio.sleep(wait)
            continue
        result.place_errors.append(f"{order_id}: {status} {text[:200]}")
        return False


async def _follow(
    client: aiohttp.ClientSession,
    order_id: str,
    sku: str,
    result: BurstResult,
    poll_interval_s: float,
    deadline: float,
    accepted: Callable[[str], None],
) -> None:
    if not await _place(client, order_id, sku, result, deadline, accepted):
        return
    loop = asyncio.get_running_loop()
    status = "unknown"
    while loop.time() < deadline:
        started = time.perf_counter()
        try:
            async with client.get(f"/api/v1/orders/{order_id}") as response:
                code = response.status
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            result.read_errors[type(error).__name__] += 1
        else:
            result.read_latencies_s.append(time.perf_counter() - started)
            if code == 200:
                status = str(body.get("status"))
                if status in TERMINAL:
                    result.statuses[status] += 1
                    return
            else:
                result.read_errors[str(code)] += 1
        await asyncio.sleep(poll_interval_s)
    result.statuses[status] += 1
    result.unfinished.append(f"{order_id} ({status})")


async def run_burst(
    base_url: str,
    orders: int,
    stock: int,
    timeout_s: float = 300.0,
    poll_interval_s: float = 1.0,
    prefix: str = "burst",
    headers: Mapping[str, str] | None = None,
    observe: bool = False,
) -> BurstResult:
    """Restock a new SKU to `stock`, place `orders` one-unit orders at once, poll each until
    terminal; the result counts every order once. `headers`: the API token's. `observe`:
    also poll the accepted orders from a process of its own (devstack/read_observer.py)."""
    run = uuid.uuid4().hex[:8]
    sku = f"BURST-{run}"
    result = BurstResult(orders=orders, sku=sku)
    connector = aiohttp.TCPConnector(limit=0)  # one connection per order in flight
    timeout = aiohttp.ClientTimeout(total=30.0)
    async with aiohttp.ClientSession(
        base_url, connector=connector, timeout=timeout, headers=headers
    ) as client:
        restock_body = {"quantity": stock}
        async with client.post(f"/api/v1/inventory/{sku}/restock", json=restock_body) as restock:
            restock.raise_for_status()
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + timeout_s
        async with ReadObserver.beside(base_url, headers, observe) as observer:
            await asyncio.gather(
                *(
                    _follow(
                        client,
                        f"{prefix}-{run}-{i}",
                        sku,
                        result,
                        poll_interval_s,
                        deadline,
                        observer.follow,
                    )
                    for i in range(orders)
                )
            )
            result.elapsed_s = loop.time() - started
        result.observed_latencies_s = observer.latencies_s
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("-n", "--orders", type=int, default=200)
    parser.add_argument("--stock", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between reads")
    add_token_argument(parser)
    args = parser.parse_args()
    headers = api_token_headers(parser, args.token)
    say(f"placing {args.orders} orders for {args.stock} units at {args.base_url}")
    result = asyncio.run(
        run_burst(args.base_url, args.orders, args.stock, args.timeout, args.poll, headers=headers)
    )
    say(json.dumps(result.summary(), indent=2))
    return 0 if result.terminal == args.orders and not result.place_errors else 1


if __name__ == "__main__":
    sys.exit(main())
