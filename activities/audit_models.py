"""Typed input, pages and record of the `inventory_audit` workflow (JSON on the wire)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

# Findings carried from page to page (and stored) are capped; the count is not.
MAX_ANOMALIES_KEPT = 100
# Empty SKUs (nothing on hand, nothing held) carried to the end of a run to be dropped
# from the index; a larger backlog is dropped run by run.
MAX_EMPTY_KEPT = 1000


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Anomaly(_Frozen):
    sku: str
    problem: str
    on_hand: int | None = None
    reserved: int | None = None
    available: int | None = None


class AuditInput(_Frozen):
    """One run's position: the next page to read and what earlier pages found.

    Without `page_size` the first page uses ORDERFLOW_INVENTORY_AUDIT_PAGE_SIZE."""

    offset: int = Field(default=0, ge=0)
    page_size: int | None = Field(default=None, gt=0, le=1000)
    pages: int = Field(default=0, ge=0)
    skus_checked: int = Field(default=0, ge=0)
    anomaly_count: int = Field(default=0, ge=0)
    anomalies: list[Anomaly] = Field(default_factory=list)
    empty: list[str] = Field(default_factory=list)
    started_at: datetime | None = None


class PageRequest(_Frozen):
    offset: int
    page_size: int | None = None


class AuditPage(_Frozen):
    """One page audited; `next_offset` is None on the last page."""

    skus: list[str]
    anomalies: list[Anomaly]
    page_size: int
    next_offset: int | None
    empty: list[str] = Field(default_factory=list)


class AuditRecord(_Frozen):
    """What `GET /api/v1/inventory/audit` returns: the last finished audit."""

    instance_id: str
    started_at: datetime
    finished_at: datetime
    pages: int
    skus_checked: int
    anomaly_count: int
    anomalies: list[Anomaly]
    skus_pruned: int = 0  # empty SKUs dropped from the index at the end of the run
