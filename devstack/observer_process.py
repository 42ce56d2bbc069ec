"""Runs devstack/read_observer.py beside a burst: feeds it the accepted order ids and
collects the latency of each of its reads."""

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Mapping

BEARER = "bearer "
STOP_GRACE_S = 5.0


class ReadObserver:
    def __init__(self, process: asyncio.subprocess.Process | None) -> None:
        self._process = process
        self.latencies_s: list[float] = []
        self.errors = 0

    @classmethod
    @contextlib.asynccontextmanager
    async def beside(
        cls, base_url: str, headers: Mapping[str, str] | None, enabled: bool
    ) -> AsyncIterator["ReadObserver"]:
        """An observer polling `base_url` while the block runs (a no-op one unless
        `enabled`); stopped at the end of the block, its reads collected."""
        if not enabled:
            yield cls(None)
            return
        env = dict(os.environ)
        for name, value in (headers or {}).items():
            if name.lower() == "authorization" and value.lower().startswith(BEARER):
                env["ORDERFLOW_TOKEN"] = value[len(BEARER) :]
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "devstack.read_observer",
            base_url,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
        )
        observer = cls(process)
        collecting = asyncio.create_task(observer._collect())
        try:
            yield observer
        finally:
            await observer._stop()
            await collecting

    def follow(self, order_id: str) -> None:
        """Have the observer poll `order_id` until it is terminal."""
        if self._process is not None and self._process.stdin is not None:
            self._process.stdin.write(f"{order_id}\n".encode())

    async def _collect(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        async for line in self._process.stdout:
            text = line.decode().strip()
            if text == "error":
                self.errors += 1
            elif text:
                self.latencies_s.append(float(text) / 1000)

    async def _stop(self) -> None:
        """Close its input (no more ids); it ends once what it follows is terminal, or
        is stopped after STOP_GRACE_S (orders the burst left unfinished)."""
        assert self._process is not None
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            await asyncio.wait_for(self._process.wait(), STOP_GRACE_S)
        except TimeoutError:
            self._process.terminate()
            await self._process.wait()
