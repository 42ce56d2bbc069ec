"""Metrics and logs of the running app (seed 22, 23), read from the real stack's endpoint
and log file."""

import json
import math
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from dapr.clients import DaprClient
from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

from app.api.middleware import SIDECAR_ROUTE_PREFIXES
from devstack.stack import Stack
from tests.support.order_events import publish, wait_dead_letter
from tests.support.orders import new_id, place, stocked_sku, wait_for

NAMESPACED = re.compile(r"^orderflow_[a-z][a-z0-9]*(_[a-z0-9]+)*$")  # snake_case
LABEL_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Every label our metrics may have: a small fixed vocabulary of bounded dimensions.
ALLOWED_LABELS = {
    "method",
    "route",
    "status",
    "operation",
    "outcome",
    "workflow",
    "activity",
    "actor_type",
    "pubsub",
    "topic",
    "dead_letter_topic",
    "kind",  # the books audit's violation kinds: a fixed enum
    "event_type",  # order.completed, order.failed
}
# A UUID, a long hex or digit run, or one of our test ids: an id, not a dimension.
ID_LIKE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|\d{6,}"
    r"|(order|SKU)-[0-9a-f]{10}",
    re.IGNORECASE,
)
NON_BASE_UNITS = ("_milliseconds", "_ms", "_microseconds", "_minutes", "_hours", "_bytes_kb")
# Families the exercise below must have put samples in, with one label set each.
EXERCISED = {
    "orderflow_http_requests": {"route": "/api/v1/orders"},
    "orderflow_http_request_duration_seconds": {"route": "/api/v1/orders"},
    "orderflow_workflows_started": {"workflow": "order_fulfillment"},
    "orderflow_workflows_completed": {"workflow": "order_fulfillment"},
    "orderflow_workflow_duration_seconds": {"workflow": "order_fulfillment"},
    "orderflow_activity_duration_seconds": {"outcome": "success"},
    "orderflow_actor_calls": {"outcome": "success"},
    "orderflow_actor_call_duration_seconds": {},
    "orderflow_pubsub_messages": {"topic": "orders", "outcome": "drop"},
    "orderflow_dead_letters": {"topic": "orders", "dead_letter_topic": "orders-deadletter"},
    "orderflow_sidecar_calls": {},
}
paths = st.sampled_from(
    ["/health/live", "/openapi.json", "/no-such-route", "/metrics", "/api/v1/dead-letters"]
)


@dataclass(frozen=True)
class Exercise:
    """The ids used while exercising every family; none may appear in /metrics."""

    ids: tuple[str, ...]


@pytest.fixture(scope="module")
def exercised(stack: Stack, sdk_points_at_stack: None) -> Exercise:
    """One order through the API to completion (HTTP, workflows, activities, actors,
    sidecar calls), then an invalid `orders` event, which the subscription drops and daprd
    dead-letters (pub/sub outcomes, dead letters)."""
    with (
        stack.api_client(timeout_s=10.0) as api,
        DaprClient(address=stack.dapr_grpc_address) as dapr,
    ):
        sku, order_id = stocked_sku(api, 3), new_id("order")
        placed = place(api, order_id, [(sku, 1, "10.00")])
        assert placed.status_code in (200, 201, 202), placed.text
        wait_for(api, order_id, {"completed"})
        poisoned_order = new_id("order")
        poison = {"order_id": poisoned_order, "customer_id": "", "lines": []}
        event_id = publish(dapr, "orders", "order.placed", poison)
        wait_dead_letter(api, event_id, "orders")
    return Exercise(ids=(sku, order_id, poisoned_order, event_id))


def scrape(stack: Stack) -> str:
    response = httpx.get(f"{stack.app_url}/metrics", timeout=10.0)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


def declared(exposition: str, kind: str) -> dict[str, str]:
    """`# HELP` or `# TYPE` lines: family name -> the rest of the line."""
    found: dict[str, str] = {}
    for line in exposition.splitlines():
        parts = line.split(" ", 3)
        if len(parts) >= 3 and parts[:2] == ["#", kind]:
            found[parts[2]] = parts[3] if len(parts) > 3 else ""
    return found


def check_conventions(family: Metric, help_lines: dict[str, str], types: dict[str, str]) -> None:
    """Prometheus naming and labelling rules for one parsed family."""
    name = family.name
    assert NAMESPACED.match(name), f"{name}: not snake_case in the orderflow_ namespace"
    exposed = f"{name}_total" if family.type == "counter" else name
    assert help_lines.get(exposed, "").strip(), f"{exposed}: no HELP text"
    assert types.get(exposed) == family.type != "unknown", f"{exposed}: no TYPE"
    assert not name.endswith("_total") or family.type == "counter", f"{name}: _total, no counter"
    assert not any(unit in name for unit in NON_BASE_UNITS), f"{name}: not in base units"
    if family.type == "histogram" or "duration" in name or "latency" in name:
        assert name.endswith("_seconds"), f"{name}: a duration must be in _seconds"
    for sample in family.samples:
        assert not math.isnan(sample.value), sample
        if family.type == "counter":
            assert sample.name.endswith("_total"), sample.name
            assert sample.value >= 0, sample
        for label, label_value in sample.labels.items():
            if label == "le" and family.type == "histogram":
                continue
            assert LABEL_NAME.match(label), f"{name}: label {label!r} is not snake_case"
            assert label in ALLOWED_LABELS, f"{name}: label {label!r} is not an allowed one"
            assert not ID_LIKE.search(label_value), f"{name}: {label}={label_value!r} is an id"
    if family.type == "histogram":
        check_buckets(family)


def check_buckets(family: Metric) -> None:
    """Cumulative buckets never decrease and the +Inf bucket equals the count."""
    series: dict[tuple[tuple[str, str], ...], list[tuple[float, float]]] = {}
    counts: dict[tuple[tuple[str, str], ...], float] = {}
    for sample in family.samples:
        key = tuple(sorted((k, v) for k, v in sample.labels.items() if k != "le"))
        if sample.name.endswith("_bucket"):
            series.setdefault(key, []).append((float(sample.labels["le"]), sample.value))
        elif sample.name.endswith("_count"):
            counts[key] = sample.value
    for key, buckets in series.items():
        values = [count for _, count in sorted(buckets)]
        assert values == sorted(values), f"{family.name}{key}: buckets decrease"
        assert sorted(buckets)[-1] == (math.inf, counts[key]), f"{family.name}{key}: +Inf != count"


@settings(max_examples=100)
@given(requests=st.lists(paths, min_size=1, max_size=5))
def test_prometheus_metrics_format_compliance(
    stack: Stack, exercised: Exercise, requests: list[str]
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 22: Prometheus Metrics Format Compliance**
    **Validates: Requirements 10.3**

    After an order, a dead letter and any mix of requests, /metrics parses as the
    Prometheus text format; every family is snake_case in the orderflow_ namespace, has
    HELP and TYPE, counters end in _total, durations are histograms in seconds, labels
    come from a small allowed set with no id-like values (none of the ids used appear at
    all), every exercised family has samples, and every requested route is counted.
    """
    with stack.api_client(timeout_s=10) as client:
        for path in requests:
            client.get(path)
    exposition = scrape(stack)
    help_lines, types = declared(exposition, "HELP"), declared(exposition, "TYPE")
    families = {family.name: family for family in text_string_to_metric_families(exposition)}
    for family in families.values():
        check_conventions(family, help_lines, types)
    for name, labels in EXERCISED.items():
        samples = families[name].samples if name in families else []
        matching = [s for s in samples if labels.items() <= s.labels.items() and s.value > 0]
        assert matching, f"{name}{labels}: no sample after the exercise"
    for used in exercised.ids:
        assert used not in exposition, f"id {used!r} appears in /metrics"
    routes_seen = {
        sample.labels["route"]
        for sample in families["orderflow_http_requests"].samples
        if sample.name == "orderflow_http_requests_total"
    }
    expected = {"unmatched" if path == "/no-such-route" else path for path in requests}
    assert expected <= routes_seen


DAPR_FAMILIES = (
    "dapr_http_server_request_count",
    "dapr_runtime_component_loaded",
)


def test_daprd_serves_its_own_metrics_on_the_stack_metrics_port(stack: Stack) -> None:
    """The sidecar's metrics port (listed by `make run`) serves Prometheus text with the
    runtime's dapr_ families, labelled with this app's id, after the app has used it."""
    response = httpx.get(f"http://127.0.0.1:{stack.config.ports.dapr_metrics}/metrics", timeout=10)
    assert response.status_code == 200
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    for name in DAPR_FAMILIES:
        assert name in families, f"{name} not among {sorted(f for f in families if 'dapr' in f)}"
    loaded = families["dapr_runtime_component_loaded"].samples
    assert any(sample.labels.get("app_id") == stack.config.app_id for sample in loaded)


def log_lines(stack: Stack) -> list[dict[str, Any]]:
    """Every line the app wrote to its log file, each a JSON object. The stack supervisor
    writes a blank line and a `--- starting app: ...` line before each start: not the app's."""
    records = []
    for number, line in enumerate(stack.app.log_path.read_text().splitlines(), start=1):
        if not line or line.startswith("--- starting "):
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise AssertionError(f"app.log line {number} is not JSON: {line[:200]!r}") from None
        assert isinstance(record, dict), f"app.log line {number}: {line[:200]!r}"
        records.append(record)
    return records


@dataclass(frozen=True)
class Sent:
    method: str
    path: str
    body: Any = None


def requests_that_log() -> st.SearchStrategy[Sent]:
    """Requests whose handling logs: an unknown route, an invalid order, a method no actor
    declares, an order nobody placed."""
    marker = st.builds(lambda: f"/logged-{uuid.uuid4().hex}")
    return st.one_of(
        marker.map(lambda path: Sent("GET", path)),
        st.just(Sent("POST", "/api/v1/orders", {"order_id": "", "lines": []})),
        st.builds(
            lambda: Sent("POST", f"/api/v1/actors/InventoryActor/{uuid.uuid4().hex}/methods/Zap")
        ),
        st.just(Sent("GET", "/api/v1/orders/no-such-order")),
    )


def _is_access_line(record: dict[str, Any], path: str | tuple[str, ...]) -> bool:
    """An access line ("METHOD /path STATUS TIME") for `path`, or any path under a prefix."""
    if record["logger"] != "orderflow.access":
        return False
    logged_path = str(record["message"]).split(" ")[1]
    if isinstance(path, str):
        return logged_path == path
    return logged_path.startswith(path)


@pytest.fixture(scope="module")
def app_client(stack: Stack) -> Iterator[httpx.Client]:
    with stack.api_client(timeout_s=10.0) as client:
        yield client


@settings(max_examples=50)  # each example reads the app's log file back
@given(
    correlation_id=st.from_regex(r"[A-Za-z0-9-]{8,40}", fullmatch=True), sent=requests_that_log()
)
def test_log_correlation_id_presence(
    stack: Stack, app_client: httpx.Client, correlation_id: str, sent: Sent
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 23: Log Correlation ID Presence**
    **Validates: Requirements 10.4**

    The app's log file is JSON lines; every line logged within a request carries that
    request's trace id, span id and correlation id, and the request's access line is
    among them.
    """
    correlation_id = f"{correlation_id}-{uuid.uuid4().hex[:8]}"  # unique per example
    trace_id = uuid.uuid4().hex
    headers = {"x-correlation-id": correlation_id, "traceparent": f"00-{trace_id}-{'1' * 16}-01"}
    response = app_client.request(sent.method, sent.path, json=sent.body, headers=headers)
    assert response.headers["x-correlation-id"] == correlation_id
    span_id = response.headers["traceparent"].split("-")[2]

    records = log_lines(stack)
    ours = [r for r in records if r.get("correlation_id") == correlation_id]
    for record in ours:
        assert record["trace_id"] == trace_id, record
    by_span: dict[str, list[dict[str, Any]]] = {}
    for record in ours:
        by_span.setdefault(record["span_id"], []).append(record)
    assert any(_is_access_line(r, sent.path) for r in by_span.get(span_id, [])), (
        f"no access line for {sent.method} {sent.path} with the request's span id {span_id}"
    )
    # daprd's calls back into the app while serving this request (an actor call comes back
    # as PUT /actors/...) are requests of their own: same trace and correlation id, their
    # own server span; every other span's lines must be such a nested request's.
    for nested_span, lines in by_span.items():
        if nested_span != span_id:
            assert any(_is_access_line(r, SIDECAR_ROUTE_PREFIXES) for r in lines), lines
    for record in records:  # and no line about this request lacks its ids
        if sent.path in str(record.get("message")) and sent.path.startswith("/logged-"):
            assert record["correlation_id"] == correlation_id, record
