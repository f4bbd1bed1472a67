"""The Best: line: the lowest mean MASE, and the models whose paired differences are within noise."""

import numpy as np
import pytest

from forecast.evaluation.verdict import NOISE_Z, verdict


def test_a_clear_winner_leaves_no_model_within_noise():
    rng = np.random.default_rng(0)
    good = rng.uniform(0.5, 0.7, 40)
    found = verdict({"bad": good + 0.5, "good": good})
    assert found.best == "good" and found.within_noise == []
    assert found.line() == (
        f"Best: good (mean MASE {good.mean():.3f} over 40 forecasts); every other model is worse beyond noise"
    )


def test_a_difference_smaller_than_its_noise_is_within_noise_and_overlap_widens_it():
    # Differences of mean 0.1 and standard deviation 0.5 over 36 forecasts: 0.1 <= 2 * 0.5 / 6.
    differences = np.tile([0.6, -0.4], 18)
    assert differences.mean() == pytest.approx(0.1)
    base = np.full(36, 1.0)
    assert verdict({"a": base, "b": base + differences}).within_noise == ["b"]
    tight = base + 0.1 + np.tile([0.01, -0.01], 18)  # the same mean difference, little noise
    assert verdict({"a": base, "b": tight}).within_noise == []
    # Forecasts that share target rows count for fewer: 36 forecasts sharing each row by 36 count as one.
    assert verdict({"a": base, "b": tight}, overlap=36).within_noise == []  # one forecast, no noise estimate
    wide = base + 0.1 + np.tile([0.25, -0.25], 18)  # sd 0.254: 0.1 <= 2 * 0.254 / sqrt(36 / 4), not / sqrt(36)
    assert verdict({"a": base, "b": wide}).within_noise == []
    assert verdict({"a": base, "b": wide}, overlap=4).within_noise == ["b"]
    assert NOISE_Z == 2.0


def test_forecasts_any_model_could_not_score_are_left_out_of_every_mean():
    found = verdict({"a": np.array([1.0, np.nan, 1.0]), "b": np.array([2.0, 0.0, 2.0])})
    assert found.best == "a" and found.n_forecasts == 2 and found.means == {"a": 1.0, "b": 2.0}


def test_one_forecast_only_ties_are_within_noise():
    assert verdict({"a": [1.0], "b": [1.0], "c": [1.1]}).within_noise == ["b"]
    assert verdict({"a": [np.nan]}) is None
