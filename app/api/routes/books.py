"""The books: the last reconciliation of orders, payments and stock (docs/order-domain.md)."""

from fastapi import APIRouter

from activities.books_models import BooksAuditRecord
from app.api.auth import Scope, requires
from app.api.deps import ServicesDep
from app.building_blocks.errors import StateNotFoundError
from app.records.books_records import BooksRecords

router = APIRouter(prefix="/api/v1/books", tags=["books"])


@router.get("/audit", dependencies=[requires(Scope.ORDERS_READ)])
async def last_books_audit(services: ServicesDep) -> BooksAuditRecord:
    """The last books audit: its window, what it checked, and every violation it found."""
    record = await BooksRecords(services.state).last()
    if record is None:
        raise StateNotFoundError("no books audit has finished yet", {})
    return BooksAuditRecord.model_validate(record)
