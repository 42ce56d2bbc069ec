"""Publishing our own CloudEvents on `orders` and reading the dead letters."""

import json
import time
import uuid
from typing import Any

import httpx
from dapr.clients import DaprClient


def publish(
    dapr: DaprClient, topic: str, event_type: str, data: Any, event_id: str | None = None
) -> str:
    """Publish one CloudEvent with a known id; returns the id."""
    event_id = event_id or str(uuid.uuid4())
    envelope = {
        "specversion": "1.0",
        "id": event_id,
        "source": "tests",
        "type": event_type,
        "datacontenttype": "application/json",
        "data": data,
    }
    dapr.publish_event(
        "pubsub", topic, json.dumps(envelope), data_content_type="application/cloudevents+json"
    )
    return event_id


def order_body(order_id: str, sku: str, quantity: int = 1, price: str = "10.00") -> dict[str, Any]:
    lines = [{"sku": sku, "quantity": quantity, "unit_price": price}]
    return {"order_id": order_id, "customer_id": "c-1", "lines": lines}


def dead_letters(api: httpx.Client, topic: str | None = None, limit: int = 500) -> list[Any]:
    params: dict[str, Any] = {"limit": limit}
    if topic is not None:
        params["topic"] = topic
    response = api.get("/api/v1/dead-letters", params=params)
    assert response.status_code == 200, response.text
    result: list[Any] = response.json()
    return result


def wait_dead_letter(
    api: httpx.Client, event_id: str, topic: str, timeout_s: float = 30.0
) -> dict[str, Any]:
    """Poll the endpoint until the event id is listed under `topic`."""
    deadline = time.monotonic() + timeout_s
    while True:
        for letter in dead_letters(api, topic):
            if letter["event_id"] == event_id:
                return dict(letter)
        if time.monotonic() > deadline:
            raise AssertionError(f"event {event_id} never reached the dead letters of {topic}")
        time.sleep(0.3)


def dead_lettered(api: httpx.Client, event_id: str) -> bool:
    return any(letter["event_id"] == event_id for letter in dead_letters(api))
