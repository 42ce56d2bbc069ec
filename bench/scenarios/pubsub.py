"""Scenario 4: events published to handled, end to end. Restock events go to the
`restocks` topic through our PubSubManager; the app's subscription starts a `restock`
workflow per event; an event is handled when its units show in the InventoryActor's stock.
Events per second = events / (first publish to the last one's stock visible)."""

import asyncio
import time

from app.building_blocks.client import DaprClientWrapper, DaprConfig
from app.building_blocks.pubsub import PubSubManager
from bench.context import BenchContext
from bench.load import closed_loop
from bench.results import Series
from bench.stats import TrialStats

SCENARIO = "pub/sub"
VARIANT = "restocks: publish -> stock updated"
TOPIC = "restocks"
POLL_S = 0.05
HANDLED_TIMEOUT_S = 120.0


async def run(ctx: BenchContext) -> None:
    config = DaprConfig(
        dapr_http_endpoint=ctx.dapr_http_url,
        dapr_grpc_endpoint=ctx.dapr_grpc_address,
        dapr_api_token=ctx.bench.stack.config.tokens.dapr_api,
    )
    mode = ctx.mode
    series = Series(SCENARIO, VARIANT, mode.pubsub_publishers)
    bar = ctx.bar(mode.pubsub_trials, SCENARIO)
    async with DaprClientWrapper(config) as wrapper:
        publisher = PubSubManager(wrapper, "bench", 1024 * 1024, 4 * 1024 * 1024)
        for trial in range(mode.pubsub_trials):
            sku = f"BENCH-PS-{ctx.run_id}-{trial}"

            async def publish(slot: int, index: int, sku: str = sku) -> None:
                data = {"sku": sku, "quantity": 1}
                await publisher.publish("pubsub", TOPIC, data, event_type="bench.restock")

            began = time.perf_counter()
            published = await closed_loop(publish, mode.pubsub_publishers, mode.pubsub_events)
            await _until_stock(ctx, sku, mode.pubsub_events)
            wall = time.perf_counter() - began
            # Latencies are the publish calls'; the rate is end to end (handled per second).
            series.add(TrialStats.of(published.latencies_s, wall), published.latencies_s)
            bar.update()
    bar.close()
    ctx.run.series.append(series)


async def _until_stock(ctx: BenchContext, sku: str, expected: int) -> None:
    deadline = time.monotonic() + HANDLED_TIMEOUT_S
    path = f"/v1.0/actors/InventoryActor/{sku}/method/GetStock"
    on_hand = 0
    while time.monotonic() < deadline:
        response = await ctx.sidecar.post(path)
        response.raise_for_status()
        on_hand = int(response.json().get("on_hand", 0))
        if on_hand >= expected:
            return
        await asyncio.sleep(POLL_S)
    raise RuntimeError(f"{sku}: {on_hand} of {expected} restock events handled in time")
