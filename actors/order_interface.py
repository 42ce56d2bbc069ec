"""The OrderActor's contract: declared methods and their wire models."""

from abc import abstractmethod
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from dapr.actor import ActorInterface
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from actors.order_states import OrderStatus
from app.building_blocks.actors import actor_method
from app.building_blocks.ids import CLIENT_ID_MAX_LENGTH, CLIENT_ID_PATTERN

ORDER_ACTOR_TYPE = "OrderActor"

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
ID_PATTERN = CLIENT_ID_PATTERN  # the one id rule (app/building_blocks/ids.py)


def _as_utc(moment: datetime) -> datetime:
    # A workflow's clock (ctx.current_utc_datetime) is naive UTC, and so are steps stored
    # before this type existed: naive means UTC, and every timestamp leaves with +00:00.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]


class OrderLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str = Field(min_length=1, max_length=100, pattern=SKU_PATTERN)
    quantity: int = Field(gt=0, le=10_000)
    unit_price: Decimal = Field(ge=0, le=Decimal("1000000"), decimal_places=2)


class OrderDetails(BaseModel):
    """What was ordered: the input of the order_fulfillment workflow."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    order_id: str = Field(min_length=1, max_length=CLIENT_ID_MAX_LENGTH, pattern=ID_PATTERN)
    customer_id: str = Field(min_length=1, max_length=100)
    lines: list[OrderLine] = Field(min_length=1, max_length=50)

    @property
    def amount(self) -> Decimal:
        return sum((line.unit_price * line.quantity for line in self.lines), Decimal(0))


class Transition(BaseModel):
    """One step of the history."""

    model_config = ConfigDict(frozen=True)

    status: OrderStatus
    at: UtcDateTime
    reason: str = ""


class TransitionRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    status: OrderStatus
    reason: str = Field(default="", max_length=500)
    at: UtcDateTime  # the caller's clock: a workflow passes its deterministic time


class RestartRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: str = Field(min_length=1, max_length=500)
    at: UtcDateTime


class OrderView(BaseModel):
    """The order as the actor keeps it; `exists` is False for an id never created."""

    order_id: str
    exists: bool = True
    status: OrderStatus | None = None
    details: OrderDetails | None = None
    history: list[Transition] = []

    def idle_s(self, now: datetime) -> float:
        """Seconds since the order last changed status (0 for an order with no history)."""
        return (now - self.history[-1].at).total_seconds() if self.history else 0.0


class TransitionOutcome(BaseModel):
    """`accepted` False: the move is illegal from the current status; nothing changed."""

    accepted: bool
    order: OrderView


class OrderActorInterface(ActorInterface):
    @actor_method(name="Create")
    @abstractmethod
    async def create(self, details: dict[str, Any]) -> dict[str, Any]: ...

    @actor_method(name="Transition")
    @abstractmethod
    async def transition(self, request: dict[str, Any]) -> dict[str, Any]: ...

    @actor_method(name="Restart")
    @abstractmethod
    async def restart(self, request: dict[str, Any]) -> dict[str, Any]: ...

    @actor_method(name="GetOrder")
    @abstractmethod
    async def get_order(self) -> dict[str, Any]: ...
