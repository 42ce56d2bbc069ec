"""Typed input, pages and record of the `books_audit` workflow (JSON on the wire)."""

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from actors.order_interface import UtcDateTime

# Findings carried from page to page (and stored) are capped; the count is not.
MAX_VIOLATIONS_KEPT = 200


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ViolationKind(StrEnum):
    COMPLETED_WITHOUT_CHARGE = "completed_without_charge"
    COMPLETED_REFUNDED = "completed_refunded"
    CHARGE_AMOUNT_MISMATCH = "charge_amount_mismatch"
    CHARGE_NOT_REFUNDED = "charge_not_refunded"
    REFUND_AMOUNT_MISMATCH = "refund_amount_mismatch"
    STOCK_NOT_COMMITTED = "stock_not_committed"
    STOCK_KEPT = "stock_kept"
    CHARGE_WITHOUT_ORDER = "charge_without_order"


class Violation(_Frozen):
    """One way the books do not balance for one order (or one charge without an order)."""

    order_id: str
    kind: ViolationKind
    detail: str
    charge_id: str | None = None
    sku: str | None = None


Phase = Literal["orders", "charges"]


class BooksCursor(_Frozen):
    """Where the audit is: paging the order index after the id `after` (an id, not an
    offset: the index loses old entries to pruning while a run pages through it), then
    the provider's journal one UTC day at a time (`day_offset` days after `since`'s,
    `offset` within it; the journal only grows)."""

    phase: Phase = "orders"
    after: str | None = None
    offset: int = Field(default=0, ge=0)
    day_offset: int = Field(default=0, ge=0)


class BooksAuditInput(_Frozen):
    """One run of the audit. Without `since` the window is the last
    ORDERFLOW_BOOKS_AUDIT_WINDOW_S; `until` is the first run's start."""

    since: UtcDateTime | None = None
    until: UtcDateTime | None = None
    page_size: int | None = Field(default=None, gt=0, le=500)
    retention_s: float | None = Field(default=None, gt=0)
    cursor: BooksCursor = BooksCursor()
    pages: int = Field(default=0, ge=0)
    orders_checked: int = Field(default=0, ge=0)
    in_flight: int = Field(default=0, ge=0)
    charges_checked: int = Field(default=0, ge=0)
    violation_count: int = Field(default=0, ge=0)
    violations: list[Violation] = Field(default_factory=list)
    started_at: UtcDateTime | None = None


class PruneRequest(_Frozen):
    """Drop index entries of ended orders started before `before`, at most `limit`."""

    before: UtcDateTime
    limit: int = Field(gt=0, le=10_000)


class BooksPageRequest(_Frozen):
    since: UtcDateTime
    until: UtcDateTime
    cursor: BooksCursor
    page_size: int


class BooksPage(_Frozen):
    """One page audited; `next` is None after the last."""

    orders_checked: int = 0
    in_flight: int = 0
    charges_checked: int = 0
    violations: list[Violation]
    next: BooksCursor | None


class BooksAuditRecord(_Frozen):
    """What `GET /api/v1/books/audit` returns: the last finished books audit."""

    instance_id: str
    started_at: UtcDateTime
    finished_at: UtcDateTime
    since: UtcDateTime
    until: UtcDateTime
    pages: int
    orders_checked: int = Field(description="orders in the window that had ended")
    in_flight: int = Field(description="orders in the window not yet ended (not judged)")
    charges_checked: int = Field(description="the provider's charges filed in the window")
    violation_count: int
    violations: list[Violation] = Field(description=f"the first {MAX_VIOLATIONS_KEPT}")
    instances_pruned: int = Field(
        default=0, description="ended orders older than the retention dropped from the index"
    )
