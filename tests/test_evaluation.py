import math

import numpy as np
import pandas as pd
import pytest

from forecast import Naive2Forecaster

# Naive2, by hand: M4's definitions written out as loops.


def autocorrelation(x, lag):
    mean = sum(x) / len(x)
    return sum((x[t] - mean) * (x[t - lag] - mean) for t in range(lag, len(x))) / sum((v - mean) ** 2 for v in x)


def seasonal_by_hand(x, m):
    limit = 1.645 * math.sqrt((1 + 2 * sum(autocorrelation(x, k) ** 2 for k in range(1, m))) / len(x))
    return len(x) >= 3 * m and abs(autocorrelation(x, m)) > limit


def centred_mean(x, t, m):
    """The classical decomposition's trend at row t: an m-row mean centred on t (2 x m for even m)."""
    half = m // 2
    if m % 2:
        return sum(x[t - half : t + half + 1]) / m
    return (0.5 * x[t - half] + sum(x[t - half + 1 : t + half]) + 0.5 * x[t + half]) / m


def naive2_by_hand(x, m, horizon):
    """Divide by the seasonal indices of a classical multiplicative decomposition, naive, multiply back."""
    if not seasonal_by_hand(x, m):
        return [x[-1]] * horizon
    half = m // 2
    ratios = {p: [] for p in range(m)}
    for t in range(half, len(x) - half):
        ratios[t % m].append(x[t] / centred_mean(x, t, m))
    indices = [sum(ratios[p]) / len(ratios[p]) for p in range(m)]
    indices = [index * m / sum(indices) for index in indices]
    last = len(x) - 1
    return [x[last] / indices[last % m] * indices[(last + h) % m] for h in range(1, horizon + 1)]


QUARTERS = np.arange(16)
SEASONAL = (10 + 0.3 * QUARTERS) * np.array([0.8, 1.2, 1.1, 0.9])[QUARTERS % 4]  # quarterly, rising
IRREGULAR = 20 + np.array([3, -1, 4, 1, -5, 9, -2, 6, 5, -3, 5, 8, -9, 7, 9, -3.0])


def test_naive2_on_a_seasonal_series_reseasonalises_the_last_adjusted_value():
    assert seasonal_by_hand(list(SEASONAL), 4)
    expected = naive2_by_hand(list(SEASONAL), 4, horizon=6)
    model = Naive2Forecaster(season_length=4, horizon=6).fit(SEASONAL)
    np.testing.assert_allclose(model.predict().to_numpy()[:, 0], expected)
    assert model.context_rows_ == 16  # the whole series, as M4
    assert not np.allclose(expected, SEASONAL[-1])


def test_naive2_with_an_odd_season_length_uses_a_plain_centred_mean():
    steps = np.arange(15)
    series = (10 + 0.2 * steps) * np.array([0.7, 1.4, 0.9])[steps % 3]
    assert seasonal_by_hand(list(series), 3)
    forecast_frame = Naive2Forecaster(season_length=3, horizon=4).fit(series).predict()
    np.testing.assert_allclose(forecast_frame.to_numpy()[:, 0], naive2_by_hand(list(series), 3, 4))


def test_naive2_on_a_series_the_test_finds_not_seasonal_repeats_the_last_value():
    assert not seasonal_by_hand(list(IRREGULAR), 4)
    forecast_frame = Naive2Forecaster(season_length=4, horizon=3).fit(IRREGULAR).predict()
    np.testing.assert_array_equal(forecast_frame.to_numpy()[:, 0], [IRREGULAR[-1]] * 3)


def test_naive2_needs_three_seasons_and_positive_values_to_adjust():
    short = Naive2Forecaster(season_length=4, horizon=2).fit(SEASONAL[:11]).predict()
    np.testing.assert_array_equal(short.to_numpy()[:, 0], [SEASONAL[10]] * 2)
    shifted = SEASONAL - SEASONAL.min()  # the same shape, one value 0
    at_zero = Naive2Forecaster(season_length=4, horizon=2).fit(shifted).predict()
    np.testing.assert_array_equal(at_zero.to_numpy()[:, 0], [shifted[-1]] * 2)


def test_naive2_forecasts_each_channel_and_series_on_its_own():
    index = pd.date_range("2020-01-01", periods=16, freq="QS", name="date")
    frame = pd.DataFrame({"seasonal": SEASONAL, "irregular": IRREGULAR}, index=index)
    model = Naive2Forecaster(horizon=5).fit(frame)  # season 4, from the quarterly frequency
    assert model.season_length_ == 4
    forecast_frame = model.predict()
    np.testing.assert_allclose(forecast_frame["seasonal"], naive2_by_hand(list(SEASONAL), 4, 5))
    np.testing.assert_array_equal(forecast_frame["irregular"], [IRREGULAR[-1]] * 5)
    windows = np.stack([frame.to_numpy(), frame.to_numpy()[::-1]])  # (2, 16, 2)
    np.testing.assert_allclose(model.predict_windows(windows)[1, :, 0], naive2_by_hand(list(SEASONAL[::-1]), 4, 5))
