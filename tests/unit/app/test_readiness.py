"""The readiness verdict: which failures make the service unready, which only degrade it,
and that the probes run concurrently."""

import asyncio
import time

from app.building_blocks.health import Check, HealthChecker, HealthStatus
from app.building_blocks.workflows import WorkflowEngine
from app.readiness import readiness

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


def _verdict(checker: FakeChecker, engine: FakeEngine | None = None) -> tuple[bool, HealthStatus]:
    report = asyncio.run(readiness(checker, engine or FakeEngine(), ("payment-service",)))
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
    report = asyncio.run(
        readiness(FakeChecker(), FakeEngine(started=True, connected=False), ("payment-service",))
    )
    assert (report.ready, report.workflow_runtime.status) == (False, UNHEALTHY)
    assert report.workflow_runtime.message is not None
    assert "retries" in report.workflow_runtime.message


def test_probes_run_concurrently() -> None:
    """Three probes of 0.5 s each take about 0.5 s together, not 1.5 s."""
    started = time.perf_counter()
    asyncio.run(readiness(FakeChecker(delay_s=0.5), FakeEngine(), ("payment-service",)))
    assert time.perf_counter() - started < 1.2
