"""devstack/browser.py: the Chromium the dashboard tests drive, and no install when one
is there already (make test runs it every time)."""

import pytest

from devstack import browser


def test_a_chromium_named_in_the_environment_is_used_and_nothing_is_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(browser.EXECUTABLE_ENV, "/bin/true")
    assert browser.executable() == "/bin/true"
    assert browser.installed()
    browser.ensure_installed()  # returns at once: no apt-get


def test_without_the_variable_it_is_debians_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(browser.EXECUTABLE_ENV, raising=False)
    assert browser.executable() == "/usr/bin/chromium"
