"""Outbound calls to the sidecar are counted by bounded operation and outcome."""

import asyncio
from typing import Any

import httpx
import pytest

from app.building_blocks.errors import DaprError
from app.building_blocks.middleware import MiddlewarePipeline, OutboundCall
from app.observability.metrics import REGISTRY
from app.observability.sidecar_metrics import sidecar_call_metrics


def count(operation: str, outcome: str) -> float:
    labels = {"operation": operation, "outcome": outcome}
    return REGISTRY.get_sample_value("orderflow_sidecar_calls_total", labels) or 0.0


def call(operation: str, result: Any) -> Any:
    async def endpoint(outbound: OutboundCall) -> Any:
        if isinstance(result, Exception):
            raise result
        return result

    pipeline = MiddlewarePipeline("outbound", [sidecar_call_metrics()])
    return asyncio.run(pipeline.run(OutboundCall(operation), endpoint, operation))


def test_success_error_status_and_raised_error_are_told_apart() -> None:
    """A result is success; a 4xx/5xx response or a raised error is an error."""
    before = count("unit op", "success"), count("unit op", "error")
    call("unit op", {"ok": True})
    call("unit op", httpx.Response(500))
    with pytest.raises(DaprError):
        call("unit op", DaprError("sidecar down"))
    assert count("unit op", "success") == before[0] + 1
    assert count("unit op", "error") == before[1] + 2


def test_invocation_is_counted_by_target_app_not_method_path() -> None:
    """ "invoke <app>/<path>" is counted as "invoke <app>": a path can carry an id."""
    call("invoke payment-service/charges/order-1234", httpx.Response(200))
    call("invoke payment-service/charges/order-5678", httpx.Response(200))
    assert count("invoke payment-service", "success") >= 2
    assert count("invoke payment-service/charges/order-1234", "success") == 0
