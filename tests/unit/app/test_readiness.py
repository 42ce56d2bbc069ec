"""The readiness verdict: which failures make the service unready, which only degrade it,
that a workflow engine that runs no canary is unready, and that the probes run
concurrently."""

import asyncio
import time

from app.building_blocks.engine_watchdog import CanaryVerdict, EngineWatchdog
from app.building_blocks.health import Check, HealthChecker, HealthStatus
from app.building_blocks.workflow_admission import WorkflowAdmission
from app.building_blocks.workflows import WorkflowEngine
from app.readiness import ReadinessReport, readiness

HEALTHY = HealthStatus.HEALTHY
DEGRADED = HealthStatus.DEGRADED
UNHEALTHY = HealthStatus.UNHEALTHY


def _check(name: str, status: HealthStatus = HEALTHY) -> Check:
    return Check(name, "test", status, f"probe of {name}", 1.0, None if status is HEALTHY else "x")


class FakeChecker(HealthChecker):
    """Answers each probe with a fixed verdict after `delay_s`."""

    def __init__(
        self,
        sidecar: HealthStatus = HEALTHY,
        components: dict[str, HealthStatus] | None = None,
        peer: HealthStatus = HEALTHY,
        delay_s: float = 0.0,
    ) -> None:
        self._sidecar = sidecar
        self._components = components if components is not None else {"statestore": HEALTHY}
        self._peer = peer
        self._delay_s = delay_s

    async def check_sidecar(self) -> Check:
        await asyncio.sleep(self._delay_s)
        return _check("sidecar", self._sidecar)

    async def check_components(self) -> tuple[list[Check], str | None]:
        await asyncio.sleep(self._delay_s)
        return [_check(name, status) for name, status in self._components.items()], "1.14.4"

    async def check_app(self, app_id: str, method: str = "health") -> Check:
        await asyncio.sleep(self._delay_s)
        return _check(app_id, self._peer)


class FakeEngine(WorkflowEngine):
    def __init__(self, started: bool = True, connected: bool = True) -> None:
        self._is_started = started
        self._connected = connected

    @property
    def started(self) -> bool:
        return self._is_started

    @property
    def sidecar_address(self) -> str:
        return "127.0.0.1:50001"

    def worker_connected(self) -> bool:
        return self._connected


async def _never_purged(instance_id: str) -> None:
    raise AssertionError(f"no canary {instance_id} runs in these tests")


def _watchdog(engine: WorkflowEngine, canary: CanaryVerdict | None) -> EngineWatchdog:
    """A watchdog whose last canary verdict is `canary` (None: none finished yet)."""
    watchdog = EngineWatchdog(
        engine,
        WorkflowAdmission(10),
        _never_purged,
        replica="r",
        interval_s=10,
        deadline_s=30,
        sweep_after_s=60,
        canary_workflow="engine_canary",
    )
    watchdog.verdict = canary
    return watchdog


def _canary(healthy: bool = True, age_s: float = 0.0) -> CanaryVerdict:
    return CanaryVerdict(healthy, "canary message", 0.1, time.monotonic() - age_s)


def _report(
    checker: FakeChecker, engine: FakeEngine | None = None, canary: CanaryVerdict | None = None
) -> ReadinessReport:
    engine = engine or FakeEngine()
    watchdog = _watchdog(engine, canary or _canary())
    return asyncio.run(readiness(checker, engine, watchdog, ("payment-service",)))


def _verdict(checker: FakeChecker, engine: FakeEngine | None = None) -> tuple[bool, HealthStatus]:
    report = _report(checker, engine)
    return report.ready, report.status


def test_everything_healthy_is_ready_and_healthy() -> None:
    """All probes healthy: ready, overall healthy."""
    assert _verdict(FakeChecker()) == (True, HEALTHY)


def test_an_unreachable_peer_only_degrades() -> None:
    """payment-service not answering keeps the service ready, reported degraded."""
    assert _verdict(FakeChecker(peer=DEGRADED)) == (True, DEGRADED)


def test_a_failing_component_makes_it_unready() -> None:
    """One unhealthy component is enough for ready false."""
    components = {"statestore": UNHEALTHY, "pubsub": HEALTHY}
    assert _verdict(FakeChecker(components=components)) == (False, UNHEALTHY)


def test_a_sidecar_serving_outbound_only_is_not_ready() -> None:
    """A degraded sidecar (not fully initialised) is not ready."""
    assert _verdict(FakeChecker(sidecar=DEGRADED)) == (False, UNHEALTHY)


def test_a_started_but_disconnected_worker_is_not_ready() -> None:
    """The workflow worker must have its stream open, not merely be started."""
    report = _report(FakeChecker(), FakeEngine(started=True, connected=False))
    assert (report.ready, report.workflow_runtime.status) == (False, UNHEALTHY)
    assert report.workflow_runtime.message is not None
    assert "retries" in report.workflow_runtime.message


def test_probes_run_concurrently() -> None:
    """Three probes of 0.5 s each take about 0.5 s together, not 1.5 s."""
    started = time.perf_counter()
    _report(FakeChecker(delay_s=0.5))
    assert time.perf_counter() - started < 1.2


def test_a_connected_worker_whose_canary_failed_is_not_ready() -> None:
    """An open stream is not enough: the engine must have run the last canary workflow
    (after a slot leak, 1.14 keeps the stream open and schedules nothing)."""
    report = _report(FakeChecker(), canary=_canary(healthy=False))
    assert (report.ready, report.workflow_runtime.status) == (False, UNHEALTHY)
    assert report.workflow_runtime.message == "canary message"


def test_no_canary_finished_yet_is_not_ready() -> None:
    """Until the first canary finishes, the engine is not known to schedule work."""
    engine = FakeEngine()
    report = asyncio.run(
        readiness(FakeChecker(), engine, _watchdog(engine, None), ("payment-service",))
    )
    assert report.ready is False
    assert report.workflow_runtime.message is not None
    assert "first canary" in report.workflow_runtime.message


def test_a_stale_canary_verdict_is_not_ready() -> None:
    """A watchdog that stopped reporting is no proof: a verdict past its age is unready."""
    report = _report(FakeChecker(), canary=_canary(age_s=10 + 30 + 5))
    assert report.ready is False
