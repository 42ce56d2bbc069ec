"""Liveness and readiness for daprd's app health check and for orchestrators."""

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from app.api.deps import ServicesDep
from app.building_blocks.health import HealthStatus

router = APIRouter(prefix="/health", tags=["health"])


class Liveness(BaseModel):
    status: str


class ComponentReport(BaseModel):
    name: str
    type: str
    status: HealthStatus
    message: str | None = None


class Readiness(BaseModel):
    ready: bool
    sidecar: HealthStatus
    workflow_runtime: HealthStatus
    dapr_version: str | None = None
    components: list[ComponentReport] = []


@router.get("/live")
async def live() -> Liveness:
    """The process is up and serving HTTP."""
    return Liveness(status="ok")


@router.get("/ready", responses={503: {"model": Readiness}})
async def ready(services: ServicesDep, response: Response) -> Readiness:
    """Ready when the sidecar is fully up, the workflow runtime runs and no component fails."""
    health = await services.sidecar.get_full_health()
    workflow_runtime = (
        HealthStatus.HEALTHY if services.workflows.started else HealthStatus.UNHEALTHY
    )
    components = [ComponentReport(**vars(component)) for component in health.components]
    report = Readiness(
        ready=health.sidecar_status is HealthStatus.HEALTHY
        and workflow_runtime is HealthStatus.HEALTHY
        and all(component.status is not HealthStatus.UNHEALTHY for component in components),
        sidecar=health.sidecar_status,
        workflow_runtime=workflow_runtime,
        dapr_version=health.version,
        components=components,
    )
    if not report.ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return report
