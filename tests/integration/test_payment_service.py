"""The payment-service peer through real sidecars: key, idempotency, refunds, behaviour,
and a ledger that survives restarts."""

import uuid
from collections.abc import Iterator

import httpx
import pytest

from devstack.stack import Stack
from payments.models import API_KEY_HEADER, PAYMENT_APP_ID
from tests.support.payments import PaymentsAdmin, dev_api_key, restart_payment_service


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


def test_a_refund_twice_refunds_once_and_an_unknown_charge_is_404(
    payments: PaymentsAdmin,
) -> None:
    """POST /refunds by charge id: the repeat returns the first refund (same id, attempts
    2); an unknown charge id is 404, a declined charge 409; no key is 401."""
    order_id = f"o-{uuid.uuid4().hex[:8]}"
    charge = payments.post("/charges", _body(order_id), dev_api_key()).json()
    body = {"charge_id": charge["charge_id"], "reason": "test"}
    first = payments.post("/refunds", body, dev_api_key())
    second = payments.post("/refunds", body, dev_api_key())
    assert first.status_code == second.status_code == 200
    assert second.json()["refund_id"] == first.json()["refund_id"]
    assert (second.json()["attempts"], second.json()["order_id"]) == (2, order_id)
    assert payments.post("/refunds", {"charge_id": "ch_unknown"}, dev_api_key()).status_code == 404
    assert payments.post("/refunds", body, None).status_code == 401
    payments.behave(mode="decline")
    declined = payments.post("/charges", _body(f"o-{uuid.uuid4().hex[:8]}"), dev_api_key()).json()
    refused = payments.post("/refunds", {"charge_id": declined["charge_id"]}, dev_api_key())
    assert refused.status_code == 409


def test_the_ledger_survives_a_restart_of_the_provider_and_its_sidecar(
    stack: Stack, payments: PaymentsAdmin
) -> None:
    """Charges and refunds live in payment-service's own state store: after both of its
    processes restart, a retried charge is replayed (same id) and a retried refund too."""
    order_id = f"o-{uuid.uuid4().hex[:8]}"
    charge = payments.post("/charges", _body(order_id), dev_api_key()).json()
    refund = payments.post("/refunds", {"charge_id": charge["charge_id"]}, dev_api_key()).json()

    restart_payment_service(stack)

    again = payments.post("/charges", _body(order_id), dev_api_key())
    assert again.status_code == 200
    assert again.json()["charge_id"] == charge["charge_id"]
    assert again.json()["attempts"] == 2
    refund_again = payments.post("/refunds", {"charge_id": charge["charge_id"]}, dev_api_key())
    assert refund_again.json()["refund_id"] == refund["refund_id"]
