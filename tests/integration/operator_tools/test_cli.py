"""`orderflow` (the console script) against the real stack (the operators' stack, where
orders wait 10 minutes for approval): every command once, its --json output parsed, and
the exit codes of refusals, of `wait` and of no answer."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from devstack.stack import Stack
from tests.support.orders import new_id

ORDERFLOW = Path(sys.executable).parent / "orderflow"


@pytest.fixture(scope="module")
def env(operator_stack: Stack) -> dict[str, str]:
    if not ORDERFLOW.exists():
        pytest.fail(f"no {ORDERFLOW}: `make venv` installs the project and its console script")
    token = operator_stack.config.api_key.mint()
    return {**os.environ, "ORDERFLOW_URL": operator_stack.app_url, "ORDERFLOW_TOKEN": token}


def _run(env: dict[str, str], *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(ORDERFLOW), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == code, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def _json(env: dict[str, str], *args: str) -> Any:
    return json.loads(_run(env, *args, "--json").stdout)


def _until_awaiting_approval(env: dict[str, str], order_id: str) -> None:
    deadline = time.monotonic() + 30
    while _json(env, "orders", "show", order_id)["status"] != "awaiting_approval":
        assert time.monotonic() < deadline, f"{order_id} never waited for approval"
        time.sleep(0.2)


def test_orders_and_inventory_from_the_command_line(env: dict[str, str]) -> None:
    """Restock, place an order above the threshold, approve it and wait for it to
    complete; a second approval is refused with 409 (exit 4) and its problem; reject and
    cancel end two more orders."""
    sku = new_id("SKU")
    assert _json(env, "inventory", "restock", sku, "10")["on_hand"] == 10
    assert _json(env, "inventory", "show", sku) == [
        {"sku": sku, "on_hand": 10, "reserved": 0, "available": 10}
    ]
    approved, rejected, cancelled = new_id("cli"), new_id("cli"), new_id("cli")
    for order_id in (approved, rejected, cancelled):
        placed = _json(env, "orders", "place", "--id", order_id, "--customer", "c-cli",
                       "--line", f"{sku}:2:600.00")  # fmt: skip
        assert placed == {"order_id": order_id, "started": True}
    _until_awaiting_approval(env, approved)
    assert _json(env, "orders", "approve", approved, "--reason", "ok")["requested"] == "approve"
    _until_awaiting_approval(env, rejected)
    assert _json(env, "orders", "reject", rejected)["requested"] == "reject"
    _until_awaiting_approval(env, cancelled)
    assert _json(env, "orders", "cancel", cancelled)["requested"] == "cancel"

    done = _run(env, "workflows", "wait", approved, "--timeout", "60", "--json")
    assert json.loads(done.stdout)["runtime_status"] == "COMPLETED"
    assert f"{approved}: COMPLETED" in done.stderr  # the progress it showed meanwhile
    refused = _run(env, "orders", "approve", approved, code=4)
    assert "409 Illegal order transition" in refused.stderr
    assert "cannot become approved" in refused.stderr

    shown = _json(env, "orders", "show", approved)
    assert [step["status"] for step in shown["order"]["history"]][-1] == "completed"
    assert "History" in _run(env, "orders", "show", approved).stdout  # the table by default
    for order_id in (rejected, cancelled):
        _run(env, "workflows", "wait", order_id, "--timeout", "60")
        assert _json(env, "orders", "show", order_id)["status"] == "cancelled"


def test_workflows_from_the_command_line(env: dict[str, str]) -> None:
    """Start, list with filters, show, raise (a refused event is 422, exit 5), pause,
    resume, wait, purge (then show is 404, exit 3), terminate (wait exits 10), and a wait
    that times out (exit 9)."""
    held, ended = new_id("cli-ra"), new_id("cli-ra")
    body = json.dumps({"sku": new_id("SKU"), "quantity": 3})
    for instance_id in (held, ended):
        started = _json(env, "workflows", "start", "restock_approval", "--input", body,
                        "--id", instance_id)  # fmt: skip
        assert started["instance_id"] == instance_id
    listed = _json(env, "workflows", "list", "--name", "restock_approval", "--id-prefix", "cli-ra")
    assert {held, ended} <= {item["instance_id"] for item in listed["items"]}
    assert sum(listed["counts"].values()) == listed["total"]
    later = _json(env, "workflows", "list", "--id-prefix", "cli-ra", "--since", "2999-01-01T00:00")
    assert later["total"] == 0  # none started in that window
    assert "shown" in _run(env, "workflows", "list", "--status", "RUNNING").stdout

    refused = _run(env, "workflows", "raise", held, "nonsense", code=5)
    assert "UNKNOWN_WORKFLOW_EVENT" in refused.stderr
    assert _json(env, "workflows", "pause", held)["done"] == "pause"
    assert _json(env, "workflows", "show", held)["runtime_status"] == "SUSPENDED"
    _json(env, "workflows", "resume", held)
    _json(env, "workflows", "raise", held, "approval", "--data", '{"approved": true}')
    assert _json(env, "workflows", "wait", held)["runtime_status"] == "COMPLETED"
    _json(env, "workflows", "purge", held)
    gone = _run(env, "workflows", "show", held, code=3)
    assert "404" in gone.stderr

    _run(env, "workflows", "wait", ended, "--timeout", "1", code=9)
    _json(env, "workflows", "terminate", ended)
    _run(env, "workflows", "wait", ended, "--timeout", "30", code=10)


def test_dead_letters_and_no_answer(env: dict[str, str]) -> None:
    """dead-letters lists what is kept (JSON list); a URL where nothing listens is exit 8."""
    assert isinstance(_json(env, "dead-letters", "--limit", "5"), list)
    lost = _run({**env, "ORDERFLOW_URL": "http://127.0.0.1:9"}, "dead-letters", code=8)
    assert "no answer" in lost.stderr


def test_without_a_token_or_its_scope_the_cli_says_so_and_exits_11_or_12(
    env: dict[str, str], operator_stack: Stack
) -> None:
    anonymous = {k: v for k, v in env.items() if k != "ORDERFLOW_TOKEN"}
    refused = _run(anonymous, "inventory", "show", "SKU-1", code=11)
    assert "Authorization: Bearer" in refused.stderr
    reader = {**env, "ORDERFLOW_TOKEN": operator_stack.config.api_key.mint(["orders:read"])}
    _run(reader, "inventory", "show", "SKU-1")
    forbidden = _run(reader, "inventory", "restock", "SKU-1", "1", code=12)
    assert "inventory:write" in forbidden.stderr
