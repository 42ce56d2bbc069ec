"""Servers a profile runs beside Dapr (PostgreSQL and Redis for `full`): what the stack
needs from one, and installing them from Debian packages.

Each server is a ManagedProcess like placement and daprd: started and stopped by the
stack, with its log in the stack's log dir. stack_config.PROFILE_SERVERS says which profile runs
which. Their packages are installed with apt-get only when the binaries are missing.
"""

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from devstack.processes import ManagedProcess
from devstack.progress import step

# apt-get waits this long for another apt/dpkg to release its lock instead of failing.
_APT_LOCK_TIMEOUT_S = 300


class BackingServer(Protocol):
    """What the stack needs from a server it runs before daprd."""

    name: str
    package: str  # the Debian package that provides it
    process: ManagedProcess

    @property
    def address(self) -> str: ...
    def installed(self) -> bool: ...
    def prepare(self, progress: Callable[[str], None]) -> None: ...  # data dir, first init
    def is_ready(self) -> bool: ...
    def provision(self) -> None: ...  # once ready: databases, tables, triggers
    def daprd_env(self) -> dict[str, str]: ...


class ServerError(RuntimeError):
    """A server could not be installed, initialised or provisioned; the message says why."""


class ServerInstallError(ServerError):
    pass


def ensure_installed(servers: Sequence[BackingServer], log_path: Path) -> None:
    """Install the Debian packages of servers whose binaries are missing (apt-get, as root)."""
    missing = [server for server in servers if not server.installed()]
    if not missing:
        return
    packages = sorted({server.package for server in missing})
    install_packages(packages, log_path, why="the full profile")
    still_missing = [server.package for server in missing if not server.installed()]
    if still_missing:
        raise ServerInstallError(
            f"apt-get succeeded but {', '.join(still_missing)} binaries are still missing; "
            f"see {log_path}."
        )


def install_packages(packages: Sequence[str], log_path: Path, why: str) -> None:
    """apt-get update, then install `packages` (as root, no stdin); `why` names who needs them."""
    manual = f"apt-get install -y --no-install-recommends {' '.join(packages)}"
    if shutil.which("apt-get") is None:
        raise ServerInstallError(
            f"{', '.join(packages)} not installed and there is no apt-get here ({why} "
            f"installs Debian packages). Install them with your package manager, then retry."
        )
    if os.geteuid() != 0:
        raise ServerInstallError(
            f"{', '.join(packages)} not installed, and installing needs root. "
            f"Run `sudo {manual}`, then retry."
        )
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with step(f"installing {' '.join(packages)} from Debian packages (apt-get log: {log_path})"):
        _apt(["apt-get", "update"], log_path)
        _apt(
            [
                *("apt-get", "install", "-y", "--no-install-recommends"),
                f"-oDPkg::Lock::Timeout={_APT_LOCK_TIMEOUT_S}",
                *packages,
            ],
            log_path,
        )


def _apt(argv: list[str], log_path: Path) -> None:
    # No stdin and a noninteractive frontend: CI runs this with CI=true and nobody to answer.
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with log_path.open("ab") as log:
        log.write(f"\n--- {' '.join(argv)}\n".encode())
        log.flush()
        result = subprocess.run(
            argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env
        )
    if result.returncode != 0:
        with log_path.open(errors="replace") as log:
            tail = "".join(log.readlines()[-20:])
        raise ServerInstallError(
            f"`{' '.join(argv)}` failed (exit {result.returncode}). Check that the Debian "
            f"mirrors in /etc/apt/sources.list* are reachable and no other apt-get holds the "
            f"dpkg lock. Full output: {log_path}\n--- last lines ---\n{tail}"
        )
