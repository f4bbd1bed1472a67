import math

import numpy as np
import pandas as pd
import pytest

from forecast import (
    DataError,
    LinearForecaster,
    Naive2Forecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
    backtest,
    evaluate,
    mase,
    mse,
    smape,
)
from forecast.evaluation.metrics import coverage, interval_width, msis

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


# evaluate


def long_frame(lengths):
    """Daily series 'a', 'b', ... of the given lengths, positive, with a weekly pattern and noise."""
    rng = np.random.default_rng(0)
    pieces = {}
    for number, length in enumerate(lengths):
        index = pd.date_range("2021-01-01", periods=length, name="ds")
        weekly = 1 + 0.2 * np.sin(2 * np.pi * np.arange(length) / 7)
        values = (10 * (number + 1) + np.arange(length) / 5) * weekly + rng.normal(0, 0.5, length)
        pieces[chr(ord("a") + number)] = pd.DataFrame({"y": values}, index=index)
    return pd.concat(pieces, names=["unique_id", "ds"])


def test_evaluate_on_a_tiny_series_by_hand():
    y = np.array([1.0, 3, 2, 4, 3, 5, 4, 6, 5, 8])
    models = {"naive": NaiveForecaster(horizon=2), "seasonal": SeasonalNaiveForecaster(season_length=3, horizon=2)}
    results = backtest(models, y, n_windows=3)  # cutoffs 4, 6, 8
    scores = evaluate(results, y, season_length=3).set_index("model")
    # Scales (mean |y_t - y_{t-3}| before the cutoff): 3 at 4 rows; (3 + 0 + 3) / 3 = 2 at 6; 9 / 5 at 8.
    # naive forecasts 4, 5, 6 for actuals (3, 5), (4, 6), (5, 8); seasonal naive (3, 2), (4, 3), (5, 4).
    naive_mase = [1 / 3, 1 / 2, 1.5 / 1.8]
    seasonal_mase = [1.5 / 3, 1.5 / 2, 2 / 1.8]
    naive_smape = [100 * (1 / 7 + 1 / 9), 100 * (1 / 9 + 1 / 11), 100 * (1 / 11 + 2 / 14)]
    seasonal_smape = [100 * 3 / 7, 100 * 3 / 9, 100 * 4 / 12]
    assert scores.loc["naive", ["n_series", "n_forecasts"]].tolist() == [1, 3]
    assert scores.loc["naive", "mse"] == pytest.approx((1 + 1 + 2.5) / 3)
    assert scores.loc["naive", "mse_median"] == pytest.approx(1.0)
    assert scores.loc["seasonal", "mae"] == pytest.approx((1.5 + 1.5 + 2) / 3)
    assert scores.loc["naive", "mase"] == pytest.approx(np.mean(naive_mase))
    assert scores.loc["naive", "mase_median"] == pytest.approx(0.5)
    assert scores.loc["seasonal", "smape"] == pytest.approx(np.mean(seasonal_smape))
    assert scores.loc["naive", "smape_median"] == pytest.approx(np.median(naive_smape))
    assert scores.loc["naive", "relative_mase"] == pytest.approx(np.mean(naive_mase) / np.mean(seasonal_mase))
    assert scores.loc["seasonal", "relative_mase"] == pytest.approx(1.0)
    assert scores.loc["naive", "wins"] == 1.0 and scores.loc["seasonal", "wins"] == 0.0
    # Fewer than three seasons before every cutoff: Naive2 is the naive forecast.
    assert scores.loc["naive", "owa"] == pytest.approx(1.0)
    expected_owa = 0.5 * (np.mean(seasonal_smape) / np.mean(naive_smape) + np.mean(seasonal_mase) / np.mean(naive_mase))
    assert scores.loc["seasonal", "owa"] == pytest.approx(expected_owa)


def test_evaluate_on_many_series_matches_the_metrics_recomputed_per_series_and_window():
    frame = long_frame([70, 56, 90])
    models = {"linear": LinearForecaster(lookback=14, horizon=7), "naive": NaiveForecaster(horizon=7)}
    results = backtest(models, frame, n_windows=3)
    scores = evaluate(results, frame).set_index("model")  # season 7, from the daily frequency
    expected = {name: {"mase": [], "smape": [], "mse": []} for name in [*models, "seasonal naive", "naive2"]}
    for (series_id, cutoff), rows in results.groupby(["unique_id", "cutoff"]):
        history = frame.loc[series_id, "y"].loc[:cutoff].to_numpy()
        actual = rows["actual"].to_numpy()
        forecasts = {name: rows[name].to_numpy() for name in models}
        forecasts["seasonal naive"] = SeasonalNaiveForecaster(7, 7).fit(history).predict().to_numpy()[:, 0]
        forecasts["naive2"] = Naive2Forecaster(7, 7).fit(history).predict().to_numpy()[:, 0]
        for name, predicted in forecasts.items():
            expected[name]["mase"].append(mase(actual, predicted, y_train=history, season_length=7))
            expected[name]["smape"].append(smape(actual, predicted))
            expected[name]["mse"].append(mse(actual, predicted))
    means = {
        name: {score: np.mean(values) for score, values in by_score.items()} for name, by_score in expected.items()
    }
    assert means["naive2"]["mase"] != pytest.approx(means["naive"]["mase"])  # Naive2 found the weekly season
    for name in models:
        assert scores.loc[name, "n_series"] == 3 and scores.loc[name, "n_forecasts"] == 9
        assert scores.loc[name, "mse"] == pytest.approx(means[name]["mse"])
        assert scores.loc[name, "mase"] == pytest.approx(means[name]["mase"])
        assert scores.loc[name, "mase_median"] == pytest.approx(np.median(expected[name]["mase"]))
        assert scores.loc[name, "smape"] == pytest.approx(means[name]["smape"])
        assert scores.loc[name, "relative_mase"] == pytest.approx(means[name]["mase"] / means["seasonal naive"]["mase"])
        wins = np.mean(np.array(expected[name]["mase"]) < np.array(expected["seasonal naive"]["mase"]))
        assert scores.loc[name, "wins"] == pytest.approx(wins)
        owa = 0.5 * (means[name]["smape"] / means["naive2"]["smape"] + means[name]["mase"] / means["naive2"]["mase"])
        assert scores.loc[name, "owa"] == pytest.approx(owa)


def test_a_forecast_without_a_mase_scale_is_left_out_with_a_warning_naming_its_series():
    frame = long_frame([30, 30])
    frame.loc["b", "y"] = 5.0  # flat: no seasonal change to scale by
    results = backtest(NaiveForecaster(horizon=3), frame, n_windows=2)
    with pytest.warns(UserWarning, match="MASE is undefined for some forecasts of series 'b'"):
        scores = evaluate(results, frame)
    only_a = evaluate(results[results["unique_id"] == "a"], frame)
    assert scores.loc[0, "mase"] == pytest.approx(only_a.loc[0, "mase"])
    assert scores.loc[0, "n_forecasts"] == 4 and scores.loc[0, "mse"] != only_a.loc[0, "mse"]


def test_evaluate_refuses_results_that_do_not_fit_the_data():
    frame = long_frame([30, 30])
    results = backtest(NaiveForecaster(horizon=3), frame, n_windows=2)
    with pytest.raises(DataError, match="results lack the column 'actual'"):
        evaluate(results.drop(columns="actual"), frame)
    with pytest.raises(DataError, match="results hold series 'b', which y lacks"):
        evaluate(results, frame.loc[["a"]])
    with pytest.raises(DataError, match="disagree on whether they hold many series"):
        evaluate(results, frame.loc["a"])
    with pytest.raises(DataError, match="not rows of y after their cutoff"):
        evaluate(results, frame.groupby(level=0).head(25))


def test_evaluate_scores_interval_columns_by_hand():
    y = np.array([1.0, 3, 2, 4, 3, 5, 4, 6, 5, 8])
    results = backtest({"naive": NaiveForecaster(horizon=2)}, y, n_windows=3)  # cutoffs 4, 6, 8
    # Naive forecasts 4, 5, 6 for actuals (3, 5), (4, 6), (5, 8); bounds 1 below and 0.5 above.
    results["naive-lo-80"] = results["naive"] - 1
    results["naive-hi-80"] = results["naive"] + 0.5
    results["naive-lo-50"] = results["naive"] - 1  # a lower bound without its upper one is not an interval
    scores = evaluate(results, y, season_length=3).set_index("model")
    assert scores.index.tolist() == ["naive"]
    # Each window: its first actual on the lower bound (inside), its second above the interval,
    # by 0.5, 0.5 and 1.5; level 80 charges 2 / 0.2 = 10 per unit outside. Scales 3, 2 and 1.8.
    interval_scores = [(1.5 + 1.5 + 10 * 0.5) / 2, (1.5 + 1.5 + 10 * 0.5) / 2, (1.5 + 1.5 + 10 * 1.5) / 2]
    assert scores.loc["naive", "coverage-80"] == pytest.approx(50.0)
    assert scores.loc["naive", "width-80"] == pytest.approx(1.5)
    assert scores.loc["naive", "msis-80"] == pytest.approx(np.mean(np.array(interval_scores) / [3, 2, 1.8]))
    assert "coverage-50" not in scores.columns


def test_evaluate_interval_scores_of_a_backtest_match_the_metrics_per_series_and_window():
    frame = long_frame([70, 56, 90])
    results = backtest({"linear": LinearForecaster(lookback=14, horizon=7)}, frame, n_windows=3, level=[90, 60])
    scores = evaluate(results, frame).set_index("model")  # season 7, from the daily frequency
    expected = {"coverage-90": [], "width-60": [], "msis-90": [], "msis-60": []}
    for (series_id, cutoff), rows in results.groupby(["unique_id", "cutoff"]):
        history = frame.loc[series_id, "y"].loc[:cutoff].to_numpy()
        actual = rows["actual"].to_numpy()
        bounds = {level: (rows[f"linear-lo-{level}"], rows[f"linear-hi-{level}"]) for level in (60, 90)}
        expected["coverage-90"].append(coverage(actual, *bounds[90]))
        expected["width-60"].append(interval_width(*bounds[60]))
        for level in (60, 90):
            expected[f"msis-{level}"].append(
                msis(actual, *bounds[level], y_train=history, season_length=7, level=level)
            )
    for score, values in expected.items():
        assert scores.loc["linear", score] == pytest.approx(np.mean(values))
    assert scores.loc["linear", "msis-90"] != pytest.approx(scores.loc["linear", "msis-60"])


@pytest.mark.parametrize("refit", [0, 1, 2])
def test_interval_scores_of_a_two_target_long_backtest_follow_m4s_definitions_by_hand(refit):
    frame = long_frame([70, 56, 90])
    frame["z"] = 100 * np.sqrt(frame["y"]) + np.cos(np.arange(len(frame)))  # a second target on another scale
    model = LinearForecaster(lookback=14, horizon=5)
    results = backtest({"linear": model}, frame, n_windows=4, step=3, refit=refit, level=[80, 95])
    scores = evaluate(results, frame).iloc[0]  # season 7, from the daily frequency
    penalties = 0.0
    for level in (80, 95):
        alpha = 1 - level / 100
        inside, widths, interval_scores = [], [], []
        for series_id, length in zip("abc", (70, 56, 90)):
            values = frame.loc[series_id]
            for k in range(4):
                cutoff = length - 5 - (3 - k) * 3  # the contract's c_k: the rows the model saw
                rows = results[(results["unique_id"] == series_id) & (results["cutoff"] == values.index[cutoff - 1])]
                assert rows["target"].tolist() == ["y", "z"] * 5
                actual = values.iloc[cutoff : cutoff + 5].to_numpy().ravel()  # y, z of each row in turn
                np.testing.assert_array_equal(rows["actual"], actual)
                lower, upper = rows[f"linear-lo-{level}"].to_numpy(), rows[f"linear-hi-{level}"].to_numpy()
                history = values.iloc[:cutoff].to_numpy()
                scale = np.tile(np.mean(np.abs(history[7:] - history[:-7]), axis=0), 5)  # each target's own
                penalty = 2 / alpha * (np.maximum(lower - actual, 0) + np.maximum(actual - upper, 0))
                penalties += penalty.sum()
                inside.append(100 * np.mean((lower <= actual) & (actual <= upper)))
                widths.append(np.mean(upper - lower))
                interval_scores.append(np.mean((upper - lower + penalty) / scale))
        assert scores["n_forecasts"] == 12
        assert scores[f"coverage-{level}"] == pytest.approx(np.mean(inside))
        assert scores[f"width-{level}"] == pytest.approx(np.mean(widths))
        assert scores[f"msis-{level}"] == pytest.approx(np.mean(interval_scores))
    assert penalties > 0  # some actuals fall outside, so the penalty term is checked too


def test_evaluate_refuses_results_that_are_not_backtest_rows_and_checks_y_as_backtest_does():
    series = pd.DataFrame({"y": IRREGULAR}, index=pd.date_range("2020-01-01", periods=16, freq="D"))
    results = backtest(NaiveForecaster(horizon=2), series, n_windows=2)
    with pytest.raises(DataError, match="results must be the DataFrame forecast.backtest returns, not a ndarray"):
        evaluate(results.to_numpy(), series)
    with pytest.raises(DataError, match="results hold no rows"):
        evaluate(results.iloc[:0], series)
    with pytest.raises(DataError, match="column 'note' of results holds non-numeric values"):
        evaluate(results.assign(note="x"), series)
    with pytest.raises(DataError, match="y has 1 missing or infinite value"):
        evaluate(results, series.assign(y=series["y"].where(series.index != series.index[3])))
    # Date strings are read as backtest reads them.
    by_strings = evaluate(results, series.set_axis(series.index.strftime("%Y-%m-%d")))
    pd.testing.assert_frame_equal(by_strings, evaluate(results, series))
