"""The Dapr Configuration files the stack's daprds read.

The profile's config.yaml serves as it is unless the stack changes it: with an OTLP
endpoint (devstack/trace_export.py) or with reminders on the Scheduler, the stack renders
a copy into its data directory (`dapr-config.yaml`) and every daprd of the app reads that.
daprd reads both from its static Configuration file only.
"""

import re
from pathlib import Path

from devstack.peers import PeerApp
from devstack.runtime import DAPR_DIR, LINE
from devstack.stack_config import StackConfig

SCHEDULER_REMINDERS = "SchedulerReminders"  # daprd 1.14's preview feature (default in 1.15)
_TOP_LEVEL_KEY = re.compile(r"^(?P<key>[A-Za-z]\w*):", re.MULTILINE)


def profile_config(config: StackConfig) -> Path:
    return DAPR_DIR / "config" / config.profile / "config.yaml"


def app_config(config: StackConfig) -> Path:
    """The Configuration every daprd of the app reads: the profile's, or the copy the
    stack renders at start."""
    if config.trace_export is None and not _scheduler_reminders_feature(config):
        return profile_config(config)
    return config.data_dir.resolve() / "dapr-config.yaml"


def _scheduler_reminders_feature(config: StackConfig) -> bool:
    """Whether the app's daprds need 1.14's preview feature to keep reminders on the
    Scheduler (from 1.15 they always do, with no feature)."""
    return config.reminder_store == "scheduler" and not LINE.needs_scheduler


def peer_config(config: StackConfig, peer: PeerApp) -> Path:
    """A peer's Configuration: its own (rendered with the OTLP export when there is one),
    or the app's. Peers host no actors, so the Scheduler's feature changes nothing there."""
    if peer.config is None:
        return app_config(config)
    if config.trace_export is None:
        return peer.config
    return config.data_dir.resolve() / f"{peer.app_id}-dapr-config.yaml"


def render_configs(config: StackConfig) -> None:
    """Write the copies app_config and peer_config name (the data directory must exist)."""
    export = config.trace_export
    target = app_config(config)
    if target != profile_config(config):
        source = profile_config(config)
        if export is not None:
            source = export.render_config(source, target)
        if _scheduler_reminders_feature(config):
            with_features(source, target, {SCHEDULER_REMINDERS: True})
    if export is not None:
        for peer in config.peers:
            if peer.config is not None:
                export.render_config(peer.config, peer_config(config, peer))


def with_features(source: Path, into: Path, features: dict[str, bool]) -> Path:
    """`source` with `spec.features` set to `features`; written to `into`, returned. The
    block is appended, so `spec` must be the file's last top-level key and have no
    features of its own (the profiles' files do not)."""
    text = source.read_text()
    keys = [match.group("key") for match in _TOP_LEVEL_KEY.finditer(text)]
    if not keys or keys[-1] != "spec":
        raise ValueError(f"{source}: `spec` must be the last top-level key to add features")
    if re.search(r"^  features:", text, re.MULTILINE):
        raise ValueError(f"{source} already lists features; set them there")
    block = "".join(
        f"    - name: {name}\n      enabled: {str(enabled).lower()}\n"
        for name, enabled in features.items()
    )
    rendered = (
        f"{text.rstrip()}\n"
        "  # Rendered by devstack (devstack/daprd_configs.py) for this stack.\n"
        f"  features:\n{block}"
    )
    if into != source:
        rendered = f"# Rendered by devstack from {source}.\n{rendered}"
    into.write_text(rendered)
    return into
