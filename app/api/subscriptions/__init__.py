"""Topic subscriptions served on /dapr/subscribe. Bootstrap mounts exactly this list."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from app.api.subscriptions.restocks import on_restock_requested


@dataclass(frozen=True)
class Subscription:
    topic: str
    route: str
    handler: Callable[..., Awaitable[Any]]
    dead_letter_topic: str | None = None


SUBSCRIPTIONS: list[Subscription] = [
    Subscription(
        topic="restocks",
        route="/events/restocks",
        handler=on_restock_requested,
        dead_letter_topic="restocks-deadletter",
    ),
]
