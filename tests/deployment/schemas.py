"""Offline schema checks: Kubernetes objects against the JSON schemas bundled with
kubernetes-validate, Dapr objects against the CRDs of the pinned dapr module, compose.yaml
against the Compose specification's schema from the pinned compose-go module."""

import copy
import json
from functools import cache
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

from devstack.deploy_tools import KUBERNETES_VERSION, compose_schema, dapr_crd_dir
from tests.deployment.manifests import KUBERNETES_DIR

Obj = dict[str, Any]
# Dapr 1.14.4's Configuration CRD lacks `spec.workflow`, which daprd 1.14 reads (the
# engine limits the app depends on, docs/workflow-engine.md): the API server would prune
# it. docs/deployment.md has the cluster's CRD patched with this file; the checks use the
# CRD with the same patch applied.
CRD_PATCHES = {
    "configurations.dapr.io": KUBERNETES_DIR / "dapr-crd" / "configuration-workflow.json"
}


def kubernetes_errors(obj: Obj) -> list[str]:
    """Strict: a field the schema does not know is an error, as kubectl's server-side
    field validation would make it."""
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return [f"{'.'.join(map(str, error.path))}: {error.message}"]
    return []


def _patched(crd: Obj) -> Obj:
    """The CRD with our JSON patch applied (only `add` operations are used)."""
    path = CRD_PATCHES.get(crd["metadata"]["name"])
    if path is None:
        return crd
    patched = copy.deepcopy(crd)
    for operation in json.loads(path.read_text()):
        assert operation["op"] == "add", operation
        *parents, leaf = operation["path"].strip("/").split("/")
        node: Any = patched
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        assert leaf not in node, f"{operation['path']} exists already: drop the patch"
        node[leaf] = operation["value"]
    return patched


def _closed(schema: Any) -> Any:
    """The CRD schema with unknown fields refused wherever it lists properties and does
    not ask to keep unknown ones: the API server would silently prune a misspelt field,
    which is worse than an error."""
    if isinstance(schema, dict):
        closed = {key: _closed(value) for key, value in schema.items()}
        if (
            "properties" in schema
            and "additionalProperties" not in schema
            and not schema.get("x-kubernetes-preserve-unknown-fields")
        ):
            closed["additionalProperties"] = False
        return closed
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    return schema


@cache
def dapr_schemas(patched: bool = True) -> dict[tuple[str, str], Obj]:
    """(apiVersion, kind) -> closed openAPIV3Schema, for every served version of every CRD
    (with CRD_PATCHES applied unless `patched` is false)."""
    schemas: dict[tuple[str, str], Obj] = {}
    for path in sorted(dapr_crd_dir().glob("*.yaml")):
        for loaded in yaml.safe_load_all(path.read_text()):
            if not loaded:
                continue
            crd = _patched(loaded) if patched else loaded
            group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                if version.get("served"):
                    schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])
                    schemas[(f"{group}/{version['name']}", kind)] = _closed(schema)
    return schemas


def dapr_errors(obj: Obj, patched: bool = True) -> list[str]:
    schema = dapr_schemas(patched).get((obj["apiVersion"], obj["kind"]))
    if schema is None:
        return [f"no CRD serves {obj['apiVersion']} {obj['kind']}"]
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(obj)]


def compose_errors(document: Obj) -> list[str]:
    schema = json.loads(compose_schema().read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(document)]
