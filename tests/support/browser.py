"""The browser the dashboard's tests drive: Debian's Chromium through Playwright, its
console errors, and screenshots kept as test artefacts."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from app.ui.csrf import SESSION_COOKIE
from devstack.browser import BrowserMissingError, ensure_installed, executable, version
from devstack.runtime import PROJECT_ROOT
from devstack.stack import Stack

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
# The Chromium major the pinned Playwright (1.64.1) was built for; Debian ships the same.
PLAYWRIGHT_CHROMIUM_MAJOR = 156
ARTIFACTS = PROJECT_ROOT / ".data" / "test-artifacts" / "dashboard"


def ensure_browser() -> str:
    """Debian's Chromium, installed when missing (devstack/browser.py); its path."""
    ensure_installed()
    return executable()


@contextmanager
def chromium(executable_path: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable_path, headless=True, args=CHROMIUM_ARGS
            )
        except PlaywrightError as error:
            raise BrowserMissingError(
                f"{executable_path} ({version()}) did not start under Playwright, which is "
                f"built for Chromium {PLAYWRIGHT_CHROMIUM_MAJOR}: {error}"
            ) from error
        try:
            yield browser
        finally:
            browser.close()


def signed_in_context(browser: Browser, stack: Stack, **options: Any) -> BrowserContext:
    """A browser context holding an operator's session (every scope), as signing in at
    /ui/login leaves it (tests/integration/operator_tools/test_dashboard_sign_in.py)."""
    context = browser.new_context(base_url=stack.app_url, **options)
    host = stack.app_url.split("://")[1].split(":")[0]
    # Playwright's type for this (SetCookieParam) lives in a private module.
    session: Any = {
        "name": SESSION_COOKIE,
        "value": stack.config.api_key.mint(),
        "domain": host,
        "path": "/ui",
        "httpOnly": True,
        "sameSite": "Strict",
    }
    context.add_cookies([session])
    return context


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
