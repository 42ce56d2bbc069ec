"""The workflow baseline: a bare `dapr-ext-workflow` app whose one workflow runs 5 no-op
activities in sequence (the shape of Dapr's own workflow performance test).

No layers of ours: the SDK's WorkflowRuntime, started and stopped in the lifespan, and a
health route for daprd's app health check. Run behind its own daprd from the same build:
    uvicorn --factory bench.baselines.bare_workflow_app:create_app
"""

import os
from collections.abc import AsyncIterator, Generator
from contextlib import asynccontextmanager
from typing import Any

from dapr.ext.workflow import DaprWorkflowContext, WorkflowActivityContext, WorkflowRuntime
from fastapi import FastAPI

WORKFLOW = "bare_five"
ACTIVITY = "noop"
STEPS = 5


def noop(ctx: WorkflowActivityContext, payload: Any) -> Any:
    return payload


def bare_five(ctx: DaprWorkflowContext, payload: Any) -> Generator[Any, Any, Any]:
    result = payload
    for _ in range(STEPS):
        result = yield ctx.call_activity(noop, input=result)
    return result


def create_app() -> FastAPI:
    runtime = WorkflowRuntime(
        host=os.environ.get("DAPR_RUNTIME_HOST", "127.0.0.1"),
        port=os.environ.get("DAPR_GRPC_PORT", "50001"),
    )
    runtime.register_workflow(bare_five, name=WORKFLOW)
    runtime.register_activity(noop, name=ACTIVITY)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime.start()
        try:
            yield
        finally:
            runtime.shutdown()

    app = FastAPI(lifespan=lifespan)

    @app.get("/health")
    async def health() -> dict[str, bool]:
        return {"ok": True}

    return app
