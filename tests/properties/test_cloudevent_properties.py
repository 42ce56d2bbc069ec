"""Property 1: a CloudEvent survives serialisation, and publication through the sidecar."""

import uuid
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from app.building_blocks.cloudevents import (
    BINARY_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    CloudEvent,
    from_dict,
    from_json,
    to_json,
)
from app.observability.tracing import context_from_headers
from tests.properties.strategies import cloud_events, event_data, non_blank_text
from tests.support.probe import Probe, wait_until
from tests.support.probe_app import ECHO_TOPIC
from tests.support.sidecar_clients import TEST_SOURCE, Publisher


@given(cloud_events)
def test_cloudevent_serialization_round_trip(event: CloudEvent) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 1: CloudEvents Serialization Round-Trip**
    **Validates: Requirements 1.3, 3.1, 3.3**
    """
    assert from_json(to_json(event)) == event


@given(data=event_data, event_type=non_blank_text, id_suffix=st.text(max_size=20))
def test_cloudevent_round_trip_through_the_sidecar(
    probe: Probe, publisher: Publisher, data: Any, event_type: str, id_suffix: str
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 1: CloudEvents Serialization Round-Trip**
    **Validates: Requirements 1.3, 3.1, 3.3**
    """
    # Published by PubSubManager, delivered by daprd to the probe's subscription and
    # parsed there by the registry: the subscriber sees what was published.
    event_id = f"p1-{uuid.uuid4().hex}-{id_suffix}"  # unique: a repeated id is skipped
    trace = context_from_headers({})  # as if published while serving a request
    before = datetime.now(UTC)
    publisher.publish(ECHO_TOPIC, data, event_type=event_type, event_id=event_id, trace=trace)
    wait_until(lambda: bool(probe.deliveries_of(ECHO_TOPIC, event_id)), 10, "the delivery")
    (delivery,) = probe.deliveries_of(ECHO_TOPIC, event_id)
    received = from_dict(delivery["event"])

    assert received.id == event_id
    assert received.type == event_type
    assert received.source == TEST_SOURCE
    assert received.data == data
    assert type(received.data) is type(data)
    expected_type = BINARY_CONTENT_TYPE if isinstance(data, bytes) else JSON_CONTENT_TYPE
    assert received.datacontenttype == expected_type
    assert received.time is not None
    assert before <= received.time <= datetime.now(UTC)
    # daprd sets traceparent to its own producer span, a child in the publisher's trace.
    assert received.traceparent is not None
    assert received.traceparent.split("-")[1] == trace.trace_id
    assert received.tracestate == trace.tracestate
    assert received.extensions["topic"] == ECHO_TOPIC
    assert received.extensions["pubsubname"] == publisher.pubsub
