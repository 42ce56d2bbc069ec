"""Prometheus metrics of the service (names and labels follow Prometheus conventions)."""

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_REQUESTS = Counter(
    "orderflow_http_requests_total",
    "HTTP requests served, by method, route template and status code.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_REQUEST_DURATION = Histogram(
    "orderflow_http_request_duration_seconds",
    "Time to serve an HTTP request, by method and route template.",
    ["method", "route"],
    registry=REGISTRY,
)
SIDECAR_CALLS = Counter(
    "orderflow_sidecar_calls_total",
    "Calls from the app to its Dapr sidecar, by operation and outcome.",
    ["operation", "outcome"],
    registry=REGISTRY,
)
