"""Warm `make run` to ready: launch it on free ports, time until /health/ready answers 200,
then stop it with SIGINT (as Ctrl-C does)."""

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

from devstack.peers import PAYMENT_SERVICE_PORTS
from devstack.ports import HOST, is_free
from devstack.runtime import PROJECT_ROOT
from devstack.stack_config import StackPorts


def make_run_to_ready(data_dir: Path, timeout_s: float = 120.0) -> float | str:
    """Seconds from launching `make run` to ready, or why it was not measured."""
    taken = [
        port
        for port in vars(PAYMENT_SERVICE_PORTS).values()
        if isinstance(port, int) and not is_free(port)
    ]
    if taken:  # `make run` gives the payment-service peer fixed ports
        return f"not measured: payment-service's fixed ports {taken} are taken"
    ports = StackPorts.free()
    env = {**os.environ, **ports.env(), "PROFILE": "local"}
    ready = f"http://{HOST}:{ports.app}/health/ready"
    log = (data_dir / "make-run.log").open("wb")
    began = time.monotonic()
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        while time.monotonic() - began < timeout_s:
            if process.poll() is not None:
                return f"not measured: make run exited with {process.returncode}"
            try:
                if httpx.get(ready, timeout=1.0).status_code == httpx.codes.OK:
                    return time.monotonic() - began
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        return f"not measured: not ready in {timeout_s:.0f}s"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
