"""A test-only subscriber app, built from the app's own subscription and binding registries.

It runs as its own process behind its own daprd (see `tests/support/probe.py`), so topic
handlers whose behaviour a test chooses never enter the production app, and deliveries
cross a real sidecar. Its handlers record every delivery in memory; tests read them back
over HTTP (GET /probe/deliveries/{topic}, GET /probe/ticks).

The `probe-scripted-<n>` and `probe-failing-<n>` lanes follow a script carried in the
event itself: `data["outcomes"]` lists what to answer on the 1st, 2nd, ... delivery of that
event id ("SUCCESS", "RETRY", "DROP", or "RAISE" to raise), and the last entry repeats.
The failing lanes send what daprd gives up on to `probe-dead-letters`. There are several
lanes because pubsub.in-memory delivers one topic's messages one at a time, retries
included: events on different lanes are retried side by side.
"""

from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import FastAPI, Query

from app.bootstrap import configure_sdk, dapr_config
from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.cloudevents import CloudEvent, to_dict
from app.building_blocks.health import HealthChecker
from app.building_blocks.input_bindings import BindingEvent, InputBinding, InputBindingRegistry
from app.building_blocks.processed_events import ProcessedEvents
from app.building_blocks.state import StateManager
from app.building_blocks.subscriptions import (
    Subscription,
    SubscriptionRegistry,
    TopicHandler,
    TopicStatus,
)
from app.settings import Settings

LANES = 4
ECHO_TOPIC = "probe-echo"
SCRIPTED_TOPICS = [f"probe-scripted-{lane}" for lane in range(LANES)]
FAILING_TOPICS = [f"probe-failing-{lane}" for lane in range(LANES)]
DEAD_LETTER_TOPIC = "probe-dead-letters"
BULK_TOPIC = "probe-bulk"
TICKS_BINDING = "probe-ticks"


class Recorder:
    """Every delivery per topic, in arrival order, and every input-binding event."""

    def __init__(self) -> None:
        self.deliveries: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self.ticks: list[dict[str, Any]] = []

    def attempts(self, topic: str, event_id: str) -> int:
        return sum(1 for seen in self.deliveries[topic] if seen["event"]["id"] == event_id)

    def record(self, topic: str, event: CloudEvent, outcome: str) -> None:
        self.deliveries[topic].append(
            {"event": to_dict(event), "outcome": outcome, "at": datetime.now(UTC).isoformat()}
        )


def _recording(topic: str) -> TopicHandler[Recorder]:
    async def handle(event: CloudEvent, recorder: Recorder) -> TopicStatus:
        recorder.record(topic, event, TopicStatus.SUCCESS)
        return TopicStatus.SUCCESS

    return handle


def _scripted(topic: str) -> TopicHandler[Recorder]:
    async def handle(event: CloudEvent, recorder: Recorder) -> TopicStatus:
        outcomes = event.data["outcomes"]
        outcome = outcomes[min(recorder.attempts(topic, event.id), len(outcomes) - 1)]
        recorder.record(topic, event, outcome)
        if outcome == "RAISE":
            raise RuntimeError(f"scripted failure of {event.id}")
        return TopicStatus(outcome)

    return handle


async def _on_tick(event: BindingEvent, recorder: Recorder) -> None:
    recorder.ticks.append({"metadata": dict(event.metadata), "at": datetime.now(UTC).isoformat()})


SUBSCRIPTIONS: list[Subscription[Recorder]] = [
    Subscription(topic=ECHO_TOPIC, handler=_recording(ECHO_TOPIC)),
    *(Subscription(topic=topic, handler=_scripted(topic)) for topic in SCRIPTED_TOPICS),
    *(
        Subscription(topic=topic, handler=_scripted(topic), dead_letter_topic=DEAD_LETTER_TOPIC)
        for topic in FAILING_TOPICS
    ),
    Subscription(topic=DEAD_LETTER_TOPIC, handler=_recording(DEAD_LETTER_TOPIC)),
    Subscription(topic=BULK_TOPIC, handler=_recording(BULK_TOPIC)),
]
INPUT_BINDINGS: list[InputBinding[Recorder]] = [InputBinding(TICKS_BINDING, _on_tick)]


def create_app() -> FastAPI:
    settings = Settings()
    recorder = Recorder()
    topics = SubscriptionRegistry(SUBSCRIPTIONS, default_pubsub=settings.pubsub_name)
    bindings = InputBindingRegistry(INPUT_BINDINGS)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_sdk(settings)
        async with DaprClientWrapper(dapr_config(settings)) as dapr:
            await HealthChecker(dapr.http).wait_for_sidecar(
                settings.sidecar_wait_timeout_s, settings.sidecar_poll_interval_s
            )
            state = StateManager(dapr, settings.statestore_name, settings.state_max_value_bytes)
            topics.activate(recorder, ProcessedEvents(state, settings.processed_event_ttl_s))
            bindings.activate(recorder)
            yield
            bindings.deactivate()
            topics.deactivate()

    app = FastAPI(title="pubsub-probe", lifespan=lifespan)
    app.include_router(topics.router())
    app.include_router(bindings.router())

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/probe/deliveries/{topic}")
    async def deliveries(
        topic: str, event_id: Annotated[list[str] | None, Query()] = None
    ) -> list[dict[str, Any]]:
        """Deliveries on `topic`: all, or those of the given event ids."""
        wanted = set(event_id or ())
        return [
            seen
            for seen in recorder.deliveries[topic]
            if not wanted or seen["event"]["id"] in wanted
        ]

    @app.get("/probe/ticks")
    async def ticks() -> list[dict[str, Any]]:
        return recorder.ticks

    return app
