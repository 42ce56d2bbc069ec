"""Every replica restarted in turn (SIGTERM: unready, taken out by the balancer, daprd
hands its actors over, then exit; then started again) while a client places and reads
orders through the balancer the whole time: no order is lost and no request fails.

The failures runs saw before (docs/replicas.md, "Reminders on the Scheduler") were all
status reads that reached a replica during an actor handover and answered 503 or 504; the
balancer now sends such a read again to another replica (devstack/balancer.py). Any
failure is listed in figures.jsonl."""

import functools
import threading
import time
from typing import Any

import httpx

from devstack.stack import Stack
from tests.integration.replicas.client import ReplicaClient, record_figures
from tests.support.orders import new_id


class OrderTraffic(threading.Thread):
    """Places an order through the balancer, reads it back, again, until stopped."""

    def __init__(self, replicas: ReplicaClient, sku: str) -> None:
        super().__init__(name="traffic", daemon=True)
        self._replicas, self._sku = replicas, sku
        self.stopping = threading.Event()
        self.placed: list[str] = []
        self.failures: list[str] = []
        self.requests = 0
        self.busy = 0  # 429: the service asked us to come back (not a failure)

    def run(self) -> None:
        while not self.stopping.is_set():
            order_id = new_id("ord-roll")
            try:
                placed = self._replicas.place(
                    order_id, self._sku, 1, "1.00", via=self._replicas.balancer
                )
                self.requests += 1
                if placed.status_code == 429:
                    self.busy += 1
                    time.sleep(0.5)
                    continue
                if placed.status_code != 202:
                    self.failures.append(f"place {order_id}: {placed.status_code} {placed.text}")
                    continue
                self.placed.append(order_id)
                read = self._replicas.view(order_id)
                self.requests += 1
                if read.status_code != 200:
                    self.failures.append(f"read {order_id}: {read.status_code} {read.text}")
            except httpx.HTTPError as error:
                self.failures.append(f"{order_id}: {error!r}")
            time.sleep(0.1)


def _in_balancer(stack: Stack, name: str, state: str) -> bool:
    assert stack.balancer is not None
    return stack.balancer.server_states().get(name, "").startswith(state)


def test_a_rolling_restart_under_load_loses_no_order_and_fails_no_request(
    replicas: ReplicaClient, record_property: Any
) -> None:
    stack = replicas.stack
    balancer = stack.balancer
    assert balancer is not None
    sku = new_id("SKU-roll")
    replicas.restock(sku, 100_000)
    traffic = OrderTraffic(replicas, sku)
    traffic.start()
    took = []
    try:
        time.sleep(3)
        for replica in stack.replicas:
            started = time.monotonic()
            # daprd stops once the balancer took the replica out and its last request
            # ended: a request still running needs its sidecar (seen: a 503 "state save").
            replica.stop_gracefully(taken_out=functools.partial(balancer.drained, replica.name))
            stack.start_replica(replica, watched=[])
            deadline = time.monotonic() + 30
            while not _in_balancer(stack, replica.name, "UP"):
                assert time.monotonic() < deadline, stack.balancer.server_states()  # type: ignore[union-attr]
                time.sleep(0.2)
            took.append(round(time.monotonic() - started, 1))
        time.sleep(2)
    finally:
        traffic.stopping.set()
        traffic.join(timeout=60)

    record_figures(
        stack,
        record_property,
        "rolling_restart",
        restart_s_per_replica=took,
        client_requests=traffic.requests,
        orders=len(traffic.placed),
        answered_429=traffic.busy,
        failed=len(traffic.failures),
        balancer_retries=balancer.retries(),
        failures=traffic.failures,
    )
    assert traffic.failures == []
    assert len(traffic.placed) >= 20
    ends = replicas.wait_terminal(traffic.placed, timeout_s=120)
    assert {view["status"] for view in ends.values()} == {"completed"}
