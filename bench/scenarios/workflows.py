"""Scenario 1: orders without approval through the HTTP API, against the bare SDK's
5-activity workflow on its own daprd from the same build; compared per workflow step.

Steps of one single-line order (order_fulfillment + its shipping child):
validate_order, reserve_line, record_step x4, charge_payment, commit_line,
publish_completed (9 activities), the shipping child workflow (1), its durable timer (1,
0 s here) and its write_label activity (1): 12.
"""

import asyncio
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from dapr.ext.workflow import DaprWorkflowClient, WorkflowState
from dapr.ext.workflow.logger.options import LoggerOptions

from bench.baselines.bare_sdk_app import STEPS as BASELINE_STEPS
from bench.baselines.bare_sdk_app import bare_five, bare_five_actor_calls
from bench.context import BenchContext
from bench.footprint import PeakRss, cpu_seconds
from bench.load import Operation
from bench.results import Comparison
from bench.scenarios.common import alternate, warm_up

SCENARIO = "workflows"
SUBJECT = "order_fulfillment via HTTP API"
BASELINE = "bare SDK, 5 no-op activities"
ACTOR_BASELINE = "bare SDK, 5 activities each calling an actor"
ORDER_STEPS = 12
TARGET_PER_STEP = 1.2
WAIT_S = 180


def _completed(state: WorkflowState | None, instance_id: str) -> WorkflowState:
    if state is None or state.runtime_status.name != "COMPLETED":
        status = state.runtime_status.name if state else "missing"
        raise RuntimeError(f"workflow {instance_id} ended {status}")
    return state


async def run(ctx: BenchContext) -> None:
    host, port = ctx.dapr_grpc_address.rsplit(":", 1)
    quiet = LoggerOptions(log_level="WARNING")  # not a line per scheduled instance
    subject_client = DaprWorkflowClient(host=host, port=port, logger_options=quiet)
    base_host, base_port = ctx.bench.baseline_grpc
    baseline_client = DaprWorkflowClient(host=base_host, port=str(base_port), logger_options=quiet)
    top = max(ctx.mode.workflow_concurrency)
    # The SDK's workflow client is synchronous: waits run on threads of our own.
    threads = ThreadPoolExecutor(max_workers=2 * top + 4, thread_name_prefix="wf-wait")
    loop = asyncio.get_running_loop()
    skus = [f"BENCH-WF-{slot}" for slot in range(top)]
    for sku in skus:  # one SKU per worker: no order waits on another's InventoryActor turn
        response = await ctx.api.post(f"/api/v1/inventory/{sku}/restock", json={"quantity": 10**6})
        response.raise_for_status()

    async def order(slot: int, index: int) -> None:
        order_id = f"bench-{ctx.run_id}-{index}"
        body = {
            "order_id": order_id,
            "customer_id": "bench",
            "lines": [{"sku": skus[slot], "quantity": 1, "unit_price": "1.00"}],
        }
        (await ctx.api.post("/api/v1/orders", json=body)).raise_for_status()
        wait = partial(subject_client.wait_for_workflow_completion, timeout_in_seconds=WAIT_S)
        state = _completed(await loop.run_in_executor(threads, wait, order_id), order_id)
        outcome = json.loads(state.serialized_output or "{}")
        if outcome.get("status") != "completed":
            raise RuntimeError(f"order {order_id} ended {outcome}")

    def bare(workflow: Callable[..., Any]) -> Operation:
        async def run_one(slot: int, index: int) -> None:
            instance_id = f"bare-{ctx.run_id}-{index}"
            schedule = partial(
                baseline_client.schedule_new_workflow,
                workflow,
                input=index,
                instance_id=instance_id,
            )
            await loop.run_in_executor(threads, schedule)
            wait = partial(baseline_client.wait_for_workflow_completion, timeout_in_seconds=WAIT_S)
            _completed(await loop.run_in_executor(threads, wait, instance_id), instance_id)

        return run_one

    variants: dict[str, Operation] = {
        SUBJECT: order,
        BASELINE: bare(bare_five),
        ACTOR_BASELINE: bare(bare_five_actor_calls),
    }
    steps = {SUBJECT: ORDER_STEPS, BASELINE: BASELINE_STEPS, ACTOR_BASELINE: BASELINE_STEPS}
    await warm_up(ctx, variants, 2, 4)
    footprint = ctx.run.footprint
    stack = ctx.bench.stack
    payment_app, payment_daprd = stack.peers[0]
    processes = {
        "app": [stack.app],
        "app's daprd": [stack.daprd],
        "payment-service + its daprd": [payment_app, payment_daprd],
        "baseline app": [ctx.bench.baseline_app],
        "baseline daprd": [ctx.bench.baseline_daprd],
    }

    def cpu() -> dict[str, float]:
        return {n: sum(cpu_seconds(p.pid) for p in group) for n, group in processes.items()}

    cpu_before = cpu()
    try:
        for concurrency in ctx.mode.workflow_concurrency:
            total = ctx.mode.workflows_per_trial[concurrency]
            pids = {"app": ctx.bench.stack.app.pid, "daprd": ctx.bench.stack.daprd.pid}
            with PeakRss(pids) as peak:
                series = await alternate(
                    ctx,
                    SCENARIO,
                    variants,
                    concurrency=concurrency,
                    total=total,
                    rounds=ctx.mode.workflow_rounds,
                    steps=steps,
                )
            if concurrency == top:
                footprint[f"app peak MB at {top} workflows in flight"] = peak.peak_mb["app"]
                footprint[f"daprd peak MB at {top} workflows in flight"] = peak.peak_mb["daprd"]
            subject, baseline = series[SUBJECT], series[BASELINE]
            ctx.run.comparisons.append(
                Comparison.between(
                    subject.cost_per_step_s(),
                    baseline.cost_per_step_s(),
                    scenario=SCENARIO,
                    label="cost per step (wall / steps completed), order over bare",
                    concurrency=concurrency,
                    metric="cost per step",
                    target=TARGET_PER_STEP,
                )
            )
            ctx.run.comparisons.append(
                Comparison.between(
                    subject.cost_per_step_s(),
                    series[ACTOR_BASELINE].cost_per_step_s(),
                    scenario=SCENARIO,
                    label="cost per step, order over bare steps that each call an actor",
                    concurrency=concurrency,
                    metric="cost per step",
                )
            )
            ctx.run.comparisons.append(
                Comparison.between(
                    [t.p50_s / ORDER_STEPS for t in subject.trials],
                    [t.p50_s / BASELINE_STEPS for t in baseline.trials],
                    scenario=SCENARIO,
                    label="p50 latency per step, order over bare",
                    concurrency=concurrency,
                    metric="p50 per step",
                )
            )
        _cpu_per_step(ctx, cpu_before, cpu())
    finally:
        threads.shutdown(wait=False, cancel_futures=True)


def _cpu_per_step(ctx: BenchContext, before: dict[str, float], after: dict[str, float]) -> None:
    """CPU time per completed step over the whole scenario, per process: where the time
    goes (each side's processes are nearly idle while the other side's trials run)."""
    completed = {
        side: sum(
            t.count for s in ctx.run.series_of(SCENARIO) if s.variant == side for t in s.trials
        )
        for side in (SUBJECT, BASELINE, ACTOR_BASELINE)
    }
    steps = {
        "service": completed[SUBJECT] * ORDER_STEPS,
        # The baseline's processes run both bare workflows.
        "baseline": (completed[BASELINE] + completed[ACTOR_BASELINE]) * BASELINE_STEPS,
    }
    for name in before:
        side = "baseline" if name.startswith("baseline") else "service"
        used_ms = (after[name] - before[name]) * 1000
        label = f"{name} (both bare workflows)" if side == "baseline" else name
        ctx.run.footprint[f"CPU ms per workflow step: {label}"] = used_ms / max(steps[side], 1)
