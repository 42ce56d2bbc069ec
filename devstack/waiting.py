"""Waiting for a stack's processes to be ready, while watching that none of them exits."""

import time
from collections.abc import Callable
from pathlib import Path

import httpx

from devstack.processes import ManagedProcess


class StackStartError(RuntimeError):
    pass


def answers(url: str, expected_status: int) -> bool:
    """True when `url` answers `expected_status` now (no answer is False)."""
    try:
        return httpx.get(url, timeout=2.0).status_code == expected_status
    except httpx.HTTPError:
        return False


def wait_for(
    what: str,
    is_ready: Callable[[], bool],
    watched: list[ManagedProcess],
    timeout_s: float,
    log_dir: Path,
) -> None:
    """Poll `is_ready` until it holds; StackStartError naming the log to read if a watched
    process exits first or `timeout_s` passes (the last watched one is the suspect)."""
    deadline = time.monotonic() + timeout_s
    while not is_ready():
        for process in watched:
            if not process.is_running():
                raise StackStartError(
                    f"{process.name} exited (code {process.exit_code()}) "
                    f"while waiting for {what}. Its log: {process.log_path}\n"
                    f"--- last lines ---\n{process.log_tail()}"
                )
        if time.monotonic() > deadline:
            suspect = watched[-1]
            raise StackStartError(
                f"{what} was not ready after {timeout_s:.0f}s. "
                f"Logs are in {log_dir}; last lines of {suspect.log_path}:\n"
                f"{suspect.log_tail()}"
            )
        time.sleep(0.2)
