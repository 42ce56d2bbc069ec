"""PubSubManager's checks and its reading of daprd's answers, with a fake sidecar client."""

import asyncio
import base64
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from app.building_blocks.client import DaprClientWrapper, DaprConfig
from app.building_blocks.errors import ComponentNotFoundError, DaprError, InvalidRequestError
from app.building_blocks.pubsub import PubSubManager


class FakeSidecar(DaprClientWrapper):
    """Records each HTTP call and answers with a canned response."""

    def __init__(self, answer: httpx.Response | None = None) -> None:
        super().__init__(DaprConfig())
        self.answer = answer or httpx.Response(204)
        self.calls: list[dict[str, Any]] = []

    async def http_call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        content: bytes | None = None,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout_s: float | None = None,
        **context: Any,
    ) -> httpx.Response:
        self.calls.append(
            {"path": path, "content": content, "json": json, "params": params, "headers": headers}
        )
        return self.answer


def _manager(sidecar: FakeSidecar) -> PubSubManager:
    return PubSubManager(sidecar, "tests", max_event_bytes=2048, max_request_bytes=8192)


@pytest.mark.parametrize(
    ("pubsub", "topic", "data", "event_type"),
    [
        ("", "orders", {}, "t"),
        ("pubsub", "", {}, "t"),
        ("pubsub", "   ", {}, "t"),
        ("pubsub", "orders?x=1", {}, "t"),
        ("pub sub", "orders", {}, "t"),
        ("pubsub", "orders", {1, 2}, "t"),
        ("pubsub", "orders", {"price": float("inf")}, "t"),
        ("pubsub", "orders", "x" * 4096, "t"),
        ("pubsub", "orders", {}, ""),
    ],
)
def test_bad_input_is_refused_and_nothing_is_sent(
    pubsub: str, topic: str, data: Any, event_type: str
) -> None:
    """Empty or unusable names, non-JSON data, oversize events: InvalidRequestError, no call."""
    sidecar = FakeSidecar()
    with pytest.raises(InvalidRequestError):
        asyncio.run(_manager(sidecar).publish(pubsub, topic, data, event_type=event_type))
    with pytest.raises(InvalidRequestError):
        asyncio.run(_manager(sidecar).publish_bulk(pubsub, topic, [data], event_type=event_type))
    assert sidecar.calls == []


def test_bulk_batch_over_the_request_limit_is_refused_whole() -> None:
    """Events each under the limit but together over the request limit send nothing."""
    sidecar = FakeSidecar()
    with pytest.raises(InvalidRequestError, match="request limit"):
        asyncio.run(_manager(sidecar).publish_bulk("pubsub", "t", ["x" * 1500] * 8, event_type="t"))
    assert sidecar.calls == []


def test_publish_sends_our_envelope_as_cloudevents_json() -> None:
    """One POST with our envelope, its trace context, and metadata as query parameters."""
    sidecar = FakeSidecar()
    event_id = asyncio.run(
        _manager(sidecar).publish(
            "pubsub", "orders", {"n": 1}, event_type="order.placed", metadata={"ttlInSeconds": "9"}
        )
    )
    (call,) = sidecar.calls
    envelope = json.loads(call["content"])
    assert call["path"] == "/v1.0/publish/pubsub/orders"
    assert call["headers"]["content-type"] == "application/cloudevents+json"
    assert call["params"] == {"metadata.ttlInSeconds": "9"}
    assert envelope["id"] == event_id
    assert (envelope["type"], envelope["source"], envelope["data"]) == (
        "order.placed",
        "tests",
        {"n": 1},
    )
    assert envelope["traceparent"] == call["headers"]["traceparent"]


def test_bulk_partial_failure_names_the_refused_entries() -> None:
    """daprd's 500 with failedEntries is a result naming them, not an exception."""

    class RefusesSecondEntry(FakeSidecar):
        async def http_call(self, *args: Any, **kwargs: Any) -> httpx.Response:
            await super().http_call(*args, **kwargs)
            refused = json.loads(kwargs["content"])[1]["entryId"]
            failed = [{"entryId": refused, "error": "broker full"}]
            return httpx.Response(500, json={"failedEntries": failed, "errorCode": "X"})

    result = asyncio.run(
        _manager(RefusesSecondEntry()).publish_bulk("pubsub", "t", [1, 2, 3], event_type="t")
    )
    assert result.failed == {result.event_ids[1]: "broker full"}
    assert result.published == (result.event_ids[0], result.event_ids[2])


def test_bulk_sends_each_envelope_as_raw_bytes_under_its_event_id() -> None:
    """Entries carry our envelope base64-encoded as a raw payload, so daprd cannot re-encode
    its numbers; entryId is the event id; 204 means all were accepted."""
    sidecar = FakeSidecar()
    result = asyncio.run(
        _manager(sidecar).publish_bulk("pubsub", "t", [1.0, b"b"], event_type="order.placed")
    )
    (call,) = sidecar.calls
    entries = json.loads(call["content"])
    envelopes = [json.loads(base64.b64decode(entry["event"])) for entry in entries]
    assert call["path"] == "/v1.0-alpha1/publish/bulk/pubsub/t"
    assert call["params"] == {"metadata.rawPayload": "true"}
    assert [entry["entryId"] for entry in entries] == list(result.event_ids)
    assert [envelope["id"] for envelope in envelopes] == list(result.event_ids)
    assert {entry["contentType"] for entry in entries} == {"application/octet-stream"}
    assert base64.b64decode(entries[0]["event"]).count(b'"data":1.0') == 1
    assert envelopes[1]["data_base64"] == "Yg=="
    assert result.failed == {}
    assert result.published == result.event_ids


def test_bulk_ttl_becomes_the_envelope_expiration() -> None:
    """With a raw payload daprd adds no `expiration`, so ttlInSeconds is turned into one."""
    sidecar = FakeSidecar()
    asyncio.run(
        _manager(sidecar).publish_bulk(
            "pubsub", "t", [1], event_type="t", metadata={"ttlInSeconds": "60"}
        )
    )
    (entry,) = json.loads(sidecar.calls[0]["content"])
    expiration = json.loads(base64.b64decode(entry["event"]))["expiration"]
    assert datetime.fromisoformat(expiration) > datetime.now(UTC)
    assert sidecar.calls[0]["params"]["metadata.ttlInSeconds"] == "60"


def test_bulk_without_failed_entries_raises_by_status() -> None:
    """An error answer without failedEntries (unknown pub/sub) raises the translated error."""
    answer = httpx.Response(
        404, json={"errorCode": "ERR_PUBSUB_NOT_FOUND", "message": "pubsub nope is not found"}
    )
    with pytest.raises(ComponentNotFoundError):
        asyncio.run(_manager(FakeSidecar(answer)).publish_bulk("nope", "t", [1], event_type="t"))
    with pytest.raises(DaprError):
        asyncio.run(_manager(FakeSidecar(httpx.Response(500))).publish("p", "t", 1, event_type="t"))
