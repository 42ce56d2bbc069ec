"""The full profile's supervisor with the real servers: port checks, and nothing left behind.

These start their own stacks on fresh ports, beside the session stacks.
"""

import shutil
import signal
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.build import build
from devstack.ports import HOST, PortInUseError, is_free
from devstack.runtime import LINE
from devstack.stack import Stack
from devstack.stack_config import StackConfig, StackPorts
from tests.support.devstack_run import launch_until_ready


@pytest.fixture(scope="module", autouse=True)
def runtime_built() -> None:
    build()


@pytest.fixture
def reachable_dir() -> Iterator[Path]:
    """A temp dir the `postgres` user can pass through (pytest's own temp dirs are 0700)."""
    root = Path(tempfile.mkdtemp(prefix="orderflow-full-"))
    root.chmod(0o711)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _process_tree(root_pid: int) -> dict[int, str]:
    """pid -> command name of every live descendant of root_pid (zombies count as gone)."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
        state, ppid = rest.split()[:2]
        if state != "Z":
            parents[int(entry.name)] = int(ppid)
            names[int(entry.name)] = name
    tree: dict[int, str] = {}
    frontier = [root_pid]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update({pid: names[pid] for pid in children})
        frontier.extend(children)
    return tree


def _alive(pids: dict[int, str]) -> dict[int, str]:
    alive = {}
    for pid, name in pids.items():
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive[pid] = name
    return alive


def test_taken_redis_port_fails_the_full_profile_before_anything_starts(
    reachable_dir: Path,
) -> None:
    """The full profile checks its servers' ports too, naming the one that is taken."""
    config = StackConfig(
        ports=StackPorts.free(),
        data_dir=reachable_dir / "data",
        log_dir=reachable_dir / "logs",
        profile="full",
    )
    with socket.socket() as squatter:
        squatter.bind((HOST, config.ports.redis))
        squatter.listen()
        stack = Stack(config, progress=lambda _: None)
        with pytest.raises(PortInUseError, match=f"{config.ports.redis} \\(redis\\)"):
            stack.start()
    assert not any(process.is_running() for process in stack.processes)


def test_full_run_stops_postgres_and_redis_on_ctrl_c(reachable_dir: Path) -> None:
    """`python -m devstack run --profile full` reaches ready with its own postgres and redis,
    and SIGINT stops every process it started, servers and their children included."""
    ports = StackPorts.free()
    log = reachable_dir / "run.log"
    args = ["--profile", "full", "--data-dir", str(reachable_dir / "data")]
    run = launch_until_ready(args, ports, log, timeout_s=180)
    try:
        ready = httpx.get(f"http://{HOST}:{ports.app}/health/ready", timeout=5)
        assert ready.status_code == 200, ready.text
        started = _process_tree(run.pid)
        names = set(started.values())
        assert {"postgres", "redis-server", "daprd", "placement", "sentry"} <= names, names

        run.send_signal(signal.SIGINT)
        assert run.wait(timeout=60) == 0
    finally:
        if run.poll() is None:
            run.kill()
    output_text = log.read_text()
    scheduler = "scheduler, " if LINE.needs_scheduler else ""  # 1.18 runs one
    assert (
        f"stopping daprd, app, payment-service daprd, payment-service, {scheduler}placement, "
        "sentry, redis, postgres" in output_text
    )
    assert "all stack processes stopped" in output_text
    assert _alive(started) == {}
    assert all(is_free(port) for _, port in ports.roles())
