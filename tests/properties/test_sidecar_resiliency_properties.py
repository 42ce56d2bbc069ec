"""daprd's own resiliency policies (seed 19, 20, 21), measured on the provider's side.

A caller daprd loads tests/support/fault_resources/resiliency.yaml and calls a second
payment provider (tests/support/fault_stack.py); the provider's fault switches make it
slow or failing, and its attempt log says when each request arrived. The constants below
are the policies that file declares: a property fails when daprd does not apply them
(or when the file no longer says them).

Timing: lower bounds are strict (daprd may not retry early); upper bounds leave SLACK_S
per gap for a loaded 2-core machine.
"""

import itertools
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.support.fault_stack import (
    BREAKER_TARGET,
    EXPONENTIAL_TARGET,
    PROVIDER_APP_ID,
    FaultStack,
)
from tests.support.payments import PaymentsAdmin
from tests.support.probe import wait_until

ATTEMPT_TIMEOUT_S = 0.4  # timeouts.attempt, on every target
CONSTANT_S, CONSTANT_MAX_RETRIES = 0.3, 3  # constantRetry, on payment-faults
EXPONENTIAL_MAX_INTERVAL_S, EXPONENTIAL_MAX_RETRIES = 1.0, 3  # exponentialRetry
# Fixed by daprd 1.14 for every exponential policy (cenkalti/backoff defaults).
EXPONENTIAL_INITIAL_S, EXPONENTIAL_MULTIPLIER, EXPONENTIAL_RANDOMIZATION = 0.5, 1.5, 0.5
BREAKER_TRIP, BREAKER_TIMEOUT_S = 3, 1.5  # breaker: consecutiveFailures >= 3, timeout 1500ms

EARLY_S = 0.01  # timer granularity: a wait may end this much before its nominal end
# A timed-out attempt's deadline runs from when daprd sent it, not from its arrival: if it
# took longer to arrive than the next one, the arrivals are closer than timeout + wait.
TRANSIT_JITTER_S = 0.1
# A loaded machine may add this much to any one gap (daprd's timers were seen within
# 10 ms of their due time at load average 5 on 2 cores). Below the smallest policy
# change the properties should notice: a constant duration of 300 ms made 600 ms.
SLACK_S = 0.2
# The breaker's probe is found by polling: one poll (two calls through daprd) more.
PROBE_SLACK_S = 0.35

# Each example waits real time (seconds), so few examples and no Hypothesis deadline.
FEW = settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def provider(fault_stack: FaultStack) -> Iterator[PaymentsAdmin]:
    admin = PaymentsAdmin(fault_stack.provider)
    yield admin
    admin.behave()


def _order() -> str:
    return f"o-{uuid.uuid4().hex[:10]}"


def _gaps(attempts: list[dict[str, Any]]) -> list[float]:
    arrivals = [attempt["arrived_monotonic"] for attempt in attempts]
    return [later - earlier for earlier, later in itertools.pairwise(arrivals)]


def _exponential_wait(k: int) -> float:
    """c_k: the k-th wait (from 0) before randomization."""
    return min(EXPONENTIAL_INITIAL_S * EXPONENTIAL_MULTIPLIER**k, EXPONENTIAL_MAX_INTERVAL_S)


@FEW
@given(latency_ms=st.integers(min_value=1200, max_value=2400))
def test_sidecar_timeout_policy_cuts_each_attempt(
    fault_stack: FaultStack, provider: PaymentsAdmin, latency_ms: int
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 19: Timeout Policy Enforcement (sidecar)**
    **Validates: Requirements 9.1**

    A provider slower than the target's timeout: daprd cuts every attempt at the timeout
    (the timeout is per attempt), retries, and fails the call after about
    attempts x timeout + the waits, whatever the latency. Attempts reach the provider
    timeout + retry duration apart, sooner than any one answer could come.
    """
    provider.behave(latency_ms=latency_ms)
    order_id = _order()
    started = time.monotonic()
    response = fault_stack.charge(PROVIDER_APP_ID, order_id)
    elapsed = time.monotonic() - started

    assert response.status_code == 500
    assert "context deadline exceeded" in response.json()["message"]
    attempts = provider.attempts(order_id)
    assert len(attempts) == CONSTANT_MAX_RETRIES + 1
    spacing = ATTEMPT_TIMEOUT_S + CONSTANT_S
    for gap in _gaps(attempts):
        assert spacing - TRANSIT_JITTER_S <= gap <= spacing + SLACK_S
    expected = (CONSTANT_MAX_RETRIES + 1) * ATTEMPT_TIMEOUT_S + CONSTANT_MAX_RETRIES * CONSTANT_S
    assert expected - EARLY_S <= elapsed <= expected + 2 * SLACK_S
    # The abandoned requests still finish at the provider; wait, so that none of them
    # takes a later example's fail_next.
    provider.behave()
    wait_until(
        lambda: all(a["outcome"] != "pending" for a in provider.attempts(order_id)),
        timeout_s=latency_ms / 1000 + 10,
        what="the provider to finish the abandoned attempts",
    )


@settings(FEW, max_examples=4)
@given(fail_next=st.integers(min_value=0, max_value=CONSTANT_MAX_RETRIES + 3))
@example(fail_next=CONSTANT_MAX_RETRIES)
@example(fail_next=CONSTANT_MAX_RETRIES + 1)
def test_sidecar_constant_retry_attempts_and_spacing(
    fault_stack: FaultStack, provider: PaymentsAdmin, fail_next: int
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 20: Retry Policy Backoff (sidecar, constant)**
    **Validates: Requirements 9.2**

    With the provider failing the next k requests (503), the provider sees
    min(k, maxRetries) + 1 attempts, `duration` apart; the call succeeds when k <=
    maxRetries and otherwise ends with the provider's own 503.
    """
    provider.behave(fail_next=fail_next)
    order_id = _order()
    response = fault_stack.charge(PROVIDER_APP_ID, order_id)
    provider.behave()  # drop what is left of fail_next

    attempts = provider.attempts(order_id)
    assert len(attempts) == min(fail_next, CONSTANT_MAX_RETRIES) + 1
    for gap in _gaps(attempts):
        assert CONSTANT_S - EARLY_S <= gap <= CONSTANT_S + SLACK_S
    if fail_next <= CONSTANT_MAX_RETRIES:
        assert response.status_code == 200
        assert [a["outcome"] for a in attempts] == ["failed"] * fail_next + ["charged"]
    else:
        assert response.status_code == 503
        assert {a["outcome"] for a in attempts} == {"failed"}


@settings(FEW, max_examples=2)
@given(fail_next=st.integers(min_value=EXPONENTIAL_MAX_RETRIES + 1, max_value=20))
@example(fail_next=2)
def test_sidecar_exponential_retry_schedule(
    fault_stack: FaultStack, provider: PaymentsAdmin, fail_next: int
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 20: Retry Policy Backoff (sidecar, exponential)**
    **Validates: Requirements 9.2**

    On the target with the exponential policy, the provider sees min(k, maxRetries) + 1
    attempts, and the k-th gap (from 0) lies in c_k x [1 - r, 1 + r] with
    c_k = min(500ms x 1.5^k, maxInterval), r = 0.5: daprd 1.14's schedule.
    """
    provider.behave(fail_next=fail_next)
    order_id = _order()
    response = fault_stack.charge(EXPONENTIAL_TARGET, order_id)
    provider.behave()

    attempts = provider.attempts(order_id)
    assert len(attempts) == min(fail_next, EXPONENTIAL_MAX_RETRIES) + 1
    assert response.status_code == (200 if fail_next <= EXPONENTIAL_MAX_RETRIES else 503)
    for k, gap in enumerate(_gaps(attempts)):
        wait = _exponential_wait(k)
        low = wait * (1 - EXPONENTIAL_RANDOMIZATION) - EARLY_S
        high = wait * (1 + EXPONENTIAL_RANDOMIZATION) + SLACK_S
        assert low <= gap <= high, f"gap {k} was {gap:.3f}s, outside [{low:.3f}, {high:.3f}]"


def _ensure_breaker_closed(fault_stack: FaultStack, provider: PaymentsAdmin) -> None:
    """A successful call (after the breaker's timeout if an earlier example left it open)."""
    provider.behave()
    wait_until(
        lambda: fault_stack.charge(BREAKER_TARGET, _order()).status_code == 200,
        timeout_s=BREAKER_TIMEOUT_S + 10,
        what="the breaker to let a call through",
        interval_s=0.2,
    )


def _trip(fault_stack: FaultStack, provider: PaymentsAdmin) -> float:
    """Fail BREAKER_TRIP calls in a row; returns when the last one reached the provider."""
    provider.behave(fail_next=1000)
    last_arrival = 0.0
    for _ in range(BREAKER_TRIP):
        order_id = _order()
        assert fault_stack.charge(BREAKER_TARGET, order_id).status_code == 503
        (attempt,) = provider.attempts(order_id)  # no retry policy on this target
        last_arrival = attempt["arrived_monotonic"]
    return float(last_arrival)


def _assert_fails_fast(fault_stack: FaultStack, provider: PaymentsAdmin) -> float:
    """One call while open: daprd answers itself, at once, and the provider sees nothing."""
    order_id = _order()
    started = time.monotonic()
    response = fault_stack.charge(BREAKER_TARGET, order_id)
    elapsed = time.monotonic() - started
    assert response.status_code == 500
    assert "circuit breaker is open" in response.json()["message"]
    assert provider.attempts(order_id) == []
    # Sooner than an attempt could even time out.
    assert elapsed < ATTEMPT_TIMEOUT_S
    return elapsed


def _first_call_through(fault_stack: FaultStack, provider: PaymentsAdmin) -> dict[str, Any]:
    """Call every 50 ms until one reaches the provider (the half-open probe); every call
    before it must fail fast. Returns the probe's attempt record and response status."""
    deadline = time.monotonic() + BREAKER_TIMEOUT_S + 10
    while time.monotonic() < deadline:
        order_id = _order()
        response = fault_stack.charge(BREAKER_TARGET, order_id)
        seen = provider.attempts(order_id)
        if seen:
            (attempt,) = seen
            return {**attempt, "status": response.status_code}
        assert response.status_code == 500
        assert "circuit breaker is open" in response.json()["message"]
        time.sleep(0.05)
    raise AssertionError("no call reached the provider after the breaker's timeout")


@settings(FEW, max_examples=2)
@given(calls_while_open=st.integers(min_value=1, max_value=5))
def test_sidecar_circuit_breaker_opens_fails_fast_and_probes(
    fault_stack: FaultStack, provider: PaymentsAdmin, calls_while_open: int
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 21: Circuit Breaker State Transitions**
    **Validates: Requirements 9.3, 9.4**

    After `trip` consecutive failures the breaker opens: every call fails fast (daprd
    answers 500 at once, the provider sees no request) until the breaker's timeout; then
    one probe reaches the provider (half-open), and its success closes the breaker.
    """
    _ensure_breaker_closed(fault_stack, provider)
    opened_by = _trip(fault_stack, provider)
    tripped_at = time.monotonic()
    for _ in range(calls_while_open):
        _assert_fails_fast(fault_stack, provider)
    provider.behave()  # the provider has recovered; the breaker does not know yet

    probe = _first_call_through(fault_stack, provider)
    assert probe["status"] == 200
    assert probe["outcome"] == "charged"
    # Open for the whole timeout, counted from the failure that tripped it, and not much
    # longer (polling, and a loaded machine's slack).
    open_for = probe["arrived_monotonic"] - opened_by
    assert open_for >= BREAKER_TIMEOUT_S - EARLY_S
    assert probe["arrived_monotonic"] - tripped_at <= BREAKER_TIMEOUT_S + PROBE_SLACK_S
    # Closed again: calls go through, and failures start counting from zero.
    for _ in range(BREAKER_TRIP - 1):
        provider.behave(fail_next=1)
        order_id = _order()
        assert fault_stack.charge(BREAKER_TARGET, order_id).status_code == 503
        assert len(provider.attempts(order_id)) == 1
    provider.behave()
    order_id = _order()
    assert fault_stack.charge(BREAKER_TARGET, order_id).status_code == 200
    assert len(provider.attempts(order_id)) == 1


def test_sidecar_circuit_breaker_reopens_when_the_probe_fails(
    fault_stack: FaultStack, provider: PaymentsAdmin
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 21: Circuit Breaker State Transitions**
    **Validates: Requirements 9.3, 9.4**

    A failing half-open probe opens the breaker again at once, for another full timeout.
    """
    _ensure_breaker_closed(fault_stack, provider)
    _trip(fault_stack, provider)  # fail_next stays high: the probe fails too
    probe = _first_call_through(fault_stack, provider)
    assert probe["status"] == 503
    _assert_fails_fast(fault_stack, provider)
    provider.behave()
    second = _first_call_through(fault_stack, provider)
    assert second["status"] == 200
    reopened_for = second["arrived_monotonic"] - probe["arrived_monotonic"]
    assert BREAKER_TIMEOUT_S - EARLY_S <= reopened_for <= BREAKER_TIMEOUT_S + PROBE_SLACK_S
