"""Settings: defaults, Dapr's own variable names, and refusal of bad values."""

from datetime import timedelta

import pytest
from pydantic import ValidationError

from app.settings import Settings


def test_defaults_match_the_seed_design() -> None:
    """App id, ports and component names default to the seed's values."""
    settings = Settings(_env_file=None)
    assert settings.app_id == "python-api"
    assert settings.dapr_http_endpoint == "http://127.0.0.1:3500"
    assert settings.dapr_grpc_address == "127.0.0.1:50001"
    assert settings.statestore_name == "statestore"


def test_dapr_variables_are_read_by_their_dapr_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """DAPR_HTTP_PORT, DAPR_GRPC_PORT and DAPR_API_TOKEN mean what daprd and the SDK mean."""
    monkeypatch.setenv("DAPR_HTTP_PORT", "3600")
    monkeypatch.setenv("DAPR_GRPC_PORT", "50101")
    monkeypatch.setenv("DAPR_API_TOKEN", "t0ken")
    settings = Settings()
    assert (settings.dapr_http_port, settings.dapr_grpc_port) == (3600, 50101)
    assert settings.dapr_api_token is not None
    assert settings.dapr_api_token.get_secret_value() == "t0ken"
    assert "t0ken" not in repr(settings)


def test_actor_durations_parse_from_iso_8601(monkeypatch: pytest.MonkeyPatch) -> None:
    """ORDERFLOW_ACTOR_IDLE_TIMEOUT=PT10S is ten seconds."""
    monkeypatch.setenv("ORDERFLOW_ACTOR_IDLE_TIMEOUT", "PT10S")
    assert Settings().actor_idle_timeout == timedelta(seconds=10)


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("DAPR_HTTP_PORT", "0", "DAPR_HTTP_PORT"),
        ("DAPR_HTTP_PORT", "70000", "DAPR_HTTP_PORT"),
        ("DAPR_GRPC_PORT", "not-a-port", "DAPR_GRPC_PORT"),
        ("DAPR_RUNTIME_HOST", "http://localhost", "DAPR_RUNTIME_HOST"),
        ("ORDERFLOW_PROFILE", "staging", "profile"),
        ("ORDERFLOW_APP_ID", "", "app_id"),
    ],
)
def test_bad_values_are_refused_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str
) -> None:
    """A bad value fails at start-up with the offending setting named, not later in a call."""
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert named in str(refused.value)


def test_only_the_full_profile_has_a_configuration_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Full reads `configstore` (with postgres's NOTIFY channel); local has no store layer."""
    assert Settings().configstore_name is None
    monkeypatch.setenv("ORDERFLOW_PROFILE", "full")
    full = Settings()
    assert full.configstore_name == "configstore"
    assert full.configstore_subscribe_metadata == {"pgNotifyChannel": "orderflow_config_changed"}


def test_an_empty_store_name_turns_the_store_layer_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERFLOW_PROFILE", "full")
    monkeypatch.setenv("ORDERFLOW_CONFIGSTORE_NAME", "")
    assert Settings().configstore_name is None


def test_log_format_and_level_come_from_the_environment_in_any_case(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ORDERFLOW_LOG_FORMAT=JSON and ORDERFLOW_LOG_LEVEL=debug mean json and DEBUG."""
    assert (Settings().log_format, Settings().log_level) == ("auto", "INFO")
    monkeypatch.setenv("ORDERFLOW_LOG_FORMAT", "JSON")
    monkeypatch.setenv("ORDERFLOW_LOG_LEVEL", "debug")
    assert (Settings().log_format, Settings().log_level) == ("json", "DEBUG")


@pytest.mark.parametrize(("variable", "value"), [("LOG_FORMAT", "xml"), ("LOG_LEVEL", "loud")])
def test_unknown_log_format_or_level_is_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    """A format or level outside the known ones stops start-up, naming the field."""
    monkeypatch.setenv(f"ORDERFLOW_{variable}", value)
    with pytest.raises(ValidationError, match=variable.lower()):
        Settings()
