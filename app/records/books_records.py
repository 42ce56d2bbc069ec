"""The last books audit's record in the state store (one key, overwritten by each run)."""

from app.building_blocks.state import StateManager
from app.records.inventory_index import AuditRecords

LAST_BOOKS_AUDIT_KEY = "books-audit:last"


class BooksRecords(AuditRecords):
    def __init__(self, state: StateManager) -> None:
        super().__init__(state, LAST_BOOKS_AUDIT_KEY)
