"""Trial statistics: percentiles, spreads over trials, and ratios of paired trials."""

import pytest

from bench.stats import Spread, TrialStats, paired_ratios, percentile, ratio_spread


def test_percentile_interpolates_between_closest_ranks() -> None:
    """Percentiles match numpy's linear method on a small known sample."""
    values = [4.0, 1.0, 3.0, 2.0]
    assert percentile(values, 0) == 1.0
    assert percentile(values, 50) == 2.5
    assert percentile(values, 100) == 4.0
    assert percentile(values, 95) == pytest.approx(3.85)
    assert percentile([7.0], 99) == 7.0


@pytest.mark.parametrize("q", [-1, 100.5])
def test_percentile_refuses_out_of_range(q: float) -> None:
    """A percentile outside 0..100 is an error, not an extrapolation."""
    with pytest.raises(ValueError, match="outside"):
        percentile([1.0], q)


def test_percentile_of_nothing_is_an_error() -> None:
    """No values, no percentile."""
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_spread_is_median_quartiles_and_extremes() -> None:
    """A spread reports the median of the trials with quartiles, min, max and count."""
    spread = Spread.of([10.0, 30.0, 20.0, 50.0, 40.0])
    assert (spread.median, spread.q1, spread.q3) == (30.0, 20.0, 40.0)
    assert (spread.low, spread.high, spread.n) == (10.0, 50.0, 5)


def test_trial_stats_rate_and_percentiles() -> None:
    """A trial's rate is operations over wall time, its percentiles come from latencies."""
    latencies = [0.001 * i for i in range(1, 101)]
    trial = TrialStats.of(latencies, wall_s=2.0)
    assert trial.count == 100
    assert trial.per_second == 50.0
    assert trial.p50_s == pytest.approx(0.0505)
    assert trial.p99_s == pytest.approx(0.09901)


def test_trial_needs_time() -> None:
    """A zero-length trial has no rate."""
    with pytest.raises(ValueError, match="time"):
        TrialStats.of([0.1], wall_s=0.0)


def test_ratios_pair_trials_by_position_and_take_the_median() -> None:
    """Each subject trial is divided by its adjacent baseline trial; the spread is over
    those ratios, not a ratio of medians."""
    subject = [2.0, 3.0, 10.0]
    baseline = [1.0, 2.0, 4.0]
    assert paired_ratios(subject, baseline) == [2.0, 1.5, 2.5]
    spread = ratio_spread(subject, baseline)
    assert spread.median == 2.0
    assert (spread.low, spread.high) == (1.5, 2.5)


def test_ratios_need_equal_trial_counts_and_positive_baselines() -> None:
    """Unpaired trials or an empty baseline cannot make a ratio."""
    with pytest.raises(ValueError, match="2 subject trials but 1"):
        paired_ratios([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="positive"):
        paired_ratios([1.0], [0.0])
