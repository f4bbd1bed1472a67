import numpy as np
import pytest

from forecast import DataError
from forecast.inputs.scaling import Scaling


def test_fit_guards_constant_channels():
    scaling = Scaling.fit(np.array([[1.0, 5.0], [3.0, 5.0]]))
    np.testing.assert_allclose(scaling.mean, [2.0, 5.0])
    np.testing.assert_allclose(scaling.std, [1.0, 1.0])


def test_transform_and_inverse_are_each_others_inverse_for_series_and_windows():
    rng = np.random.default_rng(0)
    series = rng.normal(10, 3, size=(50, 2))
    scaling = Scaling.fit(series)
    np.testing.assert_allclose(scaling.transform(series).mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(scaling.transform(series).std(axis=0), 1)
    np.testing.assert_allclose(scaling.inverse(scaling.transform(series)), series)
    windows = rng.normal(size=(4, 6, 2))
    own = Scaling.fit(windows, axis=1)  # each window's own statistics, (4, 2)
    assert own.mean.shape == (4, 2)
    np.testing.assert_allclose(own.transform(windows)[2], Scaling.fit(windows[2]).transform(windows[2]))
    np.testing.assert_allclose(own.take([2]).mean, own.mean[2:3])


def test_values_near_the_float64_limit_scale_without_overflow():
    values = np.array([[1e300], [3e300], [2e300]])
    scaling = Scaling.fit(values)
    np.testing.assert_allclose(scaling.mean, [2e300])
    np.testing.assert_allclose(scaling.std, [np.sqrt(2 / 3) * 1e300])
    np.testing.assert_allclose(scaling.transform(values)[:, 0], [-np.sqrt(1.5), np.sqrt(1.5), 0])


def test_tiny_values_keep_their_own_spread_and_a_constant_channel_gets_scale_one():
    scaling = Scaling.fit(np.array([[1e-15, 7e200], [3e-15, 7e200]]))
    np.testing.assert_allclose(scaling.std, [1e-15, 1.0])


def test_statistics_that_are_not_finite_are_refused():
    with pytest.raises(DataError, match="too large to scale"):
        Scaling.fit(np.array([[1.0], [np.inf], [2.0]]))


def test_values_of_opposite_sign_near_the_float64_limit_transform_without_overflow():
    values = np.array([[1.7e308], [-1.7e308], [1.7e308], [-1.7e308], [1.7e308]])  # mean 3.4e307: x - mean overflows
    scaling = Scaling.fit(values)
    scaled = scaling.transform(values)
    assert np.isfinite(scaled).all()
    above, below = 1 / np.sqrt(1.5), -np.sqrt(1.5)  # (±1 - 0.2) / sqrt(0.96), in units of 1.7e308
    np.testing.assert_allclose(scaled[:, 0], [above, below, above, below, above])
