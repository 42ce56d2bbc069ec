"""The same order.placed event, published again and again through every replica's
sidecar and so delivered to different replicas, starts one workflow: its instance id is
the order id, and the workflow actor (one cluster-wide) refuses a second start."""

import json
import time
import uuid

from tests.integration.replicas.client import ReplicaClient
from tests.integration.replicas.logs import messages
from tests.support.orders import new_id
from tests.support.payments import PaymentsAdmin

COPIES_PER_REPLICA = 3


def test_copies_of_one_order_placed_on_different_replicas_start_one_workflow(
    replicas: ReplicaClient,
) -> None:
    since = time.time()
    sku = new_id("SKU-dup")
    replicas.restock(sku, 5)
    order_id = new_id("ord-dup")
    data = {
        "order_id": order_id,
        "customer_id": "c-dup",
        "lines": [{"sku": sku, "quantity": 1, "unit_price": "3.00"}],
    }
    for _ in range(COPIES_PER_REPLICA):
        for sidecar in replicas.sidecars:
            envelope = {
                "specversion": "1.0",
                "id": str(uuid.uuid4()),  # distinct ids: the event dedupe does not apply
                "source": "tests",
                "type": "order.placed",
                "datacontenttype": "application/json",
                "data": data,
            }
            response = sidecar.post(
                "/v1.0/publish/pubsub/orders",
                content=json.dumps(envelope),
                headers={"content-type": "application/cloudevents+json"},
            )
            assert response.status_code == 204, response.text

    copies = len(replicas.sidecars) * COPIES_PER_REPLICA
    deadline = time.monotonic() + 60
    while True:
        handled = [
            [r["message"] for r in records if f"order {order_id} started=" in r["message"]]
            for records in messages(replicas.stack, since)
        ]
        if sum(map(len, handled)) >= copies or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert sum(map(len, handled)) == copies, handled
    assert sum(bool(lines) for lines in handled) >= 2, "every copy went to one replica"
    started = [line for lines in handled for line in lines if line.endswith("started=True")]
    assert len(started) == 1, handled

    end = replicas.wait_terminal([order_id], timeout_s=180)[order_id]
    assert end["status"] == "completed"
    assert len(PaymentsAdmin(replicas.stack).attempts(order_id)) == 1
    assert replicas.stock(sku)["on_hand"] == 4
