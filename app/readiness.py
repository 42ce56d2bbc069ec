"""Readiness: every dependency probed concurrently, then one verdict.

Ready means the sidecar is fully up, the workflow worker's stream to it is open and no
component is unhealthy. An optional peer (payment-service) that does not answer makes the
service `degraded`, not unready: orders still start and wait for payments by retrying.
"""

import asyncio
import time
from dataclasses import dataclass

from app.building_blocks.engine_watchdog import EngineWatchdog
from app.building_blocks.health import Check, HealthChecker, HealthStatus
from app.building_blocks.workflows import WorkflowEngine


@dataclass(frozen=True)
class ReadinessReport:
    ready: bool
    status: HealthStatus
    sidecar: Check
    workflow_runtime: Check
    components: list[Check]
    peers: list[Check]
    dapr_version: str | None


def workflow_runtime_check(workflows: WorkflowEngine, watchdog: EngineWatchdog) -> Check:
    """The worker's work-item stream to daprd is open, and the engine ran the watchdog's
    last canary workflow in time (an open stream alone does not show that it schedules)."""
    started = time.perf_counter()
    connected = workflows.worker_connected()
    verdict = watchdog.verdict
    latency_ms = round((time.perf_counter() - started) * 1000, 1)
    checked = f"durabletask work-item stream to {workflows.sidecar_address}; canary workflow"
    message: str | None
    if not workflows.started:
        message = "the worker is not started"
    elif not connected:
        message = "no work-item stream accepted by daprd yet; the worker retries every 5s"
    elif verdict is None:
        message = "waiting for the first canary workflow to finish"
    elif not verdict.healthy:
        message = verdict.message
    elif time.monotonic() - verdict.at > watchdog.stale_after_s():
        message = f"no canary verdict for {time.monotonic() - verdict.at:.0f}s"
    else:
        message = None
    status = HealthStatus.HEALTHY if message is None else HealthStatus.UNHEALTHY
    return Check("workflow-runtime", "durabletask", status, checked, latency_ms, message)


async def readiness(
    checker: HealthChecker,
    workflows: WorkflowEngine,
    watchdog: EngineWatchdog,
    peer_app_ids: tuple[str, ...],
) -> ReadinessReport:
    """Probe the sidecar, its components and the peers at once (each bounded by the
    checker's timeout), and read the worker's connection."""
    sidecar, (components, version), peers = await asyncio.gather(
        checker.check_sidecar(),
        checker.check_components(),
        asyncio.gather(*(checker.check_app(app_id) for app_id in peer_app_ids)),
    )
    runtime = workflow_runtime_check(workflows, watchdog)
    ready = (
        sidecar.status is HealthStatus.HEALTHY
        and runtime.status is HealthStatus.HEALTHY
        and all(check.status is not HealthStatus.UNHEALTHY for check in components)
    )
    everything = [sidecar, runtime, *components, *peers]
    if not ready:
        status = HealthStatus.UNHEALTHY
    elif all(check.status is HealthStatus.HEALTHY for check in everything):
        status = HealthStatus.HEALTHY
    else:
        status = HealthStatus.DEGRADED
    return ReadinessReport(
        ready=ready,
        status=status,
        sidecar=sidecar,
        workflow_runtime=runtime,
        components=components,
        peers=list(peers),
        dapr_version=version,
    )
