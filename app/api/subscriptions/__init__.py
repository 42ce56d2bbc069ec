"""Topic subscriptions the app serves. Bootstrap hands exactly this list to the registry.

No `payments` topic: the workflow charges and refunds the provider itself (service
invocation) and waits for no payment event, so a subscriber could only have raised events
nothing reads (removed in issue 13).
"""

from app.api.subscriptions.dead_letters import keep_dead_letters
from app.api.subscriptions.order_outcomes import notify_customer
from app.api.subscriptions.orders import on_order_event
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
        topic="orders-deadletter", handler=keep_dead_letters("orders", "orders-deadletter")
    ),
    Subscription(
        topic="order-outcomes",
        handler=notify_customer,
        dead_letter_topic="order-outcomes-deadletter",
    ),
    Subscription(
        topic="order-outcomes-deadletter",
        handler=keep_dead_letters("order-outcomes", "order-outcomes-deadletter"),
    ),
]
