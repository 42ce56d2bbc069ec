"""PubSubManager: publish our own CloudEvents, one at a time or in bulk.

Both go through the sidecar's HTTP API (`http_call`): the 1.14 SDK has no bulk publish,
and over HTTP daprd receives our `traceparent` header, so its producer span joins the
caller's trace. For a single event daprd keeps our envelope (id, type, source, time,
data, tracestate) and sets `traceparent` to that producer span, a child in the same
trace, because the envelope carries no legacy `traceid` (components-contrib
`pubsub/envelope.go`, FromCloudEvent). Bulk entries go as raw payloads (see
`publish_bulk`), so they keep our `traceparent` as it is.

Input is checked before anything is sent: an empty or unusable pub/sub or topic name,
data that is not JSON (or bytes), or an envelope over the size limit is an
InvalidRequestError and nothing is published. An unknown pub/sub is daprd's answer
(404 ERR_PUBSUB_NOT_FOUND), raised as ComponentNotFoundError.
"""

import base64
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel

from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.cloudevents import (
    BINARY_CONTENT_TYPE,
    CLOUDEVENTS_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    CloudEvent,
    to_json,
)
from app.building_blocks.errors import InvalidRequestError, raise_for_sidecar_status
from app.observability.tracing import outbound_headers

# Names end up as URL path segments on the sidecar's API; these would change the URL.
_UNUSABLE_IN_NAMES = re.compile(r"[\s?#%]|[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class BulkPublishResult:
    """Event ids in the order given, and the ones the broker refused, with daprd's reason."""

    event_ids: tuple[str, ...]
    failed: Mapping[str, str] = field(default_factory=dict)

    @property
    def published(self) -> tuple[str, ...]:
        return tuple(event_id for event_id in self.event_ids if event_id not in self.failed)


def check_name(kind: str, name: str) -> None:
    """A pub/sub or topic name must be non-empty and safe as a URL path segment."""
    if not name or not name.strip():
        raise InvalidRequestError(f"{kind} name must not be empty", {kind: name})
    if _UNUSABLE_IN_NAMES.search(name):
        raise InvalidRequestError(
            f"{kind} name must not contain whitespace, control characters, '?', '#' or '%'",
            {kind: name},
        )


def _as_event_data(data: Any) -> Any:
    return data.model_dump(mode="json") if isinstance(data, BaseModel) else data


def _query(metadata: Mapping[str, str] | None) -> dict[str, str]:
    """Publish metadata travels as `metadata.<key>` query parameters (e.g. ttlInSeconds)."""
    return {f"metadata.{key}": value for key, value in (metadata or {}).items()}


class PubSubManager:
    """Publishes CloudEvents with this app as `source`."""

    def __init__(
        self,
        client: DaprClientWrapper,
        source: str,
        max_event_bytes: int,
        max_request_bytes: int,
    ) -> None:
        self._client = client
        self._source = source
        self._max_event_bytes = max_event_bytes
        self._max_request_bytes = max_request_bytes

    def build_event(
        self,
        data: Any,
        *,
        event_type: str,
        event_id: str | None = None,
        trace: Mapping[str, str] | None = None,
    ) -> CloudEvent:
        """The envelope for `data`: a new id unless given, the current time and trace."""
        data = _as_event_data(data)
        trace = trace or outbound_headers()
        if not event_type or not event_type.strip():
            raise InvalidRequestError("event_type must not be empty", {})
        if event_id is not None and not event_id.strip():
            raise InvalidRequestError("event_id must not be blank", {})
        return CloudEvent(
            type=event_type,
            source=self._source,
            id=event_id or str(uuid.uuid4()),
            time=datetime.now(UTC),
            datacontenttype=BINARY_CONTENT_TYPE if isinstance(data, bytes) else JSON_CONTENT_TYPE,
            data=data,
            traceparent=trace.get("traceparent"),
            tracestate=trace.get("tracestate"),
        )

    def _encoded(self, event: CloudEvent) -> bytes:
        body = to_json(event)
        if len(body) > self._max_event_bytes:
            raise InvalidRequestError(
                f"event of {len(body)} bytes exceeds the limit of {self._max_event_bytes}",
                {"event_id": event.id, "bytes": len(body)},
            )
        return body

    async def publish(
        self,
        pubsub: str,
        topic: str,
        data: Any,
        *,
        event_type: str,
        event_id: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> str:
        """Publish one event; returns its id (the one given, or a new one)."""
        check_name("pubsub", pubsub)
        check_name("topic", topic)
        trace = outbound_headers()  # once: the envelope and the request carry the same trace
        event = self.build_event(data, event_type=event_type, event_id=event_id, trace=trace)
        body = self._encoded(event)
        context: dict[str, Any] = {"pubsub": pubsub, "topic": topic, "event_id": event.id}
        response = await self._client.http_call(
            "publish",
            "POST",
            f"/v1.0/publish/{quote(pubsub, safe='')}/{quote(topic, safe='/')}",
            content=body,
            params=_query(metadata),
            headers={**trace, "content-type": CLOUDEVENTS_CONTENT_TYPE},
            **context,
        )
        raise_for_sidecar_status(response, "publish", **context)
        return event.id

    async def publish_bulk(
        self,
        pubsub: str,
        topic: str,
        messages: Sequence[Any],
        *,
        event_type: str,
        metadata: Mapping[str, str] | None = None,
    ) -> BulkPublishResult:
        """Publish a batch in one request (alpha bulk API); each message is its own event.

        The broker may accept some entries and refuse others: the result names the
        refused ones. A batch that cannot be sent at all raises.

        Each entry is our envelope's bytes, sent as a raw payload. daprd's HTTP bulk API
        decodes a JSON `event` into Go values and encodes it again, which turns 1.0 into 1
        and rounds integers past 2**53 (measured: 6.008869751557513e+16 arrived as
        60088697515575130); bytes pass through unchanged. Subscribers still receive a
        CloudEvent: ours. daprd then adds nothing to it (no `topic`, no producer span,
        no `expiration`), so a `ttlInSeconds` is turned into `expiration` here.
        """
        check_name("pubsub", pubsub)
        check_name("topic", topic)
        if not messages:
            return BulkPublishResult(event_ids=())
        trace = outbound_headers()
        expiration = _expiration(metadata)
        entries = []
        for data in messages:
            event = self.build_event(data, event_type=event_type, trace=trace)
            if expiration is not None:
                extensions = {**event.extensions, "expiration": expiration}
                event = event.model_copy(update={"extensions": extensions})
            entries.append(
                {
                    "entryId": event.id,
                    "event": base64.b64encode(self._encoded(event)).decode("ascii"),
                    "contentType": BINARY_CONTENT_TYPE,
                }
            )
        body = json.dumps(entries).encode()
        context: dict[str, Any] = {"pubsub": pubsub, "topic": topic, "messages": len(entries)}
        if len(body) > self._max_request_bytes:
            raise InvalidRequestError(
                f"batch of {len(body)} bytes exceeds the request limit of "
                f"{self._max_request_bytes}",
                context,
            )
        response = await self._client.http_call(
            "bulk publish",
            "POST",
            f"/v1.0-alpha1/publish/bulk/{quote(pubsub, safe='')}/{quote(topic, safe='/')}",
            content=body,
            params=_query({**(metadata or {}), "rawPayload": "true"}),
            headers={**trace, "content-type": JSON_CONTENT_TYPE},
            **context,
        )
        event_ids = tuple(str(entry["entryId"]) for entry in entries)
        if not response.is_success:
            failed = _failed_entries(response.content)
            if failed:
                return BulkPublishResult(event_ids=event_ids, failed=failed)
            raise_for_sidecar_status(response, "bulk publish", **context)
        return BulkPublishResult(event_ids=event_ids)


def _expiration(metadata: Mapping[str, str] | None) -> str | None:
    """What daprd would write for `ttlInSeconds`: the RFC 3339 instant the event expires."""
    ttl = (metadata or {}).get("ttlInSeconds")
    if ttl is None:
        return None
    try:
        seconds = int(ttl)
    except ValueError:
        raise InvalidRequestError(
            "ttlInSeconds must be an integer", {"ttlInSeconds": ttl}
        ) from None
    return (datetime.now(UTC) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _failed_entries(body: bytes) -> dict[str, str] | None:
    """daprd's partial-failure answer: {"failedEntries": [{"entryId", "error"}], ...}."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if not isinstance(answer, dict) or not isinstance(answer.get("failedEntries"), list):
        return None
    return {
        str(entry.get("entryId", "")): str(entry.get("error", ""))
        for entry in answer["failedEntries"]
        if isinstance(entry, dict)
    }
