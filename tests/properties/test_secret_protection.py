"""Property 29 against the real sidecar: a value read from the secret store shows up in no
log record, error message or repr, however carelessly the code around it logs.

Values come from the test stack's store (tests/stack_secrets.py: 16 to 64 characters,
with quotes, backslashes, "%", braces, tabs, newlines and non-ASCII), are read through
SecretsManager, then logged the ways real code leaks secrets. Log output is captured from
real handlers on the root logger and on a logger that does not propagate (as uvicorn's),
as text and as the app's JSON lines (read back and decoded).
"""

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import given
from hypothesis import strategies as st

from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.errors import DaprError
from app.building_blocks.redaction import Redactor, redaction_installed
from app.building_blocks.secrets import SecretsManager
from app.observability.logging import TraceContextFilter, json_formatter
from tests.stack_secrets import MULTI_VALUED, SINGLE_VALUED, served

STORE = "test-secrets"  # the unscoped view of the file (tests/support/dapr/)
# (key, value name or None) for every value of every generated secret.
SECRET_VALUES = sorted(
    [(key, None) for key in SINGLE_VALUED]
    + [(key, field) for key, values in MULTI_VALUED.items() for field in values]
)
MISSING_KEY = "no-such-secret"
assert MISSING_KEY not in served()


@contextmanager
def captured_logs() -> Iterator[tuple[list[logging.LogRecord], io.StringIO, io.StringIO]]:
    """Every record, and the output as text and as the app's JSON lines, of the root
    logger and of `uvicorn.error` made non-propagating with its own handlers, both at
    DEBUG for the duration."""

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            self.format(record)  # fills record.message and record.exc_text, as output does
            records.append(record)

    records: list[logging.LogRecord] = []
    output, json_output = io.StringIO(), io.StringIO()
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler(output), Keep()]
    for handler in handlers:
        handler.setFormatter(formatter)
    as_json = logging.StreamHandler(json_output)  # as the app's log file is written
    as_json.addFilter(TraceContextFilter())
    as_json.setFormatter(json_formatter())
    handlers.append(as_json)
    root, isolated = logging.getLogger(), logging.getLogger("uvicorn.error")
    saved = root.level, isolated.level, isolated.propagate
    root.setLevel(logging.DEBUG)
    isolated.setLevel(logging.DEBUG)
    isolated.propagate = False
    for logger in (root, isolated):
        for handler in handlers:
            logger.addHandler(handler)
    try:
        yield records, output, json_output
    finally:
        for logger in (root, isolated):
            for handler in handlers:
                logger.removeHandler(handler)
        root.level, isolated.level, isolated.propagate = saved


def log_carelessly(value: str, words: str) -> None:
    """The ways real code leaks a secret into logs, through app and uvicorn loggers."""
    app_log, server_log = logging.getLogger("app.api.orders"), logging.getLogger("uvicorn.error")
    app_log.info("paying with %s (%s)", value, words)
    app_log.debug(f"paying with {value} {words}")
    app_log.info("request %r", {"api_key": value, "note": words})
    app_log.warning("body %s", json.dumps({"api_key": value, "note": words}))
    app_log.info("%s", words, extra={"api_key": value})
    app_log.info("charge %s", words, extra={"request": {"headers": {"api-key": value}}})
    try:
        raise ValueError(f"gateway refused key {value}")
    except ValueError:
        app_log.exception("payment failed: %s", words)
    try:
        try:
            raise KeyError(value)
        except KeyError as missing:
            raise RuntimeError(words) from missing
    except RuntimeError:
        server_log.exception("Exception in ASGI application")


def spellings(value: str) -> set[str]:
    """How a value can appear in text: raw, inside a repr, inside JSON."""
    return {value, repr(value)[1:-1], json.dumps(value)[1:-1]}


@given(secret=st.sampled_from(SECRET_VALUES), words=st.text(max_size=40))
def test_secret_values_never_reach_logs_errors_or_reprs(
    runner: asyncio.Runner,
    dapr_client: DaprClientWrapper,
    secret: tuple[str, str | None],
    words: str,
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 29: Secret Value Protection**
    **Validates: Requirements 13.4**

    After reading, logging and failing around a secret, its value is in no log, error or repr.
    """
    key, field = secret
    redactor = Redactor()
    secrets = SecretsManager(dapr_client, redactor)  # as the app builds it, cache on
    errors: list[DaprError] = []
    # In this order as in the app: logging is configured before the lifespan installs redaction.
    with captured_logs() as (records, output, json_output), redaction_installed(redactor):
        fetched = runner.run(secrets.get_secret(STORE, key, field=field))
        log_carelessly(fetched.get_secret_value(), words)
        for failing in (
            secrets.get_secret(STORE, MISSING_KEY),
            secrets.get_secret(STORE, key, field="no-such-value"),
            secrets.get_secret("", key),
        ):
            try:
                runner.run(failing)
            except DaprError as error:
                errors.append(error)
                logging.getLogger("app.api.orders").exception("secret read failed: %s", error)
        values = runner.run(secrets.get_secret_values(STORE, key))

    assert len(errors) == 3
    assert len(records) >= 10
    json_lines = [json.loads(line) for line in json_output.getvalue().splitlines()]
    assert len(json_lines) == len(records)  # one JSON object per record, tracebacks inside
    value = fetched.get_secret_value()
    texts = [
        output.getvalue(),
        json_output.getvalue(),
        # Decoded too: a value JSON had to escape is only spelled raw once parsed.
        *(str(line) for line in json_lines),
        *(str(v) for line in json_lines for v in line.values()),
        *(str(vars(record)) for record in records),
        *(text for error in errors for text in (str(error), repr(error))),
        repr(fetched),
        str(fetched),
        repr(values),
        repr(secrets),
        repr(redactor),
    ]
    for spelling in spellings(value):
        leaks = [text for text in texts if spelling in text]
        assert not leaks, f"{spelling!r} leaked into {leaks[0][:300]!r}"
