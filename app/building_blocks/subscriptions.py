"""Topic subscriptions as data, served to daprd: GET /dapr/subscribe and one route each.

daprd reads /dapr/subscribe once it has connected to the app, then POSTs every event of a
subscribed topic to that subscription's route and acts on the answer (dapr/dapr
`pkg/runtime/subscription/publish.go`): HTTP 200 with {"status": "SUCCESS"} acknowledges,
"RETRY" redelivers under the inbound resiliency policy and, once that gives up, sends the
event to the dead-letter topic if one is set; "DROP" discards it (also to the dead-letter
topic, if set). Any other HTTP status except 404 is a retry too, so this module always
answers 200 and says which of the three it means:

- an envelope that is not a CloudEvent can never succeed: DROP, logged;
- a handler that raises: RETRY, logged with the traceback;
- an event id this subscription already handled: SUCCESS without running the handler;
- an event id this subscription is handling here right now: the answer of that handling,
  without running the handler twice at once. daprd retries a delivery whose answer took
  longer than the inbound timeout (5 s in the full profile) while the first is still
  running (a workflow start waiting out daprd's reminder store; two "started=" lines for
  one event id in the replica test's logs).

Handlers receive the event and the dependencies bootstrap activates the registry with.
Until then (the app is starting) every delivery is answered RETRY.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from fastapi import APIRouter, Request
from pydantic import BaseModel

from app.building_blocks.cloudevents import CloudEvent, MalformedEventError, from_json
from app.building_blocks.errors import InvalidRequestError
from app.building_blocks.processed_events import ProcessedEvents
from app.building_blocks.pubsub import check_name
from app.observability.metrics import PUBSUB_MESSAGES

logger = logging.getLogger(__name__)

D = TypeVar("D")


class TopicStatus(StrEnum):
    SUCCESS = "SUCCESS"
    RETRY = "RETRY"
    DROP = "DROP"


class TopicResponse(BaseModel):
    """What daprd expects back: SUCCESS acknowledges, RETRY redelivers, DROP discards."""

    status: TopicStatus


TopicHandler = Callable[[CloudEvent, D], Awaitable[TopicStatus]]


@dataclass(frozen=True)
class Subscription(Generic[D]):
    """One topic subscription. `pubsub=None` means the app's default pub/sub component."""

    topic: str
    handler: TopicHandler[D]
    dead_letter_topic: str | None = None
    route: str | None = None
    pubsub: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    deduplicate: bool = True


@dataclass(frozen=True)
class _Mounted(Generic[D]):
    """A subscription with its pub/sub and route resolved."""

    spec: Subscription[D]
    pubsub: str
    route: str

    @property
    def key(self) -> str:
        return f"{self.pubsub}/{self.spec.topic}"

    def declaration(self) -> dict[str, Any]:
        """This subscription as an entry of daprd's programmatic subscription list."""
        entry: dict[str, Any] = {
            "pubsubname": self.pubsub,
            "topic": self.spec.topic,
            "route": self.route,
            "metadata": dict(self.spec.metadata),
        }
        if self.spec.dead_letter_topic:
            entry["deadLetterTopic"] = self.spec.dead_letter_topic
        return entry


@dataclass(frozen=True)
class _Activation(Generic[D]):
    deps: D
    processed: ProcessedEvents | None
    # (subscription, event id) -> its handling in this process, while it runs.
    handling: dict[tuple[str, str], "asyncio.Future[TopicStatus]"] = field(default_factory=dict)


class SubscriptionRegistry(Generic[D]):
    """Mounts a fixed list of subscriptions; bootstrap activates it with their dependencies."""

    def __init__(self, subscriptions: Sequence[Subscription[D]], default_pubsub: str) -> None:
        mounted: list[_Mounted[D]] = []
        for spec in subscriptions:
            pubsub = spec.pubsub or default_pubsub
            _require_name("pubsub", pubsub)
            _require_name("topic", spec.topic)
            if spec.dead_letter_topic is not None:
                _require_name("dead-letter topic", spec.dead_letter_topic)
            route = spec.route or f"/events/{pubsub}/{spec.topic}"
            if not route.startswith("/"):
                raise ValueError(f"subscription route {route!r} must start with '/'")
            mounted.append(_Mounted(spec, pubsub, route))
        _require_unique("subscription", [m.key for m in mounted])
        _require_unique("subscription route", [m.route for m in mounted])
        self._mounted = mounted
        self._activation: _Activation[D] | None = None

    def activate(self, deps: D, processed: ProcessedEvents | None) -> None:
        """Start handling deliveries; without `processed`, redeliveries are not skipped."""
        self._activation = _Activation(deps, processed)

    def deactivate(self) -> None:
        self._activation = None

    def declarations(self) -> list[dict[str, Any]]:
        return [mounted.declaration() for mounted in self._mounted]

    def router(self) -> APIRouter:
        router = APIRouter(tags=["pubsub"])

        async def subscribe() -> list[dict[str, Any]]:
            """The topics this app subscribes to, read by daprd at start-up."""
            return self.declarations()

        router.add_api_route("/dapr/subscribe", subscribe, methods=["GET"])
        for mounted in self._mounted:
            router.add_api_route(
                mounted.route,
                self._endpoint(mounted),
                methods=["POST"],
                response_model=TopicResponse,
                name=f"deliver {mounted.key}",
                summary=f"Deliveries of topic `{mounted.spec.topic}` on `{mounted.pubsub}`",
            )
        return router

    def _endpoint(self, mounted: _Mounted[D]) -> Callable[[Request], Awaitable[TopicResponse]]:
        async def deliver(request: Request) -> TopicResponse:
            return TopicResponse(status=await self._deliver(mounted, await request.body()))

        return deliver

    async def _deliver(self, mounted: _Mounted[D], body: bytes) -> TopicStatus:
        """Decide what daprd should do with one delivery of `body` to `mounted`; count it."""
        status, duplicate = await self._decide(mounted, body)
        outcome = "duplicate" if duplicate else status.lower()
        PUBSUB_MESSAGES.labels(mounted.pubsub, mounted.spec.topic, outcome).inc()
        return status

    async def _decide(self, mounted: _Mounted[D], body: bytes) -> tuple[TopicStatus, bool]:
        """daprd's answer to one delivery, and whether it was a skipped redelivery."""
        activation = self._activation
        if activation is None:
            logger.warning("%s: delivery before start-up finished; retry", mounted.key)
            return TopicStatus.RETRY, False
        try:
            event = from_json(body)
        except MalformedEventError as error:
            logger.warning(
                "%s: dropping a malformed event: %s %s", mounted.key, error, error.details
            )
            return TopicStatus.DROP, False
        processed = activation.processed if mounted.spec.deduplicate else None
        try:
            if processed is not None and await processed.seen(mounted.key, event.id):
                logger.info("%s: event %s was already handled; skipping", mounted.key, event.id)
                return TopicStatus.SUCCESS, True
        except Exception:
            logger.exception(
                "%s: cannot check whether %s was handled; retry", mounted.key, event.id
            )
            return TopicStatus.RETRY, False
        if processed is None:
            return await _run_handler(mounted, event, activation.deps), False
        key = (mounted.key, event.id)
        running = activation.handling.get(key)
        if running is not None:
            logger.info("%s: event %s is being handled here; awaiting it", mounted.key, event.id)
            return await asyncio.shield(running), True
        handling = asyncio.ensure_future(_handle(mounted, event, activation.deps, processed))
        activation.handling[key] = handling
        handling.add_done_callback(lambda _: activation.handling.pop(key, None))
        # Shielded: daprd giving up on this request must not cancel the work it started.
        return await asyncio.shield(handling), False


async def _handle(
    mounted: _Mounted[D], event: CloudEvent, deps: D, processed: ProcessedEvents
) -> TopicStatus:
    """Run the handler; remember the event id once it succeeded."""
    status = await _run_handler(mounted, event, deps)
    if status is TopicStatus.SUCCESS:
        try:
            await processed.remember(mounted.key, event.id)
        except Exception:
            # The work is done; asking for a retry would repeat it. Only the skip of a
            # later redelivery is lost.
            logger.exception("%s: handled %s but could not record it", mounted.key, event.id)
    return status


async def _run_handler(mounted: _Mounted[D], event: CloudEvent, deps: D) -> TopicStatus:
    try:
        status = await mounted.spec.handler(event, deps)
    except Exception:
        logger.exception("%s: handler failed on event %s; retry", mounted.key, event.id)
        return TopicStatus.RETRY
    try:
        return TopicStatus(status)
    except ValueError:
        logger.error("%s: handler returned %r, not a TopicStatus; retry", mounted.key, status)
        return TopicStatus.RETRY


def _require_name(kind: str, name: str) -> None:
    """A registration mistake is a programming error, found when the app is built."""
    try:
        check_name(kind, name)
    except InvalidRequestError as error:
        raise ValueError(f"subscription: {error}") from None


def _require_unique(what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} is registered twice")
        seen.add(value)
