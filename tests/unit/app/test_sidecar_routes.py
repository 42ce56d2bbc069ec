"""What the composed app tells daprd before its lifespan has started anything."""

from app.main import create_app
from app.settings import Settings
from tests.support.asgi import AsgiClient


def test_app_declares_restocks_with_its_dead_letter_topic() -> None:
    """/dapr/subscribe lists the registry's subscriptions on the configured pub/sub."""
    client = AsgiClient(create_app(Settings(pubsub_name="orders-bus")))
    assert client.get("/dapr/subscribe").json()[0] == {
        "pubsubname": "orders-bus",
        "topic": "restocks",
        "route": "/events/restocks",
        "metadata": {},
        "deadLetterTopic": "restocks-deadletter",
    }


def test_app_declares_orders_with_its_dead_letter_topic_and_no_payments() -> None:
    """`orders` names its dead-letter topic, which is subscribed too; no `payments` topic
    (the workflow waits for no payment event)."""
    client = AsgiClient(create_app(Settings(pubsub_name="orders-bus")))
    declared = {d["topic"]: d for d in client.get("/dapr/subscribe").json()}
    assert declared["orders"]["deadLetterTopic"] == "orders-deadletter"
    assert "deadLetterTopic" not in declared["orders-deadletter"]
    assert not {"payments", "payments-deadletter"} & declared.keys()
    assert {d["pubsubname"] for d in declared.values()} == {"orders-bus"}


def test_deliveries_before_start_up_are_handed_back_for_retry() -> None:
    """Until the lifespan activates the registry, a delivery is answered RETRY."""
    client = AsgiClient(create_app(Settings()))
    response = client.post(
        "/events/restocks",
        json={"specversion": "1.0", "id": "e-1", "source": "s", "type": "t", "data": {}},
    )
    assert response.json() == {"status": "RETRY"}


def test_the_inventory_audit_binding_is_served() -> None:
    """daprd's OPTIONS probe finds the inventory-audit route, so the cron runs."""
    client = AsgiClient(create_app(Settings()))
    assert client.options("/inventory-audit").status_code == 204
