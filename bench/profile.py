"""Profile one benchmark load with py-spy: `python -m bench.profile LOAD [--seconds 15]`.

Starts the bench stack, runs LOAD at concurrency 1 while `py-spy record` samples the
process that does the work (the app for loads through the API; this process for the
in-process state layer), and writes the collapsed stacks and a top-functions summary to
bench/results/profiles/. Needs py-spy (requirements-bench.lock) and ptrace rights (root).
"""

import argparse
import asyncio
import collections
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from dapr.aio.clients import DaprClient

from app.bootstrap import configure_sdk
from app.building_blocks.client import DaprClientWrapper, DaprConfig
from app.building_blocks.state import StateManager
from bench.harness import BenchStack
from devstack.progress import say
from devstack.runtime import PROJECT_ROOT

OUT = PROJECT_ROOT / "bench" / "results" / "profiles"
LOADS = ("api-getstock", "sidecar-getstock", "state-get-layer", "state-get-raw", "orders")
ORDER_CONCURRENCY = 10


# Where samples fall, by a substring of any frame of the stack (inclusive shares).
AREAS = {
    "starlette BaseHTTPMiddleware (our inbound pipeline)": "BaseHTTPMiddleware",
    "anyio (task groups, streams)": "anyio/",
    "aiohttp (SDK actor HTTP client)": "aiohttp/",
    "aiohttp ClientSession per call": "ClientSession",
    "TCP connects": "_sock_connect",
    "grpc": "grpc/",
    "grpc.aio client interceptors": "aio/_interceptor.py",
    "durabletask (workflow worker)": "durabletask/",
    "uvicorn HTTP protocol": "uvicorn/protocols",
    "actor runtime (callbacks into actors)": "ActorRuntime",
    "outbound middleware pipeline": "building_blocks/middleware.py",
    "tenacity (retry wrapper)": "tenacity/",
    "tracing helpers": "observability/tracing.py",
    "logging": "logging/__init__",
    "pydantic": "pydantic",
    "waiting in epoll (idle loop)": "EpollSelector.select",
}


def areas(collapsed: str) -> str:
    """The share of samples whose stack passes through each of AREAS."""
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        total += int(count_text)
        for area, pattern in AREAS.items():
            if pattern in stack:
                counts[area] += int(count_text)
    if not total:
        return ""
    return "".join(f"{100 * counts[a] / total:5.1f}%  {a}\n" for a in AREAS if counts[a])


def summarize(collapsed: str, top: int = 25) -> str:
    """Inclusive share of samples per function (`file:function`), highest first."""
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = {frame.split(" (")[0] + " " + _file(frame) for frame in stack.split(";")}
        for frame in frames:
            inclusive[frame] += count
    if not total:
        return "no samples\n"
    rows = [f"{100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(top)]
    return f"{total} samples\n" + "\n".join(rows) + "\n"


def _file(frame: str) -> str:
    inside = frame.partition(" (")[2].rstrip(")")
    path = inside.rpartition(":")[0]
    return f"({'/'.join(path.split('/')[-2:])})" if path else ""


async def _loop(call: Callable[[], Awaitable[object]], seconds: float) -> int:
    done, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        await call()
        done += 1
    return done


async def _load(name: str, bench: BenchStack, seconds: float) -> int:
    stack = bench.stack
    sku = "PROFILE-1"
    async with (
        httpx.AsyncClient(
            base_url=stack.app_url, timeout=30, headers=stack.config.api_headers()
        ) as api,
        httpx.AsyncClient(
            base_url=stack.dapr_http_url, timeout=30, headers=stack.config.tokens.headers()
        ) as sidecar,
    ):
        restock = await api.post(f"/api/v1/inventory/{sku}/restock", json={"quantity": 5})
        restock.raise_for_status()
        if name == "api-getstock":
            return await _loop(lambda: api.get(f"/api/v1/inventory/{sku}"), seconds)
        if name == "orders":
            return await _orders(api, sku, seconds)
        if name == "sidecar-getstock":
            path = f"/v1.0/actors/InventoryActor/{sku}/method/GetStock"
            return await _loop(lambda: sidecar.post(path), seconds)
    token = stack.config.tokens.dapr_api
    config = DaprConfig(stack.dapr_http_url, stack.dapr_grpc_address, dapr_api_token=token)
    async with DaprClientWrapper(config) as wrapper:
        layer = StateManager(wrapper, "statestore", 1024 * 1024)
        await layer.save("profile-key", b'{"x": 1}')
        if name == "state-get-layer":
            return await _loop(lambda: layer.get("profile-key"), seconds)
        raw = DaprClient(address=stack.dapr_grpc_address)
        try:
            return await _loop(lambda: raw.get_state("statestore", "profile-key"), seconds)
        finally:
            await raw.close()


async def _until_ended(api: httpx.AsyncClient, order_id: str) -> None:
    for _ in range(2400):  # 10 minutes at most
        status = (await api.get(f"/api/v1/orders/{order_id}")).json().get("status")
        if status in ("completed", "failed", "cancelled"):
            return
        await asyncio.sleep(0.25)
    raise RuntimeError(f"order {order_id} did not end")


async def _orders(api: httpx.AsyncClient, sku: str, seconds: float) -> int:
    """Orders without approval, ORDER_CONCURRENCY at a time, each polled to its end."""
    await api.post(f"/api/v1/inventory/{sku}/restock", json={"quantity": 100_000})
    deadline, done = time.monotonic() + seconds, 0

    async def worker(slot: int) -> None:
        nonlocal done
        while time.monotonic() < deadline:
            order_id = f"profile-{slot}-{done}-{time.monotonic_ns()}"
            line = {"sku": sku, "quantity": 1, "unit_price": "1.00"}
            body = {"order_id": order_id, "customer_id": "profile", "lines": [line]}
            (await api.post("/api/v1/orders", json=body)).raise_for_status()
            await _until_ended(api, order_id)
            done += 1

    await asyncio.gather(*(worker(slot) for slot in range(ORDER_CONCURRENCY)))
    return done


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("load", choices=LOADS)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument(
        "--gil",
        action="store_true",
        help="sample only the thread holding the GIL: where the process's Python CPU goes "
        "(without it, threads parked in a pool also count)",
    )
    parser.add_argument("--label", default="", help="suffix of the output files' names")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with BenchStack() as bench:
        configure_sdk(bench.sdk_settings())
        pid = os.getpid() if args.load.startswith("state") else bench.stack.app.pid
        name = f"{args.load}{'.' + args.label if args.label else ''}"
        raw_path = OUT / f"{name}.collapsed.txt"
        spy = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "py-spy"),
                *("record", "--pid", str(pid), "--format", "raw", "--rate", "250"),
                *("--duration", str(int(args.seconds)), "--output", str(raw_path), "--nonblocking"),
                *(("--gil", "--full-filenames") if args.gil else ()),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.0)  # py-spy attaches
        calls = asyncio.run(_load(args.load, bench, args.seconds - 1.0))
        spy.wait(timeout=60)
    summary = f"{args.load}: {calls} calls in {args.seconds - 1.0:.0f}s\n"
    collapsed = raw_path.read_text() if raw_path.exists() else ""
    summary += "by area (inclusive):\n" + areas(collapsed) + "by function (inclusive):\n"
    summary += summarize(collapsed)
    (OUT / f"{name}.top.txt").write_text(summary)
    say(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
