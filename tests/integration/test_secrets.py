"""SecretsManager against the real sidecar's `secretstore` (secretstores.local.file,
multiValued) serving the dev secrets plus the generated ones of tests/stack_secrets.py."""

from collections.abc import Iterator

import pytest

from app.building_blocks.errors import ComponentNotFoundError, SecretNotFoundError
from app.building_blocks.redaction import Redactor
from app.building_blocks.secrets import SecretsManager
from devstack.runtime import DEV_SECRETS_FILE
from devstack.stack import Stack
from tests.sidecar import SidecarClient
from tests.stack_secrets import served

STORE = "secretstore"


@pytest.fixture(scope="module")
def sidecar(stack: Stack) -> Iterator[SidecarClient]:
    with SidecarClient(stack) as client:
        yield client


@pytest.fixture
def secrets(sidecar: SidecarClient) -> SecretsManager:
    return SecretsManager(sidecar.dapr, Redactor(), cache_ttl_s=0)


def test_dev_secret_is_one_secret_with_named_values(
    sidecar: SidecarClient, secrets: SecretsManager
) -> None:
    """The committed {"payment": {"api-key": ...}} reads back as secret payment, value api-key."""
    assert DEV_SECRETS_FILE.exists()
    api_key = sidecar.run(secrets.get_secret(STORE, "payment", field="api-key"))
    assert api_key.get_secret_value() == served()["payment"]["api-key"]
    assert sidecar.run(secrets.get_secret(STORE, "payment")) == api_key


def test_bulk_read_returns_every_secret_in_the_file(
    sidecar: SidecarClient, secrets: SecretsManager
) -> None:
    """get_bulk_secrets answers each secret with all its values, exactly as the file holds."""
    bulk = sidecar.run(secrets.get_bulk_secrets(STORE))
    unwrapped = {
        key: {name: value.get_secret_value() for name, value in values.items()}
        for key, values in bulk.items()
    }
    assert unwrapped == served()


def test_missing_key_names_store_and_key(sidecar: SidecarClient, secrets: SecretsManager) -> None:
    """The sidecar's INTERNAL "secret ... not found" becomes SecretNotFoundError."""
    with pytest.raises(SecretNotFoundError) as missing:
        sidecar.run(secrets.get_secret(STORE, "no-such-secret"))
    assert (missing.value.store, missing.value.key) == (STORE, "no-such-secret")
    assert str(missing.value) == "secret 'no-such-secret' not found in store 'secretstore'"


def test_missing_value_of_a_secret_names_it(
    sidecar: SidecarClient, secrets: SecretsManager
) -> None:
    """Asking a multi-valued secret for a value it lacks is SecretNotFoundError too."""
    with pytest.raises(SecretNotFoundError, match="value 'nope' of secret 'payment'"):
        sidecar.run(secrets.get_secret(STORE, "payment", field="nope"))


def test_unknown_store_is_component_not_found(
    sidecar: SidecarClient, secrets: SecretsManager
) -> None:
    """daprd's INVALID_ARGUMENT "failed finding secret store" becomes ComponentNotFoundError."""
    with pytest.raises(ComponentNotFoundError, match="'vault'"):
        sidecar.run(secrets.get_secret("vault", "payment"))
    with pytest.raises(ComponentNotFoundError, match="'vault'"):
        sidecar.run(secrets.get_bulk_secrets("vault"))
