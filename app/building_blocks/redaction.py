"""Keep secret values out of every log record.

SecretsManager registers each value it receives in a `Redactor`; `RedactingFilter`
rewrites log records so that no registered value survives in the message, its arguments,
the exception text, the stack text or `extra` fields (structured ones as text).

`redaction_installed` runs that filter in two places, because neither sees everything:

- the log record factory, for every record of every logger as it is created (a filter on
  the root logger only sees records logged on the root logger itself, since propagated
  records skip ancestors' filters; and handlers added later or hanging off loggers that
  do not propagate, like uvicorn's, would be missed);
- every handler that exists at installation, because `extra=` fields are set on the
  record by `Logger.makeRecord` only after the factory has returned.

What remains uncovered is narrow: `extra=` fields of records that reach only handlers
added after installation. The app configures logging before its lifespan installs this.
"""

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

REDACTED = "[REDACTED]"

# Shorter values are not redacted: replacing every "ab" or "42" in every log line would
# shred the logs, and a value that short protects nothing anyway.
MIN_REDACTED_LENGTH = 4

# Attributes every LogRecord has; any other attribute came from `extra=`.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _spellings(value: str) -> set[str]:
    """The value as logs can show it: raw, inside a repr, inside JSON."""
    as_json = (json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1])
    return {value, repr(value)[1:-1], *as_json}


class Redactor:
    """The secret values seen so far in this process, and how to hide them in text.

    Logging happens on any thread (the SDK's and the workflow worker's too), so the values
    are an immutable set swapped whole on `add`, and the pattern is compiled from one
    snapshot of it.
    """

    def __init__(self) -> None:
        self._values: frozenset[str] = frozenset()
        self._compiled: tuple[frozenset[str], re.Pattern[str]] | None = None

    def __repr__(self) -> str:
        return f"Redactor({len(self._values)} patterns)"

    def __bool__(self) -> bool:
        return bool(self._values)

    def add(self, value: str) -> None:
        if len(value) < MIN_REDACTED_LENGTH:
            return
        spellings = _spellings(value)
        if not spellings <= self._values:
            self._values = self._values | spellings

    def redact(self, text: str) -> str:
        values = self._values
        if not values:
            return text
        compiled = self._compiled
        if compiled is None or compiled[0] is not values:
            # Longest first, so a value that contains another is replaced whole.
            ordered = sorted(values, key=len, reverse=True)
            compiled = (values, re.compile("|".join(map(re.escape, ordered))))
            self._compiled = compiled
        return compiled[1].sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Rewrites a record in place so that no registered value remains; never drops one."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redactor = redactor
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._redactor:
            return True
        try:
            self._redact(record)
        except Exception as error:  # never raise into a logging call; never let text through
            record.msg = f"log record withheld: redaction failed ({type(error).__name__})"
            record.args, record.exc_info, record.exc_text, record.stack_info = (), None, None, None
        return True

    def _redact(self, record: logging.LogRecord) -> None:
        redact = self._redactor.redact
        record.msg = redact(_message(record))
        record.args = ()  # formatted into msg above, so a handler has nothing left to format
        if record.exc_info and record.exc_info[0] is not None:
            text = self._formatter.formatException(record.exc_info)
            redacted = redact(text)
            if redacted != text:
                # Keep only the redacted text: a formatter would re-render exc_info.
                record.exc_text, record.exc_info = redacted, None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for name, value in list(vars(record).items()):
            if name in _RECORD_ATTRIBUTES or value is None or isinstance(value, int | float):
                continue
            if isinstance(value, str):
                setattr(record, name, redact(value))
                continue
            # A structured `extra=` value (dict, list, object) is serialised by a JSON
            # formatter or shown by its repr; if either text holds a secret, only the
            # redacted text is kept.
            texts = (_serialised(value), repr(value))
            if any(redact(text) != text for text in texts):
                setattr(record, name, redact(texts[0]))


def _serialised(value: Any) -> str:
    try:
        return json.dumps(value, default=repr, ensure_ascii=False)
    except (TypeError, ValueError):  # circular, or keys JSON cannot have
        return repr(value)


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:  # a bad format string must not turn logging into a crash here
        return f"{record.msg!r} (unformattable arguments: {record.args!r})"


def _handlers_now() -> list[logging.Handler]:
    """The root logger's handlers and those of every logger created so far."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    return list({id(handler): handler for lg in loggers for handler in lg.handlers}.values())


@contextmanager
def redaction_installed(redactor: Redactor) -> Iterator[RedactingFilter]:
    """Run a RedactingFilter on every record created while the context is open."""
    previous = logging.getLogRecordFactory()
    redacting = RedactingFilter(redactor)

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redacting.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    handlers = _handlers_now()
    for handler in handlers:
        handler.addFilter(redacting)
    try:
        yield redacting
    finally:
        for handler in handlers:
            handler.removeFilter(redacting)
        # Unhook only if nobody has wrapped our factory since; otherwise stay in the chain.
        if logging.getLogRecordFactory() is factory:
            logging.setLogRecordFactory(previous)
