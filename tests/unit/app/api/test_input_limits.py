"""Every input the API takes is bounded, read from the app's own OpenAPI document: each
string a client sends (path, query, header, body field) has a maximum length, each page
size a maximum, each body array a maximum count. The body as a whole is bounded by the
body-limit middleware (tests/integration/test_edge_limits.py)."""

from collections.abc import Iterator
from typing import Any

import pytest

from app.main import create_app
from app.settings import Settings

Schema = dict[str, Any]
_UNBOUNDED_BY_DESIGN = {
    # Free-form JSON for a workflow's input or an event's payload: bounded by the body
    # limit (and by the workflow's own input model once it runs).
    "input",
    "payload",
    # A decimal: its string form is bounded by its value range and two decimal places.
    "unit_price",
}


@pytest.fixture(scope="module")
def document() -> Schema:
    return create_app(Settings()).openapi()


def _resolve(document: Schema, schema: Schema) -> Schema:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def _unbounded(document: Schema, schema: Schema, where: str, seen: set[str]) -> Iterator[str]:
    """Strings without maxLength, arrays without maxItems, numbers without maximum."""
    if "$ref" in schema:
        name = schema["$ref"]
        if name in seen:
            return
        seen = seen | {name}
    schema = _resolve(document, schema)
    for variant in schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", []):
        yield from _unbounded(document, variant, where, seen)
    kind = schema.get("type")
    fixed_format = schema.get("format") in ("date-time", "uuid")  # parsed, not stored
    if kind == "string" and not ({"maxLength", "enum"} & schema.keys() or fixed_format):
        yield f"{where}: string without maxLength"
    if kind == "array":
        if "maxItems" not in schema:
            yield f"{where}: array without maxItems"
        yield from _unbounded(document, schema.get("items", {}), f"{where}[]", seen)
    if kind == "object":
        for name, field in schema.get("properties", {}).items():
            if name not in _UNBOUNDED_BY_DESIGN:
                yield from _unbounded(document, field, f"{where}.{name}", seen)


def _inputs(document: Schema) -> Iterator[tuple[str, Schema]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            label = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                yield f"{label} {parameter['in']} {parameter['name']}", parameter["schema"]
            body = operation.get("requestBody", {}).get("content", {})
            for media, content in body.items():
                yield f"{label} body ({media})", content["schema"]


def test_every_string_array_and_page_size_a_client_sends_is_bounded(document: Schema) -> None:
    problems = [
        problem
        for where, schema in _inputs(document)
        for problem in _unbounded(document, schema, where, set())
    ]
    assert problems == []


def test_page_sizes_have_a_maximum(document: Schema) -> None:
    page_sizes = [
        (where, _resolve(document, schema))
        for where, schema in _inputs(document)
        if where.endswith((" query limit", " query page_size"))
    ]
    assert page_sizes, "no paged route found"
    for where, schema in page_sizes:
        bounded = [s for s in [schema, *schema.get("anyOf", [])] if "maximum" in s]
        assert bounded, f"{where} has no maximum"
