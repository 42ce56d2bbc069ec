"""Metrics and logs of the running app (seed 22, 23)."""

import math
import re
import uuid

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from devstack.stack import Stack

METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
paths = st.sampled_from(["/health/live", "/openapi.json", "/docs", "/no-such-route", "/metrics"])


@settings(max_examples=100)
@given(requests=st.lists(paths, min_size=1, max_size=5))
def test_prometheus_metrics_format_compliance(stack: Stack, requests: list[str]) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 22: Prometheus Metrics Format Compliance**
    **Validates: Requirements 10.3**

    After any mix of requests, /metrics parses as the Prometheus text format, every name
    and label is valid, counters end in _total, and every requested route is counted.
    """
    with httpx.Client(base_url=stack.app_url, timeout=10) as client:
        for path in requests:
            client.get(path)
        exposition = client.get("/metrics")
    assert exposition.status_code == 200
    assert exposition.headers["content-type"].startswith("text/plain")
    routes_seen: set[str] = set()
    for family in text_string_to_metric_families(exposition.text):
        assert METRIC_NAME.match(family.name), family.name
        for sample in family.samples:
            assert METRIC_NAME.match(sample.name), sample.name
            assert not math.isnan(sample.value)
            for label in sample.labels:
                assert LABEL_NAME.match(label), label
                assert not label.startswith("__"), label
            if sample.name == "orderflow_http_requests_total":
                routes_seen.add(sample.labels["route"])
        if family.type == "counter":
            assert all(s.name.endswith(("_total", "_created")) for s in family.samples)
    expected = {"unmatched" if path == "/no-such-route" else path for path in requests}
    assert expected <= routes_seen


@settings(max_examples=50)  # each example reads the app's log file back
@given(correlation_id=st.from_regex(r"[A-Za-z0-9-]{8,40}", fullmatch=True))
def test_log_correlation_id_presence(stack: Stack, correlation_id: str) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 23: Log Correlation ID Presence**
    **Validates: Requirements 10.4**

    A request's log line carries its correlation id and the trace id of its traceparent.
    """
    trace_id = uuid.uuid4().hex
    marker = f"/logged-{uuid.uuid4().hex}"
    headers = {"x-correlation-id": correlation_id, "traceparent": f"00-{trace_id}-{'1' * 16}-01"}
    response = httpx.get(stack.app_url + marker, headers=headers, timeout=10)
    assert response.headers["x-correlation-id"] == correlation_id
    lines = [line for line in stack.app.log_path.read_text().splitlines() if marker in line]
    assert lines, f"no log line for {marker}"
    for line in lines:
        assert f"correlation={correlation_id}" in line
        assert f"trace={trace_id}" in line
