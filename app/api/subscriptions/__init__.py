"""Topic subscriptions the app serves. Bootstrap hands exactly this list to the registry."""

from app.api.subscriptions.dead_letters import keep_dead_letters
from app.api.subscriptions.orders import on_order_event
from app.api.subscriptions.payments import on_payment_event
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
    Subscription(topic="orders", handler=on_order_event, dead_letter_topic="orders-deadletter"),
    Subscription(
        topic="payments", handler=on_payment_event, dead_letter_topic="payments-deadletter"
    ),
    Subscription(
        topic="orders-deadletter", handler=keep_dead_letters("orders", "orders-deadletter")
    ),
    Subscription(
        topic="payments-deadletter", handler=keep_dead_letters("payments", "payments-deadletter")
    ),
]
