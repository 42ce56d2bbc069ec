"""Input bindings the app serves. Bootstrap hands exactly this list to the registry.

Empty for now: daprd only reads an input binding whose route the app serves, so the
`inventory-audit` cron stays idle until its workflow (order-domain issue) handles it.
"""

from app.api.subscriptions.spec import SubscriberDeps
from app.building_blocks.input_bindings import InputBinding

INPUT_BINDINGS: list[InputBinding[SubscriberDeps]] = []
