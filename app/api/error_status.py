"""The HTTP status of each error the API renders: the API's mapping, not the classes'.

Errors of the adapters (the sidecar taxonomy) and of the domain carry an `error_code`
and details but no HTTP status; this table gives them one. Errors the HTTP layer defines
itself (app/api/) say their own `http_status`. The most specific class wins.
"""

from actors.order_states import IllegalTransitionError
from app.building_blocks.errors import (
    ActorHostUnavailableError,
    ActorInvocationError,
    ActorMethodRejectedError,
    ActorNotFoundError,
    CircuitBreakerOpenError,
    ComponentNotFoundError,
    ConcurrencyError,
    ConfigurationNotFoundError,
    ConfigurationValueError,
    DaprConnectionError,
    DaprError,
    DaprTimeoutError,
    InvalidRequestError,
    InvocationError,
    NotSupportedError,
    SecretNotFoundError,
    StateNotFoundError,
    UnknownWorkflowEventError,
    WorkflowConflictError,
    WorkflowFailedError,
    WorkflowNotFoundError,
)
from app.building_blocks.middleware import MiddlewareError
from app.building_blocks.workflow_admission import EngineAtCapacityError

HTTP_STATUS: dict[type[Exception], int] = {
    DaprError: 502,  # the sidecar or a component failed: a bad gateway
    DaprConnectionError: 503,
    DaprTimeoutError: 504,
    ComponentNotFoundError: 404,
    InvalidRequestError: 400,
    ConcurrencyError: 409,
    StateNotFoundError: 404,
    SecretNotFoundError: 404,
    ConfigurationNotFoundError: 404,
    ConfigurationValueError: 500,
    NotSupportedError: 501,
    InvocationError: 502,
    ActorInvocationError: 502,
    ActorHostUnavailableError: 503,
    WorkflowFailedError: 409,
    WorkflowNotFoundError: 404,
    WorkflowConflictError: 409,
    UnknownWorkflowEventError: 422,
    ActorNotFoundError: 404,
    ActorMethodRejectedError: 422,
    CircuitBreakerOpenError: 503,
    MiddlewareError: 500,
    EngineAtCapacityError: 429,
    IllegalTransitionError: 409,
}


def http_status(error: Exception) -> int:
    """The status the API answers `error` with (500 for an error it does not know)."""
    for cls in type(error).__mro__:
        own = vars(cls).get("http_status")
        if isinstance(own, int):
            return own
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return 500
