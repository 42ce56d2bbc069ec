"""Prometheus metrics of the service (names and labels follow Prometheus conventions)."""

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)

# The text format has no place for a series' creation time, so the client would expose
# each one as an extra `<name>_created` gauge family: noise that doubles the scrape.
disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped in 0.26.0

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
# Admission control (app/building_blocks/workflow_admission.py), per replica.
WORKFLOWS_ADMITTED = Gauge(
    "orderflow_workflows_admitted",
    "Workflow runs admitted and not yet ended: at most max_orders_in_flight.",
    registry=REGISTRY,
)
ADMISSION_REFUSALS = Counter(
    "orderflow_admission_refusals_total",
    "Starts refused (429, or RETRY for an event) because as many runs were in flight as "
    "admission allows.",
    registry=REGISTRY,
)
SIDECAR_CALLS = Counter(
    "orderflow_sidecar_calls_total",
    "Calls from the app to its Dapr sidecar, by operation and outcome.",
    ["operation", "outcome"],
    registry=REGISTRY,
)

# Workflows, counted by the orchestrator wrapper (app/observability/workflow_metrics.py)
# only while not replaying, so each run is counted once. A run that continues as new ends
# that run and starts another: started = completed + failed + continued + running.
WORKFLOWS_STARTED = Counter(
    "orderflow_workflows_started_total",
    "Workflow runs started, by workflow name (child workflows and continued runs too).",
    ["workflow"],
    registry=REGISTRY,
)
WORKFLOWS_COMPLETED = Counter(
    "orderflow_workflows_completed_total",
    "Workflow runs that completed, by workflow name.",
    ["workflow"],
    registry=REGISTRY,
)
WORKFLOWS_FAILED = Counter(
    "orderflow_workflows_failed_total",
    "Workflow runs that failed with an unhandled exception, by workflow name.",
    ["workflow"],
    registry=REGISTRY,
)
WORKFLOWS_CONTINUED = Counter(
    "orderflow_workflows_continued_as_new_total",
    "Workflow runs that ended by continuing as new, by workflow name.",
    ["workflow"],
    registry=REGISTRY,
)
WORKFLOW_DURATION = Histogram(
    "orderflow_workflow_duration_seconds",
    "Workflow run time on the workflow's own clock, start to end, by name and outcome.",
    ["workflow", "outcome"],
    # Workflows wait on payments, approvals and durable timers: seconds to a day.
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 24 * 3600),
    registry=REGISTRY,
)
ACTIVITY_DURATION = Histogram(
    "orderflow_activity_duration_seconds",
    "Time of one activity execution (each retry is one), by activity name and outcome.",
    ["activity", "outcome"],
    registry=REGISTRY,
)
ACTIVITY_FAILURES = Counter(
    "orderflow_activity_failures_total",
    "Activity executions that raised, by activity name.",
    ["activity"],
    registry=REGISTRY,
)

# Calls daprd makes into the actors this app hosts (methods, timers and reminders).
ACTOR_CALLS = Counter(
    "orderflow_actor_calls_total",
    "Calls into hosted actors, by actor type, method (or timer/reminder) and outcome.",
    ["actor_type", "method", "outcome"],
    registry=REGISTRY,
)
ACTOR_CALL_DURATION = Histogram(
    "orderflow_actor_call_duration_seconds",
    "Time to serve a call into a hosted actor, by actor type and method.",
    ["actor_type", "method"],
    registry=REGISTRY,
)

PUBSUB_MESSAGES = Counter(
    "orderflow_pubsub_messages_total",
    "Pub/sub deliveries handled, by pub/sub component, topic and outcome "
    "(success, retry, drop, duplicate).",
    ["pubsub", "topic", "outcome"],
    registry=REGISTRY,
)
# The notifications consumer of order outcomes (app/api/subscriptions/order_outcomes.py).
NOTIFICATIONS = Counter(
    "orderflow_notifications_total",
    "Order outcome deliveries to the notifications consumer, by event type and outcome "
    "(sent: the customer notified; duplicate: already notified of this order's outcome).",
    ["event_type", "outcome"],
    registry=REGISTRY,
)
DEAD_LETTERS = Counter(
    "orderflow_dead_letters_total",
    "Messages received on a dead-letter topic and kept, by the topic they were first sent to.",
    ["topic", "dead_letter_topic"],
    registry=REGISTRY,
)

# Set by the books audit's last run (activities/books_audit.py), per replica that ran it.
BOOKS_VIOLATIONS = Gauge(
    "orderflow_books_violations",
    "Violations the last books audit found, by kind (0 when the books balance).",
    ["kind"],
    registry=REGISTRY,
)
