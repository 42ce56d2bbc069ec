"""Actor types the service hosts. Bootstrap registers exactly this list."""

from collections.abc import Callable
from datetime import timedelta

from dapr.actor import Actor, ActorId
from dapr.actor.runtime.context import ActorRuntimeContext

from actors.inventory import InventoryActor
from actors.order import OrderActor

ACTORS: list[type[Actor]] = [InventoryActor, OrderActor]

ActorFactory = Callable[[ActorRuntimeContext, ActorId], Actor]


def actor_factories(
    reservation_hold: timedelta, retention: timedelta
) -> dict[type[Actor], ActorFactory]:
    """Factories for the actor types that take settings; the others use the SDK's default."""

    def inventory(ctx: ActorRuntimeContext, actor_id: ActorId) -> Actor:
        return InventoryActor(ctx, actor_id, hold=reservation_hold, retention=retention)

    return {InventoryActor: inventory}
