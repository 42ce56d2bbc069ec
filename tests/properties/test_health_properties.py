"""Health accuracy (seed 24): readiness follows the real sidecar going down and up."""

import time
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devstack.stack import Stack, StackConfig, StackPorts
from tests.conftest import TEST_APP_ENV


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own: this property stops and starts its daprd."""
    root = tmp_path_factory.mktemp("health-stack")
    config = StackConfig(
        ports=StackPorts.free(), data_dir=root / "data", log_dir=root / "logs", app_env=TEST_APP_ENV
    )
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
