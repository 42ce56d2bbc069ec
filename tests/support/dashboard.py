"""The stack the dashboard tests drive a browser against, and the browser itself.

Its own stack (not the session's): orders wait 10 minutes for approval here, so a slow
browser step on a loaded machine never races the approval timer (6 s in the session's).
"""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from devstack.browser import ensure_installed, executable
from devstack.build import build
from devstack.peers import PeerApp, payment_peer
from devstack.runtime import PROJECT_ROOT
from devstack.stack import Stack
from devstack.stack_config import StackConfig, StackPorts

APPROVAL_TIMEOUT = "PT600S"


def dashboard_stack_config(root: Path, app_env: dict[str, str]) -> StackConfig:
    return StackConfig(
        ports=StackPorts.free(),
        data_dir=root / "data",
        log_dir=root / "logs",
        app_env={**app_env, "ORDERFLOW_APPROVAL_TIMEOUT": APPROVAL_TIMEOUT},
        peers=(payment_peer(PeerApp.free_ports()),),
    )


@contextmanager
def dashboard_stack(root: Path, app_env: dict[str, str]) -> Iterator[Stack]:
    """Build the runtime if missing, start the stack, stop it at the end; a start that
    fails raises (every test that needs it fails)."""
    build()
    with Stack(dashboard_stack_config(root, app_env), progress=lambda _: None) as stack:
        yield stack


# As the machine's probe found: without the background-networking flags Chromium keeps
# trying hosts this machine's closed network refuses; as root it needs --no-sandbox.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = PROJECT_ROOT / ".data" / "test-artifacts" / "dashboard"


def ensure_browser() -> str:
    """Debian's Chromium, installed when missing (devstack/browser.py); its path."""
    ensure_installed()
    return executable()


@contextmanager
def chromium(executable_path: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


_REFUSED = re.compile(r"responded with a status of (4\d\d)")


class ConsoleErrors:
    """Every console error and uncaught page error of the pages it watches."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.seen.append(f"{page.url}: {error}"))
        return page

    def take_refusals(self) -> list[str]:
        """Remove and return Chromium's notes of documents answered with a 4xx (a refused
        action's page carries the API's status); anything else stays an error."""
        refusals = [seen for seen in self.seen if _REFUSED.search(seen)]
        self.seen = [seen for seen in self.seen if seen not in refusals]
        return [_REFUSED.search(seen).group(1) for seen in refusals]  # type: ignore[union-attr]

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.seen.append(f"{message.location.get('url', '')}: {message.text}")


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG under .data/test-artifacts/dashboard/ (a test artefact)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


if __name__ == "__main__":  # a stack to look at by hand: python -m tests.support.dashboard
    import tempfile
    import time

    from tests.conftest import TEST_APP_ENV

    with dashboard_stack(Path(tempfile.mkdtemp(prefix="ui-")), TEST_APP_ENV) as running:
        os.write(1, f"{running.app_url}/ui\n".encode())
        while True:
            time.sleep(60)
