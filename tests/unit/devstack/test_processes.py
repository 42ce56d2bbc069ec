"""ManagedProcess: a stopped process leaves no child behind; its log is kept."""

import os
import time
from pathlib import Path

from devstack.processes import ManagedProcess


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_stop_ends_the_whole_process_group(tmp_path: Path) -> None:
    """A child the process forked is stopped too (daprd and uvicorn both fork helpers)."""
    pid_file = tmp_path / "child.pid"
    process = ManagedProcess(
        name="forker",
        argv=["sh", "-c", f"sleep 60 & echo $! > {pid_file}; wait"],
        log_path=tmp_path / "forker.log",
        cwd=tmp_path,
    )
    process.start()
    deadline = time.monotonic() + 5
    while not pid_file.exists() or not pid_file.read_text().strip():
        assert time.monotonic() < deadline, "the child never started"
        time.sleep(0.05)
    child = int(pid_file.read_text())
    process.stop(grace_s=5)
    assert not process.is_running()
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def test_output_goes_to_the_log_and_its_tail_is_readable(tmp_path: Path) -> None:
    """What the process prints is in its log, and log_tail returns the last lines."""
    process = ManagedProcess(
        name="echo",
        argv=["sh", "-c", "echo first; echo second"],
        log_path=tmp_path / "echo.log",
        cwd=tmp_path,
    )
    process.start()
    deadline = time.monotonic() + 5
    while process.is_running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.exit_code() == 0
    assert process.log_tail(2) == "first\nsecond\n"
