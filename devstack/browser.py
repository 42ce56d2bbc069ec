"""The browser the dashboard tests drive: Debian's Chromium, installed when missing.

Playwright cannot download its own browser here (only package registries are reached),
so the tests point the pinned Playwright (1.64.1, whose bundled browser is Chromium 156)
at Debian's build of the same major. `python -m devstack.browser` installs it; `make test`
runs that first, and it returns at once when the browser is there.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from devstack.apt import AptError, install
from devstack.progress import say, step
from devstack.runtime import PROJECT_ROOT

PACKAGE = "chromium"
# The fonts make screenshots legible; DejaVu alone has no metric-compatible sans.
PACKAGES = [PACKAGE, "fonts-liberation"]
EXECUTABLE_ENV = "ORDERFLOW_CHROMIUM"  # another Chromium, e.g. on a machine without apt
DEFAULT_EXECUTABLE = "/usr/bin/chromium"
LOG = PROJECT_ROOT / ".data" / "logs" / "apt-chromium.log"


class BrowserMissingError(RuntimeError):
    """No Chromium to drive; the message names the fix."""


def executable() -> str:
    """The Chromium the tests launch: $ORDERFLOW_CHROMIUM, else Debian's."""
    return os.environ.get(EXECUTABLE_ENV) or DEFAULT_EXECUTABLE


def installed() -> bool:
    path = executable()
    return os.access(path, os.X_OK) or shutil.which(path) is not None


def version() -> str:
    """What the browser says of itself, e.g. 'Chromium 156.0.8078.129 built on Debian'."""
    answer = subprocess.run(
        [executable(), "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    return answer.stdout.strip() or answer.stderr.strip()


def ensure_installed(log_path: Path = LOG) -> None:
    """Install Debian's chromium when missing (as root, with apt-get); else do nothing."""
    if installed():
        return
    manual = f"apt-get install -y {' '.join(PACKAGES)}"
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise BrowserMissingError(
            f"no Chromium at {executable()}: run `sudo {manual}` (Debian), or set "
            f"{EXECUTABLE_ENV} to a Chromium 156 executable"
        )
    with step(f"installing {' '.join(PACKAGES)} from Debian packages (log: {log_path})"):
        install(PACKAGES, log_path)
    if not installed():
        raise BrowserMissingError(f"apt-get installed {PACKAGE} but {executable()} is missing")


def main() -> int:
    try:
        ensure_installed()
    except (AptError, BrowserMissingError) as error:
        say(f"browser: {error}")
        return 1
    say(f"browser: {version()} at {executable()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
