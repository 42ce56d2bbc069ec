"""The payment-service peer through real sidecars: key, idempotency, behaviour."""

import uuid
from collections.abc import Iterator

import httpx
import pytest

from devstack.stack import Stack
from payments.models import API_KEY_HEADER, PAYMENT_APP_ID
from tests.support.payments import PaymentsAdmin, dev_api_key


@pytest.fixture
def payments(stack: Stack) -> Iterator[PaymentsAdmin]:
    admin = PaymentsAdmin(stack)
    admin.behave()
    yield admin
    admin.behave()


def _body(order_id: str) -> dict[str, str]:
    return {"order_id": order_id, "amount": "12.50"}


def test_a_charge_without_the_key_from_the_secret_store_is_refused(
    payments: PaymentsAdmin,
) -> None:
    """No key and a wrong key are 401 and charge nothing; the stored key is accepted."""
    order_id = f"o-{uuid.uuid4().hex[:8]}"
    assert payments.post("/charges", _body(order_id), None).status_code == 401
    assert payments.post("/charges", _body(order_id), "wrong").status_code == 401
    assert payments.charge(order_id) is None
    assert payments.post("/charges", _body(order_id), dev_api_key()).status_code == 200


def test_a_retried_charge_returns_the_first_one(payments: PaymentsAdmin) -> None:
    """The same order id charged twice gives one charge id."""
    order_id = f"o-{uuid.uuid4().hex[:8]}"
    first = payments.post("/charges", _body(order_id), dev_api_key()).json()
    second = payments.post("/charges", _body(order_id), dev_api_key()).json()
    assert first["charge_id"] == second["charge_id"]
    assert second["attempts"] == 2


def test_decline_and_injected_failures_through_the_services_sidecar(
    sidecar_http: httpx.Client, payments: PaymentsAdmin
) -> None:
    """A decline is an answer (200, not approved); `fail_next` answers 503 that many
    times, which the service's daprd retries (defaultRetry on payment-service)."""
    url = f"/v1.0/invoke/{PAYMENT_APP_ID}/method/charges"
    headers = {API_KEY_HEADER: dev_api_key()}
    payments.behave(mode="decline")
    declined = sidecar_http.post(url, json=_body(f"o-{uuid.uuid4().hex[:8]}"), headers=headers)
    assert declined.status_code == 200
    assert declined.json()["approved"] is False
    payments.behave(fail_next=2)
    flaky = f"o-{uuid.uuid4().hex[:8]}"
    response = sidecar_http.post(url, json=_body(flaky), headers=headers)
    charge = payments.charge(flaky)
    assert response.status_code == 200
    assert charge is not None
    assert charge["attempts"] == 3


def test_the_provider_records_every_charge_request_for_tests(payments: PaymentsAdmin) -> None:
    """/admin/attempts needs the key; it lists one order's requests in arrival order with
    their outcomes, and DELETE forgets them."""
    order_id = f"o-{uuid.uuid4().hex[:8]}"
    payments.behave(fail_next=1)
    assert payments.post("/charges", _body(order_id), dev_api_key()).status_code == 503
    assert payments.post("/charges", _body(order_id), dev_api_key()).status_code == 200
    attempts = payments.attempts(order_id)
    assert [a["outcome"] for a in attempts] == ["failed", "charged"]
    assert attempts[0]["arrived_monotonic"] < attempts[1]["arrived_monotonic"]
    assert payments.get("/admin/attempts", key=None).status_code == 401
    assert payments.get("/admin/attempts", key="wrong").status_code == 401
    payments.clear_attempts()
    assert payments.attempts(order_id) == []
