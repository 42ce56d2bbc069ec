"""Scenario 3: our StateManager's save and get against the raw SDK client (the same async
gRPC client it wraps), on the same sidecar and store."""

from dapr.aio.clients import DaprClient

from app.building_blocks.client import DaprClientWrapper, DaprConfig
from app.building_blocks.state import StateManager, StateOptions
from bench.context import BenchContext
from bench.load import Operation
from bench.results import Comparison
from bench.scenarios.common import alternate, warm_up

SCENARIO = "state"
LAYER, RAW = "StateManager", "raw SDK client"
TARGET_LAYER_OVER_RAW = 1.10
STORE = "statestore"
SAME_OPTIONS = StateOptions().to_sdk()
KEYS = 100  # keys cycled through per variant
VALUE = b'{"sku":"BENCH-1","on_hand":42,"reserved":3,"note":"' + b"x" * 120 + b'"}'


async def run(ctx: BenchContext) -> None:
    config = DaprConfig(
        dapr_http_endpoint=ctx.dapr_http_url, dapr_grpc_endpoint=ctx.dapr_grpc_address
    )
    async with DaprClientWrapper(config) as wrapper:
        layer = StateManager(wrapper, STORE, max_value_bytes=1024 * 1024)
        # The runner pointed the SDK's settings (read by its start-up check) at this
        # sidecar; the SDK client is built here, on the running loop.
        raw = DaprClient(address=ctx.dapr_grpc_address)
        try:
            await _measure(ctx, layer, raw)
        finally:
            await raw.close()


async def _measure(ctx: BenchContext, layer: StateManager, raw: DaprClient) -> None:
    def key(variant: str, index: int) -> str:
        return f"bench-state-{ctx.run_id}-{variant}-{index % KEYS}"

    async def layer_save(slot: int, index: int) -> None:
        await layer.save(key("layer", index), VALUE)

    async def raw_save(slot: int, index: int) -> None:
        # The same request the layer sends by default (strong consistency, last write).
        await raw.save_state(STORE, key("raw", index), VALUE, options=SAME_OPTIONS)

    async def layer_get(slot: int, index: int) -> None:
        if await layer.get(key("layer", index)) is None:
            raise RuntimeError("a saved key reads back empty")

    async def raw_get(slot: int, index: int) -> None:
        if not (await raw.get_state(STORE, key("raw", index))).data:
            raise RuntimeError("a saved key reads back empty")

    operations: dict[str, dict[str, Operation]] = {
        "save": {LAYER: layer_save, RAW: raw_save},
        "get": {LAYER: layer_get, RAW: raw_get},
    }
    for name, variants in operations.items():
        await warm_up(ctx, variants, 10, KEYS)  # also writes every key the gets read
        for concurrency in ctx.mode.call_concurrency:
            series = await alternate(
                ctx,
                f"{SCENARIO}: {name}",
                variants,
                concurrency=concurrency,
                total=ctx.mode.state_calls_per_trial,
                rounds=ctx.mode.state_rounds,
            )
            ctx.run.comparisons.append(
                Comparison.between(
                    [trial.p50_s for trial in series[LAYER].trials],
                    [trial.p50_s for trial in series[RAW].trials],
                    scenario=SCENARIO,
                    label=f"{name}: {LAYER} over {RAW}",
                    concurrency=concurrency,
                    metric="p50 latency",
                    target=TARGET_LAYER_OVER_RAW,
                )
            )
