"""A call's deadline passing is a DaprTimeoutError, whichever side noticed it first."""

import grpc

from app.building_blocks.errors import DaprTimeoutError, from_grpc
from tests.support.grpc_answers import sidecar_answer


def test_deadline_exceeded_on_the_client_is_a_timeout() -> None:
    error = from_grpc(sidecar_answer(grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded"), "x")
    assert isinstance(error, DaprTimeoutError)


def test_the_sidecar_noticing_the_propagated_deadline_first_is_a_timeout_too() -> None:
    """daprd 1.14 answers INTERNAL when the deadline we sent expires during its own call
    to the target app (seen against the real sidecar, invoking a slow peer)."""
    details = (
        "failed to invoke, id: echo-service, err: rpc error: code = DeadlineExceeded "
        "desc = context deadline exceeded"
    )
    error = from_grpc(sidecar_answer(grpc.StatusCode.INTERNAL, details), "invoke", app_id="echo")
    assert isinstance(error, DaprTimeoutError)
    assert error.details["grpc_status"] == "INTERNAL"
    assert error.details["app_id"] == "echo"
