"""The InventoryActor's contract: declared methods and their wire models."""

from abc import abstractmethod
from typing import Any

from dapr.actor import ActorInterface
from pydantic import BaseModel, ConfigDict, Field

from app.building_blocks.actors import actor_method
from app.building_blocks.ids import CLIENT_ID_PATTERN

INVENTORY_ACTOR_TYPE = "InventoryActor"

OrderId = str


class StockLevel(BaseModel):
    """What one SKU has: on hand, held for orders, and free to reserve."""

    model_config = ConfigDict(frozen=True)

    sku: str
    on_hand: int = Field(ge=0)
    reserved: int = Field(default=0, ge=0)
    available: int = Field(default=0, ge=0)


class RestockRequest(BaseModel):
    """Add stock; `restock_id` makes a repeated request (a retried activity) a no-op."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    restock_id: str = Field(min_length=1, max_length=200)
    quantity: int = Field(gt=0, le=1_000_000)


class ReserveRequest(BaseModel):
    """Hold `quantity` units for one order, all or nothing.

    `hold_s` overrides the actor's configured hold time for this reservation. `renew` lifts
    the fence of an order id whose hold ended: only the order's own workflow sends it, to
    take the units again when the hold expired before commit (after payment).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    # The order id rule: the id names the hold's reminder ("hold:<id>"), which daprd calls
    # back on a URL path, so a '/' or '?' in it would leave the hold unreleased.
    order_id: OrderId = Field(min_length=1, pattern=CLIENT_ID_PATTERN)
    quantity: int = Field(gt=0, le=1_000_000)
    hold_s: float | None = Field(default=None, gt=0, le=7 * 24 * 3600)
    renew: bool = False


class OrderRef(BaseModel):
    """Names the order whose reservation is released or committed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    order_id: OrderId = Field(min_length=1, max_length=200)


class ReservationResult(BaseModel):
    """Outcome of Reserve, Release or Commit; `status` is what the order now holds here."""

    model_config = ConfigDict(frozen=True)

    order_id: OrderId
    ok: bool
    status: str  # reserved | committed | released | insufficient | unknown
    quantity: int = 0
    stock: StockLevel


class Commitment(BaseModel):
    """What one order took from this SKU: units committed, and whether they were put back
    (the settle compensation's restock `return:<order id>`). For the books audit."""

    model_config = ConfigDict(frozen=True)

    order_id: OrderId
    committed: int = 0
    returned: bool = False


def return_restock_id(order_id: str) -> str:
    """The restock id that puts an order's committed units back: applied once per order."""
    return f"return:{order_id}"


class InventoryActorInterface(ActorInterface):
    """Methods callable through the sidecar; arguments and results are JSON objects."""

    @actor_method(name="GetStock")
    @abstractmethod
    async def get_stock(self) -> dict[str, Any]: ...

    @actor_method(name="Restock")
    @abstractmethod
    async def restock(self, request: dict[str, Any]) -> dict[str, Any]: ...

    @actor_method(name="Reserve")
    @abstractmethod
    async def reserve(self, request: dict[str, Any]) -> dict[str, Any]: ...

    @actor_method(name="Release")
    @abstractmethod
    async def release(self, request: dict[str, Any]) -> dict[str, Any]: ...

    @actor_method(name="Commit")
    @abstractmethod
    async def commit(self, request: dict[str, Any]) -> dict[str, Any]: ...

    @actor_method(name="GetCommitment")
    @abstractmethod
    async def get_commitment(self, request: dict[str, Any]) -> dict[str, Any]: ...
