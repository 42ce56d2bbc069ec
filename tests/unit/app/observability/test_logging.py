"""Log output: JSON lines with fixed fields and extras, text for a terminal, and the
server's own loggers routed through the same handler."""

import contextvars
import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from app.observability import tracing
from app.observability.logging import configure_logging, json_formatter, resolved_format


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    server = logging.getLogger("uvicorn.error")
    server_saved = server.handlers[:], server.propagate
    yield
    root.handlers[:], root.level = saved
    server.handlers[:], server.propagate = server_saved


def lines_logged(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in capsys.readouterr().err.splitlines()]


def test_json_line_has_the_fixed_fields_in_order_then_extras(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """Within a request: timestamp (ISO 8601, UTC), level, logger, message, the request's
    trace id, span id and correlation id, then `extra=` fields with their JSON types."""
    context = tracing.context_from_headers(
        {"traceparent": f"00-{'a' * 32}-{'b' * 16}-01", "x-correlation-id": "corr-1"}
    )
    configure_logging("json")

    def within_request() -> None:
        tracing.bind(context)
        logging.getLogger("app.unit").info("placed %s", "o-1", extra={"lines": 2, "sku": ["A"]})

    contextvars.copy_context().run(within_request)  # the binding ends with that context
    (line,) = lines_logged(capsys)
    assert list(line)[:7] == [
        "timestamp", "level", "logger", "message", "trace_id", "span_id", "correlation_id",
    ]  # fmt: skip
    stamp = datetime.fromisoformat(str(line["timestamp"]))
    assert stamp.utcoffset() == timedelta(0)
    assert line["level"] == "INFO"
    assert line["logger"] == "app.unit"
    assert line["message"] == "placed o-1"
    assert line["trace_id"] == "a" * 32
    assert line["span_id"] == context.span_id
    assert line["correlation_id"] == "corr-1"
    assert line["lines"] == 2
    assert line["sku"] == ["A"]


def test_exception_is_one_field_of_the_same_line(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """A traceback stays inside the line's `exception` field: one record, one line."""
    configure_logging("json")
    try:
        raise ValueError("bad quantity")
    except ValueError:
        logging.getLogger("app.unit").exception("order refused")
    (line,) = lines_logged(capsys)
    assert line["message"] == "order refused"
    assert line["trace_id"] == "-"  # outside a request
    assert "Traceback" in str(line["exception"])
    assert "bad quantity" in str(line["exception"])


def test_uvicorn_loggers_go_through_the_same_json_handler(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """uvicorn installs its own handlers before building the app; ours replace them."""
    server = logging.getLogger("uvicorn.error")
    server.addHandler(logging.StreamHandler(io.StringIO()))
    server.propagate = False
    configure_logging("json")
    server.info("Application startup complete.")
    (line,) = lines_logged(capsys)
    assert line["logger"] == "uvicorn.error"
    assert line["message"] == "Application startup complete."


def test_auto_is_text_on_a_terminal_and_json_elsewhere() -> None:
    """`auto` picks text only for a TTY; an explicit format is kept as given."""
    assert resolved_format("auto", Terminal()) == "text"
    assert resolved_format("auto", io.StringIO()) == "json"
    assert resolved_format("json", Terminal()) == "json"
    assert resolved_format("text", io.StringIO()) == "text"


def test_a_record_is_one_line_whatever_its_characters() -> None:
    """Line and paragraph separators other than newline are escaped, so no reader splits
    a record; the text decodes back unchanged."""
    message = "crème\x85brûlée\u2028line\nnext"
    record = logging.makeLogRecord({"msg": message, "name": "app.unit"})
    written = json_formatter().format(record)
    assert len(written.splitlines()) == 1
    assert json.loads(written)["message"] == message
