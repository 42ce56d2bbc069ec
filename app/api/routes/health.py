"""Liveness and readiness for daprd's app health check and for orchestrators."""

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from app.api.deps import ServicesDep

router = APIRouter(prefix="/health", tags=["health"])


class Liveness(BaseModel):
    status: str


class Readiness(BaseModel):
    ready: bool
    sidecar: bool
    workflow_runtime: bool


@router.get("/live")
async def live() -> Liveness:
    """The process is up and serving HTTP."""
    return Liveness(status="ok")


@router.get("/ready", responses={503: {"model": Readiness}})
async def ready(services: ServicesDep, response: Response) -> Readiness:
    """Ready once the sidecar is fully initialised and the workflow runtime is running."""
    sidecar = await services.sidecar.is_healthy()
    workflow_runtime = services.workflows.started
    report = Readiness(
        ready=sidecar and workflow_runtime, sidecar=sidecar, workflow_runtime=workflow_runtime
    )
    if not report.ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return report
