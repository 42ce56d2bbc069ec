"""Property 11: every message of a bulk publish is delivered, through the real sidecar."""

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from app.building_blocks.cloudevents import from_dict
from tests.properties.strategies import event_data
from tests.support.probe import Probe, wait_until
from tests.support.probe_app import BULK_TOPIC
from tests.support.sidecar_clients import Publisher


@given(st.lists(event_data, min_size=1, max_size=25))
def test_bulk_publish_delivers_every_message(
    probe: Probe, publisher: Publisher, messages: list[Any]
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 11: Bulk Publish Completeness**
    **Validates: Requirements 3.5**
    """
    # One request to daprd's bulk API; each message arrives once, as its own event.
    result = publisher.publish_bulk(BULK_TOPIC, messages)
    assert result.failed == {}
    assert len(set(result.event_ids)) == len(messages)

    def delivered() -> dict[str, Any]:
        return {
            seen["event"]["id"]: from_dict(seen["event"]).data
            for seen in probe.deliveries(BULK_TOPIC, *result.event_ids)
        }

    wait_until(lambda: len(delivered()) == len(messages), 10, "every message of the batch")
    assert delivered() == dict(zip(result.event_ids, messages, strict=True))
