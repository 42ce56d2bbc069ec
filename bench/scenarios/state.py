"""Scenario 3: our StateManager's save and get against the raw SDK client (the same async
gRPC client it wraps), on the same sidecar and store.

The target row measures the layer itself (`DaprClientWrapper(config)`: deadline, retry,
error taxonomy, checks). A third variant is the layer as the app wires it, with the
outbound metrics middleware and a tracer sampling every call (the app's default ratio):
what observability adds per call, daprd's span of each sampled call included.

A state call takes under a millisecond and the target allows 10% over the raw client, so
the variants run call by call in turn within each trial (`call_by_call`), not as whole
trials one after the other: between two whole trials the machine drifts by more than
that (trial pairs ranged over 0.86x to 1.36x in one run, bench/analysis.md)."""

from dapr.aio.clients import DaprClient

from app.building_blocks.client import DaprClientWrapper, DaprConfig
from app.building_blocks.middleware import MiddlewarePipeline
from app.building_blocks.state import StateManager, StateOptions
from app.observability.sidecar_metrics import sidecar_call_metrics
from app.observability.telemetry import tracer_provider
from bench.context import BenchContext
from bench.load import Operation
from bench.scenarios.common import alternate, compare_p50, warm_up

SCENARIO = "state"
LAYER, RAW = "StateManager", "raw SDK client"
OBSERVED = "StateManager, traced (ratio 1) and metered"
TARGET_LAYER_OVER_RAW = 1.10
STORE = "statestore"
SAME_OPTIONS = StateOptions().to_sdk()
KEYS = 100  # keys cycled through per variant
VALUE = b'{"sku":"BENCH-1","on_hand":42,"reserved":3,"note":"' + b"x" * 120 + b'"}'


async def run(ctx: BenchContext) -> None:
    config = DaprConfig(
        dapr_http_endpoint=ctx.dapr_http_url,
        dapr_grpc_endpoint=ctx.dapr_grpc_address,
        dapr_api_token=ctx.bench.stack.config.tokens.dapr_api,
    )
    tracing = tracer_provider("bench-state-layer", otlp_endpoint=None, sampling_ratio=1.0)
    observed_wrapper = DaprClientWrapper(
        config,
        MiddlewarePipeline("outbound", [sidecar_call_metrics()]),
        tracer=tracing.get_tracer("bench"),
    )
    async with DaprClientWrapper(config) as wrapper, observed_wrapper:
        layer = StateManager(wrapper, STORE, max_value_bytes=1024 * 1024)
        observed = StateManager(observed_wrapper, STORE, max_value_bytes=1024 * 1024)
        # The runner pointed the SDK's settings (read by its start-up check) at this
        # sidecar; the SDK client is built here, on the running loop.
        raw = DaprClient(address=ctx.dapr_grpc_address)
        try:
            await _measure(ctx, layer, observed, raw)
        finally:
            await raw.close()
            tracing.shutdown()


async def _measure(
    ctx: BenchContext, layer: StateManager, observed: StateManager, raw: DaprClient
) -> None:
    def key(variant: str, index: int) -> str:
        return f"bench-state-{ctx.run_id}-{variant}-{index % KEYS}"

    async def layer_save(slot: int, index: int) -> None:
        await layer.save(key("layer", index), VALUE)

    async def raw_save(slot: int, index: int) -> None:
        # The same request the layer sends by default (strong consistency, last write).
        await raw.save_state(STORE, key("raw", index), VALUE, options=SAME_OPTIONS)

    async def observed_save(slot: int, index: int) -> None:
        await observed.save(key("observed", index), VALUE)

    async def observed_get(slot: int, index: int) -> None:
        if await observed.get(key("observed", index)) is None:
            raise RuntimeError("a saved key reads back empty")

    async def layer_get(slot: int, index: int) -> None:
        if await layer.get(key("layer", index)) is None:
            raise RuntimeError("a saved key reads back empty")

    async def raw_get(slot: int, index: int) -> None:
        if not (await raw.get_state(STORE, key("raw", index))).data:
            raise RuntimeError("a saved key reads back empty")

    operations: dict[str, dict[str, Operation]] = {
        "save": {LAYER: layer_save, RAW: raw_save, OBSERVED: observed_save},
        "get": {LAYER: layer_get, RAW: raw_get, OBSERVED: observed_get},
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
                call_by_call=True,
            )
            for subject, target in ((LAYER, TARGET_LAYER_OVER_RAW), (OBSERVED, None)):
                compare_p50(ctx, series, subject, RAW, scenario=SCENARIO, label=name, target=target)
