import numpy as np
import pandas as pd
import pytest
from conftest import DATASETS

from forecast import (
    DataError,
    LinearForecaster,
    MLPForecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
    backtest,
    read_csv,
)

AIRLINE = read_csv(DATASETS / "airline.csv")  # 144 monthly rows, column "passengers", index "date"
TINY_MLP = {"max_epochs": 2, "hidden_size": 8, "random_state": 0}


def cutoffs(length, horizon, n_windows, step):
    """The contract's c_k = T - horizon - (n_windows - 1 - k) * step, by hand."""
    return [length - horizon - (n_windows - 1 - k) * step for k in range(n_windows)]


def long_frame(lengths):
    """Daily series 'a', 'b', ... of the given lengths, starting on different days, with different levels."""
    pieces = {}
    for number, length in enumerate(lengths):
        index = pd.date_range(pd.Timestamp("2021-01-01") + pd.Timedelta(days=number), periods=length, name="ds")
        values = 10 * (number + 1) + (number + 1) * np.sin(np.arange(length) / 3) + np.arange(length) / 10
        pieces[chr(ord("a") + number)] = pd.DataFrame({"y": values}, index=index)
    return pd.concat(pieces, names=["unique_id", "ds"])


def window(results, cutoff):
    return results[results["cutoff"] == cutoff]


def test_every_window_matches_a_linear_model_fitted_by_hand_on_the_rows_before_its_cutoff():
    results = backtest(LinearForecaster(lookback=24, horizon=12), AIRLINE, n_windows=3, step=6)
    assert list(results.columns) == ["cutoff", "date", "target", "actual", "LinearForecaster"]
    assert len(results) == 3 * 12
    for cutoff in cutoffs(144, 12, 3, 6):
        rows = window(results, AIRLINE.index[cutoff - 1])
        expected = LinearForecaster(lookback=24, horizon=12).fit(AIRLINE.iloc[:cutoff]).predict()
        assert list(rows["date"]) == list(AIRLINE.index[cutoff : cutoff + 12])
        np.testing.assert_allclose(rows["LinearForecaster"], expected["passengers"])
        np.testing.assert_array_equal(rows["actual"], AIRLINE["passengers"].iloc[cutoff : cutoff + 12])
    assert (results["target"] == "passengers").all()


def test_naive_and_seasonal_naive_are_exact_on_an_array():
    values = np.arange(40.0) ** 1.5
    models = {"naive": NaiveForecaster(horizon=4), "seasonal": SeasonalNaiveForecaster(season_length=7, horizon=4)}
    results = backtest(models, values, n_windows=5, step=3)
    assert list(results.columns[:4]) == ["cutoff", "ds", "target", "actual"]
    for cutoff in cutoffs(40, 4, 5, 3):
        rows = window(results, cutoff - 1)
        assert rows["ds"].tolist() == list(range(cutoff, cutoff + 4))
        np.testing.assert_array_equal(rows["naive"], [values[cutoff - 1]] * 4)
        np.testing.assert_array_equal(rows["seasonal"], values[[cutoff - 7, cutoff - 6, cutoff - 5, cutoff - 4]])


def test_refit_every_two_windows_forecasts_the_windows_between_from_the_last_fit():
    results = backtest(LinearForecaster(lookback=24, horizon=12), AIRLINE, n_windows=5, step=3, refit=2)
    window_cutoffs = cutoffs(144, 12, 5, 3)
    for k, cutoff in enumerate(window_cutoffs):
        fitted_at = window_cutoffs[k - k % 2]  # windows 0, 2, 4 refit
        model = LinearForecaster(lookback=24, horizon=12).fit(AIRLINE.iloc[:fitted_at])
        rows = window(results, AIRLINE.index[cutoff - 1])
        np.testing.assert_allclose(rows["LinearForecaster"], model.predict(AIRLINE.iloc[:cutoff])["passengers"])
        if k % 2:  # a model refitted at this cutoff would forecast otherwise
            refitted = LinearForecaster(lookback=24, horizon=12).fit(AIRLINE.iloc[:cutoff]).predict()
            assert not np.allclose(rows["LinearForecaster"], refitted["passengers"])


CALLS = []  # what every CountingLinear (and clone) was asked to do


class CountingLinear(LinearForecaster):
    """A LinearForecaster that records its fits and its predict_windows calls in CALLS."""

    def fit(self, y):
        CALLS.append(("fit", len(y)))
        return super().fit(y)

    def predict_windows(self, X, series_ids=None):
        CALLS.append(("predict_windows", len(X)))
        return super().predict_windows(X, series_ids)


def test_refit_zero_fits_once_and_forecasts_every_window_of_every_series_in_one_call():
    frame = long_frame([60, 45, 80])
    CALLS.clear()
    results = backtest(CountingLinear(lookback=8, horizon=3), frame, n_windows=6, refit=0)
    assert CALLS == [("fit", 60 - 18 + 45 - 18 + 80 - 18), ("predict_windows", 3 * 6)]
    # The one fit saw each series up to its first cutoff; later windows read the data up to their own.
    cut = pd.concat({sid: frame.loc[sid].iloc[: len(frame.loc[sid]) - 18] for sid in "abc"}, names=["unique_id", "ds"])
    model = LinearForecaster(lookback=8, horizon=3).fit(cut)
    for series_id, length in zip("abc", (60, 45, 80)):
        history = frame.loc[series_id]
        for cutoff in cutoffs(length, 3, 6, 3):
            rows = results[(results["unique_id"] == series_id) & (results["cutoff"] == history.index[cutoff - 1])]
            expected = model.predict_windows(history.to_numpy()[None, cutoff - 8 : cutoff], series_ids=[series_id])
            np.testing.assert_allclose(rows["CountingLinear"], expected[0, :, 0])


def test_long_frames_cut_each_series_at_its_own_cutoffs():
    frame = long_frame([60, 45, 80])
    results = backtest(LinearForecaster(lookback=8, horizon=3), frame, n_windows=2, step=5)
    assert list(results.columns) == ["unique_id", "cutoff", "ds", "target", "actual", "LinearForecaster"]
    assert results["unique_id"].tolist() == [sid for sid in "abc" for _ in range(2 * 3)]
    for k in range(2):
        lengths = {"a": 60, "b": 45, "c": 80}
        cut = {sid: frame.loc[sid].iloc[: cutoffs(length, 3, 2, 5)[k]] for sid, length in lengths.items()}
        expected = LinearForecaster(lookback=8, horizon=3).fit(pd.concat(cut, names=["unique_id", "ds"])).predict()
        for series_id, history in cut.items():
            rows = results[(results["unique_id"] == series_id) & (results["cutoff"] == history.index[-1])]
            np.testing.assert_allclose(rows["LinearForecaster"], expected.loc[series_id, "y"])
            assert list(rows["ds"]) == list(expected.loc[series_id].index)


def test_a_flat_long_frame_gives_the_same_results_as_the_indexed_one():
    frame = long_frame([30, 40])
    flat = frame.reset_index().sample(frac=1, random_state=0)  # shuffled rows: from_long sorts them
    model = SeasonalNaiveForecaster(horizon=2)  # season 7, from the daily frequency
    pd.testing.assert_frame_equal(backtest(model, flat), backtest(model, frame))


@pytest.mark.parametrize("refit", [1, 0])
def test_no_window_sees_a_row_after_its_cutoff(refit):
    """Rows from a cutoff on, however changed, leave that window's forecasts and scaling as they were."""
    frame = long_frame([40, 50])
    models = {"mlp": MLPForecaster(lookback=6, horizon=3, **TINY_MLP), "linear": LinearForecaster(6, 3)}
    results = backtest(models, frame, n_windows=3, refit=0)
    first_cutoffs = {"a": 40 - 9, "b": 50 - 9}
    changed = frame.copy()
    for series_id, cutoff in first_cutoffs.items():
        changed.loc[series_id, "y"] = np.r_[
            frame.loc[series_id, "y"].iloc[:cutoff], np.full(len(frame.loc[series_id]) - cutoff, 1e4)
        ]
    changed_results = backtest(models, changed, n_windows=3, refit=0)
    first_window = results["cutoff"].isin([frame.loc[sid].index[c - 1] for sid, c in first_cutoffs.items()])
    pd.testing.assert_frame_equal(
        changed_results.loc[first_window, ["mlp", "linear"]], results.loc[first_window, ["mlp", "linear"]]
    )
    assert not np.allclose(changed_results.loc[~first_window, "linear"], results.loc[~first_window, "linear"])


def test_too_many_windows_is_one_clear_error():
    with pytest.raises(
        DataError,
        match=r"the series has 144 rows, too few: 20 backtest window\(s\) of horizon 12, 12 row\(s\) apart, need "
        r"276 rows \(240 forecast, and 36 before the first cutoff for LinearForecaster to fit\); "
        r"use n_windows=9 or fewer",
    ):
        backtest(LinearForecaster(lookback=24, horizon=12), AIRLINE, n_windows=20)
    with pytest.raises(DataError, match="every series is too short"):
        backtest(NaiveForecaster(horizon=3), long_frame([10, 12]), n_windows=5)


def test_series_too_short_for_the_windows_are_skipped_by_name():
    with pytest.warns(UserWarning, match=r"skipping 1 series shorter than 26 rows .*: 'b'"):
        results = backtest(LinearForecaster(lookback=8, horizon=3), long_frame([40, 20, 30]), n_windows=5)
    assert results["unique_id"].unique().tolist() == ["a", "c"]


def test_a_season_length_read_from_the_data_counts_in_the_rows_needed():
    # Daily data: a season of 7 rows before the first cutoff, then 3 windows of 2.
    backtest(SeasonalNaiveForecaster(horizon=2), AIRLINE.iloc[:13].set_axis(pd.date_range("2024-01-01", periods=13)))
    with pytest.raises(DataError, match="need 13 rows .*7 before the first cutoff for SeasonalNaiveForecaster"):
        backtest(
            SeasonalNaiveForecaster(horizon=2), AIRLINE.iloc[:12].set_axis(pd.date_range("2024-01-01", periods=12))
        )


@pytest.mark.parametrize(
    "models, options, message",
    [
        (NaiveForecaster(horizon=2), {"level": [80, 100]}, r"level must be a number in \(0, 100\)"),
        (NaiveForecaster(horizon=2), {"refit": -1}, "refit must be a whole number >= 0"),
        (NaiveForecaster(horizon=2), {"n_windows": 0}, "n_windows must be a whole number >= 1"),
        ({"a": NaiveForecaster(horizon=2), "b": NaiveForecaster(horizon=3)}, {}, "different horizons .*a 2, b 3"),
        ({"actual": NaiveForecaster(horizon=2)}, {}, "model name 'actual' is also a column"),
        ({"x": "naive"}, {}, "model 'x' is a str, not a forecaster"),
        ({}, {}, "empty dict"),
        (NaiveForecaster(horizon=2), {"on_fit": "progress"}, "on_fit must be a function called as on_fit"),
    ],
)
def test_bad_arguments_are_refused_with_what_to_pass(models, options, message):
    with pytest.raises(ValueError, match=message):
        backtest(models, AIRLINE, **options)


def test_on_fit_is_called_before_every_fit_with_the_model_and_its_first_window():
    fits = []
    backtest(
        {"naive": NaiveForecaster(horizon=3), "linear": LinearForecaster(6, 3)},
        AIRLINE,
        n_windows=5,
        refit=2,
        on_fit=lambda name, window: fits.append((name, window)),
    )
    assert fits == [("naive", 0), ("naive", 2), ("naive", 4), ("linear", 0), ("linear", 2), ("linear", 4)]


def test_fit_predict_and_backtest_take_a_flat_long_frame():
    frame = long_frame([30, 40])
    flat = frame.reset_index().sample(frac=1, random_state=1)  # unique_id, ds, y in any order
    model = LinearForecaster(lookback=6, horizon=3)
    expected = LinearForecaster(lookback=6, horizon=3).fit(frame)
    model.fit(flat)
    assert model.series_ids_ == ["a", "b"]
    pd.testing.assert_frame_equal(model.predict(), expected.predict())
    pd.testing.assert_frame_equal(model.predict(flat), expected.predict(frame))
    pd.testing.assert_frame_equal(backtest(model, flat), backtest(model, frame))


def test_interval_columns_follow_every_model_and_match_a_model_fitted_by_hand():
    models = {"linear": LinearForecaster(lookback=24, horizon=12), "naive": NaiveForecaster(horizon=12)}
    results = backtest(models, AIRLINE, n_windows=2, level=[95, 80])
    bounds = [f"{name}-{side}-{level}" for name in models for level in (80, 95) for side in ("lo", "hi")]
    assert list(results.columns) == ["cutoff", "date", "target", "actual", "linear", "naive", *bounds]
    for cutoff in cutoffs(144, 12, 2, 12):
        rows = window(results, AIRLINE.index[cutoff - 1])
        expected = LinearForecaster(lookback=24, horizon=12).fit(AIRLINE.iloc[:cutoff]).predict(level=[80, 95])
        for level in (80, 95):
            for side in ("lo", "hi"):
                np.testing.assert_allclose(rows[f"linear-{side}-{level}"], expected[f"passengers-{side}-{level}"])


def test_interval_columns_of_long_frames_use_each_series_own_scale():
    frame = long_frame([60, 45, 80])
    results = backtest(LinearForecaster(lookback=8, horizon=3), frame, n_windows=2, step=5, refit=0, level=80)
    assert list(results.columns[-2:]) == ["LinearForecaster-lo-80", "LinearForecaster-hi-80"]
    cut = {sid: frame.loc[sid].iloc[: cutoffs(length, 3, 2, 5)[0]] for sid, length in zip("abc", (60, 45, 80))}
    expected = LinearForecaster(lookback=8, horizon=3).fit(pd.concat(cut, names=["unique_id", "ds"])).predict(level=80)
    for series_id, history in cut.items():
        rows = results[(results["unique_id"] == series_id) & (results["cutoff"] == history.index[-1])]
        np.testing.assert_allclose(rows["LinearForecaster-lo-80"], expected.loc[series_id, "y-lo-80"])
        np.testing.assert_allclose(rows["LinearForecaster-hi-80"], expected.loc[series_id, "y-hi-80"])


@pytest.mark.parametrize("refit", [0, 1])
def test_each_window_reads_its_noise_level_from_up_to_24_rows_of_its_own_series_as_predict_does(refit):
    # Series b's first cutoff has 21 rows before it; the other windows have 24 or more to read the noise level from.
    frame = long_frame([80, 30])
    model = LinearForecaster(lookback=5, horizon=3)
    results = backtest(model, frame, n_windows=3, refit=refit, level=80)
    first_cuts = {sid: frame.loc[sid].iloc[: cutoffs(length, 3, 3, 3)[0]] for sid, length in zip("ab", (80, 30))}
    for series_id, length in zip("ab", (80, 30)):
        values = frame.loc[series_id, "y"]
        for k, cutoff in enumerate(cutoffs(length, 3, 3, 3)):
            fitted_on = first_cuts if refit == 0 else {sid: frame.loc[sid].iloc[: -3 * (3 - k)] for sid in "ab"}
            fitted = LinearForecaster(lookback=5, horizon=3).fit(pd.concat(fitted_on, names=["unique_id", "ds"]))
            history = pd.concat({series_id: frame.loc[series_id].iloc[:cutoff]}, names=["unique_id", "ds"])
            expected = fitted.predict(history, level=80)
            rows = results[(results["unique_id"] == series_id) & (results["cutoff"] == values.index[cutoff - 1])]
            half_width = rows["LinearForecaster-hi-80"].to_numpy() - rows["LinearForecaster"].to_numpy()
            noise = np.mean(np.abs(np.diff(values.to_numpy()[max(cutoff - 24, 0) : cutoff])))
            quantile = fitted.interval_quantiles_[list(fitted.interval_levels_).index(80), :, 0]
            np.testing.assert_allclose(half_width, quantile * noise)
            np.testing.assert_allclose(rows["LinearForecaster-lo-80"], expected["y-lo-80"])


def test_a_step_skipped_after_the_only_fit_is_refused_as_one_before_it():
    # With one fit before the gap, only the windows read the rows across it; they are refused all the same.
    days = pd.date_range("2020-01-01", periods=41, freq="D").delete(36)  # 2020-02-06 missing
    gappy = pd.DataFrame({"y": np.arange(40.0)}, index=days)
    with pytest.raises(DataError, match="the timestamps skip 2020-02-06 00:00:00 at frequency 'D'"):
        backtest(NaiveForecaster(horizon=2), gappy, n_windows=3, refit=0)
