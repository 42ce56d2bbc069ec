"""The app's client wrapper's own resiliency (seed 19, 20, client-side): a deadline per
call, and backoff while the sidecar is unreachable. daprd's policies toward other apps
are tested in test_sidecar_resiliency_properties.py."""

import asyncio
import time

import pytest
from dapr.proto import api_v1, common_v1
from hypothesis import given, settings
from hypothesis import strategies as st
from tenacity import RetryCallState

from app.building_blocks.client import DaprClientWrapper, DaprConfig
from app.building_blocks.errors import DaprConnectionError, DaprTimeoutError
from app.building_blocks.invoke import HttpMethod, ServiceInvoker
from devstack.ports import HOST, reserve_free_ports
from tests.support.echo_app import ECHO_APP_ID


@settings(max_examples=40)  # each example waits out its deadline (up to 0.25 s)
@given(timeout_ms=st.integers(min_value=50, max_value=250), excess_ms=st.integers(300, 600))
def test_client_side_timeout_policy_enforcement(
    runner: asyncio.Runner, invoker: ServiceInvoker, timeout_ms: int, excess_ms: int
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 19: Timeout Policy Enforcement (client-side)**
    **Validates: Requirements 9.1**

    The wrapper's own deadline: a call to a peer that answers later than it fails with
    DaprTimeoutError once the deadline passes, without waiting for the answer.
    """
    delay_ms = timeout_ms + excess_ms
    started = time.monotonic()
    with pytest.raises(DaprTimeoutError):
        runner.run(
            invoker.invoke(
                ECHO_APP_ID,
                f"slow/{delay_ms}",
                http_verb=HttpMethod.GET,
                timeout_s=timeout_ms / 1000,
            )
        )
    elapsed_ms = (time.monotonic() - started) * 1000
    # It gave up at the deadline: well before the answer (due at delay_ms) could arrive.
    # The 200 ms of slack keeps a loaded 2-core machine from failing a correct client.
    assert timeout_ms <= elapsed_ms < delay_ms - 100


@settings(max_examples=30)  # each example sleeps through its backoff schedule
@given(
    max_retries=st.integers(min_value=1, max_value=4),
    initial_ms=st.integers(min_value=5, max_value=40),
    cap_ms=st.integers(min_value=20, max_value=120),
)
def test_client_side_retry_policy_backoff(
    runner: asyncio.Runner, max_retries: int, initial_ms: int, cap_ms: int
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 20: Retry Policy Backoff (client-side)**
    **Validates: Requirements 9.2**

    The wrapper's own retries: with the sidecar unreachable (nothing listens on its
    port), the wrapper makes exactly max_retries + 1 attempts, and the k-th wait is
    initial * 2^(k-1) plus up to `initial` of jitter, capped at the maximum; the attempts
    are really that far apart.
    """
    (closed_port,) = reserve_free_ports(1)
    initial, cap = initial_ms / 1000, cap_ms / 1000
    config = DaprConfig(
        dapr_http_endpoint=f"http://{HOST}:{closed_port}",
        dapr_grpc_endpoint=f"{HOST}:{closed_port}",
        max_retries=max_retries,
        retry_initial_backoff_s=initial,
        retry_max_backoff_s=cap,
        timeout_seconds=2.0,
    )
    planned: list[float] = []
    attempt_times: list[float] = []
    client = DaprClientWrapper(config)

    def record(state: RetryCallState) -> None:
        attempt_times.append(time.monotonic())
        assert state.next_action is not None
        planned.append(state.next_action.sleep)

    client.on_retry = record

    async def scenario() -> None:
        async with client:
            await client.http_call("probe", "GET", "/v1.0/healthz")

    started = time.monotonic()
    with pytest.raises(DaprConnectionError):
        runner.run(scenario())
    total = time.monotonic() - started

    assert len(planned) == max_retries  # a wait after every attempt but the last
    for k, sleep in enumerate(planned, start=1):
        base = initial * 2 ** (k - 1)
        assert min(base, cap) - 1e-9 <= sleep <= min(base + initial, cap) + 1e-9
    assert total >= sum(planned)


def test_client_side_deadline_travels_with_each_grpc_call(
    runner: asyncio.Runner, dapr_client: DaprClientWrapper
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 19: Timeout Policy (client-side gRPC)**
    **Validates: Requirements 9.1**

    A gRPC call through the real sidecar to a peer that answers after 1.5 s, under a
    0.2 s deadline, fails with DaprTimeoutError naming the operation at the deadline,
    not when the answer comes; with a deadline longer than the answer, the same call
    succeeds.
    """

    # InvokeService straight on the SDK client's stub: the path every SDK unary call
    # takes (the SDK's own invoke_method goes over HTTP by default).
    request = api_v1.InvokeServiceRequest(
        id=ECHO_APP_ID,
        message=common_v1.InvokeRequest(
            method="slow/1500",
            http_extension=common_v1.HTTPExtension(verb=common_v1.HTTPExtension.Verb.GET),
        ),
    )

    async def slow_call(timeout_s: float) -> object:
        return await dapr_client.grpc_call(
            "invoke over gRPC",
            lambda dapr: dapr._stub.InvokeService(request),
            timeout_s=timeout_s,
            app_id=ECHO_APP_ID,
        )

    started = time.monotonic()
    with pytest.raises(DaprTimeoutError) as timed_out:
        runner.run(slow_call(0.2))
    elapsed_s = time.monotonic() - started
    assert timed_out.value.details["operation"] == "invoke over gRPC"
    # The client's gRPC runtime or daprd (the deadline travels with the call) may notice
    # first: DEADLINE_EXCEEDED here, or daprd's INTERNAL "context deadline exceeded".
    assert timed_out.value.details["grpc_status"] in ("DEADLINE_EXCEEDED", "INTERNAL")
    assert 0.2 <= elapsed_s < 1.2  # gave up at the deadline, well before the answer
    runner.run(slow_call(10.0))
