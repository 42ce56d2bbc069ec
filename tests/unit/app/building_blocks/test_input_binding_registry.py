"""The input-binding registry's routes, driven in-process through ASGI."""

import pytest
from fastapi import FastAPI

from app.building_blocks.input_bindings import BindingEvent, InputBinding, InputBindingRegistry
from tests.support.asgi import AsgiClient


class Received:
    def __init__(self) -> None:
        self.events: list[BindingEvent] = []


async def record(event: BindingEvent, received: Received) -> None:
    received.events.append(event)
    if event.data == b"fail":
        raise RuntimeError("handler failed")


@pytest.fixture
def registry() -> InputBindingRegistry[Received]:
    return InputBindingRegistry([InputBinding("audit-cron", record)])


@pytest.fixture
def client(registry: InputBindingRegistry[Received]) -> AsgiClient:
    app = FastAPI()
    app.include_router(registry.router())
    return AsgiClient(app)


def test_options_says_the_binding_is_served(client: AsgiClient) -> None:
    """daprd's OPTIONS probe gets a 2xx for a registered binding and 404 for others."""
    assert client.options("/audit-cron").status_code == 204
    assert client.options("/inventory-audit").status_code == 404


def test_event_reaches_the_handler_with_data_and_binding_metadata(
    registry: InputBindingRegistry[Received], client: AsgiClient
) -> None:
    """The body is the data; headers other than transport ones are the binding's metadata."""
    received = Received()
    registry.activate(received)
    response = client.post("/audit-cron", content=b"tick", headers={"readTimeUTC": "now"})
    assert response.status_code == 200
    (event,) = received.events
    assert (event.binding, event.data) == ("audit-cron", b"tick")
    assert event.metadata["readtimeutc"] == "now"
    assert "host" not in event.metadata


def test_failing_handler_is_reported_to_daprd(
    registry: InputBindingRegistry[Received], client: AsgiClient
) -> None:
    """A handler that raises answers 500, so the component may retry the event."""
    registry.activate(Received())
    assert client.post("/audit-cron", content=b"fail").status_code == 500


def test_event_before_activation_is_refused(client: AsgiClient) -> None:
    """Before bootstrap activates the registry, events are refused with 503."""
    assert client.post("/audit-cron", content=b"tick").status_code == 503


@pytest.mark.parametrize("names", [["a", "a"], [""], ["a/b"]])
def test_bad_binding_names_are_refused(names: list[str]) -> None:
    """Duplicates, empty names and names that are not one path segment fail at start."""
    with pytest.raises(ValueError, match=r"twice|path segment"):
        InputBindingRegistry([InputBinding(name, record) for name in names])
