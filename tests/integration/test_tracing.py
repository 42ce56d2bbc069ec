"""One order placed over HTTP yields one trace joining the app's spans and daprd's.

The session stack exports every span (the app's, its daprd's, payment-service's and its
daprd's) to the session's OTLP collector (tests/conftest.py). What daprd 1.14 emits, found here:
its own API calls (`/TaskHubSidecarService/StartInstance`, `/dapr.proto.runtime.v1.Dapr/
GetSecret`, `CallActor/<type>/<method>`, `CallLocal/<app>/<method>` on both sidecars,
`pubsub/<topic>` for a delivery), and, through durabletask-go, the workflow's own spans
(`create_orchestration||<name>`, `orchestration||<name>`, `activity||<name>`, `timer`).
Its spans carry the app id as service name, like the app's: the instrumentation scope
tells them apart. It sends the workflow worker no trace context, so the app's activity
spans hang under the app's `workflow start` span, not under daprd's `activity||` spans.
"""

import time
from collections.abc import Callable

import httpx
import pytest

from tests.support.orders import new_id, place, stocked_sku, wait_for
from tests.support.otlp_collector import OtlpCollector, ReceivedSpan, span_tree

APP = "orderflow"  # the app's own spans (sidecar, actor and activity calls)
HTTP_SERVER = "opentelemetry.instrumentation.fastapi"
DAPRD = "dapr-diagnostics"
WORKFLOW_ENGINE = "durabletask"  # daprd's embedded workflow engine
ACTIVITIES = ("validate_order", "reserve_line", "charge_payment", "commit_line", "write_label")
EXPORT_WAIT_S = 30.0  # the exporters batch for 200 ms; a loaded machine may take longer


class Trace:
    """The spans of one trace, with lookups that fail with the tree printed."""

    def __init__(self, spans: list[ReceivedSpan]) -> None:
        self.spans = spans
        self.by_id = {span.span_id: span for span in spans}

    def find(self, predicate: Callable[[ReceivedSpan], bool], what: str) -> list[ReceivedSpan]:
        found = [span for span in self.spans if predicate(span)]
        assert found, f"no {what} in the trace:\n{span_tree(self.spans)}"
        return found

    def one(self, service: str, scope: str, name: str) -> ReceivedSpan:
        (span,) = self.find(
            lambda s: (s.service, s.scope, s.name) == (service, scope, name), f"{scope} {name}"
        )
        return span

    def children(self, parent: ReceivedSpan, scope: str, name: str) -> list[ReceivedSpan]:
        return self.find(
            lambda s: s.parent_id == parent.span_id and (s.scope, s.name) == (scope, name),
            f"child {scope} {name!r} of {parent.name!r}",
        )

    def complete(self) -> bool:
        """Every span's parent arrived too (daprd and the app export on their own)."""
        return bool(self.spans) and all(
            span.parent_id == "" or span.parent_id in self.by_id for span in self.spans
        )


def _wait_for_trace(
    collector: OtlpCollector, trace_id: str, ready: Callable[[Trace], bool]
) -> Trace:
    deadline = time.monotonic() + EXPORT_WAIT_S
    while True:
        received = Trace(collector.spans(trace_id))
        if ready(received) or time.monotonic() > deadline:
            return received
        time.sleep(0.3)


@pytest.fixture(scope="module")
def order_trace(api: httpx.Client, otlp_collector: OtlpCollector) -> Trace:
    """One order, placed without a traceparent (the app starts the trace), run to the end."""
    sku = stocked_sku(api, 5)
    order_id = new_id("o")
    response = place(api, order_id, [(sku, 1, "3.00")])
    assert response.status_code == 202, response.text
    trace_id = response.headers["traceparent"].split("-")[1]
    wait_for(api, order_id, {"completed"})

    def ended(trace: Trace) -> bool:
        names = {span.name for span in trace.spans}
        return (
            trace.complete()
            and {f"activity {a}" for a in ACTIVITIES} <= names
            and any(name.startswith("orchestration||order_fulfillment") for name in names)
        )

    return _wait_for_trace(otlp_collector, trace_id, ended)


def test_the_order_request_is_the_root_and_every_span_links_to_it(order_trace: Trace) -> None:
    """The app's server span of POST /api/v1/orders (named by route) is the one root;
    every other span of the app, its daprd and payment-service's daprd descends from it."""
    roots = [span for span in order_trace.spans if span.parent_id == ""]
    assert [(r.scope, r.name, r.kind) for r in roots] == [
        (HTTP_SERVER, "POST /api/v1/orders", "server")
    ], span_tree(order_trace.spans)
    assert order_trace.complete(), span_tree(order_trace.spans)
    assert {span.service for span in order_trace.spans} == {"python-api", "payment-service"}
    assert {span.scope for span in order_trace.spans} == {
        APP,
        HTTP_SERVER,
        DAPRD,
        WORKFLOW_ENGINE,
    }


def test_starting_the_workflow_joins_daprd_and_its_workflow_engine(order_trace: Trace) -> None:
    """request -> app client span `workflow start` -> daprd's StartInstance -> the
    engine's create/run orchestration spans -> one `activity||` span per activity."""
    request = order_trace.one("python-api", HTTP_SERVER, "POST /api/v1/orders")
    (start,) = order_trace.children(request, APP, "workflow start order_fulfillment")
    assert start.kind == "client"
    assert start.attributes["dapr.workflow.instance_id"]
    (api_call,) = order_trace.children(start, DAPRD, "/TaskHubSidecarService/StartInstance")
    (create,) = order_trace.children(
        api_call, WORKFLOW_ENGINE, "create_orchestration||order_fulfillment"
    )
    (run,) = order_trace.children(create, WORKFLOW_ENGINE, "orchestration||order_fulfillment")
    for activity in ("validate_order", "reserve_line", "charge_payment", "commit_line"):
        order_trace.children(run, WORKFLOW_ENGINE, f"activity||{activity}")
    (shipping,) = order_trace.children(run, WORKFLOW_ENGINE, "orchestration||shipping")
    order_trace.children(shipping, WORKFLOW_ENGINE, "activity||write_label")


def test_activities_continue_the_trace_and_their_actor_calls_reach_the_actor(
    order_trace: Trace,
) -> None:
    """Each activity (the child workflow's too) runs in an app span under `workflow
    start`; its actor call goes app client span -> daprd CallActor -> the app's server
    span of the actor route, carrying the same trace all the way."""
    start = order_trace.one("python-api", APP, "workflow start order_fulfillment")
    for activity in ACTIVITIES:
        order_trace.children(start, APP, f"activity {activity}")
    (validate,) = order_trace.children(start, APP, "activity validate_order")
    (create,) = order_trace.children(validate, APP, "actor OrderActor.Create")
    assert create.kind == "client"
    assert create.attributes["dapr.actor_method"] == "Create"
    (sidecar,) = order_trace.children(create, DAPRD, "CallActor/OrderActor/Create")
    route = "PUT /actors/{actor_type_name}/{actor_id}/method/{method_name}"
    (served,) = order_trace.children(sidecar, HTTP_SERVER, route)
    assert str(served.attributes["http.target"]).endswith("/method/Create")
    (reserve,) = order_trace.children(start, APP, "activity reserve_line")
    (reserve_call,) = order_trace.children(reserve, APP, "actor InventoryActor.Reserve")
    order_trace.children(reserve_call, DAPRD, "CallActor/InventoryActor/Reserve")


def test_the_payment_invocation_crosses_both_sidecars(order_trace: Trace) -> None:
    """charge_payment -> app client span (invoke) -> the app's daprd CallLocal (client)
    -> payment-service's daprd CallLocal (server) -> payment-service's server span of
    POST /charges. (The API key read before it is
    usually served from the secrets cache, so it has no span of its own.)"""
    start = order_trace.one("python-api", APP, "workflow start order_fulfillment")
    (charge,) = order_trace.children(start, APP, "activity charge_payment")
    (invoke,) = order_trace.children(charge, APP, "invoke payment-service/charges")
    assert invoke.kind == "client"
    assert invoke.attributes["dapr.app_id"] == "payment-service"
    assert invoke.attributes["http.response.status_code"] == 200
    (outbound,) = order_trace.children(invoke, DAPRD, "CallLocal/payment-service/charges")
    assert (outbound.service, outbound.kind) == ("python-api", "client")
    (inbound,) = order_trace.children(outbound, DAPRD, "CallLocal/payment-service/charges")
    assert (inbound.service, inbound.kind) == ("payment-service", "server")
    (served,) = order_trace.children(inbound, HTTP_SERVER, "POST /charges")
    assert served.service == "payment-service"
    assert served.attributes["http.status_code"] == 200


def test_the_published_event_carries_the_trace_to_its_subscriber(order_trace: Trace) -> None:
    """publish_completed's event reaches the app's own subscription in the same trace:
    app publish (PubSubManager) -> daprd publish -> daprd delivery -> the app's subscription
    route. PubSubManager sends the caller's traceparent (the envelope carries the same one),
    so daprd's span of the call is the activity's child, beside the client span."""
    start = order_trace.one("python-api", APP, "workflow start order_fulfillment")
    (announce,) = order_trace.children(start, APP, "activity publish_completed")
    (publish,) = order_trace.children(announce, APP, "publish")
    assert publish.attributes["dapr.topic"] == "order-outcomes"
    (api_call,) = order_trace.children(announce, DAPRD, "/v1.0/publish/pubsub/order-outcomes")
    (delivery,) = order_trace.children(api_call, DAPRD, "pubsub/order-outcomes")
    order_trace.children(delivery, HTTP_SERVER, "POST /events/pubsub/order-outcomes")
