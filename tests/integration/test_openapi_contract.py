"""Schemathesis over the app's own OpenAPI document against the real running stack,
authenticated as a client holding every scope: no server errors, every answer a
documented status with the documented content type and schema, and no operation that
answers without its token (`ignored_auth` replays each case without it and with a bad
one).

Driven through schemathesis' Python API and Hypothesis directly: its pytest loader for
fixtures (`schemathesis.pytest.from_fixture`) sets `Node._nodeid`, which pytest 9.2 no
longer has. Each operation gets its own Hypothesis run; every operation's failures are
collected and reported together.
"""

import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, GenerationMode
from schemathesis.auths import AuthContext
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.openapi.loaders import from_url
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from devstack.stack import Stack

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    ignored_auth,
]
# 32 operations x up to 60 examples (fewer where the inputs run out; 1000 cases at least
# in all, as issue 14 asks), each answered in
# milliseconds to tens of ms. No per-example deadline: a loaded sidecar may take seconds,
# and a slow answer is not what this test is about.
EXAMPLES_PER_OPERATION = 60
MIN_CASES = 1000
EXAMPLE_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,  # each run explores afresh; failures print their reproducing request
)


def _bearer_for(stack: Stack) -> type:
    """Schemathesis' auth provider: a token with every scope, renewed every minute (an
    explicit credential, which ignored_auth removes and falsifies in its probes)."""

    class StackToken:
        def get(self, case: Case[Any], context: AuthContext) -> str:
            return stack.config.api_key.mint()

        def set(self, case: Case[Any], data: str, context: AuthContext) -> None:
            if case.headers is None:
                case.headers = {}
            case.headers["authorization"] = f"Bearer {data}"

    return StackToken


def test_every_answer_is_documented_and_none_is_a_server_error(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    """Generated requests to every operation (none excluded): no 5xx, no undocumented
    status, content type or body, no operation open without its token."""
    schema = from_url(f"{stack.app_url}/openapi.json", timeout=10)
    schema.auth(_bearer_for(stack), refresh_interval=60)
    failures: list[str] = []
    calls: dict[str, int] = {}
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            failures.append(f"invalid operation in the document: {result.err()}")
            continue
        operation = result.ok()
        calls[operation.label] = 0
        # Valid requests, and requests that break the schema (those must be 4xx, not 5xx).
        strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(
            GenerationMode.NEGATIVE
        )

        @EXAMPLE_SETTINGS
        @given(case=strategy)
        def exercise(case: Case[Any]) -> None:
            calls[case.operation.label] += 1
            case.call_and_validate(base_url=stack.app_url, checks=CHECKS, timeout=30)

        try:
            exercise()
        # FailureGroup is a BaseExceptionGroup; each operation's failures are reported.
        except (Exception, BaseExceptionGroup) as error:
            failures.append(f"{operation.label}: {error}")
    with capsys.disabled():
        sys.stdout.write(f"\nschemathesis: {sum(calls.values())} cases, {len(calls)} operations\n")
    assert not failures, "\n\n".join(failures)
    assert len(calls) >= 25, f"only {len(calls)} operations in the document: {calls}"
    assert sum(calls.values()) >= MIN_CASES, calls
