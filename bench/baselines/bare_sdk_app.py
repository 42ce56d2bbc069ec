"""The baselines' app: what the bare Dapr Python SDK gives, with no layers of ours.

- Workflows: one workflow of 5 no-op activities in sequence (the shape of Dapr's own
  workflow performance test), on the SDK's WorkflowRuntime; and one of 5 activities that
  each make one actor call (GetStock on a bare actor), the shape of most of an order's
  steps, to tell the cost of a step's Dapr work from the cost of our layers.
- Actors: `BareStockActor` hosted through dapr-ext-fastapi, and `GET /stock/{sku}`,
  a plain FastAPI route that calls it through the SDK's ActorProxy: the bare-SDK
  equivalent of our `GET /api/v1/inventory/{sku}`.

Run behind its own daprd from the same build:
    uvicorn --factory bench.baselines.bare_sdk_app:create_app
"""

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Generator
from contextlib import asynccontextmanager
from typing import Any

from dapr.actor import ActorId, ActorProxy
from dapr.ext.fastapi import DaprActor
from dapr.ext.workflow import DaprWorkflowContext, WorkflowActivityContext, WorkflowRuntime
from fastapi import FastAPI

from bench.baselines.bare_stock_actor import ACTOR_TYPE, BareStockActor, BareStockInterface

WORKFLOW = "bare_five"
ACTOR_WORKFLOW = "bare_five_actor_calls"
STEPS = 5
ACTOR_SKU = "BARE-WF"

# Activities run on the SDK worker's threads; actor calls are async, so they go to one
# loop on a thread of its own (as the service does with its own loop).
_actor_loop = asyncio.new_event_loop()


def noop(ctx: WorkflowActivityContext, payload: Any) -> Any:
    return payload


def actor_call(ctx: WorkflowActivityContext, payload: Any) -> Any:
    proxy = ActorProxy.create(ACTOR_TYPE, ActorId(ACTOR_SKU), BareStockInterface)
    return asyncio.run_coroutine_threadsafe(proxy.GetStock(), _actor_loop).result(timeout=60)


def bare_five(ctx: DaprWorkflowContext, payload: Any) -> Generator[Any, Any, Any]:
    result = payload
    for _ in range(STEPS):
        result = yield ctx.call_activity(noop, input=result)
    return result


def bare_five_actor_calls(ctx: DaprWorkflowContext, payload: Any) -> Generator[Any, Any, Any]:
    result = payload
    for _ in range(STEPS):
        result = yield ctx.call_activity(actor_call, input=result)
    return result


def create_app() -> FastAPI:
    runtime = WorkflowRuntime(
        host=os.environ.get("DAPR_RUNTIME_HOST", "127.0.0.1"),
        port=os.environ.get("DAPR_GRPC_PORT", "50001"),
    )
    runtime.register_workflow(bare_five, name=WORKFLOW)
    runtime.register_workflow(bare_five_actor_calls, name=ACTOR_WORKFLOW)
    runtime.register_activity(noop, name="noop")
    runtime.register_activity(actor_call, name="actor_call")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await actors.register_actor(BareStockActor)
        loop_thread = threading.Thread(target=_actor_loop.run_forever, daemon=True)
        loop_thread.start()
        runtime.start()
        try:
            yield
        finally:
            runtime.shutdown()
            _actor_loop.call_soon_threadsafe(_actor_loop.stop)
            loop_thread.join(timeout=5)

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
