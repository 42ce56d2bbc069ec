"""Session fixtures: the real Dapr stack (placement, daprd, the app) on free ports, and the
full-profile stack that adds its own PostgreSQL and Redis.

A stack that cannot start fails every test that needs it: there is no skip path.
"""

from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, TypeVar

import pytest

from app.bootstrap import configure_sdk
from devstack.build import build
from devstack.peers import PeerApp, payment_peer
from devstack.processes import ManagedProcess
from devstack.stack import Stack
from devstack.stack_config import StackConfig, StackPorts
from devstack.trace_export import TraceExport
from tests.sidecar import stack_settings
from tests.stack_secrets import write_secrets_file
from tests.support.echo_app import ECHO_APP_ID
from tests.support.fault_stack import FaultStack
from tests.support.full_profile import full_profile_config
from tests.support.otlp_collector import OtlpCollector, running_collector
from tests.support.probe import Probe
from tests.support.runtime_lines import check_lines_agree, skip_on_other_lines
from tests.support.sidecar_clients import Publisher

TEST_COMPONENTS = Path(__file__).parent / "support" / "dapr"

# Short actor idle timeout and scan interval, so deactivation can be observed in tests.
TEST_APP_ENV = {
    "ORDERFLOW_ACTOR_IDLE_TIMEOUT": "PT10S",
    "ORDERFLOW_ACTOR_SCAN_INTERVAL": "PT2S",
    # Short enough that the approval-timeout test waits seconds, long enough that a
    # loaded machine still approves in time in the approval test.
    "ORDERFLOW_APPROVAL_TIMEOUT": "PT6S",
    # Longer than any order takes here, even 50 at once on 2 cores.
    "ORDERFLOW_RESERVATION_HOLD": "PT120S",
}


class RunningStack(Protocol):
    """What the session fixtures start: a stack, the probe or the fault stack."""

    @property
    def processes(self) -> list[ManagedProcess]: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


S = TypeVar("S", bound=RunningStack)
_stacks: list[RunningStack] = []


@contextmanager
def _started(make: Callable[[], S]) -> Iterator[S]:
    """Build the runtime if it is missing (a no-op when cached; a cold CI machine builds it
    here), start what `make` returns, and stop it at the end. While it runs, a failing
    test's report gets the tail of each of its processes' logs; a start that fails raises,
    so every test that needs it fails (never skips)."""
    build()
    running = make()
    _stacks.append(running)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        _stacks.remove(running)


def _stack_config(root: Path, collector: OtlpCollector) -> StackConfig:
    echo = PeerApp(
        app_id=ECHO_APP_ID, factory="tests.support.echo_app:create_app", ports=PeerApp.free_ports()
    )
    secrets_file = write_secrets_file(root / "secrets.json")
    return StackConfig(
        ports=StackPorts.free(),
        data_dir=root / "data",
        log_dir=root / "logs",
        app_env=TEST_APP_ENV,
        # The dev secrets plus generated ones (tests/stack_secrets.py), read by daprd at start.
        secrets_file=secrets_file,
        # `test-secrets`: the same file, unscoped, for the generated keys' property tests.
        daprd_args=("--resources-path", str(TEST_COMPONENTS)),
        peers=(echo, payment_peer(PeerApp.free_ports())),
        # Every span of the stack goes to the session's collector, batched briefly.
        trace_export=TraceExport(collector.endpoint, batch_delay_ms=200),
    )


def _quiet(_: str) -> None:
    """Stack progress lines are for a person at `make run`, not for pytest's output."""


@pytest.fixture(scope="session")
def otlp_collector() -> Iterator[OtlpCollector]:
    """An OTLP/HTTP receiver the session's stack exports its spans to."""
    with running_collector() as collector:
        yield collector


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory, otlp_collector: OtlpCollector
) -> Iterator[Stack]:
    """The local-profile stack, started once per session with a fresh data directory."""
    config = _stack_config(tmp_path_factory.mktemp("stack"), otlp_collector)
    with _started(lambda: Stack(config, progress=_quiet)) as running:
        yield running


@pytest.fixture(scope="session")
def sdk_points_at_stack(stack: Stack) -> None:
    """Aim the SDK's process-wide settings (ActorProxy, the SDK client's start-up health
    check) at the test sidecar, as the app's bootstrap does for its own."""
    configure_sdk(stack_settings(stack))


@pytest.fixture(scope="session")
def full_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The full-profile stack (PostgreSQL, Redis, placement, daprd, the app), once per session
    (its data outside pytest's temp dir: tests/support/full_profile.py says why)."""
    with (
        full_profile_config(tmp_path_factory, "full-stack", TEST_APP_ENV) as config,
        _started(lambda: Stack(config, progress=_quiet)) as running,
    ):
        yield running


@pytest.fixture(scope="session")
def probe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Probe]:
    """The test-only subscriber app behind its own daprd (tests/support/probe.py)."""
    with _started(lambda: Probe(tmp_path_factory.mktemp("probe"))) as running:
        yield running


@pytest.fixture(scope="session")
def fault_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultStack]:
    """A second payment provider behind a caller daprd with short test resiliency policies
    (tests/support/fault_stack.py)."""
    with _started(lambda: FaultStack(tmp_path_factory.mktemp("faults"))) as running:
        yield running


@pytest.fixture(scope="session")
def publisher(probe: Probe) -> Iterator[Publisher]:
    """PubSubManager on the probe's sidecar, publishing as `orderflow-tests`."""
    with Publisher.open(probe.dapr_http_url, probe.dapr_grpc_address) as publisher:
        yield publisher


def pytest_configure(config: pytest.Config) -> None:
    check_lines_agree()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_on_other_lines(items)


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
