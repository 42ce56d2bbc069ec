"""The Dapr resources of every profile (local, full, each Kubernetes overlay, compose)
against the code: every component and topic it uses exists, resiliency aims at real
targets, no secret value is written into a manifest."""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.api.bindings import INPUT_BINDINGS
from app.api.subscriptions import SUBSCRIPTIONS
from app.building_blocks.subscriptions import SubscriptionRegistry
from app.settings import Settings
from devstack.daprd_configs import SCHEDULER_REMINDERS
from devstack.runtime import DAPR_DIR
from payments.main import SECRET_STORE, STATE_STORE
from tests.deployment.manifests import (
    APP_ID,
    OVERLAYS,
    PAYMENT_ID,
    Profile,
    named,
    profiles,
    rendered,
)

PROFILES = profiles()
Obj = dict[str, Any]


def _settings(env: dict[str, str]) -> Settings:
    """The order service's settings as its container would read them from `env`."""
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("ORDERFLOW_")]:
            patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        return Settings()


def _components(profile: Profile, app_id: str) -> dict[str, Obj]:
    return {o["metadata"]["name"]: o for o in profile.resources[app_id] if o["kind"] == "Component"}


def app_component_names(settings: Settings) -> set[str]:
    """Every component the order service calls by name under these settings."""
    names = {
        settings.statestore_name,
        settings.pubsub_name,
        settings.secretstore_name,
        settings.shipping_binding_name,
        *(binding.name for binding in INPUT_BINDINGS),
    }
    if settings.configstore_name:
        names.add(settings.configstore_name)
    return names


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_every_component_the_code_names_is_loaded_by_its_daprd(profile: Profile) -> None:
    """The order service's stores, pub/sub, secret store and bindings (names from its
    settings, read from that profile's environment), and payment-service's secret store
    and ledger, are each loaded by that app's daprd."""
    settings = _settings(dict(profile.app_env))
    assert app_component_names(settings) <= set(_components(profile, APP_ID))
    assert {SECRET_STORE, STATE_STORE} <= set(_components(profile, PAYMENT_ID))


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_the_actor_state_store_is_the_one_the_code_uses(profile: Profile) -> None:
    """Exactly one actorStateStore for python-api, and it is settings.statestore_name."""
    actor_stores = [
        name
        for name, component in _components(profile, APP_ID).items()
        if any(
            item.get("name") == "actorStateStore" and item.get("value") == "true"
            for item in component["spec"].get("metadata", [])
        )
    ]
    assert actor_stores == [_settings(dict(profile.app_env)).statestore_name]


def _declared_subscriptions(profile: Profile) -> list[dict[str, Any]]:
    declared = []
    for sub in profile.resources[APP_ID]:
        if sub["kind"] != "Subscription":
            continue
        spec = sub["spec"]
        entry = {
            "pubsubname": spec["pubsubname"],
            "topic": spec["topic"],
            "route": spec["routes"]["default"],
            "metadata": spec.get("metadata", {}),
        }
        if "deadLetterTopic" in spec:
            entry["deadLetterTopic"] = spec["deadLetterTopic"]
        declared.append(entry)
    return declared


DECLARING = [p for p in PROFILES if p.name.startswith(("kubernetes", "compose"))]


@pytest.mark.parametrize("profile", DECLARING, ids=lambda p: p.name)
def test_declared_subscriptions_equal_what_the_app_subscribes(profile: Profile) -> None:
    """Kubernetes and compose declare each topic (Kafka needs them named): the same
    pub/sub, topic, route and dead-letter topic as the app's /dapr/subscribe answer. The
    local and full profiles declare none (in-memory and Redis streams need no topics)."""
    settings = _settings(dict(profile.app_env))
    expected = SubscriptionRegistry(SUBSCRIPTIONS, settings.pubsub_name).declarations()
    key = lambda entry: entry["topic"]  # noqa: E731
    assert sorted(_declared_subscriptions(profile), key=key) == sorted(expected, key=key)
    topics = {e["topic"] for e in expected} | {e.get("deadLetterTopic") for e in expected}
    assert settings.order_outcomes_topic in topics


def _resiliencies(profile: Profile) -> Iterator[Obj]:
    for app_id, objects in profile.resources.items():
        for obj in objects:
            if obj["kind"] == "Resiliency":
                assert app_id in obj.get("scopes", [app_id])
                yield obj


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_resiliency_targets_name_real_apps_components_and_policies(profile: Profile) -> None:
    """Each target app is an app id of the deployment, each target component is loaded
    by the same daprd, and each policy a target uses is defined."""
    resiliencies = list(_resiliencies(profile))
    assert resiliencies, f"{profile.name}: no Resiliency"
    settings = _settings(dict(profile.app_env))
    for resiliency in resiliencies:
        spec, targets = resiliency["spec"], resiliency["spec"]["targets"]
        assert set(targets.get("apps", {})) <= {settings.payment_app_id, PAYMENT_ID}
        assert settings.payment_app_id in targets["apps"]
        assert set(targets.get("components", {})) <= set(_components(profile, APP_ID))
        defined = {
            kind: set(spec["policies"].get(kind, {}))
            for kind in ("timeouts", "retries", "circuitBreakers")
        }
        uses = {"timeout": "timeouts", "retry": "retries", "circuitBreaker": "circuitBreakers"}
        for rule in _rules(targets):
            for field, kind in uses.items():
                if field in rule:
                    assert rule[field] in defined[kind], f"{profile.name}: {rule[field]} undefined"


def _rules(targets: Obj) -> Iterator[Obj]:
    yield from targets.get("apps", {}).values()
    for component in targets.get("components", {}).values():
        yield from (component[d] for d in ("outbound", "inbound") if d in component)


SECRET_LIKE = re.compile(r"password|token|secret|connectionstring|apikey|credential", re.I)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_no_secret_value_is_written_into_a_component(profile: Profile) -> None:
    """A metadata item that names a credential reads it (secretKeyRef or envRef) or is
    explicitly empty; it never holds the value."""
    for objects in profile.resources.values():
        for component in (o for o in objects if o["kind"] == "Component"):
            for item in component["spec"].get("metadata", []):
                if SECRET_LIKE.search(item["name"]) and item.get("value"):
                    pytest.fail(f"{profile.name}: {component['metadata']['name']}.{item['name']}")


def _allowed(configuration: Obj) -> dict[str, set[tuple[str, str]]]:
    """Per caller app id, the (verb, operation) pairs its policy allows."""
    control = configuration["spec"]["accessControl"]
    assert control["defaultAction"] == "deny"
    return {
        policy["appId"]: {
            (verb, operation["name"])
            for operation in policy["operations"]
            if operation["action"] == "allow"
            for verb in operation["httpVerb"]
        }
        for policy in control["policies"]
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_replicated_order_service_keeps_its_reminders_on_the_scheduler(overlay: str) -> None:
    """The order service may run several replicas (its HorizontalPodAutoscaler's
    maximum), so its daprds keep actor reminders on the Scheduler, as devstack's replica
    stacks do (docs/replicas.md)."""
    objects = rendered(overlay)
    most_replicas = named(objects, "HorizontalPodAutoscaler", APP_ID)["spec"]["maxReplicas"]
    config = named(objects, "Configuration", "python-api-config")
    enabled = {f["name"] for f in config["spec"].get("features", []) if f.get("enabled")}
    assert most_replicas > 1
    assert SCHEDULER_REMINDERS in enabled


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_payment_service_access_rules_are_the_dev_stacks(overlay: str) -> None:
    """Each overlay lets the same callers do the same operations on payment-service as the
    dev stack's Configuration (which tests/integration/test_access_control.py attacks)."""
    dev = yaml.safe_load((DAPR_DIR / "config" / "payment-service.yaml").read_text())
    deployed = named(rendered(overlay), "Configuration", "payment-service-config")
    assert _allowed(deployed) == _allowed(dev)


def _secret_scopes(configuration: dict[str, Any]) -> dict[str, tuple[str, set[str]]]:
    scopes = configuration["spec"].get("secrets", {}).get("scopes", [])
    return {s["storeName"]: (s["defaultAccess"], set(s["allowedSecrets"])) for s in scopes}


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize(
    ("dev_file", "name"),
    [
        (DAPR_DIR / "config" / "payment-service.yaml", "payment-service-config"),
        (DAPR_DIR / "config" / "local" / "config.yaml", "python-api-config"),
        (DAPR_DIR / "config" / "full" / "config.yaml", "python-api-config"),
    ],
)
def test_each_app_reads_the_same_secrets_as_in_the_dev_stack(
    overlay: str, dev_file: Path, name: str
) -> None:
    """Secret scopes: deny by default, and each app's allowed secrets are the dev stack's
    (tests/integration/test_secrets.py and test_access_control.py attack those)."""
    dev = _secret_scopes(yaml.safe_load(dev_file.read_text()))
    deployed = _secret_scopes(named(rendered(overlay), "Configuration", name))
    assert deployed == dev
    assert {access for access, _ in deployed.values()} == {"deny"}
