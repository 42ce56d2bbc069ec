"""The subscription registry's routes and decisions, driven in-process through ASGI."""

import asyncio
import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.building_blocks.cloudevents import CloudEvent
from app.building_blocks.processed_events import ProcessedEvents
from app.building_blocks.subscriptions import Subscription, SubscriptionRegistry, TopicStatus
from tests.support.asgi import AsgiClient


class InMemoryProcessedEvents(ProcessedEvents):
    """Remembers handled ids in a set; can be told to fail like an unreachable store."""

    def __init__(self, failing: bool = False) -> None:
        self.handled: set[tuple[str, str]] = set()
        self.failing = failing

    async def seen(self, subscription: str, event_id: str) -> bool:
        if self.failing:
            raise RuntimeError("state store unreachable")
        return (subscription, event_id) in self.handled

    async def remember(self, subscription: str, event_id: str) -> None:
        self.handled.add((subscription, event_id))


class Calls:
    """Handler dependencies for these tests: what each handler was given."""

    def __init__(self) -> None:
        self.events: list[CloudEvent] = []


async def answer_from_data(event: CloudEvent, calls: Calls) -> TopicStatus:
    """Answers what the event's data says; "RAISE" raises, anything else is returned as is."""
    calls.events.append(event)
    if event.data == "RAISE":
        raise RuntimeError("handler failed")
    return event.data  # type: ignore[no-any-return]


SUBSCRIPTIONS = [
    Subscription(topic="orders", handler=answer_from_data, dead_letter_topic="orders-dead"),
    Subscription(topic="audit", handler=answer_from_data, route="/audit", pubsub="other"),
]


def _envelope(data: Any, event_id: str = "e-1") -> bytes:
    return json.dumps(
        {"specversion": "1.0", "id": event_id, "source": "s", "type": "t", "data": data}
    ).encode()


@pytest.fixture
def registry() -> SubscriptionRegistry[Calls]:
    return SubscriptionRegistry(SUBSCRIPTIONS, default_pubsub="pubsub")


@pytest.fixture
def client(registry: SubscriptionRegistry[Calls]) -> AsgiClient:
    app = FastAPI()
    app.include_router(registry.router())
    return AsgiClient(app)


def _deliver(client: AsgiClient, body: bytes, route: str = "/events/pubsub/orders") -> str:
    response = client.post(route, content=body)
    assert response.status_code == 200
    return str(response.json()["status"])


def test_subscribe_lists_each_subscription_with_its_dead_letter_topic(client: AsgiClient) -> None:
    """GET /dapr/subscribe is daprd's programmatic list; deadLetterTopic only where set."""
    assert client.get("/dapr/subscribe").json() == [
        {
            "pubsubname": "pubsub",
            "topic": "orders",
            "route": "/events/pubsub/orders",
            "metadata": {},
            "deadLetterTopic": "orders-dead",
        },
        {"pubsubname": "other", "topic": "audit", "route": "/audit", "metadata": {}},
    ]


@pytest.mark.parametrize("status", ["SUCCESS", "RETRY", "DROP"])
def test_handler_result_is_the_status_daprd_receives(
    registry: SubscriptionRegistry[Calls], client: AsgiClient, status: str
) -> None:
    """SUCCESS, RETRY and DROP reach daprd as HTTP 200 with that status."""
    registry.activate(Calls(), processed=None)
    assert _deliver(client, _envelope(status)) == status


def test_handler_exception_or_unknown_result_is_retry(
    registry: SubscriptionRegistry[Calls], client: AsgiClient
) -> None:
    """A handler that raises, or returns something else than a TopicStatus, asks for a retry."""
    registry.activate(Calls(), processed=None)
    assert _deliver(client, _envelope("RAISE")) == "RETRY"
    assert _deliver(client, _envelope("OK")) == "RETRY"


def test_malformed_envelope_is_dropped_without_calling_the_handler(
    registry: SubscriptionRegistry[Calls], client: AsgiClient
) -> None:
    """Bytes that are not a CloudEvent can never succeed: DROP, handler untouched."""
    calls = Calls()
    registry.activate(calls, processed=None)
    assert _deliver(client, b'{"specversion": "1.0", "data": "SUCCESS"}') == "DROP"
    assert _deliver(client, b"\xff not json") == "DROP"
    assert calls.events == []


def test_delivery_before_activation_is_retry(client: AsgiClient) -> None:
    """While the app is still starting, events are handed back for redelivery."""
    assert _deliver(client, _envelope("SUCCESS")) == "RETRY"


def test_handled_event_is_skipped_on_redelivery_per_subscription(
    registry: SubscriptionRegistry[Calls], client: AsgiClient
) -> None:
    """After SUCCESS an id is remembered per subscription; a redelivery skips the handler."""
    calls, processed = Calls(), InMemoryProcessedEvents()
    registry.activate(calls, processed)
    assert _deliver(client, _envelope("SUCCESS")) == "SUCCESS"
    assert _deliver(client, _envelope("SUCCESS")) == "SUCCESS"
    assert _deliver(client, _envelope("SUCCESS"), route="/audit") == "SUCCESS"
    assert len(calls.events) == 2
    assert processed.handled == {("pubsub/orders", "e-1"), ("other/audit", "e-1")}


def test_retried_or_dropped_event_is_not_remembered(
    registry: SubscriptionRegistry[Calls], client: AsgiClient
) -> None:
    """Only success is recorded: a retried event runs its handler again."""
    calls, processed = Calls(), InMemoryProcessedEvents()
    registry.activate(calls, processed)
    assert _deliver(client, _envelope("RETRY")) == "RETRY"
    assert _deliver(client, _envelope("DROP", event_id="e-2")) == "DROP"
    assert processed.handled == set()


def test_unreachable_store_means_retry_before_running_the_handler(
    registry: SubscriptionRegistry[Calls], client: AsgiClient
) -> None:
    """If the handled-ids store cannot answer, the handler does not run and daprd retries."""
    calls = Calls()
    registry.activate(calls, InMemoryProcessedEvents(failing=True))
    assert _deliver(client, _envelope("SUCCESS")) == "RETRY"
    assert calls.events == []


async def _held_until_released(event: CloudEvent, calls: "HeldCalls") -> TopicStatus:
    calls.events.append(event)
    await calls.release.wait()
    return TopicStatus.SUCCESS


class HeldCalls(Calls):
    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()


def test_a_redelivery_while_the_first_is_running_awaits_it_instead_of_running_again() -> None:
    """daprd retries a delivery it gave up waiting for while the app still handles the
    first: the retry answers the first's outcome, and the handler runs once."""
    registry = SubscriptionRegistry(
        [Subscription(topic="orders", handler=_held_until_released)], default_pubsub="pubsub"
    )
    app = FastAPI()
    app.include_router(registry.router())
    calls, processed = HeldCalls(), InMemoryProcessedEvents()
    registry.activate(calls, processed)

    async def two_deliveries() -> list[str]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            body = _envelope(None)
            first = asyncio.create_task(client.post("/events/pubsub/orders", content=body))
            await asyncio.sleep(0.05)
            retry = asyncio.create_task(client.post("/events/pubsub/orders", content=body))
            await asyncio.sleep(0.05)
            calls.release.set()
            return [(await answer).json()["status"] for answer in (first, retry)]

    assert asyncio.run(two_deliveries()) == ["SUCCESS", "SUCCESS"]
    assert len(calls.events) == 1
    assert processed.handled == {("pubsub/orders", "e-1")}


@pytest.mark.parametrize(
    "subscriptions",
    [
        [Subscription(topic="a", handler=answer_from_data)] * 2,
        [
            Subscription(topic="a", handler=answer_from_data, route="/same"),
            Subscription(topic="b", handler=answer_from_data, route="/same"),
        ],
        [Subscription(topic="", handler=answer_from_data)],
        [Subscription(topic="a", handler=answer_from_data, route="no-slash")],
    ],
)
def test_inconsistent_registrations_are_refused(subscriptions: list[Subscription[Calls]]) -> None:
    """A topic or route registered twice, an empty topic or a relative route fail at start."""
    with pytest.raises(ValueError, match=r"twice|empty|start with"):
        SubscriptionRegistry(subscriptions, default_pubsub="pubsub")
