"""The seed design's error taxonomy, and the one place sidecar errors are translated.

Nothing raw (grpc.RpcError, httpx errors, the SDK's own exceptions) leaves the
building-block layer: callers see these types, and the HTTP edge renders them as
RFC 9457 problem details carrying `error_code`, with the status it maps each type to
(app/api/error_status.py).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import grpc
import httpx


@dataclass
class DaprError(Exception):
    """Base of every error the building-block layer raises."""

    message: str
    details: dict[str, Any] = field(default_factory=dict)

    error_code = "DAPR_ERROR"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class DaprConnectionError(DaprError):
    """The sidecar could not be reached, after bounded retries."""

    error_code = "DAPR_CONNECTION_ERROR"


class DaprTimeoutError(DaprError):
    """The call did not finish within its deadline."""

    error_code = "DAPR_TIMEOUT"


class ComponentNotFoundError(DaprError):
    """The named store, pub/sub, binding or secret store is not loaded in the sidecar."""

    error_code = "COMPONENT_NOT_FOUND"


class InvalidRequestError(DaprError):
    """The sidecar or component refused the request as malformed."""

    error_code = "VALIDATION_ERROR"


class ConcurrencyError(DaprError):
    """An ETag did not match: someone else wrote first."""

    error_code = "CONCURRENCY_CONFLICT"


class StateNotFoundError(DaprError):
    error_code = "STATE_NOT_FOUND"


class SecretNotFoundError(DaprError):
    """Names the store and key, never a value."""

    error_code = "SECRET_NOT_FOUND"

    @classmethod
    def for_key(
        cls,
        store: str,
        key: str,
        field: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> "SecretNotFoundError":
        where = f"secret {key!r}" if field is None else f"value {field!r} of secret {key!r}"
        names = {"store": store, "key": key, **({"field": field} if field is not None else {})}
        return cls(f"{where} not found in store {store!r}", {**(details or {}), **names})

    @property
    def store(self) -> str:
        return str(self.details.get("store", ""))

    @property
    def key(self) -> str:
        return str(self.details.get("key", ""))


class ConfigurationNotFoundError(DaprError):
    """No configuration layer holds the key (not even the defaults)."""

    error_code = "CONFIGURATION_NOT_FOUND"


class ConfigurationValueError(DaprError):
    """A configuration layer holds a value the setting cannot use; names key and layer."""

    error_code = "CONFIGURATION_INVALID"


class NotSupportedError(DaprError):
    """The component does not offer this operation (e.g. query on state.sqlite)."""

    error_code = "NOT_SUPPORTED"


class InvocationError(DaprError):
    """The invoked app answered with a non-2xx status; `status` carries it."""

    error_code = "INVOCATION_FAILED"

    @property
    def status(self) -> int:
        return int(self.details.get("status", 0))


class ActorInvocationError(DaprError):
    error_code = "ACTOR_INVOCATION_FAILED"


class ActorHostUnavailableError(DaprError):
    """The daprd that placement names as the actor's host could not be reached: a replica
    that just died, whose actors placement has not moved yet (about 2 s in the failover
    test). A retry after `retry_after_s` finds the actor on a survivor."""

    error_code = "ACTOR_HOST_UNAVAILABLE"

    @property
    def retry_after_s(self) -> int:
        return int(self.details.get("retry_after_s", 2))


class WorkflowFailedError(DaprError):
    error_code = "WORKFLOW_FAILED"


class WorkflowNotFoundError(DaprError):
    """No registered workflow has this name, or no instance has this id."""

    error_code = "WORKFLOW_NOT_FOUND"


class WorkflowConflictError(DaprError):
    """The instance's state does not allow the operation (or the id is taken)."""

    error_code = "WORKFLOW_CONFLICT"


class UnknownWorkflowEventError(DaprError):
    """The instance's workflow waits for no event of this name (details list the ones it does)."""

    error_code = "UNKNOWN_WORKFLOW_EVENT"


class ActorNotFoundError(DaprError):
    """No hosted actor type has this name, or its interface declares no such method."""

    error_code = "ACTOR_NOT_FOUND"


class ActorMethodRejectedError(DaprError):
    """The actor's method raised (e.g. it refused its argument); the message is the actor's."""

    error_code = "ACTOR_METHOD_REJECTED"


class CircuitBreakerOpenError(DaprError):
    error_code = "CIRCUIT_OPEN"


_NOT_FOUND_HINTS = ("not found", "not configured", "is not configured", "no such", "does not exist")


def _component_missing(message: str) -> bool:
    lowered = message.lower()
    return any(hint in lowered for hint in _NOT_FOUND_HINTS) and (
        "store" in lowered or "pubsub" in lowered or "binding" in lowered or "component" in lowered
    )


# What daprd 1.14 answers on the secrets API (pkg/messages/predefined.go); the status codes
# alone mislead: an unknown store is INVALID_ARGUMENT, a missing key is INTERNAL.
_SECRET_STORE_UNKNOWN = "failed finding secret store with key "  # ERR_SECRET_STORE_NOT_FOUND
_SECRET_STORES_NONE = "secret store is not configured"  # ERR_SECRET_STORES_NOT_CONFIGURED
_SECRET_GET_FAILED = "failed getting secret with key "  # ERR_SECRET_GET: "... from ...: <cause>"


def _secret_error(message: str, text: str, details: dict[str, Any]) -> DaprError | None:
    """The secrets API's answers, told apart by message (daprd sends no ErrorInfo here)."""
    if message.startswith(_SECRET_STORE_UNKNOWN) or message == _SECRET_STORES_NONE:
        store = details.get("store", message.removeprefix(_SECRET_STORE_UNKNOWN))
        return ComponentNotFoundError(f"secret store {store!r} is not loaded", details)
    if not message.startswith(_SECRET_GET_FAILED):
        return None
    store, key = details.get("store"), details.get("key")
    # The component's own words follow the known prefix; the key itself may say anything
    # ("not found", "store"), so the generic guesses below must not see this message.
    prefix = f"{_SECRET_GET_FAILED}{key} from secret store {store}: "
    cause = message.removeprefix(prefix) if key is not None else message
    if store is not None and key is not None and "not found" in cause.lower():
        return SecretNotFoundError.for_key(str(store), str(key), details=details)
    return DaprError(text, details)


def sidecar_unreachable(
    operation: str, sidecar: str | None, cause: object, details: dict[str, Any]
) -> DaprConnectionError:
    """The error for a call that found no sidecar: where we looked, and what to check."""
    if sidecar is None:
        return DaprConnectionError(
            f"{operation}: the Dapr sidecar is unreachable ({cause})", details
        )
    return DaprConnectionError(
        f"{operation}: the Dapr sidecar at {sidecar} is unreachable ({cause}). Check that "
        "daprd is running and listening on that address (its log says why it stopped); "
        "GET /health/ready shows what is down.",
        {**details, "sidecar": sidecar},
    )


_DEADLINE_PASSED_IN_SIDECAR = "context deadline exceeded"


def from_grpc(
    error: grpc.RpcError, operation: str, *, sidecar: str | None = None, **context: Any
) -> DaprError:
    """Translate a gRPC error from the sidecar (at `sidecar`, if known) into the taxonomy."""
    code = error.code() if hasattr(error, "code") else None
    message = str(error.details()) if hasattr(error, "details") else str(error)
    reason = error.error_code() if hasattr(error, "error_code") else None
    details = {"operation": operation, "grpc_status": getattr(code, "name", str(code)), **context}
    if reason and reason != "UNKNOWN":
        details["dapr_reason"] = reason
    text = f"{operation} failed: {message}"
    lowered = message.lower()
    if code == grpc.StatusCode.UNAVAILABLE:
        return sidecar_unreachable(operation, sidecar, message, details)
    if code == grpc.StatusCode.DEADLINE_EXCEEDED or _DEADLINE_PASSED_IN_SIDECAR in lowered:
        # The call's deadline travels to daprd, which may notice it first and answer
        # INTERNAL with the context error of its own outbound call.
        return DaprTimeoutError(f"{operation} timed out", details)
    secret_error = _secret_error(message, text, details)
    if secret_error is not None:
        return secret_error
    if "etag" in lowered and ("mismatch" in lowered or "invalid" in lowered):
        return ConcurrencyError(
            f"{operation}: ETag mismatch, the value changed since it was read", details
        )
    if "circuit breaker" in lowered:
        return CircuitBreakerOpenError(text, details)
    if _component_missing(message) or code == grpc.StatusCode.NOT_FOUND:
        return ComponentNotFoundError(text, details)
    if (
        code == grpc.StatusCode.UNIMPLEMENTED
        or "not supported" in lowered
        or "does not support" in lowered
    ):
        return NotSupportedError(text, details)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return InvalidRequestError(text, details)
    return DaprError(text, details)


def from_http(
    error: httpx.HTTPError, operation: str, *, sidecar: str | None = None, **context: Any
) -> DaprError:
    """Translate a transport failure talking to the sidecar's HTTP API."""
    details = {"operation": operation, **context}
    if isinstance(error, httpx.TimeoutException):
        return DaprTimeoutError(f"{operation} timed out", details)
    return sidecar_unreachable(operation, sidecar, error or type(error).__name__, details)


def raise_for_sidecar_status(response: httpx.Response, operation: str, **context: Any) -> None:
    """Turn an error answer of the sidecar's own HTTP API into the taxonomy."""
    if response.is_success:
        return
    try:
        body = response.json()
    except ValueError:
        body = {"message": response.text}
    error_code = str(body.get("errorCode", "")) if isinstance(body, dict) else ""
    message = str(body.get("message", response.text)) if isinstance(body, dict) else response.text
    details = {
        "operation": operation,
        "status": response.status_code,
        "dapr_reason": error_code,
        **context,
    }
    if response.status_code == 404 or "NOT_FOUND" in error_code or "not found" in message.lower():
        raise ComponentNotFoundError(f"{operation} failed: {message}", details)
    if response.status_code == 400:
        raise InvalidRequestError(f"{operation} failed: {message}", details)
    raise DaprError(f"{operation} failed: {message}", details)
