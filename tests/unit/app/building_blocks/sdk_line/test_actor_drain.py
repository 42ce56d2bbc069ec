"""The actor drain the app serves daprd fits the runtime line's placement."""

from datetime import timedelta

from app.building_blocks.sdk_line import ACTOR_DRAIN_ONGOING_CALL_TIMEOUT, SDK_LINE
from app.settings import Settings

# placement's --disseminate-timeout default from 1.17.7 on (devstack does not change it).
PLACEMENT_DISSEMINATE_TIMEOUT = timedelta(seconds=8)


def test_the_settings_default_is_the_lines_drain() -> None:
    assert Settings().actor_drain_ongoing_call_timeout == ACTOR_DRAIN_ONGOING_CALL_TIMEOUT


def test_the_drain_never_cuts_a_workflow_step_on_1_14_and_fits_placement_after() -> None:
    """1.14: longer than the engine's 30 s bound on a step. Later lines: below placement's
    dissemination timeout, or placement drops the draining daprd and starts the round
    again (a restarted replica never rejoined on 1.18 with 60 s)."""
    if SDK_LINE == "1.14":
        assert timedelta(seconds=30) < ACTOR_DRAIN_ONGOING_CALL_TIMEOUT
    else:
        assert ACTOR_DRAIN_ONGOING_CALL_TIMEOUT < PLACEMENT_DISSEMINATE_TIMEOUT
