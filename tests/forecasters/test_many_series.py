import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import QUICK, every_forecaster

import forecast
from forecast import (
    DataError,
    ETSForecaster,
    LinearForecaster,
    MLPForecaster,
    NaiveForecaster,
    RNNForecaster,
    backtest,
    read_csv,
)

FORECASTERS = every_forecaster(lookback=8, horizon=3, season_length=7)


def long_frame(lengths, start="2021-01-01"):
    """Series 'a', 'b', ... of the given lengths, daily, with different levels and scales."""
    pieces = {}
    for number, length in enumerate(lengths):
        index = pd.date_range(pd.Timestamp(start) + pd.Timedelta(days=number), periods=length, freq="D", name="ds")
        values = 10 * (number + 1) + (number + 1) * np.sin(np.arange(length) / 3)
        pieces[chr(ord("a") + number)] = pd.DataFrame({"y": values}, index=index)
    return pd.concat(pieces, names=["unique_id", "ds"])


@pytest.mark.parametrize("make", FORECASTERS)
def test_one_global_model_forecasts_every_series(make):
    frame = long_frame([60, 45, 80])
    estimator = make().fit(frame)
    assert estimator.series_ids_ == ["a", "b", "c"]
    forecast_frame = estimator.predict()
    assert forecast_frame.index.names == ["unique_id", "ds"]
    assert forecast_frame.shape == (9, 1)
    for series_id, length, offset in (("a", 60, 0), ("b", 45, 1), ("c", 80, 2)):
        last = pd.Timestamp("2021-01-01") + pd.Timedelta(days=offset + length - 1)
        assert list(forecast_frame.loc[series_id].index) == list(pd.date_range(last, periods=4, freq="D")[1:])
    # Each series keeps roughly its own level: the scaling is per series.
    levels = forecast_frame.groupby(level=0)["y"].mean()
    assert levels["a"] < levels["b"] < levels["c"]


def test_scaling_is_per_series_on_its_training_rows():
    frame = long_frame([50, 100])
    estimator = RNNForecaster(lookback=8, horizon=3, validation_fraction=0.2, **QUICK).fit(frame)
    for row, (series_id, rows) in enumerate((("a", 40), ("b", 80))):
        np.testing.assert_allclose(estimator.scaling_.mean[row], frame.loc[series_id].iloc[:rows].mean().to_numpy())


def test_series_too_short_for_a_window_are_skipped_by_name():
    frame = long_frame([60, 5, 70])
    with pytest.warns(UserWarning, match="skipping 1 series shorter than 11 rows .*'b'"):
        estimator = LinearForecaster(lookback=8, horizon=3).fit(frame)
    assert estimator.series_ids_ == ["a", "c"] and estimator.skipped_series_ == ["b"]
    with pytest.warns(UserWarning, match="no forecast for 1 series too short to fit on: 'b'"):
        assert estimator.predict().index.get_level_values(0).unique().tolist() == ["a", "c"]
    with pytest.raises(DataError, match="every series is shorter"):
        LinearForecaster(lookback=8, horizon=3).fit(long_frame([5, 6]))


def test_a_model_file_keeps_the_series_skipped_at_fit(tmp_path):
    with pytest.warns(UserWarning, match="skipping"):
        ETSForecaster(horizon=2).fit(long_frame([40, 2, 30])).save(tmp_path / "ets.npz")
    loaded = forecast.load(tmp_path / "ets.npz")
    with pytest.warns(UserWarning, match="no forecast for 1 series too short to fit on: 'b'"):
        loaded.predict()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded.predict(long_frame([40, 30]).rename(index={"b": "c"}, level=0))  # histories given: no warning


def test_predict_on_new_history_including_an_unseen_series():
    estimator = MLPForecaster(lookback=8, horizon=3, **QUICK).fit(long_frame([60, 60]))
    recent = long_frame([30, 30, 30]).rename(index={"c": "new"}, level=0)
    forecast_frame = estimator.predict(recent)
    assert list(forecast_frame.index.get_level_values(0).unique()) == ["a", "b", "new"]
    with pytest.raises(
        DataError, match=r"at least 8 rows of history of series 'b' \(the model's input window\), got 4"
    ):
        estimator.predict(long_frame([30, 4]))


def test_predict_windows_with_and_without_series_ids():
    frame = long_frame([60, 60])
    estimator = LinearForecaster(lookback=8, horizon=3).fit(frame)
    window = frame.loc["b"].to_numpy()[-8:][None]
    by_id = estimator.predict_windows(window, series_ids=["b"])
    np.testing.assert_allclose(by_id[0], estimator.predict().loc["b"].to_numpy())
    assert estimator.predict_windows(window).shape == (1, 3, 1)
    with pytest.raises(DataError, match="not seen at fit time"):
        estimator.predict_windows(window, series_ids=["zzz"])


@pytest.mark.parametrize("make", FORECASTERS)
def test_many_series_models_round_trip_through_a_file(make, tmp_path):
    estimator = make().fit(long_frame([40, 50]))
    estimator.save(tmp_path / "model.npz")
    pd.testing.assert_frame_equal(forecast.load(tmp_path / "model.npz").predict(), estimator.predict())


def test_long_format_csv_end_to_end(write_csv):
    rows = ["unique_id,ds,y,temperature"]
    for series_id, length in (("north", 40), ("south", 30)):
        for day in range(length):
            rows.append(
                f"{series_id},{pd.Timestamp('2022-03-01') + pd.Timedelta(days=day):%Y-%m-%d},"
                f"{np.sin(day / 4):.4f},{day % 7}"
            )
    frame = read_csv(write_csv("\n".join(rows) + "\n"), id_col="unique_id")
    assert list(frame.columns) == ["y", "temperature"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        forecast_frame = RNNForecaster(lookback=7, horizon=2, **QUICK).fit(frame).predict()
    assert forecast_frame.shape == (4, 2)
    assert forecast_frame.loc["south"].index[0] == pd.Timestamp("2022-03-31")


def test_a_row_without_a_series_id_is_refused_with_its_row():
    index = pd.MultiIndex.from_arrays([["a"] * 5 + [np.nan] * 5, pd.date_range("2020", periods=10, freq="D")])
    frame = pd.DataFrame({"y": np.arange(10.0)}, index=index)
    with pytest.raises(DataError, match="no series id or timestamp in row 5 of its index"):
        NaiveForecaster(horizon=2).fit(frame)
    with pytest.raises(DataError, match="no series id or timestamp in row 5"):
        backtest(NaiveForecaster(horizon=2), frame)


def test_series_at_another_frequency_than_the_first_are_refused_by_name():
    daily = pd.DataFrame({"y": np.arange(20.0)}, index=pd.date_range("2020-01-01", periods=20, freq="D"))
    hourly = daily.set_axis(pd.date_range("2020-01-01", periods=20, freq="h"))
    mixed = pd.concat({"daily": daily, "hourly": hourly}, names=["id", "date"])
    with pytest.raises(DataError, match="series 'hourly' does not follow the frequency 'D' of series 'daily'"):
        NaiveForecaster(horizon=2).fit(mixed)
    model = NaiveForecaster(horizon=2).fit(mixed.loc[["daily"]])
    with pytest.raises(DataError, match="series 'hourly' does not follow the frequency 'D'"):
        model.predict(mixed)
    # The same frequency at another time of day is one frequency.
    shifted = pd.concat({"daily": daily, "later": daily.shift(3, freq="h")}, names=["id", "date"])
    forecasts = NaiveForecaster(horizon=2).fit(shifted).predict()
    assert forecasts.loc["later"].index.tolist() == list(pd.date_range("2020-01-21 03:00", periods=2, freq="D"))


def test_the_frequency_is_read_from_the_longest_series_not_from_a_short_first_one():
    days = pd.date_range("2020-01-01", periods=20, freq="D")
    stub = pd.DataFrame({"y": [1.0, 2.0]}, index=days[[0, 7]])  # two rows a week apart: weekly, read alone
    daily = pd.DataFrame({"y": np.arange(20.0)}, index=days)
    with pytest.raises(DataError, match="series 'stub' does not follow the frequency 'D' of series 'daily'"):
        NaiveForecaster(horizon=2).fit(pd.concat({"stub": stub, "daily": daily}, names=["id", "date"]))
    single = pd.DataFrame({"y": [1.0]}, index=days[:1])  # one row: no frequency at all
    model = NaiveForecaster(horizon=2).fit(pd.concat({"single": single, "daily": daily}, names=["id", "date"]))
    assert model.freq_ == "D"
    forecasts = model.predict()
    assert forecasts.loc["single"].index.tolist() == list(pd.date_range("2020-01-02", periods=2, freq="D"))
    assert forecasts.loc["daily"].index.tolist() == list(pd.date_range("2020-01-21", periods=2, freq="D"))


def test_predict_refuses_history_of_many_series_for_a_one_series_model_and_the_reverse():
    series = pd.DataFrame({"y": np.arange(20.0)}, index=pd.date_range("2020-01-01", periods=20, freq="D"))
    long = pd.concat({"a": series, "b": series * 2}, names=["id", "date"])
    with pytest.raises(DataError, match="fitted on one series.*without series ids"):
        NaiveForecaster(horizon=2).fit(series).predict(long)
    with pytest.raises(DataError, match=r"fitted on many series.*\(series id, timestamp\)"):
        NaiveForecaster(horizon=2).fit(long).predict(series)


def test_timestamps_that_skip_a_step_are_refused_by_fit_predict_and_backtest():
    days = pd.date_range("2020-01-01", periods=40, freq="D")
    gappy = pd.DataFrame({"y": np.arange(39.0)}, index=days.delete(10))  # 2020-01-11 missing
    with pytest.raises(DataError, match=r"the timestamps skip 2020-01-11 00:00:00 at frequency 'D'.*fill the gaps"):
        NaiveForecaster(horizon=2).fit(gappy)
    with pytest.raises(DataError, match="skip 2020-01-11"):
        backtest(NaiveForecaster(horizon=2), gappy, n_windows=2)
    whole = pd.DataFrame({"y": np.arange(40.0)}, index=days)
    model = NaiveForecaster(horizon=2).fit(whole)
    with pytest.raises(DataError, match="skip 2020-01-11"):
        model.predict(gappy)
    panel = pd.concat({"whole": whole, "gappy": gappy.iloc[:-5]}, names=["id", "date"])
    with pytest.raises(DataError, match=r"series 'gappy': the timestamps skip 2020-01-11 00:00:00 at frequency 'D'"):
        NaiveForecaster(horizon=2).fit(panel)
    filled = gappy.asfreq("D").interpolate()  # the fix the message gives
    np.testing.assert_allclose(NaiveForecaster(horizon=2).fit(filled).predict(), [[38.0], [38.0]])


def test_a_global_network_pads_series_too_short_for_a_window_and_forecasts_them():
    frame = long_frame([60, 5, 70])
    with pytest.warns(UserWarning, match=r"padding 1 series shorter than 11 rows .*'b'"):
        estimator = RNNForecaster(lookback=8, horizon=3, **QUICK).fit(frame)
    assert estimator.series_ids_ == ["a", "b", "c"]
    assert estimator.loss_ == estimator.module_.init_args["loss"] == "scaled"  # many series weigh alike
    forecasts = estimator.predict()
    assert forecasts.index.get_level_values(0).unique().tolist() == ["a", "b", "c"]
    assert np.isfinite(forecasts.to_numpy()).all()
    assert len(estimator.context_frame("b")) == 5  # the history as given, without the padding
    assert estimator.padded_series_ == ["b"]
    pd.testing.assert_frame_equal(estimator.predict(frame), forecasts)  # a short history is padded again
    with pytest.raises(DataError, match="every series is shorter"):
        MLPForecaster(lookback=8, horizon=3, **QUICK).fit(long_frame([5, 6]))
