"""`make run` from a terminal gives the app text logs; anything else keeps JSON lines."""

import io

import pytest

from devstack.__main__ import _log_format_env


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_asks_the_app_for_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from a terminal (stderr is a TTY), the app is started with text logs."""
    monkeypatch.delenv("ORDERFLOW_LOG_FORMAT", raising=False)
    monkeypatch.setattr("sys.stderr", Terminal())
    assert _log_format_env() == {"ORDERFLOW_LOG_FORMAT": "text"}


def test_no_terminal_or_an_explicit_choice_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Redirected output keeps the app's default; an explicit format is never overridden."""
    monkeypatch.delenv("ORDERFLOW_LOG_FORMAT", raising=False)
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert _log_format_env() == {}
    monkeypatch.setenv("ORDERFLOW_LOG_FORMAT", "json")
    monkeypatch.setattr("sys.stderr", Terminal())
    assert _log_format_env() == {}
