"""`make run` with ORDERFLOW_OTLP_ENDPOINT: it says where traces go, and they arrive."""

import signal
import time
from pathlib import Path

import httpx

from devstack.build import build
from devstack.ports import HOST
from devstack.stack_config import StackPorts
from tests.support.devstack_run import launch_until_ready
from tests.support.otlp_collector import running_collector


def test_run_exports_the_app_and_daprd_spans_to_the_endpoint(tmp_path: Path) -> None:
    """With the variable set, `python -m devstack run` prints the OTLP endpoint, and a
    request's spans reach it from the app and from its daprd, in one trace; Ctrl-C
    flushes what is still queued."""
    build()
    ports = StackPorts.free()
    log = tmp_path / "run.log"
    with running_collector() as collector:
        env = {"ORDERFLOW_OTLP_ENDPOINT": collector.endpoint}
        run = launch_until_ready(
            ["--data-dir", str(tmp_path / "data")], ports, log, timeout_s=120, env=env
        )
        try:
            assert f"OTLP/HTTP to {collector.endpoint}/v1/traces" in log.read_text()
            # The token `make run` wrote for the developer opens the API.
            token = (tmp_path / "data" / "api-token").read_text()
            response = httpx.post(
                f"http://{HOST}:{ports.app}/api/v1/inventory/SKU-T/restock",
                json={"quantity": 1},
                headers={"authorization": f"Bearer {token}"},
                timeout=10,
            )
            assert response.status_code == 200, response.text
            trace_id = response.headers["traceparent"].split("-")[1]
            run.send_signal(signal.SIGINT)
            assert run.wait(timeout=60) == 0
        finally:
            if run.poll() is None:
                run.kill()
        # Exported at the latest at shutdown (the app's provider is flushed then; daprd
        # flushes its batcher on exit).
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            scopes = {span.scope for span in collector.spans(trace_id)}
            if {"opentelemetry.instrumentation.fastapi", "dapr-diagnostics"} <= scopes:
                break
            time.sleep(0.2)
        spans = collector.spans(trace_id)
    scopes = {span.scope for span in spans}
    assert "opentelemetry.instrumentation.fastapi" in scopes, spans
    assert "orderflow" in scopes, spans
    assert "dapr-diagnostics" in scopes, spans
    (request,) = [s for s in spans if s.name == "POST /api/v1/inventory/{sku}/restock"]
    assert request.service == "python-api"
    assert request.parent_id == ""
