"""The app under a real daprd that dies and comes back, and beside a payment-service that
stops answering: what callers and readiness see, and that recovery needs no app restart.

A stack of its own (the session `stack` is shared): these tests kill its processes.
"""

import logging
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from devstack.build import build
from devstack.stack import Stack
from devstack.stack_config import StackConfig
from tests.conftest import TEST_APP_ENV
from tests.support.orders import new_id, place, stocked_sku, wait_for

logger = logging.getLogger(__name__)

# A call that needs the sidecar fails after at most 3 retries with 0.1-2 s backoff (about
# 1 s when nothing listens); the bound leaves room for a loaded 2-core machine.
FAIL_FAST_BOUND_S = 10.0
# daprd restarts in 1-3 s here and the workflow worker retries its stream every 5 s.
RECOVERY_BOUND_S = 60.0


@pytest.fixture(scope="module")
def outage_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    build()
    root = tmp_path_factory.mktemp("outage-stack")
    config = StackConfig.throwaway(root, TEST_APP_ENV)
    with Stack(config, progress=lambda _: None) as stack:
        yield stack


@pytest.fixture
def outage_api(outage_stack: Stack) -> Iterator[httpx.Client]:
    with outage_stack.api_client(timeout_s=60) as client:
        yield client


def _ready_within(
    api: httpx.Client, want_status: int, timeout_s: float
) -> tuple[float, dict[str, Any]]:
    """Poll /health/ready until it answers `want_status`; (seconds taken, its body)."""
    started = time.monotonic()
    while True:
        response = api.get("/health/ready")
        if response.status_code == want_status:
            return time.monotonic() - started, dict(response.json())
        if time.monotonic() - started > timeout_s:
            raise AssertionError(f"/health/ready still {response.status_code}: {response.text}")
        time.sleep(0.2)


def _dependency(report: dict[str, Any], name: str) -> dict[str, Any]:
    return dict(next(item for item in report["dependencies"] if item["name"] == name))


def test_payment_service_down_degrades_but_stays_ready(
    outage_stack: Stack, outage_api: httpx.Client
) -> None:
    """With payment-service stopped, readiness stays 200 with status `degraded` and the
    payment-service entry says what was checked; it turns healthy when the peer returns."""
    payment_app = outage_stack.peers[0][0]
    payment_app.stop()
    try:
        response = outage_api.get("/health/ready")
        report = response.json()
        assert response.status_code == 200, report
        assert report["ready"] is True
        assert report["status"] == "degraded"
        payment = _dependency(report, "payment-service")
        assert payment["status"] == "degraded"
        assert payment["checked"] == "GET /v1.0/invoke/payment-service/method/health"
        assert payment["message"]
    finally:
        payment_app.start()
    deadline = time.monotonic() + RECOVERY_BOUND_S
    while _dependency(outage_api.get("/health/ready").json(), "payment-service")["status"] != (
        "healthy"
    ):
        assert time.monotonic() < deadline, "payment-service never reported healthy again"
        time.sleep(0.5)


def test_sidecar_down_fails_fast_then_recovers_without_app_restart(
    outage_stack: Stack, outage_api: httpx.Client
) -> None:
    """With daprd killed, calls that need it answer a prompt 503 problem naming the
    sidecar, liveness stays 200 and readiness 503; after daprd restarts, readiness turns
    200 by itself and an order placed then completes (worker, actors, topics reconnected)."""
    sku = stocked_sku(outage_api, 5)
    app_pid = outage_stack.app.pid
    outage_stack.daprd.kill()
    try:
        _, report = _ready_within(outage_api, 503, timeout_s=30)
        assert report["ready"] is False
        assert report["sidecar"] == "unhealthy"
        assert report["components"] == []
        sidecar = _dependency(report, "sidecar")
        assert outage_stack.dapr_http_url in sidecar["message"]
        assert outage_api.get("/health/live").status_code == 200

        started = time.monotonic()
        stock = outage_api.get(f"/api/v1/inventory/{sku}")
        stock_s = time.monotonic() - started
        started = time.monotonic()
        order = place(outage_api, new_id("ORD"), [(sku, 1, "5.00")])
        order_s = time.monotonic() - started
        for response, address, elapsed in (
            (stock, outage_stack.dapr_http_url, stock_s),
            (order, outage_stack.dapr_grpc_address, order_s),
        ):
            assert response.status_code == 503, response.text
            assert response.headers["content-type"] == "application/problem+json"
            problem = response.json()
            assert problem["error_code"] == "DAPR_CONNECTION_ERROR"
            assert address in problem["detail"]
            assert "daprd is running" in problem["detail"]
            assert elapsed < FAIL_FAST_BOUND_S, f"took {elapsed:.1f}s"
    finally:
        outage_stack.start_sidecar()

    recovery_s, report = _ready_within(outage_api, 200, timeout_s=RECOVERY_BOUND_S)
    assert report["sidecar"] == report["workflow_runtime"] == "healthy"
    assert outage_stack.app.pid == app_pid  # the same app process, never restarted
    order_id = new_id("ORD")
    started = time.monotonic()
    placed = place(outage_api, order_id, [(sku, 1, "5.00")])
    assert placed.status_code == 202, placed.text
    final = wait_for(outage_api, order_id, {"completed", "failed", "cancelled"}, 90)
    assert final["status"] == "completed", final
    logger.info(  # the measured recovery (pytest -o log_cli=true shows it)
        "readiness back %.1fs after daprd restart; order completed %.1fs after it was placed",
        recovery_s,
        time.monotonic() - started,
    )
