"""Wire models of the payment provider."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

PAYMENT_APP_ID = "payment-service"
API_KEY_HEADER = "x-api-key"
TOKEN_HEADER = "dapr-api-token"  # daprd sends APP_API_TOKEN in it; callers of daprd, theirs

Mode = Literal["approve", "decline"]
# charged/declined: a new outcome; replayed: the order's earlier charge returned;
# failed: an injected 503; cancelled: the request was abandoned while in progress.
AttemptOutcome = Literal["pending", "charged", "declined", "replayed", "failed", "cancelled"]


class ChargeRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    order_id: str = Field(min_length=1, max_length=200)
    amount: Decimal = Field(ge=0)
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")


class Charge(BaseModel):
    """The one outcome per order id: a retried charge returns it instead of charging again."""

    order_id: str
    amount: Decimal
    currency: str
    approved: bool
    reason: str = ""
    charge_id: str
    attempts: int = 1  # requests seen for this order id, failed ones included
    # When the charge was first decided (UTC): files it under its day in the journal.
    # None on charges recorded before the journal existed.
    charged_at: datetime | None = None


class Behaviour(BaseModel):
    """Switchable for tests and demos: outcome, injected failures, added latency."""

    model_config = ConfigDict(extra="forbid")

    mode: Mode = "approve"
    fail_next: int = Field(default=0, ge=0, le=1000)  # answer 503 to this many charges
    fail_next_refunds: int = Field(default=0, ge=0, le=1000)  # and to this many refunds
    # Only this order's charges take the injected failures (None: any order's), so a test
    # on a shared stack is not robbed of one by another order's charge in flight.
    fail_order_id: str | None = Field(default=None, min_length=1, max_length=200)
    latency_ms: int = Field(default=0, ge=0, le=60_000)  # before every charge and refund


class Attempt(BaseModel):
    """One charge request as the provider saw it."""

    model_config = ConfigDict(frozen=True)

    seq: int  # arrival order at this provider, from 1
    order_id: str
    arrived_monotonic: float  # CLOCK_MONOTONIC seconds, shared by every process on the host
    arrived_at: datetime  # wall clock, UTC
    outcome: AttemptOutcome = "pending"
    finished_monotonic: float | None = None


class RefundRequest(BaseModel):
    """Give a charge's money back; the charge id is the idempotency key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    charge_id: str = Field(min_length=1, max_length=200)
    reason: str = Field(default="", max_length=500)


class Refund(BaseModel):
    """The one refund per charge id: a retried refund returns it instead of refunding again."""

    refund_id: str
    charge_id: str
    order_id: str
    amount: Decimal
    currency: str
    reason: str = ""
    attempts: int = 1  # refund requests seen for this charge id once it was refunded


class LedgerEntry(BaseModel):
    """One charge of a day and its refund, if any."""

    charge: Charge
    refund: Refund | None = None


class LedgerDay(BaseModel):
    """A page of the charges first decided on one UTC day, in the order they were filed.
    `total` counts the day's charges; the reconciliation pages through them."""

    day: date
    total: int
    offset: int
    entries: list[LedgerEntry]


class LedgerLookup(BaseModel):
    """Order ids whose charges (and refunds) the caller wants, for reconciliation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    order_ids: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(max_length=1000)


class LedgerEntries(BaseModel):
    """The charges of the orders asked for (an order never charged is absent: a 200
    either way, since daprd's resiliency would retry a 404 and count it toward the
    caller's circuit breaker)."""

    entries: list[LedgerEntry]
