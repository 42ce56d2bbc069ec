"""Publishing and subscribing through the probe's real sidecar (pubsub.in-memory)."""

import json
import uuid

import httpx
import pytest

from app.building_blocks.errors import ComponentNotFoundError
from tests.support.probe import Probe, wait_until
from tests.support.probe_app import ECHO_TOPIC, SCRIPTED_TOPICS
from tests.support.sidecar_clients import Publisher

LANE = SCRIPTED_TOPICS[0]


def _after_sentinel(probe: Probe, publisher: Publisher, topic: str) -> None:
    """Return once a sentinel published now was delivered on `topic`.

    pubsub.in-memory hands a topic's messages to daprd one at a time and retries inside
    that hand-off, so once the sentinel arrived, every earlier message on the topic has
    had all the deliveries it will ever get.
    """
    sentinel = publisher.publish(topic, {"outcomes": ["SUCCESS"]})
    wait_until(lambda: bool(probe.deliveries_of(topic, sentinel)), 30, f"sentinel on {topic}")


def test_unknown_pubsub_is_component_not_found(publisher: Publisher) -> None:
    """daprd's 404 for a pub/sub it has not loaded is ComponentNotFoundError, single or bulk."""
    with pytest.raises(ComponentNotFoundError):
        publisher.publish("orders", {"n": 1}, pubsub="no-such-pubsub")
    with pytest.raises(ComponentNotFoundError):
        publisher.publish_bulk("orders", [{"n": 1}], pubsub="no-such-pubsub")


def test_redelivered_event_id_is_handled_once(probe: Probe, publisher: Publisher) -> None:
    """The same event id published twice runs the handler once: the second is skipped."""
    event_id = f"dup-{uuid.uuid4()}"
    publisher.publish(ECHO_TOPIC, {"copy": 1}, event_id=event_id)
    publisher.publish(ECHO_TOPIC, {"copy": 2}, event_id=event_id)
    _after_sentinel(probe, publisher, ECHO_TOPIC)
    (delivery,) = probe.deliveries_of(ECHO_TOPIC, event_id)
    assert delivery["event"]["data"] == {"copy": 1}


def _ingress(probe: Probe, topic: str, process_status: str) -> float:
    """daprd's count of deliveries on `topic` it concluded with `process_status`."""
    metrics = httpx.get(f"http://127.0.0.1:{probe.ports.dapr_metrics}/metrics", timeout=5).text
    total = 0.0
    for line in metrics.splitlines():
        if (
            line.startswith("dapr_component_pubsub_ingress_count{")
            and f'topic="{topic}"' in line
            and f'process_status="{process_status}"' in line
        ):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_malformed_envelope_is_dropped_and_never_retried(
    probe: Probe, publisher: Publisher
) -> None:
    """An envelope that is not CloudEvents 1.0 is answered DROP: daprd counts a drop, no retry."""
    drops, retries = _ingress(probe, LANE, "drop"), _ingress(probe, LANE, "retry")
    event_id = f"malformed-{uuid.uuid4()}"
    envelope = {"specversion": "0.3", "id": event_id, "source": "s", "type": "t", "data": {}}
    response = httpx.post(
        f"{probe.dapr_http_url}/v1.0/publish/pubsub/{LANE}",
        content=json.dumps(envelope),
        headers={"content-type": "application/cloudevents+json"},
    )
    assert response.status_code == 204
    _after_sentinel(probe, publisher, LANE)
    assert probe.deliveries_of(LANE, event_id) == []
    assert _ingress(probe, LANE, "drop") == drops + 1
    assert _ingress(probe, LANE, "retry") == retries
