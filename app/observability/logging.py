"""Log records carry the request's trace id, span id and correlation id."""

import logging

from app.building_blocks import tracing

LOG_FORMAT = (
    "%(asctime)s %(levelname)s %(name)s [trace=%(trace_id)s span=%(span_id)s "
    "correlation=%(correlation_id)s] %(message)s"
)


class TraceContextFilter(logging.Filter):
    """Adds trace_id, span_id and correlation_id ("-" outside a request) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = tracing.current()
        record.trace_id = context.trace_id if context else "-"
        record.span_id = context.span_id if context else "-"
        record.correlation_id = context.correlation_id if context else "-"
        return True


def configure_logging(level: int = logging.INFO) -> None:
    """One stderr handler on the root logger, with the trace context in every line."""
    handler = logging.StreamHandler()
    handler.addFilter(TraceContextFilter())
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per sidecar probe is noise
