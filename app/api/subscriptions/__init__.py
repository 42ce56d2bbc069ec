"""Topic subscriptions the app serves. Bootstrap hands exactly this list to the registry."""

from app.api.subscriptions.restocks import on_restock_requested
from app.api.subscriptions.spec import SubscriberDeps
from app.building_blocks.subscriptions import Subscription

SUBSCRIPTIONS: list[Subscription[SubscriberDeps]] = [
    Subscription(
        topic="restocks",
        route="/events/restocks",
        handler=on_restock_requested,
        dead_letter_topic="restocks-deadletter",
    ),
]
