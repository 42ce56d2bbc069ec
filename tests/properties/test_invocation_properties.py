"""Service invocation properties (seed 8, 9) through two real sidecars to echo-service."""

import asyncio
import json
import re
import secrets

from hypothesis import given
from hypothesis import strategies as st

from app.building_blocks.invoke import HttpMethod, ServiceInvoker
from app.observability import tracing
from tests.support.echo_app import ECHO_APP_ID

header_names = st.from_regex(r"x-[a-z][a-z0-9-]{0,20}", fullmatch=True)
header_values = st.from_regex(r"[A-Za-z0-9_.~-]{1,40}", fullmatch=True)
query_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30)
path_segments = st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True)
bodies = st.binary(max_size=2000).map(lambda raw: raw.hex().encode())


@given(
    verb=st.sampled_from(list(HttpMethod)),
    path=path_segments,
    headers=st.dictionaries(header_names, header_values, max_size=5),
    query=st.dictionaries(st.from_regex(r"[a-z]{1,10}", fullmatch=True), query_values, max_size=4),
    body=bodies,
)
def test_service_invocation_http_method_support(
    runner: asyncio.Runner,
    invoker: ServiceInvoker,
    verb: HttpMethod,
    path: str,
    headers: dict[str, str],
    query: dict[str, str],
    body: bytes,
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 8: Service Invocation HTTP Method Support**
    **Validates: Requirements 2.3**
    """
    data = None if verb is HttpMethod.GET else body
    response = runner.run(
        invoker.invoke(
            ECHO_APP_ID, f"echo/{path}", data=data, http_verb=verb, headers=headers, query=query
        )
    )
    echoed = json.loads(response.data)
    assert response.status_code == 200
    assert echoed["method"] == verb.value
    assert echoed["path"] == path
    assert echoed["query"] == query
    assert echoed["body"] == (data or b"").decode()
    for name, value in headers.items():
        assert echoed["headers"][name] == value


@given(trace_id=st.from_regex(r"[0-9a-f]{32}", fullmatch=True).filter(lambda t: set(t) != {"0"}))
def test_trace_context_propagation(
    runner: asyncio.Runner, invoker: ServiceInvoker, trace_id: str
) -> None:
    """
    **Feature: dapr-sidecar-integration, Property 9: Trace Context Propagation**
    **Validates: Requirements 2.5, 10.1**

    Within a traced request (trace id bound as inbound middleware does), the callee
    receives a traceparent of the same trace and a tracestate.
    """
    inbound = {"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"}

    async def call_within_request() -> dict[str, str]:
        tracing.bind(tracing.context_from_headers(inbound))
        response = await invoker.invoke(ECHO_APP_ID, "echo/traced", http_verb=HttpMethod.GET)
        return dict(json.loads(response.data)["headers"])

    received = runner.run(call_within_request())
    match = re.fullmatch(r"00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}", received["traceparent"])
    assert match is not None
    assert match.group(1) == trace_id
    assert received.get("tracestate")
