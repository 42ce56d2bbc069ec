"""Retry policies of workflow activities."""

from datetime import timedelta

from dapr.ext.workflow import RetryPolicy

# Actor calls and bindings: a sidecar hiccup is retried a few times, quickly.
ACTIVITY_RETRY = RetryPolicy(
    first_retry_interval=timedelta(seconds=1),
    max_number_of_attempts=3,
    backoff_coefficient=2.0,
    max_retry_interval=timedelta(seconds=5),
)

# Payment: on top of daprd's own retries of payment-service (resiliency.yaml, 3 x 1 s),
# the activity is retried with backoff; the provider's charge is idempotent per order id.
PAYMENT_RETRY = RetryPolicy(
    first_retry_interval=timedelta(seconds=2),
    max_number_of_attempts=4,
    backoff_coefficient=2.0,
    max_retry_interval=timedelta(seconds=15),
)

# Refund: as the charge, with more patience. A refund is owed money, so it is retried for
# about two minutes before the order is left `failed` with "refund pending" for a person;
# the provider keys refunds by charge id, so a retry never refunds twice.
REFUND_RETRY = RetryPolicy(
    first_retry_interval=timedelta(seconds=2),
    max_number_of_attempts=8,
    backoff_coefficient=2.0,
    max_retry_interval=timedelta(seconds=30),
)
