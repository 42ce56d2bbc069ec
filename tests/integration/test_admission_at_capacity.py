"""At capacity, placements get the 429 the docs promise, and every answer a client is owed
before that one still comes first (docs/workflow-engine.md, issue 11).

A stack of its own admits one order at a time (ORDERFLOW_MAX_ORDERS_IN_FLIGHT=1) and holds
the first in flight (a 10-minute shipping timer). Most refusals are given by the placement
gate (app/api/placement_gate.py) before the route runs; they must be the route's answer.
"""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.build import build
from devstack.burst import order_body
from devstack.peers import PeerApp, payment_peer
from devstack.stack import Stack
from devstack.stack_config import StackConfig, StackPorts
from tests.conftest import TEST_APP_ENV
from tests.support.orders import new_id, stocked_sku


@pytest.fixture(scope="module")
def full_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    build()
    root: Path = tmp_path_factory.mktemp("capacity-stack")
    config = StackConfig(
        ports=StackPorts.free(),
        data_dir=root / "data",
        log_dir=root / "logs",
        app_env={
            **TEST_APP_ENV,
            "ORDERFLOW_MAX_ORDERS_IN_FLIGHT": "1",
            "ORDERFLOW_SHIPPING_DELAY": "PT600S",
        },
        peers=(payment_peer(PeerApp.free_ports()),),
    )
    with Stack(config, progress=lambda _: None) as stack:
        yield stack


@pytest.fixture(scope="module")
def running(full_stack: Stack) -> tuple[str, str]:
    """(sku, id of the one order in flight)."""
    with full_stack.api_client(timeout_s=30) as api:
        sku = stocked_sku(api, 10)
        order_id = new_id("held")
        assert api.post("/api/v1/orders", json=order_body(order_id, sku)).status_code == 202
    return sku, order_id


def test_a_new_order_is_refused_with_a_problem_and_retry_after(
    full_stack: Stack, running: tuple[str, str]
) -> None:
    """429, application/problem+json, ENGINE_AT_CAPACITY, an integer Retry-After of 1 to
    60 s; and the refusal is counted in /metrics."""
    sku, _ = running
    with full_stack.api_client(timeout_s=30) as api:
        refused = api.post("/api/v1/orders", json=order_body(new_id("late"), sku))
        metrics = api.get("/metrics").text
    assert refused.status_code == 429, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["error_code"] == "ENGINE_AT_CAPACITY"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert 'orderflow_http_requests_total{method="POST",route="/api/v1/orders",status="429"}' in (
        metrics
    )


def test_answers_owed_before_a_refusal_still_come_first(
    full_stack: Stack, running: tuple[str, str]
) -> None:
    """No token: 401; a token without orders:write: 403; a body the route refuses: 422;
    the order in flight placed again: 200 with started false."""
    sku, held = running
    url = f"{full_stack.app_url}/api/v1/orders"
    body = order_body(new_id("late"), sku)
    assert httpx.post(url, json=body, timeout=30).status_code == 401
    read_only = full_stack.config.api_headers(["orders:read"])
    assert httpx.post(url, json=body, headers=read_only, timeout=30).status_code == 403
    with full_stack.api_client(timeout_s=30) as api:
        malformed = {**body, "order_id": "not an id"}
        assert api.post("/api/v1/orders", json=malformed).status_code == 422
        again = api.post("/api/v1/orders", json=order_body(held, sku))
    assert again.status_code == 200, again.text
    assert again.json() == {"order_id": held, "started": False}
