"""The composition root's pure parts: actor configuration and SDK settings."""

import json
from datetime import timedelta

from dapr.conf import settings as sdk_settings
from dapr.serializers import DefaultJSONSerializer

from activities import ACTIVITY_GROUPS
from activities.spec import ActivityDeps
from actors import ACTORS
from app.bootstrap import actor_runtime_config, configuration_layers, configure_sdk, dapr_config
from app.building_blocks.actors import ActorGateway
from app.building_blocks.bindings import BindingsManager
from app.building_blocks.client import DaprClientWrapper
from app.building_blocks.invoke import ServiceInvoker
from app.building_blocks.loop_bridge import LoopBridge
from app.building_blocks.pubsub import PubSubManager
from app.building_blocks.redaction import Redactor
from app.building_blocks.secrets import SecretsManager
from app.building_blocks.state import StateManager
from app.building_blocks.workflow_admission import WorkflowAdmission
from app.feature_flags import FeatureFlags
from app.order_views import OrderViews
from app.records.books_records import BooksRecords
from app.records.inventory_index import AuditRecords, SkuIndex
from app.records.workflow_index import WorkflowIndex, WorkflowProgress
from app.settings import Settings
from workflows import WORKFLOWS


class UnusedProgress(WorkflowProgress):
    """Stands in where a progress store is required but never called."""

    def __init__(self) -> None:
        pass


class UnusedActorGateway(ActorGateway):
    """Stands in where a gateway is required but never called."""

    def __init__(self) -> None:
        pass


class UnusedLoopBridge(LoopBridge):
    """Stands in where a bridge to the app's loop is required but never used."""

    def __init__(self) -> None:
        pass


def test_actor_runtime_config_comes_from_settings() -> None:
    """Idle timeout, scan interval, drain settings and the reminder partitions reach the
    config daprd reads."""
    settings = Settings(
        actor_idle_timeout=timedelta(seconds=10), actor_scan_interval=timedelta(seconds=2)
    )
    served = json.loads(DefaultJSONSerializer().serialize(actor_runtime_config(settings).as_dict()))
    assert served["actorIdleTimeout"] == "0h0m10s0ms0μs"
    assert served["actorScanInterval"] == "0h0m2s0ms0μs"
    assert served["drainRebalancedActors"] is True
    assert served["remindersStoragePartitions"] == settings.actor_reminders_storage_partitions
    assert "reentrancy" not in served


def test_configure_sdk_points_the_sdk_at_our_sidecar() -> None:
    """ActorProxy's process-wide settings take our host, ports and token."""
    configure_sdk(Settings(dapr_http_port=3999, dapr_grpc_port=50999, dapr_api_token="tok"))
    try:
        assert (sdk_settings.DAPR_HTTP_PORT, sdk_settings.DAPR_GRPC_PORT) == (3999, 50999)
        assert sdk_settings.DAPR_API_TOKEN == "tok"
    finally:
        configure_sdk(Settings())


def test_registries_name_each_workflow_and_activity_once() -> None:
    """Names are the registry keys; a duplicate would silently shadow another entry."""
    workflow_names = [spec.name for spec in WORKFLOWS]
    assert workflow_names
    assert len(workflow_names) == len(set(workflow_names))
    settings = Settings()
    dapr = DaprClientWrapper(dapr_config(settings))
    resolver, _ = configuration_layers(settings, dapr)
    state = StateManager(dapr, settings.statestore_name, settings.state_max_value_bytes)
    deps = ActivityDeps(
        loop=UnusedLoopBridge(),
        actors=UnusedActorGateway(),
        progress=UnusedProgress(),
        skus=SkuIndex(state),
        audits=AuditRecords(state),
        books=BooksRecords(state),
        instances=WorkflowIndex(state),
        invoker=ServiceInvoker(dapr),
        secrets=SecretsManager(dapr, Redactor(), 0, 1),
        bindings=BindingsManager(dapr, max_data_bytes=1),
        pubsub=PubSubManager(dapr, source="test", max_event_bytes=1, max_request_bytes=1),
        flags=FeatureFlags(resolver),
        settings=settings,
        admission=WorkflowAdmission(1),
        order_views=OrderViews(1, 1.0),
        payment_key_header="x-api-key",
    )
    names = [fn.__name__ for group in ACTIVITY_GROUPS for fn in group(deps).activities()]
    assert {
        "apply_restock",
        "record_progress",
        "reserve_line",
        "charge_payment",
        "write_label",
        "audit_books_page",
    } <= set(names)
    assert len(names) == len(set(names))
    assert [actor.__name__ for actor in ACTORS] == ["InventoryActor", "OrderActor"]


def test_configuration_layers_follow_the_profile() -> None:
    """Local: environment over defaults; full: the Dapr store over both."""
    dapr = DaprClientWrapper(dapr_config(Settings()))
    local, no_store = configuration_layers(Settings(), dapr)
    assert no_store is None
    assert [source.name for source in local.sources] == ["environment", "defaults"]
    full, store = configuration_layers(Settings(profile="full"), dapr)
    assert store is not None
    assert [source.name for source in full.sources] == [
        "dapr:configstore",
        "environment",
        "defaults",
    ]
    assert full.get("approval-threshold").source == "defaults"  # the store is not loaded yet
