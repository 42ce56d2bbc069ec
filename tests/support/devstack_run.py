"""Run `python -m devstack run` as a child, the way a developer runs `make run`."""

import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path

from devstack.peers import PeerApp, payment_port_variable
from devstack.runtime import PROJECT_ROOT
from devstack.stack_config import StackPorts


def _free_payment_ports() -> dict[str, str]:
    """The payment peer off its fixed `make run` ports, so a developer's stack can run."""
    ports = PeerApp.free_ports()
    return {payment_port_variable(f.name): str(getattr(ports, f.name)) for f in fields(ports)}


def launch_until_ready(
    args: list[str],
    ports: StackPorts,
    log: Path,
    timeout_s: float,
    env: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start it on `ports` and return once it prints "Press Ctrl-C"; fail on early exit."""
    with log.open("w") as output:
        run = subprocess.Popen(
            [sys.executable, "-m", "devstack", "run", *args],
            cwd=PROJECT_ROOT,
            env={**os.environ, **ports.env(), **_free_payment_ports(), **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + timeout_s
    while "Press Ctrl-C" not in log.read_text():
        if run.poll() is not None:
            raise AssertionError(f"devstack run exited early:\n{log.read_text()}")
        if time.monotonic() > deadline:
            run.kill()
            raise AssertionError(f"not ready in {timeout_s:.0f}s:\n{log.read_text()}")
        time.sleep(0.2)
    return run
