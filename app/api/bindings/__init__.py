"""Input bindings the app serves. Bootstrap hands exactly this list to the registry.

daprd only reads an input binding whose route the app serves.
"""

from app.api.bindings.inventory_audit import on_audit_tick
from app.api.subscriptions.spec import SubscriberDeps
from app.building_blocks.input_bindings import InputBinding

INPUT_BINDINGS: list[InputBinding[SubscriberDeps]] = [
    InputBinding(name="inventory-audit", handler=on_audit_tick),
]
