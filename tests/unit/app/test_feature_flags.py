"""The approval threshold flag: its default, its parsing and what "at or above" means."""

from decimal import Decimal

import pytest

from app.building_blocks.configuration import ConfigResolver, DefaultsSource, EnvironmentSource
from app.building_blocks.errors import ConfigurationValueError
from app.feature_flags import APPROVAL_THRESHOLD, DEFAULTS, FeatureFlags


def _flags(environ: dict[str, str]) -> FeatureFlags:
    return FeatureFlags(
        ConfigResolver([EnvironmentSource("P_", environ), DefaultsSource(DEFAULTS)])
    )


def test_default_threshold_is_1000() -> None:
    assert _flags({}).approval_threshold() == Decimal("1000")


def test_orders_at_or_above_the_threshold_need_approval() -> None:
    flags = _flags({"P_APPROVAL_THRESHOLD": "250.50"})
    assert not flags.requires_approval(Decimal("250.49"))
    assert flags.requires_approval(Decimal("250.50"))
    assert flags.requires_approval(Decimal("9999"))


@pytest.mark.parametrize("bad", ["", "ten", "-1", "NaN", "Infinity"])
def test_unusable_threshold_names_key_and_layer(bad: str) -> None:
    with pytest.raises(ConfigurationValueError, match=f"{APPROVAL_THRESHOLD} from environment"):
        _flags({"P_APPROVAL_THRESHOLD": bad}).approval_threshold()
