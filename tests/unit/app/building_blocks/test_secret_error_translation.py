"""How daprd 1.14.4's answers on the secrets and configuration APIs translate.

The messages are the sidecar's own (seen against the real one, and in its
pkg/messages/predefined.go), carried by the error type the aio SDK raises."""

import grpc
import pytest

from app.building_blocks.errors import (
    ComponentNotFoundError,
    DaprError,
    SecretNotFoundError,
    from_grpc,
)
from tests.support.grpc_answers import sidecar_answer


def test_missing_key_is_secret_not_found_though_the_status_is_internal() -> None:
    answer = sidecar_answer(
        grpc.StatusCode.INTERNAL,
        "failed getting secret with key nope from secret store secretstore: secret nope not found",
    )
    error = from_grpc(answer, "secret get", store="secretstore", key="nope")
    assert isinstance(error, SecretNotFoundError)
    assert (error.store, error.key) == ("secretstore", "nope")
    assert str(error) == "secret 'nope' not found in store 'secretstore'"


def test_key_that_reads_like_an_error_is_not_mistaken_for_the_cause() -> None:
    """Only the component's words after the known prefix decide; the key may say anything."""
    key = "x not found"
    answer = sidecar_answer(
        grpc.StatusCode.INTERNAL,
        f"failed getting secret with key {key} from secret store vault: permission denied",
    )
    error = from_grpc(answer, "secret get", store="vault", key=key)
    assert not isinstance(error, SecretNotFoundError)
    assert type(error) is DaprError


@pytest.mark.parametrize(
    ("code", "details"),
    [
        (grpc.StatusCode.INVALID_ARGUMENT, "failed finding secret store with key vault"),
        (grpc.StatusCode.INTERNAL, "secret store is not configured"),
    ],
)
def test_unknown_or_absent_store_is_component_not_found(
    code: grpc.StatusCode, details: str
) -> None:
    error = from_grpc(sidecar_answer(code, details), "secret get", store="vault", key="k")
    assert isinstance(error, ComponentNotFoundError)
    assert "'vault'" in str(error)


@pytest.mark.parametrize(
    ("code", "details"),
    [
        (grpc.StatusCode.FAILED_PRECONDITION, "configuration stores not configured"),
        (grpc.StatusCode.INVALID_ARGUMENT, "configuration store configstore not found"),
    ],
)
def test_missing_configuration_store_is_component_not_found(
    code: grpc.StatusCode, details: str
) -> None:
    error = from_grpc(sidecar_answer(code, details), "configuration get", store="configstore")
    assert isinstance(error, ComponentNotFoundError)
