"""Servers a profile runs beside Dapr (PostgreSQL and Redis for `full`): what the stack
needs from one, and installing them from Debian packages.

Each server is a ManagedProcess like placement and daprd: started and stopped by the
stack, with its log in the stack's log dir. stack_config.PROFILE_SERVERS says which profile runs
which. Their packages are installed with apt-get only when the binaries are missing.
"""

import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from devstack import apt
from devstack.processes import ManagedProcess
from devstack.progress import step


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
    with step(f"installing {' '.join(packages)} from Debian packages (apt-get log: {log_path})"):
        try:
            apt.install(list(packages), log_path)
        except apt.AptError as error:
            raise ServerInstallError(str(error)) from error
