"""Actor types the service hosts. Bootstrap registers exactly this list."""

from dapr.actor import Actor

from actors.inventory import InventoryActor

ACTORS: list[type[Actor]] = [InventoryActor]
