"""One client for the replica tests: the balancer's URL and each replica's own, with
the bearer token every /api/v1 call carries, and the order helpers the tests share."""

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

import httpx

from devstack.stack import Stack
from tests.support.orders import TERMINAL

_SETTLED = {"COMPLETED", "FAILED", "TERMINATED"}


def record_figures(
    stack: Stack, record_property: Callable[[str, object], None], name: str, **figures: object
) -> None:
    """Measured figures: in the JUnit report, and appended to figures.jsonl in the
    stack's log directory (docs/replicas.md quotes them)."""
    for key, value in figures.items():
        record_property(f"{name}.{key}", value)
    with (stack.config.log_dir / "figures.jsonl").open("a") as out:
        out.write(json.dumps({"test": name, **figures}) + "\n")


class ReplicaClient:
    def __init__(self, stack: Stack, timeout_s: float = 30.0) -> None:
        self.stack = stack
        headers = stack.config.api_headers()  # a token with every scope (12 h)
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        self.balancer = httpx.Client(
            base_url=stack.app_url, timeout=timeout_s, headers=headers, limits=limits
        )
        self.replicas = [
            httpx.Client(base_url=r.url, timeout=timeout_s, headers=headers, limits=limits)
            for r in stack.replicas
        ]
        self.sidecars = [
            httpx.Client(
                base_url=r.dapr_http_url, timeout=timeout_s, headers=stack.config.tokens.headers()
            )
            for r in stack.replicas
        ]
        self._cycle_lock = threading.Lock()
        self._cycle: Iterator[httpx.Client] = itertools.cycle([*self.replicas, self.balancer])

    @property
    def every_entry(self) -> list[httpx.Client]:
        """Each replica's own port, and the balancer."""
        return [*self.replicas, self.balancer]

    def next_entry(self) -> httpx.Client:
        """Round robin over the replicas' ports and the balancer (thread-safe)."""
        with self._cycle_lock:
            return next(self._cycle)

    def restock(self, sku: str, quantity: int, via: httpx.Client | None = None) -> None:
        response = (via or self.balancer).post(
            f"/api/v1/inventory/{sku}/restock", json={"quantity": quantity}
        )
        assert response.status_code == 200, response.text

    def stock(self, sku: str, via: httpx.Client | None = None) -> dict[str, Any]:
        response = (via or self.balancer).get(f"/api/v1/inventory/{sku}")
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def place(
        self, order_id: str, sku: str, quantity: int, price: str, via: httpx.Client
    ) -> httpx.Response:
        body = {
            "order_id": order_id,
            "customer_id": "c-replicas",
            "lines": [{"sku": sku, "quantity": quantity, "unit_price": price}],
        }
        return via.post("/api/v1/orders", json=body)

    def view(self, order_id: str, via: httpx.Client | None = None) -> httpx.Response:
        return (via or self.balancer).get(f"/api/v1/orders/{order_id}")

    def wait_terminal(self, order_ids: list[str], timeout_s: float) -> dict[str, dict[str, Any]]:
        """Each order's view once it is terminal and its workflow has finished."""
        deadline = time.monotonic() + timeout_s
        done: dict[str, dict[str, Any]] = {}
        while len(done) < len(order_ids):
            for order_id in order_ids:
                if order_id in done:
                    continue
                response = self.view(order_id)
                if response.status_code != 200:
                    continue
                current = response.json()
                workflow = current["workflow"] or {}
                if current["status"] in TERMINAL and workflow.get("runtime_status") in _SETTLED:
                    done[order_id] = current
            if len(done) < len(order_ids):
                if time.monotonic() > deadline:
                    left = sorted(set(order_ids) - set(done))
                    raise AssertionError(f"{len(left)} orders not terminal: {left[:10]}")
                time.sleep(0.5)
        return done

    def hosted_actor_counts(self, actor_type: str) -> list[int]:
        """Per replica: how many `actor_type` actors its daprd hosts (its /v1.0/metadata)."""
        counts = []
        for sidecar in self.sidecars:
            metadata = sidecar.get("/v1.0/metadata").json()
            # daprd leaves `count` out when it is 0
            actors = {a["type"]: a.get("count", 0) for a in metadata.get("actors", [])}
            counts.append(int(actors.get(actor_type, 0)))
        return counts

    def close(self) -> None:
        for client in [*self.replicas, self.balancer, *self.sidecars]:
            client.close()

    def __enter__(self) -> "ReplicaClient":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
