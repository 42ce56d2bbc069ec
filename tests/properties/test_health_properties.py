"""Health accuracy (seed 24): readiness follows the real sidecar, and on the full profile
the real PostgreSQL and Redis, going down and up."""

import time
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devstack.build import build
from devstack.stack import Stack
from devstack.stack_config import StackConfig
from tests.conftest import TEST_APP_ENV
from tests.support.full_profile import full_profile_config

# Which components each full-profile server backs (dapr/components/full/*.yaml).
BACKED_BY = {"postgres": {"statestore", "configstore"}, "redis": {"pubsub"}}


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own: this property stops and starts its daprd."""
    root = tmp_path_factory.mktemp("health-stack")
    config = StackConfig.throwaway(root, TEST_APP_ENV, with_payment=False)
    with Stack(config, progress=lambda _: None) as stack:
        yield stack


def _readiness(stack: Stack) -> tuple[int, dict[str, object]]:
    response = httpx.get(f"{stack.app_url}/health/ready", timeout=10)
    return response.status_code, response.json()


def _settles(stack: Stack, expect_up: bool, timeout_s: float = 30) -> tuple[int, dict[str, object]]:
    deadline = time.monotonic() + timeout_s
    while True:
        status, report = _readiness(stack)
        if (status == 200) == expect_up or time.monotonic() > deadline:
            return status, report
        time.sleep(0.2)


@settings(max_examples=6, deadline=None)  # each step restarts a real daprd (about 1-2 s)
@given(states=st.lists(st.booleans(), min_size=1, max_size=3))
def test_health_check_status_accuracy(own_stack: Stack, states: list[bool]) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 24: Health Check Status Accuracy**
    **Validates: Requirements 15.1, 15.2, 15.4**

    For any sequence of the sidecar going down and coming back, readiness reports the
    sidecar unhealthy (503) while daprd is stopped, healthy (200) once it runs again,
    and liveness stays up throughout.
    """
    for sidecar_up in states:
        if sidecar_up and not own_stack.daprd.is_running():
            own_stack.daprd.start()
        if not sidecar_up and own_stack.daprd.is_running():
            own_stack.daprd.stop()
        status, report = _settles(own_stack, expect_up=sidecar_up)
        if sidecar_up:
            assert status == 200, report
            assert report["sidecar"] == "healthy"
        else:
            assert status == 503, report
            assert report["sidecar"] == "unhealthy"
            assert report["components"] == []  # the metadata API is gone with daprd
        assert httpx.get(f"{own_stack.app_url}/health/live", timeout=10).status_code == 200
    if not own_stack.daprd.is_running():
        own_stack.daprd.start()
        _settles(own_stack, expect_up=True)


@pytest.fixture(scope="module")
def own_full_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A full-profile stack of its own: this property stops and starts its servers.
    (PostgreSQL runs as `postgres`, who must reach the data dir: see tests/conftest.py.)"""
    build()
    with (
        full_profile_config(tmp_path_factory, "health-full", TEST_APP_ENV) as config,
        Stack(config, progress=lambda _: None) as stack,
    ):
        yield stack


def _unhealthy_components(report: dict[str, object]) -> set[str]:
    components = report["components"]
    assert isinstance(components, list)
    return {item["name"] for item in components if item["status"] == "unhealthy"}


def _reports(
    stack: Stack, unhealthy: set[str], timeout_s: float = 30
) -> tuple[int, dict[str, object]]:
    """Poll readiness until exactly `unhealthy` components fail (or time runs out)."""
    deadline = time.monotonic() + timeout_s
    while True:
        status, report = _readiness(stack)
        if _unhealthy_components(report) == unhealthy or time.monotonic() > deadline:
            return status, report
        time.sleep(0.3)


@settings(max_examples=4, deadline=None)  # each outage stops and restarts a real server
@given(outages=st.lists(st.sampled_from(sorted(BACKED_BY)), min_size=1, max_size=2))
def test_readiness_reports_exactly_the_components_a_server_outage_breaks(
    own_full_stack: Stack, outages: list[str]
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 24: Health Check Status Accuracy**
    **Validates: Requirements 15.1, 15.2, 15.4**

    For any sequence of full-profile server outages, stopping PostgreSQL makes readiness
    report exactly statestore and configstore unhealthy, stopping Redis exactly pubsub,
    each with a real probe's message and ready false (503) while the sidecar stays
    healthy; once the server runs again, every component is healthy and ready is true.
    """
    for server in outages:
        own_full_stack.stop_server(server)
        try:
            status, report = _reports(own_full_stack, BACKED_BY[server])
            assert _unhealthy_components(report) == BACKED_BY[server], report
            assert status == 503, report
            assert report["ready"] is False
            assert report["sidecar"] == "healthy"
            components = report["components"]
            assert isinstance(components, list)
            assert all(
                item["message"] and item["checked"]
                for item in components
                if item["status"] == "unhealthy"
            ), components
        finally:
            own_full_stack.start_server(server)
        status, report = _reports(own_full_stack, set(), timeout_s=90)
        assert _unhealthy_components(report) == set(), report
        assert status == 200, report
        assert report["ready"] is True
