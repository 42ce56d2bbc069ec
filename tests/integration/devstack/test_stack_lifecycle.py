"""The stack supervisor with the real binaries: clear failures, and nothing left behind.

These start their own stacks on fresh ports, beside the session stack.
"""

import os
import signal
import socket
from pathlib import Path

import httpx
import pytest

from devstack.build import build
from devstack.ports import HOST, PortInUseError, is_free
from devstack.stack import Stack, StackStartError
from devstack.stack_config import StackConfig, StackPorts
from tests.support.devstack_run import launch_until_ready


@pytest.fixture(scope="module", autouse=True)
def runtime_built() -> None:
    build()


def _config(tmp_path: Path, daprd_env: dict[str, str] | None = None) -> StackConfig:
    return StackConfig(
        ports=StackPorts.free(),
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
        daprd_env=daprd_env or {},
    )


def _processes_using(ports: StackPorts) -> list[str]:
    """Command lines of live processes that name any of the stack's ports."""
    needles = {f"={port}" for _, port in ports.roles()} | {f":{port}" for _, port in ports.roles()}
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if any(needle in cmdline for needle in needles) and "pytest" not in cmdline:
            found.append(cmdline)
    return found


def test_taken_port_fails_before_anything_starts(tmp_path: Path) -> None:
    """A taken daprd port is named in the error and no process is started."""
    config = _config(tmp_path)
    with socket.socket() as squatter:
        squatter.bind((HOST, config.ports.dapr_http))
        squatter.listen()
        stack = Stack(config, progress=lambda _: None)
        with pytest.raises(PortInUseError, match=f"{config.ports.dapr_http} \\(dapr http\\)"):
            stack.start()
    assert not any(process.is_running() for process in stack.processes)


def test_sidecar_that_cannot_start_is_reported_with_its_log(tmp_path: Path) -> None:
    """daprd failing on a broken state store gives an error naming daprd and its log."""
    config = _config(tmp_path, daprd_env={"ORDERFLOW_STATE_DB": "/nonexistent/dir/state.db"})
    stack = Stack(config, progress=lambda _: None)
    with pytest.raises(StackStartError) as failed:
        stack.start()
    message = str(failed.value)
    assert "daprd exited" in message
    assert str(config.log_dir / "daprd.log") in message
    assert "statestore" in message  # the log tail shows which component failed
    assert not any(process.is_running() for process in stack.processes)
    assert _processes_using(config.ports) == []


def test_run_serves_until_ctrl_c_and_leaves_no_process(tmp_path: Path) -> None:
    """`python -m devstack run` reaches ready, and SIGINT stops every process it started."""
    ports = StackPorts.free()
    log = tmp_path / "run.log"
    run = launch_until_ready(["--data-dir", str(tmp_path / "data")], ports, log, timeout_s=120)
    try:
        ready = httpx.get(f"http://{HOST}:{ports.app}/health/ready", timeout=5)
        assert ready.status_code == 200, ready.text
        assert f"http://{HOST}:{ports.app}/docs" in log.read_text()

        run.send_signal(signal.SIGINT)
        assert run.wait(timeout=60) == 0
    finally:
        if run.poll() is None:
            run.kill()
    assert "all stack processes stopped" in log.read_text()
    assert _processes_using(ports) == []
    assert all(is_free(port) for _, port in ports.roles())
