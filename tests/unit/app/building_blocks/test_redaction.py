"""The redacting log filter: what it hides, what it leaves, and how it is installed."""

import io
import json
import logging
from collections.abc import Iterator

import pytest

from app.building_blocks.redaction import (
    MIN_REDACTED_LENGTH,
    REDACTED,
    RedactingFilter,
    Redactor,
    redaction_installed,
)

VALUE = 'tok-"quoted"\\back\nslash-%s-{}'


@pytest.fixture
def redactor() -> Redactor:
    redactor = Redactor()
    redactor.add(VALUE)
    return redactor


def _record(msg: str, *args: object, **attributes: object) -> logging.LogRecord:
    return logging.makeLogRecord({"msg": msg, "args": args, **attributes})


def test_value_in_arguments_is_replaced_and_the_rest_kept(redactor: Redactor) -> None:
    """A %-argument holding the value is formatted in, then replaced by the marker."""
    record = _record("paying with %s at %d", VALUE, 3)
    RedactingFilter(redactor).filter(record)
    assert record.getMessage() == f"paying with {REDACTED} at 3"


def test_repr_and_json_spellings_are_replaced(redactor: Redactor) -> None:
    """Escaped forms (a dict's repr, a JSON body) are hidden as well as the raw value."""
    record = _record("request %r body %s", {"k": VALUE}, json.dumps({"k": VALUE}))
    RedactingFilter(redactor).filter(record)
    assert record.getMessage() == f"request {{'k': '{REDACTED}'}} body {{\"k\": \"{REDACTED}\"}}"


def test_exception_text_is_replaced_and_exc_info_dropped(redactor: Redactor) -> None:
    """A traceback quoting the value keeps only its redacted text."""
    try:
        raise ValueError(f"refused {VALUE}")
    except ValueError as error:
        record = _record("failed", exc_info=(ValueError, error, error.__traceback__))
    RedactingFilter(redactor).filter(record)
    assert record.exc_info is None
    assert record.exc_text is not None
    assert f"refused {REDACTED}" in record.exc_text
    assert VALUE not in logging.Formatter().format(record)


def test_exception_without_the_value_keeps_exc_info(redactor: Redactor) -> None:
    """Tracebacks that quote no secret are left for formatters as they are."""
    try:
        raise ValueError("plain")
    except ValueError as error:
        exc_info = (ValueError, error, error.__traceback__)
    record = _record("failed", exc_info=exc_info)
    RedactingFilter(redactor).filter(record)
    assert record.exc_info == exc_info


def test_extra_fields_are_replaced(redactor: Redactor) -> None:
    """String attributes from `extra=` are redacted; standard attributes are not touched."""
    record = _record("done", api_key=VALUE, attempts=2)
    RedactingFilter(redactor).filter(record)
    assert vars(record)["api_key"] == REDACTED
    assert vars(record)["attempts"] == 2


def test_structured_extra_fields_holding_the_value_become_redacted_text(
    redactor: Redactor,
) -> None:
    """A dict or list `extra=` value that holds the value (as a JSON formatter would write
    it) is replaced by its redacted JSON text; one that does not is left as it was."""
    payment = {"card": {"token": VALUE}, "amount": 3}
    record = _record("charge", payment=payment, lines=[1, 2], secret_list=[VALUE])
    RedactingFilter(redactor).filter(record)
    assert json.loads(vars(record)["payment"]) == {"card": {"token": REDACTED}, "amount": 3}
    assert json.loads(vars(record)["secret_list"]) == [REDACTED]
    assert vars(record)["lines"] == [1, 2]
    assert payment["card"] == {"token": VALUE}  # the caller's object is not modified


def test_short_values_are_not_registered() -> None:
    """Values under the minimum length would shred ordinary text, so they are left alone."""
    redactor = Redactor()
    redactor.add("x" * (MIN_REDACTED_LENGTH - 1))
    assert not redactor
    assert redactor.redact("xxx") == "xxx"


def test_longer_value_wins_over_a_value_it_contains() -> None:
    """A value containing another is replaced whole, not around the shorter one."""
    redactor = Redactor()
    redactor.add("abcd")
    redactor.add("abcd-efgh")
    assert redactor.redact("x abcd-efgh y abcd") == f"x {REDACTED} y {REDACTED}"


def test_unformattable_record_does_not_raise(redactor: Redactor) -> None:
    """Bad %-arguments end up in the text, redacted, instead of raising at the call site."""
    record = _record("%d items", VALUE)
    RedactingFilter(redactor).filter(record)
    assert VALUE not in record.getMessage()
    assert "unformattable" in record.getMessage()


@pytest.fixture
def stream() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A non-propagating logger whose handler is added after redaction is installed."""
    logger = logging.getLogger("tests.redaction.late")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    output = io.StringIO()
    yield logger, output
    logger.handlers.clear()


def test_installed_redaction_reaches_handlers_added_later(
    redactor: Redactor, stream: tuple[logging.Logger, io.StringIO]
) -> None:
    """The record factory redacts message and traceback for any logger and handler."""
    logger, output = stream
    with redaction_installed(redactor):
        logger.addHandler(logging.StreamHandler(output))
        try:
            raise RuntimeError(VALUE)
        except RuntimeError:
            logger.exception("key %s", VALUE)
    assert VALUE not in output.getvalue()
    assert output.getvalue().startswith(f"key {REDACTED}")


def test_uninstall_restores_the_previous_record_factory(redactor: Redactor) -> None:
    """Leaving the context puts logging back as it was."""
    before = logging.getLogRecordFactory()
    with redaction_installed(redactor):
        assert logging.getLogRecordFactory() is not before
    assert logging.getLogRecordFactory() is before


class BrokenRedactor(Redactor):
    def redact(self, text: str) -> str:
        raise RuntimeError(text)


def test_failing_redaction_withholds_the_record_instead_of_raising() -> None:
    """A bug in redaction neither reaches the logging call site nor lets the text through."""
    redactor = BrokenRedactor()
    redactor.add(VALUE)
    record = _record("key %s", VALUE)
    assert RedactingFilter(redactor).filter(record) is True
    assert record.getMessage() == "log record withheld: redaction failed (RuntimeError)"
