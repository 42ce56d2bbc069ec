"""The run's context: the machine, the versions that were measured, the git commit."""

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from devstack.runtime import PROJECT_ROOT, binary

PACKAGES = ("dapr", "dapr-ext-workflow", "durabletask", "fastapi", "uvicorn", "grpcio", "httpx")


def _meminfo_gib() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    return "unknown"


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _output(argv: list[str]) -> str:
    try:
        return subprocess.run(
            argv, capture_output=True, text=True, check=True, cwd=PROJECT_ROOT, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine() -> dict[str, str]:
    load = os.getloadavg()
    return {
        "cores": str(os.cpu_count()),
        "memory": _meminfo_gib(),
        "cpu": _cpu_model(),
        "kernel": platform.release(),
        "load average at start (1/5/15 min)": " / ".join(f"{x:.2f}" for x in load),
    }


def versions() -> dict[str, str]:
    found = {
        "python": platform.python_version(),
        "daprd": _output([str(binary("daprd")), "--version"]),
    }
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    commit = _output(["git", "rev-parse", "--short", "HEAD"])
    dirty = _output(["git", "status", "--porcelain", "--untracked-files=no"])
    found["orderflow commit"] = commit + (" (with uncommitted changes)" if dirty else "")
    return found
