"""Scenario 5 (issue 11): a burst, polled. N one-unit orders placed at once for a SKU
stocked to N/10 (devstack.burst.run_burst: a 429 is placed again after its Retry-After),
each order's status read every second until terminal; against N bare-SDK workflows started
at once on the baseline's daprd (5 activities that each call one actor, all the same actor:
the bare shape of N orders on one SKU), each read every second with the SDK's
get_workflow_state until terminal.

Per size and side: time until all terminal, orders/s, status-read p50/p99/max (client
side), 429s, and from the daprd, sampled every second (bench/sidecar_watch.py): calls
waiting for an actor's turn at the peak, goroutines in CompleteOrchestrationWorkItem (the
1.14 engine-slot leak), goroutines, actor turns; peak RSS of the app and its daprd.

Each run stops at the mode's timeout and is recorded as not finished (k of N terminal)
rather than waiting on: the bare SDK has no admission control, and a stalled engine never
recovers without a daprd restart. The service's stack is not restarted for the bench (the
restart case is tests/integration/test_order_burst.py).
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from dapr.ext.workflow import DaprWorkflowClient
from dapr.ext.workflow.logger.options import LoggerOptions

from bench.baselines.bare_sdk_app import bare_five, bare_five_actor_calls
from bench.context import BenchContext
from bench.results import BURST_SCENARIO, BurstRow
from bench.sidecar_watch import SidecarPeaks, SidecarTarget, SidecarWatch
from devstack.burst import BurstResult, run_burst

SUBJECT = "Orderflow: orders via HTTP API"
BASELINE = "bare SDK: workflows of 5 actor-call activities"
POLL_S = 1.0
STOCK_RATIO = 10  # N orders for N/10 units: most fail for stock, as in the report
# Client-side bound on one bare SDK call: the SDK's workflow client sets no gRPC deadline,
# and a stalled engine would hold the call (and the thread running it) for good. The same
# 30 s devstack.burst gives an HTTP request.
BARE_CALL_TIMEOUT_S = 30.0
# The SDK's workflow client is synchronous: calls run on threads. Enough threads that a
# poll is not queued behind others at 1000 instances polled each second with reads of tens
# of milliseconds; latencies are timed on the thread, so queueing never counts as daprd's.
BARE_THREADS = 128
SETTLE_S = 3.0  # between runs: the previous run's last steps and reads drain
# The engine's own name for an instance ended from outside is TERMINATED; BurstResult
# counts "cancelled" as terminal, and nothing in the bench terminates an instance.
BARE_STATUS = {"COMPLETED": "completed", "FAILED": "failed", "TERMINATED": "cancelled"}


def burst_row(
    variant: str,
    result: BurstResult,
    peaks: SidecarPeaks,
    timeout_s: float,
    stock: int | None,
) -> BurstRow:
    """The report's row for one burst from what the clients and the watch recorded."""
    return BurstRow(
        variant=variant,
        orders=result.orders,
        terminal=result.terminal,
        elapsed_s=result.elapsed_s,
        timeout_s=timeout_s,
        outcomes=dict(result.statuses),
        refused_429=result.refused,
        status_reads=len(result.read_latencies_s),
        read_errors=sum(result.read_errors.values()),
        place_errors=len(result.place_errors),
        status_p50_s=result.read_percentile(0.50),
        status_p99_s=result.read_percentile(0.99),
        status_max_s=max(result.read_latencies_s, default=0.0),
        waiting_for_turn_peak=peaks.waiting_for_turn,
        completing_orchestration_peak=peaks.completing_orchestration,
        goroutines_peak=peaks.goroutines,
        actor_turns=peaks.actor_turns,
        app_rss_peak_mb=peaks.rss_mb.get("app", 0.0),
        daprd_rss_peak_mb=peaks.rss_mb.get("daprd", 0.0),
        sidecar_samples=peaks.samples,
        failed_sidecar_samples=peaks.failed_samples,
        stock=stock,
        observer_reads=len(result.observed_latencies_s),
        observer_p50_s=result.observed_percentile(0.50),
        observer_p99_s=result.observed_percentile(0.99),
        observer_max_s=max(result.observed_latencies_s, default=0.0),
    )


def bare_status(state: Any) -> str:
    """The burst's status word for a bare instance's state (None: not found yet)."""
    if state is None:
        return "missing"
    name = str(state.runtime_status.name)
    return BARE_STATUS.get(name, name.lower())


async def bare_burst(
    client: DaprWorkflowClient,
    workflow: Callable[..., Any],
    instances: int,
    *,
    prefix: str,
    timeout_s: float,
    poll_interval_s: float = POLL_S,
) -> BurstResult:
    """Start `instances` workflows at once through the bare SDK and read each one's state
    every `poll_interval_s` until terminal or `timeout_s`: run_burst's shape without the
    HTTP API, admission control or stock."""
    result = BurstResult(orders=instances)
    loop = asyncio.get_running_loop()
    threads = ThreadPoolExecutor(max_workers=BARE_THREADS, thread_name_prefix="bare-burst")

    def timed_read(instance_id: str) -> tuple[Any, float]:
        began = time.perf_counter()
        state = client.get_workflow_state(instance_id, fetch_payloads=False)
        return state, time.perf_counter() - began

    async def call(function: Callable[[], Any]) -> Any:
        return await asyncio.wait_for(
            loop.run_in_executor(threads, function), timeout=BARE_CALL_TIMEOUT_S
        )

    async def follow(index: int, deadline: float) -> None:
        instance_id = f"{prefix}-{index}"
        schedule = partial(
            client.schedule_new_workflow, workflow, input=index, instance_id=instance_id
        )
        try:
            await call(schedule)
        except Exception as error:  # gRPC errors and our timeout alike: the start failed
            result.place_errors.append(f"{instance_id}: {type(error).__name__}: {error}"[:300])
            return
        status = "unknown"
        while loop.time() < deadline:
            try:
                state, took = await call(partial(timed_read, instance_id))
            except Exception as error:  # counted, as run_burst counts a failed read
                result.read_errors[type(error).__name__] += 1
            else:
                result.read_latencies_s.append(took)
                status = bare_status(state)
                if status in BARE_STATUS.values():
                    result.statuses[status] += 1
                    return
            await asyncio.sleep(poll_interval_s)
        result.statuses[status] += 1
        result.unfinished.append(f"{instance_id} ({status})")

    started = loop.time()
    try:
        await asyncio.gather(*(follow(i, started + timeout_s) for i in range(instances)))
    finally:
        result.elapsed_s = loop.time() - started
        # Calls still blocked in a stalled daprd end when the stack stops; never wait here.
        threads.shutdown(wait=False, cancel_futures=True)
    return result


async def bare_engine_ready(client: DaprWorkflowClient, run_id: str, timeout_s: float) -> None:
    """Untimed: one bare no-op workflow run to completion, retried until it is.

    In a dev run on a loaded machine, every start of a first bare burst made soon after
    the stack was ready failed at once (not reproduced since). Most likely the engine was
    not up yet: daprd 1.14 starts it only after the app's first healthy probe (every 5 s,
    2 s each; devstack/stack.py), and the harness waits only for daprd's healthz. That
    would measure the harness, not the SDK under a burst."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    attempt = 0
    while True:
        attempt += 1
        instance_id = f"bare-ready-{run_id}-{attempt}"
        try:
            await loop.run_in_executor(
                None, partial(client.schedule_new_workflow, bare_five, instance_id=instance_id)
            )
            wait = partial(client.wait_for_workflow_completion, timeout_in_seconds=30)
            await loop.run_in_executor(None, wait, instance_id)
            return
        except Exception:  # the engine is not there yet: gRPC errors, timeouts
            if loop.time() > deadline:
                raise
            await asyncio.sleep(1.0)


async def _watched(
    target: SidecarTarget, run: Callable[[], Awaitable[BurstResult]]
) -> tuple[BurstResult, SidecarPeaks]:
    with SidecarWatch(target) as watch:
        result = await run()
    return result, watch.peaks


async def run(ctx: BenchContext) -> None:
    host, port = ctx.bench.baseline_grpc
    quiet = LoggerOptions(log_level="WARNING")  # not a line per scheduled instance
    client = DaprWorkflowClient(host=host, port=str(port), logger_options=quiet)
    timeout_s = ctx.mode.burst_timeout_s
    sizes = ctx.mode.burst_sizes
    await bare_engine_ready(client, ctx.run_id, timeout_s=90.0)
    bar = ctx.bar(2 * len(sizes), BURST_SCENARIO)
    try:
        for size in sizes:
            stock = max(1, size // STOCK_RATIO)
            result, peaks = await _watched(
                ctx.bench.subject_sidecar(),
                partial(
                    run_burst,
                    ctx.bench.stack.app_url,
                    size,
                    stock,
                    timeout_s=timeout_s,
                    poll_interval_s=POLL_S,
                    prefix=f"bench-burst-{ctx.run_id}-{size}",
                    headers=ctx.bench.stack.config.api_headers(),
                    observe=True,
                ),
            )
            ctx.run.bursts.append(burst_row(SUBJECT, result, peaks, timeout_s, stock))
            bar.update()
            await asyncio.sleep(SETTLE_S)
            result, peaks = await _watched(
                ctx.bench.baseline_sidecar(),
                partial(
                    bare_burst,
                    client,
                    bare_five_actor_calls,
                    size,
                    prefix=f"bare-burst-{ctx.run_id}-{size}",
                    timeout_s=timeout_s,
                ),
            )
            ctx.run.bursts.append(burst_row(BASELINE, result, peaks, timeout_s, None))
            bar.update()
            await asyncio.sleep(SETTLE_S)
    finally:
        bar.close()
    ctx.run.notes.extend(_notes(ctx.run.bursts))


def _notes(rows: list[BurstRow]) -> list[str]:
    """What a reader must know about an unfinished or partly sampled run."""
    notes = []
    for row in rows:
        if not row.finished:
            notes.append(
                f"burst, {row.variant}, {row.orders}: did not finish, {row.terminal} of "
                f"{row.orders} terminal after {row.elapsed_s:.0f} s; last statuses {row.outcomes}"
            )
        if row.failed_sidecar_samples:
            notes.append(
                f"burst, {row.variant}, {row.orders}: daprd did not answer "
                f"{row.failed_sidecar_samples} of "
                f"{row.sidecar_samples + row.failed_sidecar_samples} samples within 5 s"
            )
    return notes
