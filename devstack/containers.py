"""Debian's podman, installed when missing and run with a configuration that works here.

Two things in a plain `podman run` fail on these machines (seen 2026-12, podman 4.3.1):
crun sets RLIMIT_NOFILE/NPROC above what this process may raise them to ("setrlimit
RLIMIT_NOFILE: Operation not permitted"), and crun 1.8 refuses the hybrid cgroup v1/v2
layout ("cgroups in hybrid mode not supported"). So every podman call here reads its own
containers.conf: runc as the runtime, and limits no higher than this process's own.
"""

import os
import resource
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from devstack.runtime import cache_root
from devstack.servers import install_packages

# podman builds and runs; buildah is its build engine; runc instead of crun (above);
# debootstrap makes the local base image from Debian's own packages.
PACKAGES = ("podman", "buildah", "runc", "debootstrap", "uidmap")
TOOLS = ("podman", "buildah", "runc", "debootstrap")


class ContainerError(RuntimeError):
    pass


def image_cache() -> Path:
    return cache_root() / "image"


def ensure_container_tools() -> None:
    """Install podman, buildah, runc and debootstrap from Debian when any is missing."""
    if all(shutil.which(tool) for tool in TOOLS):
        return
    install_packages(PACKAGES, image_cache() / "apt.log", why="`make image`")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        raise ContainerError(f"apt-get finished but {', '.join(missing)} is still missing")


def containers_conf() -> Path:
    """Write (and return) the containers.conf every podman call of ours uses."""
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nofile = 65536 if nofile == resource.RLIM_INFINITY else min(nofile, 65536)
    # RLIMIT_NPROC counts per user across the machine; the image's user runs a handful.
    text = (
        "# Written by devstack/containers.py: runc, and limits this machine lets us set.\n"
        "[containers]\n"
        f'default_ulimits = ["nofile={nofile}:{nofile}", "nproc=4096:4096"]\n'
        "[engine]\n"
        'runtime = "runc"\n'
    )
    path = image_cache() / "containers.conf"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


def podman_env() -> dict[str, str]:
    return {**os.environ, "CONTAINERS_CONF": str(containers_conf())}


def podman_argv(*args: str) -> list[str]:
    return ["podman", *args]


def podman(args: Sequence[str], log_path: Path | None = None) -> str:
    """Run podman; return its stdout, or raise with its output. `log_path` gets a copy."""
    result = subprocess.run(
        podman_argv(*args),
        env=podman_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    if log_path is not None:
        with log_path.open("a") as log:
            log.write(f"$ podman {' '.join(args)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        raise ContainerError(
            f"`podman {' '.join(args)}` failed (exit {result.returncode}):\n"
            f"{result.stderr.strip()[-3000:]}"
        )
    return result.stdout


def image_exists(reference: str) -> bool:
    result = subprocess.run(
        podman_argv("image", "exists", reference),
        env=podman_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    return result.returncode == 0
