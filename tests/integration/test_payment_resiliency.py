"""The local profile's real payment-service policy (dapr/config/local/resiliency.yaml),
as the service's own daprd applies it: what production runs, measured at the provider."""

import itertools
import uuid
from collections.abc import Iterator

import httpx
import pytest

from devstack.stack import Stack
from payments.models import API_KEY_HEADER, PAYMENT_APP_ID
from tests.support.payments import PaymentsAdmin, dev_api_key

# defaultRetry on payment-service: constant, duration 1s, maxRetries 3.
DURATION_S, MAX_RETRIES = 1.0, 3
EARLY_S, SLACK_S = 0.01, 0.5  # timer granularity; what a loaded machine may add per gap


@pytest.fixture
def payments(stack: Stack) -> Iterator[PaymentsAdmin]:
    admin = PaymentsAdmin(stack)
    admin.behave()
    yield admin
    admin.behave()


def _charge(sidecar_http: httpx.Client, order_id: str) -> httpx.Response:
    return sidecar_http.post(
        f"/v1.0/invoke/{PAYMENT_APP_ID}/method/charges",
        json={"order_id": order_id, "amount": "9.90"},
        headers={API_KEY_HEADER: dev_api_key()},
        timeout=30.0,
    )


def _gaps(attempts: list[dict[str, float]]) -> list[float]:
    arrivals = [attempt["arrived_monotonic"] for attempt in attempts]
    return [later - earlier for earlier, later in itertools.pairwise(arrivals)]


def test_two_failures_are_retried_a_second_apart_and_charged_once(
    sidecar_http: httpx.Client, payments: PaymentsAdmin
) -> None:
    """fail_next=2: the caller gets the charge; the provider saw 3 attempts about 1 s
    apart (failed, failed, charged) and holds one charge."""
    order_id = f"o-{uuid.uuid4().hex[:10]}"
    payments.behave(fail_next=2, fail_order_id=order_id)
    response = _charge(sidecar_http, order_id)
    assert response.status_code == 200
    attempts = payments.attempts(order_id)
    assert [a["outcome"] for a in attempts] == ["failed", "failed", "charged"]
    for gap in _gaps(attempts):
        assert DURATION_S - EARLY_S <= gap <= DURATION_S + SLACK_S
    charge = payments.charge(order_id)
    assert charge is not None
    assert charge["charge_id"] == response.json()["charge_id"]


def test_retries_stop_after_max_retries(
    sidecar_http: httpx.Client, payments: PaymentsAdmin
) -> None:
    """fail_next=MAX_RETRIES+1: the provider saw exactly MAX_RETRIES+1 attempts, the caller
    gets the provider's 503, and nothing was charged. (Four failures stay below the
    breaker's five; the closing success resets its count for the tests that follow.)"""
    order_id = f"o-{uuid.uuid4().hex[:10]}"
    payments.behave(fail_next=MAX_RETRIES + 1, fail_order_id=order_id)
    response = _charge(sidecar_http, order_id)
    assert response.status_code == 503
    attempts = payments.attempts(order_id)
    assert [a["outcome"] for a in attempts] == ["failed"] * (MAX_RETRIES + 1)
    assert payments.charge(order_id) is None
    assert _charge(sidecar_http, order_id).status_code == 200
