"""Properties 10 and 12: what a handler answers decides what daprd does with the event.

Deliveries cross the probe's real daprd with the local profile's pubsub.in-memory and
Resiliency. Measured there (not assumed): a RETRY (or an exception, or any non-2xx) is
redelivered 1 s later by the inbound `pubsubRetry` policy (constant 1 s, maxRetries 3),
so 4 deliveries in about 3 s; then daprd sends the event to the dead-letter topic if the
subscription has one, and otherwise hands the error back to pubsub.in-memory, which
starts over 100 ms later (up to 10 rounds). SUCCESS and DROP end the event's deliveries.

pubsub.in-memory hands a topic's messages to daprd one at a time, retries included
(components-contrib `pubsub/in-memory`: a transactional event bus), so once a sentinel
published after an event has been delivered, that event has had every delivery it will
get: "not redelivered" is checked without waiting for a timeout. Each lane is its own
topic, so the events of one example are retried side by side.
"""

import re
import uuid
from functools import partial
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.building_blocks.cloudevents import from_dict
from devstack.runtime import PROJECT_ROOT
from tests.properties.strategies import json_values
from tests.support.probe import Probe, wait_until
from tests.support.probe_app import DEAD_LETTER_TOPIC, FAILING_TOPICS, SCRIPTED_TOPICS
from tests.support.sidecar_clients import Publisher


def _inbound_attempts() -> int:
    """Deliveries daprd makes before giving up: 1 + `pubsubRetry.maxRetries` in the profile."""
    resiliency = (PROJECT_ROOT / "dapr" / "config" / "local" / "resiliency.yaml").read_text()
    policy = re.search(r"pubsubRetry:\n(?:\s+\w+: .*\n)*?\s+maxRetries: (\d+)", resiliency)
    assert policy, "pubsubRetry.maxRetries not found in dapr/config/local/resiliency.yaml"
    return 1 + int(policy.group(1))


INBOUND_ATTEMPTS = _inbound_attempts()
FAILURES = st.sampled_from(["RETRY", "RAISE"])

# A script: some failed deliveries, then SUCCESS or DROP. At most 2 failures keeps each
# within daprd's inbound retries and an example at about 2 s.
scripts = st.tuples(st.lists(FAILURES, max_size=2), st.sampled_from(["SUCCESS", "DROP"])).map(
    lambda script: [*script[0], script[1]]
)


def _after_sentinel(probe: Probe, publisher: Publisher, topic: str) -> None:
    sentinel = publisher.publish(topic, {"outcomes": ["SUCCESS"]})
    wait_until(lambda: bool(probe.deliveries_of(topic, sentinel)), 60, f"sentinel on {topic}")


def _dead_lettered(probe: Probe, event_id: str) -> bool:
    return bool(probe.deliveries_of(DEAD_LETTER_TOPIC, event_id))


def _outcomes(probe: Probe, topic: str, event_id: str) -> list[str]:
    return [str(seen["outcome"]) for seen in probe.deliveries_of(topic, event_id)]


# One example costs as many seconds as its longest script has failures (daprd's 1 s
# retry interval), so 15 examples (up to 60 scripts) instead of 100.
@settings(max_examples=15, deadline=None)
@given(st.lists(scripts, min_size=1, max_size=len(SCRIPTED_TOPICS)))
def test_handler_status_decides_redelivery(
    probe: Probe, publisher: Publisher, lane_scripts: list[list[str]]
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 10: Pub/Sub Message Status Codes**
    **Validates: Requirements 3.4**
    """
    # RETRY and exceptions are redelivered; SUCCESS and DROP are the last delivery.
    lanes = SCRIPTED_TOPICS[: len(lane_scripts)]
    published = {
        lane: publisher.publish(lane, {"outcomes": script}, event_id=f"p10-{uuid.uuid4()}")
        for lane, script in zip(lanes, lane_scripts, strict=True)
    }
    for lane in lanes:
        _after_sentinel(probe, publisher, lane)
    for (lane, event_id), script in zip(published.items(), lane_scripts, strict=True):
        assert _outcomes(probe, lane, event_id) == script


# One example costs about 3 s: daprd delivers INBOUND_ATTEMPTS times, 1 s apart, before
# it dead-letters. Its lanes run side by side; 5 examples (up to 20 events) instead of 100.
@settings(max_examples=5, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(FAILURES, min_size=1, max_size=INBOUND_ATTEMPTS), json_values),
        min_size=1,
        max_size=len(FAILING_TOPICS),
    )
)
def test_failing_message_is_routed_to_the_dead_letter_topic(
    probe: Probe, publisher: Publisher, failing: list[tuple[list[str], Any]]
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 12: Dead Letter Queue Routing**
    **Validates: Requirements 3.6**
    """
    # A handler that fails on every delivery (its script's last failure repeats) is
    # tried INBOUND_ATTEMPTS times; then the event, unchanged, is on the dead-letter topic.
    lanes = FAILING_TOPICS[: len(failing)]
    published: dict[str, tuple[str, dict[str, Any]]] = {}
    for lane, (script, payload) in zip(lanes, failing, strict=True):
        data = {"outcomes": script, "payload": payload}
        published[lane] = (publisher.publish(lane, data, event_id=f"p12-{uuid.uuid4()}"), data)

    for lane, (event_id, data) in published.items():
        wait_until(
            partial(_dead_lettered, probe, event_id), 60, f"{event_id} on {DEAD_LETTER_TOPIC}"
        )
        _after_sentinel(probe, publisher, lane)
        (dead,) = probe.deliveries_of(DEAD_LETTER_TOPIC, event_id)
        dead_letter = from_dict(dead["event"])
        assert dead_letter.data == data
        assert dead_letter.extensions["topic"] == lane  # daprd forwards the envelope as is
        attempts = _outcomes(probe, lane, event_id)
        assert len(attempts) == INBOUND_ATTEMPTS
        assert set(attempts) <= {"RETRY", "RAISE"}
