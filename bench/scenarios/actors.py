"""Scenario 2: InventoryActor GetStock and a Reserve+Release cycle, three ways to the
same actors on the same sidecar: our HTTP API, a direct ActorProxy call from here, and
the sidecar's raw actor HTTP API."""

from typing import Any

from dapr.actor import ActorId, ActorProxy, ActorProxyFactory

from actors.inventory_interface import INVENTORY_ACTOR_TYPE, InventoryActorInterface
from bench.context import BenchContext
from bench.load import Operation
from bench.results import Comparison
from bench.scenarios.common import alternate, warm_up

SCENARIO = "actors"
API, PROXY, RAW = "HTTP API", "ActorProxy", "sidecar actor HTTP API"
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


async def run(ctx: BenchContext) -> None:
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
    for method, label in (("GetStock", "GetStock"), ("Reserve", "Reserve+Release")):
        operations = _operations(ctx, proxies, skus, method)
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
            for baseline, target in ((PROXY, TARGET_API_OVER_PROXY), (RAW, None)):
                ctx.run.comparisons.append(
                    Comparison.between(
                        [trial.p50_s for trial in series[API].trials],
                        [trial.p50_s for trial in series[baseline].trials],
                        scenario=SCENARIO,
                        label=f"{label}: {API} over {baseline}",
                        concurrency=concurrency,
                        metric="p50 latency",
                        target=target,
                    )
                )
