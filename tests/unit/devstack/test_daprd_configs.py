"""The Configuration files the stack's daprds read: the profile's as it is, or a copy with
the OTLP export and the SchedulerReminders feature, for the stacks that need them."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from devstack.commands import SidecarPorts
from devstack.daprd_configs import app_config, profile_config, render_configs, with_features
from devstack.peers import PeerApp, payment_peer
from devstack.runtime import DAPR_DIR
from devstack.stack_config import StackConfig, StackPorts
from devstack.trace_export import TraceExport

ONE_REPLICA = (SidecarPorts(8100, 3600, 50100, 50200, 9100),)

SCHEDULER_FEATURE = "SchedulerReminders is 1.14's preview feature; from 1.15 it is how daprd works"
STATE_STORE_REMINDERS = (
    "reminders in the actor state store: from 1.15 the Scheduler keeps every reminder"
)


def _config(tmp_path: Path, **options: Any) -> StackConfig:
    return StackConfig(
        ports=StackPorts(), data_dir=tmp_path, log_dir=tmp_path, profile="full", **options
    )


def _spec(path: Path) -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(path.read_text())["spec"]
    return spec


def test_a_single_app_with_no_export_reads_the_profiles_file_unchanged(tmp_path: Path) -> None:
    """The default stack needs no feature (1.14: reminders in the state store; from 1.15
    on the Scheduler without one): nothing is rendered."""
    config = _config(tmp_path)
    render_configs(config)
    assert app_config(config) == DAPR_DIR / "config" / "full" / "config.yaml"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.runtime_difference("1.14", SCHEDULER_FEATURE)
def test_replica_stacks_read_a_copy_with_scheduler_reminders_on(tmp_path: Path) -> None:
    """The copy turns the feature on and keeps every other setting of the profile."""
    config = _config(tmp_path, replicas=ONE_REPLICA)
    render_configs(config)
    rendered = app_config(config)
    assert rendered == tmp_path.resolve() / "dapr-config.yaml"
    spec = _spec(rendered)
    assert spec.pop("features") == [{"name": "SchedulerReminders", "enabled": True}]
    assert spec == _spec(profile_config(config))


@pytest.mark.runtime_difference("1.14", STATE_STORE_REMINDERS)
def test_a_single_app_may_choose_the_scheduler_and_replicas_the_state_store(
    tmp_path: Path,
) -> None:
    """The stack config's `reminders` overrides the default either way."""
    single = _config(tmp_path, reminders="scheduler")
    assert single.reminder_store == "scheduler"
    assert app_config(single) != profile_config(single)
    replicas = _config(tmp_path, replicas=ONE_REPLICA, reminders="state-store")
    assert replicas.reminder_store == "state-store"
    assert app_config(replicas) == profile_config(replicas)
    with pytest.raises(ValueError, match="unknown reminder store 'etcd'"):
        _config(tmp_path, reminders="etcd")


@pytest.mark.runtime_difference("1.18", "from 1.15 the Scheduler is the only reminder store")
def test_every_stack_keeps_reminders_on_the_scheduler_and_refuses_the_state_store(
    tmp_path: Path,
) -> None:
    assert _config(tmp_path).reminder_store == "scheduler"
    replicas = _config(tmp_path, replicas=ONE_REPLICA)
    assert app_config(replicas) == profile_config(replicas)  # no feature to turn on
    with pytest.raises(ValueError, match="keeps actor reminders on the Scheduler only"):
        _config(tmp_path, reminders="state-store")


@pytest.mark.runtime_difference("1.14", SCHEDULER_FEATURE)
def test_export_and_scheduler_reminders_render_into_one_copy(tmp_path: Path) -> None:
    """Both changes land in the app's copy; a peer with its own file gets the export only."""
    peer = payment_peer(PeerApp.free_ports())
    config = _config(
        tmp_path,
        replicas=ONE_REPLICA,
        trace_export=TraceExport("http://127.0.0.1:4318"),
        peers=(peer,),
    )
    render_configs(config)
    spec = _spec(app_config(config))
    assert spec["features"] == [{"name": "SchedulerReminders", "enabled": True}]
    assert spec["tracing"]["otel"]["endpointAddress"] == "127.0.0.1:4318"
    peer_spec = _spec(tmp_path / "payment-service-dapr-config.yaml")
    assert "features" not in peer_spec
    assert peer_spec["tracing"]["otel"]["endpointAddress"] == "127.0.0.1:4318"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("spec:\n  metric:\n    enabled: true\nother: 1\n", "must be the last top-level key"),
        ("spec:\n  features:\n    - name: X\n      enabled: true\n", "already lists features"),
    ],
)
def test_a_file_the_block_cannot_be_appended_to_is_refused(
    text: str, message: str, tmp_path: Path
) -> None:
    source = tmp_path / "config.yaml"
    source.write_text(text)
    with pytest.raises(ValueError, match=message):
        with_features(source, tmp_path / "out.yaml", {"SchedulerReminders": True})
