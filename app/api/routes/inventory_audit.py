"""The last inventory audit's record (mounted before `/inventory/{sku}`)."""

from typing import Any

from fastapi import APIRouter

from app.api.auth import Scope, requires
from app.api.deps import ServicesDep
from app.building_blocks.errors import StateNotFoundError
from app.records.inventory_index import AuditRecords

router = APIRouter(prefix="/api/v1/inventory", tags=["inventory"])


@router.get("/audit", dependencies=[requires(Scope.ORDERS_READ)])
async def last_audit(services: ServicesDep) -> dict[str, Any]:
    """When the last audit finished, how many SKUs it checked, and what it found."""
    record = await AuditRecords(services.state).last()
    if record is None:
        raise StateNotFoundError("no inventory audit has finished yet", {})
    return record
