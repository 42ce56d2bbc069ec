"""Session fixtures: the real Dapr stack (placement, daprd, the app) on free ports.

A stack that cannot start fails every test that needs it: there is no skip path.
"""

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from devstack.build import build
from devstack.stack import Stack, StackConfig, StackPorts
from tests.support.probe import Probe
from tests.support.sidecar_clients import Publisher

# Short actor idle timeout and scan interval, so deactivation can be observed in tests.
TEST_APP_ENV = {
    "ORDERFLOW_ACTOR_IDLE_TIMEOUT": "PT10S",
    "ORDERFLOW_ACTOR_SCAN_INTERVAL": "PT2S",
}

_stacks: list[Stack | Probe] = []


def _stack_config(root: Path) -> StackConfig:
    return StackConfig(
        ports=StackPorts.free(),
        data_dir=root / "data",
        log_dir=root / "logs",
        app_env=TEST_APP_ENV,
    )


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The local-profile stack, started once per session with a fresh data directory."""
    build()  # no-op when the binaries are cached; a cold CI machine builds them here
    running = Stack(_stack_config(tmp_path_factory.mktemp("stack")), progress=lambda _: None)
    running.start()
    _stacks.append(running)
    try:
        yield running
    finally:
        running.stop()
        _stacks.remove(running)


@pytest.fixture(scope="session")
def probe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Probe]:
    """The test-only subscriber app behind its own daprd (tests/support/probe.py)."""
    build()
    running = Probe(tmp_path_factory.mktemp("probe"))
    running.start()
    _stacks.append(running)
    try:
        yield running
    finally:
        running.stop()
        _stacks.remove(running)


@pytest.fixture(scope="session")
def publisher(probe: Probe) -> Iterator[Publisher]:
    """PubSubManager on the probe's sidecar, publishing as `orderflow-tests`."""
    with Publisher.open(probe.dapr_http_url, probe.dapr_grpc_address) as publisher:
        yield publisher


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On a failure, attach the tail of every stack process's log to the report."""
    report: pytest.TestReport = yield
    if report.failed and _stacks:
        for running in _stacks:
            for process in running.processes:
                report.sections.append(
                    (f"{process.name} log ({process.log_path})", process.log_tail(40))
                )
    return report
