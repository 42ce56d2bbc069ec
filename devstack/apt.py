"""apt-get for the packages the stack and the tests install on a fresh machine (as root)."""

import os
import subprocess
from pathlib import Path

# apt-get waits this long for another apt/dpkg to release its lock instead of failing.
APT_LOCK_TIMEOUT_S = 300


class AptError(RuntimeError):
    """apt-get failed; the message has the command, the log's tail and what to check."""


def install(packages: list[str], log_path: Path) -> None:
    """`apt-get update`, then install `packages` without their recommends."""
    run(["apt-get", "update"], log_path)
    run(
        [
            *("apt-get", "install", "-y", "--no-install-recommends"),
            f"-oDPkg::Lock::Timeout={APT_LOCK_TIMEOUT_S}",
            *packages,
        ],
        log_path,
    )


def run(argv: list[str], log_path: Path) -> None:
    # No stdin and a noninteractive frontend: CI runs this with CI=true and nobody to answer.
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        log.write(f"\n--- {' '.join(argv)}\n".encode())
        log.flush()
        result = subprocess.run(
            argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env
        )
    if result.returncode != 0:
        with log_path.open(errors="replace") as log:
            tail = "".join(log.readlines()[-20:])
        raise AptError(
            f"`{' '.join(argv)}` failed (exit {result.returncode}). Check that the Debian "
            f"mirrors in /etc/apt/sources.list* are reachable and no other apt-get holds the "
            f"dpkg lock. Full output: {log_path}\n--- last lines ---\n{tail}"
        )
