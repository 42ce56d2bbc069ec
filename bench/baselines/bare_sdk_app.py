"""The baselines' app: what the bare Dapr Python SDK gives, with no layers of ours.

- Workflows: one workflow of 5 no-op activities in sequence (the shape of Dapr's own
  workflow performance test), on the SDK's WorkflowRuntime.
- Actors: `BareStockActor` hosted through dapr-ext-fastapi, and `GET /stock/{sku}`,
  a plain FastAPI route that calls it through the SDK's ActorProxy: the bare-SDK
  equivalent of our `GET /api/v1/inventory/{sku}`.

Run behind its own daprd from the same build:
    uvicorn --factory bench.baselines.bare_sdk_app:create_app
"""

import os
from collections.abc import AsyncIterator, Generator
from contextlib import asynccontextmanager
from typing import Any

from dapr.actor import ActorId, ActorProxy
from dapr.ext.fastapi import DaprActor
from dapr.ext.workflow import DaprWorkflowContext, WorkflowActivityContext, WorkflowRuntime
from fastapi import FastAPI

from bench.baselines.bare_stock_actor import ACTOR_TYPE, BareStockActor, BareStockInterface

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
        await actors.register_actor(BareStockActor)
        runtime.start()
        try:
            yield
        finally:
            runtime.shutdown()

    app = FastAPI(lifespan=lifespan)
    actors = DaprActor(app)

    @app.get("/health")
    async def health() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/stock/{sku}")
    async def stock(sku: str) -> dict[str, Any]:
        proxy = ActorProxy.create(ACTOR_TYPE, ActorId(sku), BareStockInterface)
        result: dict[str, Any] = await proxy.GetStock()
        return result

    return app
