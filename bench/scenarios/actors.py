"""Scenario 2: InventoryActor GetStock and a Reserve+Release cycle, three ways to the
same actors on the same sidecar: our HTTP API, a direct ActorProxy call from here, and
the sidecar's raw actor HTTP API.

GetStock also runs the same two ways on the bare-SDK baseline (its own daprd): a plain
FastAPI route calling a bare SDK actor through ActorProxy, and ActorProxy from here. Their
ratio is what the SDK alone costs for "one more HTTP request in front of an actor call",
the floor under ours."""

from typing import Any

import httpx
from dapr.actor import ActorId, ActorProxy, ActorProxyFactory
from dapr.clients.http.dapr_actor_http_client import DaprActorHttpClient
from dapr.serializers import DefaultJSONSerializer

from actors.inventory_interface import INVENTORY_ACTOR_TYPE, InventoryActorInterface
from bench.baselines.bare_stock_actor import ACTOR_TYPE as BARE_ACTOR_TYPE
from bench.baselines.bare_stock_actor import BareStockInterface
from bench.context import BenchContext
from bench.load import Operation
from bench.scenarios.common import alternate, compare_p50, warm_up

SCENARIO = "actors"
API, PROXY, RAW = "HTTP API", "ActorProxy", "sidecar actor HTTP API"
BARE_ROUTE, BARE_PROXY = "bare SDK: FastAPI route", "bare SDK: ActorProxy"
TARGET_API_OVER_PROXY = 1.5
HOLD_S = 3600


def _operations(
    ctx: BenchContext, proxies: list[Any], skus: list[str], method: str
) -> dict[str, Operation]:
    """One operation per path; `method` is "GetStock" or "Reserve" (then Release)."""

    def order_id(path: str, index: int) -> str:
        return f"bench-act-{ctx.run_id}-{path}-{index}"

    def request(path: str, index: int) -> dict[str, Any]:
        return {"order_id": order_id(path, index), "quantity": 1, "hold_s": HOLD_S}

    async def api(slot: int, index: int) -> None:
        sku = skus[slot]
        if method == "GetStock":
            (await ctx.api.get(f"/api/v1/inventory/{sku}")).raise_for_status()
            return
        base = f"/api/v1/actors/{INVENTORY_ACTOR_TYPE}/{sku}/methods"
        (await ctx.api.post(f"{base}/Reserve", json=request("api", index))).raise_for_status()
        release = {"order_id": order_id("api", index)}
        (await ctx.api.post(f"{base}/Release", json=release)).raise_for_status()

    async def proxy(slot: int, index: int) -> None:
        actor = proxies[slot]
        if method == "GetStock":
            await actor.GetStock()
            return
        await actor.Reserve(request("proxy", index))
        await actor.Release({"order_id": order_id("proxy", index)})

    async def raw(slot: int, index: int) -> None:
        base = f"/v1.0/actors/{INVENTORY_ACTOR_TYPE}/{skus[slot]}/method"
        if method == "GetStock":
            (await ctx.sidecar.post(f"{base}/GetStock")).raise_for_status()
            return
        (await ctx.sidecar.post(f"{base}/Reserve", json=request("raw", index))).raise_for_status()
        release = {"order_id": order_id("raw", index)}
        (await ctx.sidecar.post(f"{base}/Release", json=release)).raise_for_status()

    return {API: api, PROXY: proxy, RAW: raw}


class _ProxyClientAt(DaprActorHttpClient):
    """The SDK's actor HTTP client, aimed at a given daprd (the SDK reads one process-wide
    address, which here is the service's daprd)."""

    def __init__(self, dapr_http_url: str) -> None:
        super().__init__(DefaultJSONSerializer())
        self._dapr_http_url = dapr_http_url

    def _get_base_url(self, actor_type: str, actor_id: str) -> str:
        return f"{self._dapr_http_url}/v1.0/actors/{actor_type}/{actor_id}"


def _bare_operations(
    ctx: BenchContext, baseline: httpx.AsyncClient, skus: list[str]
) -> dict[str, Operation]:
    factory = ActorProxyFactory()
    factory._dapr_client = _ProxyClientAt(ctx.bench.baseline_dapr_http_url)
    proxies = [factory.create(BARE_ACTOR_TYPE, ActorId(sku), BareStockInterface) for sku in skus]

    async def route(slot: int, index: int) -> None:
        (await baseline.get(f"/stock/{skus[slot]}")).raise_for_status()

    async def proxy(slot: int, index: int) -> None:
        await proxies[slot].GetStock()

    return {BARE_ROUTE: route, BARE_PROXY: proxy}


async def run(ctx: BenchContext) -> None:
    async with httpx.AsyncClient(base_url=ctx.bench.baseline_app_url, timeout=60) as baseline:
        await _run(ctx, baseline)


async def _run(ctx: BenchContext, baseline: httpx.AsyncClient) -> None:
    factory = ActorProxyFactory()
    top = max(ctx.mode.call_concurrency)
    skus = [f"BENCH-ACT-{slot}" for slot in range(top)]
    for sku in skus:
        response = await ctx.api.post(f"/api/v1/inventory/{sku}/restock", json={"quantity": 10**6})
        response.raise_for_status()
    proxies = [
        ActorProxy.create(INVENTORY_ACTOR_TYPE, ActorId(sku), InventoryActorInterface, factory)
        for sku in skus
    ]
    bare = _bare_operations(ctx, baseline, skus)
    for sku in skus:  # stock on hand, no reservations: the InventoryActors' state
        await ActorProxy.create(BARE_ACTOR_TYPE, ActorId(sku), BareStockInterface).Restock(10**6)
    for method, label in (("GetStock", "GetStock"), ("Reserve", "Reserve+Release")):
        operations = _operations(ctx, proxies, skus, method)
        if method == "GetStock":
            operations.update(bare)
        await warm_up(ctx, operations, top, 2 * top)
        for concurrency in ctx.mode.call_concurrency:
            series = await alternate(
                ctx,
                f"{SCENARIO}: {label}",
                operations,
                concurrency=concurrency,
                total=ctx.mode.calls_per_trial // (1 if method == "GetStock" else 2),
                rounds=ctx.mode.call_rounds,
            )
            pairs = [(API, PROXY, TARGET_API_OVER_PROXY), (API, RAW, None)]
            if method == "GetStock":
                pairs.append((BARE_ROUTE, BARE_PROXY, None))
            for subject, baseline_name, target in pairs:
                compare_p50(
                    ctx,
                    series,
                    subject,
                    baseline_name,
                    scenario=SCENARIO,
                    label=label,
                    target=target,
                )
