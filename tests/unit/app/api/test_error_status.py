"""The API's status for each error: the table in app/api/error_status.py, most specific first."""

import inspect

from fastapi import FastAPI

from actors.order_states import IllegalTransitionError
from app.api.body_limit import RequestTooLargeError
from app.api.error_status import HTTP_STATUS, http_status
from app.api.problems import PROBLEM_JSON, install_problem_handlers
from app.building_blocks import errors
from app.building_blocks.cloudevents import MalformedEventError
from app.building_blocks.workflow_admission import EngineAtCapacityError
from tests.support.asgi import AsgiClient


def test_every_error_of_the_taxonomy_has_a_status() -> None:
    """A new DaprError subclass in errors.py without a row would answer its parent's status
    silently; each one is listed."""
    taxonomy = [
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.DaprError) and cls.__module__ == errors.__name__
    ]
    assert taxonomy
    assert [cls.__name__ for cls in taxonomy if cls not in HTTP_STATUS] == []


def test_the_most_specific_class_wins() -> None:
    """A subclass without a row takes its nearest listed parent's status."""
    assert http_status(errors.DaprConnectionError("down")) == 503
    assert http_status(MalformedEventError("bad")) == 400  # an InvalidRequestError
    assert http_status(EngineAtCapacityError("full")) == 429
    assert http_status(IllegalTransitionError("o-1", "paid", "cancelled")) == 409


def test_the_http_layers_own_errors_say_their_status() -> None:
    """Errors defined in app/api carry `http_status` themselves; unknown ones are 500."""
    assert http_status(RequestTooLargeError("too big")) == 413
    assert http_status(ValueError("unexpected")) == 500


def test_an_actor_host_that_left_answers_503_problem_with_retry_after() -> None:
    """A client never sees a 500 for an actor whose replica died: 503 problem+json with
    Retry-After, as the edge renders it."""
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/order")
    async def order() -> None:
        raise errors.ActorHostUnavailableError("host gone", {"retry_after_s": 2})

    response = AsgiClient(app).get("/order")
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["retry-after"] == "2"
    assert response.json()["error_code"] == "ACTOR_HOST_UNAVAILABLE"
