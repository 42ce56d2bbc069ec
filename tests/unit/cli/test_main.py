"""`orderflow` against a fake transport: what each command asks of the API, what it
prints, and the exit code each refusal maps to. (Against the real stack:
tests/integration/operator_tools/test_cli.py.)"""

import json
from collections.abc import Callable
from typing import Any

import click
import httpx
import pytest
from click.testing import CliRunner, Result

from cli.exit_codes import Exit
from cli.main import root

Handler = Callable[[httpx.Request], httpx.Response]


def _run(handler: Handler, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        root, list(args), obj=httpx.MockTransport(handler), env=env, catch_exceptions=False
    )


def _problem(status: int, title: str, detail: str, **extra: Any) -> httpx.Response:
    body = {"title": title, "detail": detail, "status": status, **extra}
    return httpx.Response(status, json=body, headers={"content-type": "application/problem+json"})


def _instance(status: str, **extra: Any) -> dict[str, Any]:
    return {
        "instance_id": "i-1",
        "name": "restock",
        "runtime_status": status,
        "created_at": "2026-12-06T10:00:00Z",
        "last_updated_at": "2026-12-06T10:00:02Z",
        **extra,
    }


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("command", _commands(root))
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    """`--help` works everywhere and calls nothing."""
    result = _run(lambda _: httpx.Response(500), *command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_list_passes_every_filter_and_json_prints_the_apis_answer() -> None:
    seen: list[httpx.Request] = []
    listing = {"total": 1, "limit": 20, "offset": 0, "items": [_instance("RUNNING")]}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={**listing, "counts": {"RUNNING": 1}})

    result = _run(
        handler,
        *("workflows", "list", "--name", "restock", "--status", "running"),
        *("--id-prefix", "i-", "--since", "2026-12-06T00:00", "--json"),
    )
    assert result.exit_code == 0
    assert json.loads(result.output)["items"][0]["instance_id"] == "i-1"
    params = seen[0].url.params
    assert seen[0].url.path == "/api/v1/workflows/instances"
    assert (params["name"], params["status"], params["id_prefix"]) == ("restock", "RUNNING", "i-")
    assert params["created_after"] == "2026-12-06T00:00"
    assert "created_before" not in params


def test_a_table_for_people_by_default() -> None:
    listing = {"total": 1, "limit": 20, "offset": 0, "items": [_instance("COMPLETED")]}
    result = _run(lambda _: httpx.Response(200, json=listing), "workflows", "list")
    assert "i-1" in result.output
    assert "1 of 1 shown" in result.output


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (404, Exit.NOT_FOUND),
        (409, Exit.CONFLICT),
        (422, Exit.INVALID),
        (429, Exit.BUSY),
        (400, Exit.REFUSED),
        (503, Exit.SERVER),
    ],
)
def test_a_refusal_prints_the_problem_and_exits_with_its_code(status: int, code: Exit) -> None:
    problem = _problem(
        status,
        "Refused",
        "order o-1 is completed",
        error_code="X",
        errors=[{"field": "body.quantity", "message": "must be > 0"}],
    )
    result = _run(lambda _: problem, "orders", "approve", "o-1")
    assert result.exit_code == code
    assert f"{status} Refused X" in result.output
    assert "order o-1 is completed" in result.output
    assert "body.quantity: must be > 0" in result.output


def test_no_answer_exits_unreachable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    result = _run(handler, "inventory", "show", "SKU-1")
    assert result.exit_code == Exit.UNREACHABLE
    assert "ORDERFLOW_URL" in result.output


def test_url_and_token_come_from_the_environment() -> None:
    """$ORDERFLOW_URL picks the service; $ORDERFLOW_TOKEN goes as a bearer token."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    env = {"ORDERFLOW_URL": "http://ops.example:9000", "ORDERFLOW_TOKEN": "t0k"}
    assert _run(handler, "dead-letters", env=env).exit_code == 0
    assert str(seen[0].url) == "http://ops.example:9000/api/v1/dead-letters?limit=50"
    assert seen[0].headers["authorization"] == "Bearer t0k"


def test_ids_are_one_path_segment() -> None:
    """An id such as '../x' cannot reach another route."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202)

    _run(handler, "workflows", "pause", "../x")
    assert seen[0].url.raw_path == b"/api/v1/workflows/instances/..%2Fx/pause"


def test_order_lines_are_parsed_and_a_bad_one_is_a_usage_error() -> None:
    seen: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(202, json={"order_id": "o-1", "started": True})

    args = ("orders", "place", "--id", "o-1", "--customer", "c", "--line", "A:2:19.90")
    assert _run(handler, *args, "--line", "B:1:5").exit_code == 0
    assert seen[0]["lines"] == [
        {"sku": "A", "quantity": 2, "unit_price": "19.90"},
        {"sku": "B", "quantity": 1, "unit_price": "5"},
    ]
    bad = _run(handler, *args[:-1], "A:two:1")
    assert bad.exit_code == Exit.USAGE
    assert "must be numbers" in bad.output


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ([(202, "RUNNING"), (200, "COMPLETED")], Exit.OK),
        ([(200, "FAILED")], Exit.ENDED_BADLY),
        ([(200, "TERMINATED")], Exit.ENDED_BADLY),
    ],
)
def test_wait_polls_until_the_end_and_exits_by_how_it_ended(
    answers: list[tuple[int, str]], code: Exit
) -> None:
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        status, runtime = queue.pop(0)
        return httpx.Response(status, json=_instance(runtime, progress={"step": "s"}))

    result = _run(handler, "workflows", "wait", "i-1", "--json")
    assert result.exit_code == code
    assert queue == []
    assert "i-1: RUNNING" in result.output or answers[0][0] == 200  # progress shown meanwhile


def test_wait_that_times_out_exits_timed_out() -> None:
    running = httpx.Response(202, json=_instance("RUNNING"))
    result = _run(lambda _: running, "workflows", "wait", "i-1", "--timeout", "0.2")
    assert result.exit_code == Exit.TIMED_OUT


def test_bad_json_input_is_a_usage_error_before_any_call() -> None:
    result = _run(lambda _: httpx.Response(500), "workflows", "start", "restock", "--input", "{x")
    assert result.exit_code == Exit.USAGE
    assert "not JSON" in result.output
