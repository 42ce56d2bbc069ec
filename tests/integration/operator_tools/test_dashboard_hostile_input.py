"""The dashboard's routes under the worst input a browser (or anyone) can send: bad
filters, ids with NUL and invalid UTF-8, ids and filters far over their limits, unknown
instances and actions, forms with garbage fields. Each answer is a 4xx or a page, never a
5xx."""

from devstack.stack import Stack

PATHS = [
    ("GET", "/ui/workflows?status=BOGUS&page=-1&created_after=notadate&name=%00"),
    ("GET", "/ui/workflows?page=99999999999999999999&id_prefix=" + "x" * 5000),
    ("GET", "/ui/workflows/rows?status=RUNNING&created_before=2026-13-45T99:99"),
    ("GET", "/ui/workflows/instances/%00bad"),
    ("GET", "/ui/workflows/instances/" + "a" * 400),
    ("GET", "/ui/workflows/instances/does-not-exist"),
    ("GET", "/ui/workflows/instances/does-not-exist/live"),
    ("POST", "/ui/workflows/instances/does-not-exist/actions/explode"),
    ("POST", "/ui/workflows/instances/does-not-exist/actions/pause"),
    ("POST", "/ui/workflows/instances/%ff/events"),
    ("POST", "/ui/orders"),
    ("POST", "/ui/inventory/restock"),
    ("GET", "/ui/inventory?sku=%00&sku=" + "s" * 3000),
    ("GET", "/ui/dead-letters?topic=%ff"),
]
GARBAGE_FORM = {
    "order_id": "\x00",
    "lines": "x" * 10_000,
    "quantity": "-1",
    "sku": "",
    "event": "../..",
    "payload": "{",
}


def test_no_dashboard_route_answers_hostile_input_with_a_5xx(stack: Stack) -> None:
    server_errors = []
    with stack.api_client(timeout_s=30) as client:
        for method, path in PATHS:
            for form in (None, GARBAGE_FORM):
                response = client.request(method, path, data=form)
                if response.status_code >= 500:
                    server_errors.append((method, path[:80], response.status_code))
    assert server_errors == []
