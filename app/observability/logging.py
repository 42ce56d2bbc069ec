"""Log records carry the request's trace id, span id and correlation id, and are written
as one JSON object per line (for machines) or as text (for a person at a terminal)."""

import logging
import sys
from typing import Literal

from pythonjsonlogger.core import RESERVED_ATTRS, LogData
from pythonjsonlogger.json import JsonFormatter

from app.observability import tracing

LogFormat = Literal["auto", "json", "text"]

TEXT_FORMAT = (
    "%(asctime)s %(levelname)s %(name)s [trace=%(trace_id)s span=%(span_id)s "
    "correlation=%(correlation_id)s] %(message)s"
)
# Fields every JSON line has, in this order; `extra=` fields follow them.
JSON_FIELDS = ("levelname", "name", "message", "trace_id", "span_id", "correlation_id")
JSON_RENAMED = {"levelname": "level", "name": "logger", "exc_info": "exception"}
# uvicorn configures these itself before it builds the app; we route them to our handler.
ACCESS_LOGGER = "uvicorn.access"
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", ACCESS_LOGGER)


class TraceContextFilter(logging.Filter):
    """Adds trace_id, span_id and correlation_id ("-" outside a request) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = tracing.current()
        record.trace_id = context.trace_id if context else "-"
        record.span_id = context.span_id if context else "-"
        record.correlation_id = context.correlation_id if context else "-"
        return True


class _TimestampFirst(JsonFormatter):
    def process_log_record(self, log_data: LogData) -> LogData:
        return {"timestamp": log_data.pop("timestamp", None), **log_data}


def json_formatter() -> logging.Formatter:
    """One JSON object per record: ISO 8601 UTC `timestamp`, the fixed fields, `exception`
    when there is one, then `extra=` fields."""
    return _TimestampFirst(
        list(JSON_FIELDS),
        rename_fields=JSON_RENAMED,
        timestamp=True,  # datetime.fromtimestamp(record.created, tz=UTC).isoformat()
        reserved_attrs=[*RESERVED_ATTRS, "color_message"],  # uvicorn's ANSI-coloured copy
        # ASCII only: a raw U+0085 or U+2028 in a message would end the line for readers
        # that split lines the way Python's str.splitlines() does.
        json_ensure_ascii=True,
    )


def text_formatter() -> logging.Formatter:
    return logging.Formatter(TEXT_FORMAT)


def resolved_format(log_format: LogFormat, stream: object) -> Literal["json", "text"]:
    """`auto` is text for a terminal, JSON for anything else (files, pipes, collectors)."""
    if log_format != "auto":
        return log_format
    isatty = getattr(stream, "isatty", None)
    return "text" if callable(isatty) and isatty() else "json"


def configure_logging(log_format: LogFormat = "auto", level: int | str = logging.INFO) -> None:
    """One stderr handler on the root logger, with the trace context in every line."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(TraceContextFilter())
    chosen = resolved_format(log_format, handler.stream)
    handler.setFormatter(json_formatter() if chosen == "json" else text_formatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in SERVER_LOGGERS:
        server = logging.getLogger(name)
        # uvicorn turns its access log off by leaving that logger without handlers (it
        # logs when `hasHandlers()`); propagating it to the root would turn it back on.
        if server.handlers or name != ACCESS_LOGGER:
            server.handlers[:] = []
            server.propagate = True
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per sidecar probe is noise


class SdkLogBridge(logging.Handler):
    """The handler to give the workflow SDK (its `LoggerOptions.log_handler`), so that its
    lines are formatted like ours instead of by its own stderr handler.

    dapr-ext-workflow attaches the handler to standard loggers ("WorkflowRuntime", ...)
    whose records also propagate to the root handler: here they are dropped, or each line
    would appear twice (and the SDK attaches it again per orchestration run). durabletask
    attaches it to loggers outside the logging tree (`logging.Logger("durabletask-worker")`),
    which reach nothing else: those records go to the tree's logger of that name (which
    does not have this handler).
    """

    def emit(self, record: logging.LogRecord) -> None:
        named = logging.Logger.manager.loggerDict.get(record.name)
        if isinstance(named, logging.Logger) and self in named.handlers:
            return  # a tree logger: the root handler gets this record by propagation
        logging.getLogger(record.name).handle(record)
