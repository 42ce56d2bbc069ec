"""Liveness for daprd's app health check, readiness with per-dependency detail."""

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from app.api.deps import ServicesDep
from app.building_blocks.health import Check, HealthStatus
from app.drain import DRAIN
from app.readiness import readiness

router = APIRouter(prefix="/health", tags=["health"])


class Liveness(BaseModel):
    status: str


class DependencyReport(BaseModel):
    """One probe: its verdict, what it checked and how long it took."""

    name: str
    type: str
    status: HealthStatus
    checked: str = Field(description="the call made, e.g. `GET /v1.0/state/statestore/<key>`")
    latency_ms: float
    message: str | None = Field(default=None, description="why it is not healthy")

    @classmethod
    def of(cls, check: Check) -> "DependencyReport":
        return cls(**vars(check))


class Readiness(BaseModel):
    """`ready` decides the status code (200 or 503); `status` adds `degraded` for an
    optional peer that does not answer while the service still works."""

    ready: bool
    status: HealthStatus
    sidecar: HealthStatus
    workflow_runtime: HealthStatus
    dapr_version: str | None = None
    dependencies: list[DependencyReport] = Field(
        default=[], description="the sidecar, the workflow worker and peer apps"
    )
    components: list[DependencyReport] = Field(
        default=[], description="every component daprd loaded; empty when daprd is down"
    )


_SHUTTING_DOWN = Check(
    "shutdown", "process", HealthStatus.UNHEALTHY, "SIGTERM received", 0.0, "draining"
)


@router.get("/live")
async def live() -> Liveness:
    """The process is up and serving HTTP (needs nothing else)."""
    return Liveness(status="ok")


@router.get("/ready", responses={503: {"model": Readiness, "description": "not ready"}})
async def ready(services: ServicesDep, response: Response) -> Readiness:
    """Ready when the sidecar is fully up, the workflow worker is connected and no
    component fails; payment-service unreachable only degrades it. Never ready once
    the process is shutting down (app/drain.py), so a balancer takes it out first."""
    if DRAIN.draining:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Readiness(
            ready=False,
            status=HealthStatus.UNHEALTHY,
            # Not probed: a draining process is unready whatever its dependencies say.
            sidecar=HealthStatus.UNHEALTHY,
            workflow_runtime=HealthStatus.UNHEALTHY,
            dependencies=[DependencyReport.of(_SHUTTING_DOWN)],
        )
    report = await readiness(
        services.sidecar,
        services.workflows,
        services.watchdog,
        (services.settings.payment_app_id,),
    )
    if not report.ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return Readiness(
        ready=report.ready,
        status=report.status,
        sidecar=report.sidecar.status,
        workflow_runtime=report.workflow_runtime.status,
        dapr_version=report.dapr_version,
        dependencies=[
            DependencyReport.of(check)
            for check in (report.sidecar, report.workflow_runtime, *report.peers)
        ],
        components=[DependencyReport.of(check) for check in report.components],
    )
