"""Start-up order (seed 25): the app takes no traffic until its sidecar is ready."""

import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devstack.stack import Stack
from devstack.stack_config import StackConfig
from tests.conftest import TEST_APP_ENV


@pytest.fixture(scope="module")
def placement_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own with only sentry and placement running: each example starts the
    rest."""
    root = tmp_path_factory.mktemp("startup-stack")
    config = StackConfig.throwaway(root, TEST_APP_ENV, with_payment=False)
    stack = Stack(config, progress=lambda _: None)
    (config.data_dir / "localstorage").mkdir(parents=True)
    config.log_dir.mkdir(parents=True)
    stack.start_control_plane()  # sentry and placement
    try:
        yield stack
    finally:
        stack.stop()


def _status(url: str) -> int | None:
    try:
        return httpx.get(url, timeout=2).status_code
    except httpx.HTTPError:
        return None


def _until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"{what} not ready in {timeout_s:.0f}s"
        time.sleep(0.1)


@settings(max_examples=5, deadline=None)  # each example starts a real app and daprd (~3 s)
@given(sidecar_delay_s=st.floats(min_value=0.5, max_value=3.0))
def test_startup_sidecar_wait(placement_only: Stack, sidecar_delay_s: float) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 25: Startup Sidecar Wait**
    **Validates: Requirements 15.5**

    However long the sidecar takes to come up, the app process stays up but accepts no
    connection until then, and is ready once the sidecar is.
    """
    stack = placement_only
    stack.app.start()
    try:
        time.sleep(sidecar_delay_s)
        assert stack.app.is_running(), stack.app.log_tail()
        assert _status(f"{stack.app_url}/health/live") is None  # not listening yet
        stack.start_sidecar()
        _until(lambda: _status(f"{stack.app_url}/health/ready") == 200, 60, "the app")
    finally:
        stack.daprd.stop()
        stack.app.stop()
