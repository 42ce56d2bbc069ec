"""Feature flags: typed reads of configuration keys, with their defaults.

The defaults here are the bottom configuration layer; the environment
(`ORDERFLOW_CONFIG_APPROVAL_THRESHOLD`) and, in the full profile, the Dapr configuration
store override them, the store live.
"""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from app.building_blocks.configuration import ConfigResolver, Resolved
from app.building_blocks.errors import ConfigurationValueError

# An order whose amount is at or above this waits for approval.
APPROVAL_THRESHOLD = "approval-threshold"

DEFAULTS: Mapping[str, str] = {
    APPROVAL_THRESHOLD: "1000",
}


class FeatureFlags:
    """Read at each use, so a change in the configuration store applies to the next order."""

    def __init__(self, resolver: ConfigResolver) -> None:
        self._resolver = resolver

    def approval_threshold(self) -> Decimal:
        resolved = self._resolver.get(APPROVAL_THRESHOLD)
        return _non_negative_amount(resolved)

    def requires_approval(self, amount: Decimal) -> bool:
        return amount >= self.approval_threshold()


def _non_negative_amount(resolved: Resolved) -> Decimal:
    try:
        amount = Decimal(resolved.value.strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        raise ConfigurationValueError(
            f"{resolved.key} from {resolved.source} must be a non-negative amount, "
            f"got {resolved.value!r}",
            {"key": resolved.key, "source": resolved.source},
        )
    return amount
