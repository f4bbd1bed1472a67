import numpy as np
import pandas as pd
import pytest
from conftest import DATASETS, QUICK, every_forecaster
from sklearn.base import clone

import forecast
from forecast import (
    DataError,
    LinearForecaster,
    MLPForecaster,
    NaiveForecaster,
    NotFittedError,
    ParameterError,
    RNNForecaster,
    SeasonalNaiveForecaster,
    mase,
    read_csv,
)

FORECASTERS = every_forecaster(lookback=6, horizon=3, season_length=4)


@pytest.fixture
def frame():
    index = pd.date_range("2020-01-01", periods=80, freq="D", name="date")
    rng = np.random.default_rng(0)
    values = np.column_stack([np.sin(np.arange(80) / 3), np.cos(np.arange(80) / 5)]) + rng.normal(0, 0.1, (80, 2))
    return pd.DataFrame(values, index=index, columns=["a", "b"])


@pytest.mark.parametrize("make", FORECASTERS)
def test_contract_on_a_dated_frame(make, frame):
    estimator = make()
    assert clone(estimator).get_params() == estimator.get_params()
    with pytest.raises(NotFittedError):
        estimator.predict()
    assert estimator.fit(frame) is estimator
    forecast = estimator.predict()
    assert forecast.shape == (3, 2)
    assert list(forecast.columns) == ["a", "b"]
    assert list(forecast.index) == list(pd.date_range("2020-03-21", periods=3, freq="D"))
    assert forecast.index.name == "date"
    assert np.isfinite(forecast.to_numpy()).all()
    # Continuing from new data: the forecast follows its last timestamp.
    later = frame.iloc[:50]
    assert estimator.predict(later).index[0] == pd.Timestamp("2020-02-20")
    # predict_windows works in the data's units, window by window.
    windows = np.stack([frame.to_numpy()[i : i + 6] for i in (0, 10, 74)])
    assert estimator.predict_windows(windows).shape == (3, 3, 2)
    # A window model reads the last rows; a local statistical model its series from the first row.
    last = frame.to_numpy()[None] if estimator._reads_whole_history else windows[2:]
    np.testing.assert_allclose(estimator.predict_windows(last)[0], forecast.to_numpy(), rtol=1e-6)


@pytest.mark.parametrize("make", FORECASTERS)
def test_arrays_and_series_get_a_range_index_continuation(make):
    values = np.sin(np.arange(60) / 4)
    forecast = make().fit(values).predict()
    assert list(forecast.index) == [60, 61, 62]
    assert list(forecast.columns) == [0]
    series = pd.Series(values, name="load")
    assert list(make().fit(series).predict().columns) == ["load"]


def test_set_params_and_clone_keep_unfitted_copies(frame):
    estimator = RNNForecaster().set_params(cell="lstm", hidden_size=7)
    assert estimator.get_params()["cell"] == "lstm"
    fitted = RNNForecaster(lookback=6, horizon=3, **QUICK).fit(frame)
    copy = clone(fitted)
    assert not hasattr(copy, "module_")
    assert copy.get_params() == fitted.get_params()


def test_predict_needs_the_trained_columns(frame):
    estimator = LinearForecaster(lookback=6, horizon=3).fit(frame)
    with pytest.raises(DataError, match="lacks the trained column\\(s\\) 'b'"):
        estimator.predict(frame[["a"]])
    # Same columns in another order are fine.
    pd.testing.assert_frame_equal(estimator.predict(frame[["b", "a"]]), estimator.predict(frame))


def test_bad_input_is_refused_with_a_clear_message(frame):
    with pytest.raises(DataError, match="missing or infinite"):
        RNNForecaster(**QUICK).fit(frame.assign(a=np.nan))
    with pytest.raises(DataError, match="fewer than lookback \\+ horizon"):
        RNNForecaster(lookback=50, horizon=40, **QUICK).fit(frame)
    with pytest.raises(DataError, match="non-numeric column"):
        RNNForecaster(**QUICK).fit(frame.assign(label="x"))
    with pytest.raises(ParameterError, match="lookback must be a whole number"):
        RNNForecaster(lookback=0, **QUICK).fit(frame)
    with pytest.raises(ParameterError, match="cell must be one of"):
        RNNForecaster(cell="transformer", **QUICK).fit(frame)
    with pytest.raises(DataError, match="predict needs at least 6 rows"):
        LinearForecaster(lookback=6, horizon=3).fit(frame).predict(frame.iloc[:2])


def test_scaling_is_fitted_on_the_training_rows_only(frame):
    estimator = RNNForecaster(lookback=6, horizon=3, validation_fraction=0.25, **QUICK).fit(frame)
    np.testing.assert_allclose(estimator.scaling_.mean[0], frame.iloc[:60].mean().to_numpy())
    np.testing.assert_allclose(estimator.scaling_.std[0], frame.iloc[:60].std(ddof=0).to_numpy())


def test_short_series_train_without_a_validation_tail():
    with pytest.warns(UserWarning, match="training without early stopping"):
        estimator = MLPForecaster(lookback=4, horizon=2, validation_fraction=0.1, **QUICK).fit(np.arange(12.0))
    assert all(record["validation_loss"] is None for record in estimator.history_)


def test_seasonal_naive_repeats_the_last_season_and_infers_its_length(datasets):
    airline = read_csv(datasets / "airline.csv")
    estimator = SeasonalNaiveForecaster(horizon=15).fit(airline)
    assert estimator.season_length_ == 12
    last_year = airline["passengers"].to_numpy()[-12:]
    np.testing.assert_array_equal(estimator.predict()["passengers"].to_numpy(), np.r_[last_year, last_year[:3]])


def test_naive_repeats_the_last_value():
    np.testing.assert_array_equal(NaiveForecaster(horizon=2).fit([1.0, 5.0, 3.0]).predict()[0], [3.0, 3.0])


@pytest.fixture(scope="module")
def airline_holdout():
    airline = read_csv(DATASETS / "airline.csv")
    return airline.iloc[:-12], airline.iloc[-12:]


def _holdout_mase(estimator, holdout):
    train, test = holdout
    forecast = estimator.fit(train).predict()
    return mase(test.to_numpy(), forecast.to_numpy(), y_train=train.to_numpy(), season_length=12)


@pytest.mark.parametrize("make", [RNNForecaster, MLPForecaster], ids=["rnn", "mlp"])
def test_default_neural_forecasters_beat_seasonal_naive_on_airline(make, airline_holdout):
    """The final year of the airline series, held out: default settings, two years in, one year out."""
    baseline = _holdout_mase(SeasonalNaiveForecaster(horizon=12), airline_holdout)
    score = _holdout_mase(make(lookback=24, horizon=12, random_state=0), airline_holdout)
    assert score < baseline, f"{make.__name__} MASE {score:.3f} vs seasonal naive {baseline:.3f}"


@pytest.mark.parametrize(
    ("lookback", "segment_length", "expected"),
    [(5, None, 2), (96, None, 24), (200, None, 48), (336, None, 48), (96, 12, 12), (96, 1, 1)],
)
def test_segment_length_defaults_to_four_steps_of_at_most_48_rows(lookback, segment_length, expected):
    estimator = RNNForecaster(lookback, 2, segment_length=segment_length)
    net = estimator._build_module(n_channels=1, lookback=lookback, horizon=2)
    assert net.segment_length == expected
    assert net.n_segments == -(-lookback // expected)


@pytest.mark.parametrize(
    ("estimator", "n_train_windows", "expected"),
    [
        (RNNForecaster(), 100, 8),  # a short series still gets 12 steps per epoch
        (RNNForecaster(), 16 * 100, 100),
        (RNNForecaster(), 131_072, 128),
        (MLPForecaster(), 131_072, 128),
        (RNNForecaster(), 131_073, 1024),  # more than 1,024 steps of 128: large steps, worth two threads
        (MLPForecaster(), 524_289, 1024),  # epochs sample the windows
        (RNNForecaster(epoch_windows=1_000), 1_001, 1024),
        (RNNForecaster(batch_size=32), 10**6, 32),
    ],
)
def test_auto_batch_is_16_steps_of_8_to_128_windows_then_1024_on_large_data(estimator, n_train_windows, expected):
    assert estimator._batch_size(n_train_windows) == expected


@pytest.mark.parametrize(
    ("learning_rate", "batch_size", "expected"),
    [("auto", 8, 1e-3), ("auto", 128, 1e-3), ("auto", 512, 2e-3), ("auto", 1024, 1e-3 * 8**0.5), (0.01, 1024, 0.01)],
)
def test_auto_learning_rate_grows_with_the_square_root_of_batches_above_128(learning_rate, batch_size, expected):
    assert RNNForecaster(learning_rate=learning_rate)._learning_rate(batch_size) == pytest.approx(expected)


@pytest.mark.parametrize(("n_train_windows", "expected"), [(200_000, 1e-3 * 8**0.5), (600_000, 1e-3)])
def test_sampled_epochs_keep_the_base_learning_rate(n_train_windows, expected):
    config = RNNForecaster()._training_config(n_train_windows)
    assert (config.batch_size, config.learning_rate) == (1024, pytest.approx(expected))


@pytest.mark.parametrize(("batch_size", "expected"), [(32, 1e-3), (512, 2e-3)])
def test_a_fit_trains_at_the_auto_learning_rate_of_its_batch(batch_size, expected):
    values = pd.DataFrame({"y": np.sin(np.arange(120) / 4)}, index=pd.date_range("2024-01-01", periods=120, name="ds"))
    model = RNNForecaster(6, 2, hidden_size=4, max_epochs=1, batch_size=batch_size, random_state=0).fit(values)
    assert model.history_[0]["learning_rate"] == pytest.approx(expected)


def business_hours_frame():
    """Hourly values 09:00-16:00 on weekdays for four weeks: no nights, no weekends."""
    index = pd.date_range("2024-01-01", "2024-01-28 23:00", freq="h")
    index = index[(index.day_of_week < 5) & (index.hour >= 9) & (index.hour <= 16)]
    values = 100 + 10 * np.sin(np.arange(len(index)) / 8 * 2 * np.pi)
    return pd.DataFrame({"calls": values}, index=index.rename("ds"))


def test_a_model_on_an_observed_calendar_forecasts_on_that_calendar(tmp_path):
    import forecast
    from forecast.reading.calendar import ObservedCalendar

    frame = business_hours_frame()
    frame.attrs["calendar"] = ObservedCalendar.infer(frame.index)
    model = LinearForecaster(lookback=8, horizon=4).fit(frame)
    forecast_index = model.predict().index
    assert list(forecast_index.strftime("%a %H:%M")) == ["Mon 09:00", "Mon 10:00", "Mon 11:00", "Mon 12:00"]
    assert forecast_index[0] == pd.Timestamp("2024-01-29 09:00")
    model.save(tmp_path / "calls.npz")
    loaded = forecast.load(tmp_path / "calls.npz")
    assert loaded.freq_ == model.freq_
    pd.testing.assert_frame_equal(loaded.predict(), model.predict())
    assert list(loaded.context_frame().index[-2:].strftime("%a %H:%M")) == ["Fri 15:00", "Fri 16:00"]


def test_predict_refuses_history_at_another_frequency(frame):
    model = LinearForecaster(lookback=6, horizon=3).fit(frame)
    weekly = frame.resample("W").mean()
    with pytest.raises(DataError, match="frequency is 'W-SUN' but the model was trained at 'D'"):
        model.predict(weekly)


def test_unsorted_dates_are_sorted_repeated_ones_refused_and_date_strings_parsed(frame):
    model = LinearForecaster(lookback=6, horizon=3)
    pd.testing.assert_frame_equal(model.fit(frame.iloc[::-1]).predict(), model.fit(frame).predict())
    with pytest.raises(DataError, match="repeated timestamps, first 2020-01-01"):
        model.fit(pd.concat([frame.iloc[:1], frame]))
    text_dates = frame.set_axis(frame.index.strftime("%Y-%m-%d"), axis=0)
    assert model.fit(text_dates).predict().index[0] == pd.Timestamp("2020-03-21")
    with pytest.raises(DataError, match="not ISO 8601 dates"):
        model.fit(frame.set_axis([f"day {i}" for i in range(len(frame))], axis=0))


def test_huge_values_scale_and_forecast_without_overflow(frame):
    small = LinearForecaster(lookback=6, horizon=3).fit(frame).predict()
    huge = LinearForecaster(lookback=6, horizon=3).fit(frame * 1e300).predict()
    assert np.isfinite(huge.to_numpy()).all()
    np.testing.assert_allclose(huge.to_numpy(), small.to_numpy() * 1e300, rtol=1e-8)


def test_a_single_series_shorter_than_a_baseline_needs_is_a_data_error():
    with pytest.raises(DataError, match="the series has 3 rows, fewer than the 7 it needs"):
        SeasonalNaiveForecaster(season_length=7, horizon=2).fit(np.arange(3.0))


def test_the_recurrent_default_starts_from_a_ridge_regression_where_it_forecasts_better():
    trend = pd.Series(np.arange(200.0), index=pd.date_range("2000-01-01", periods=200, freq="MS"))
    model = RNNForecaster(lookback=24, horizon=12, max_epochs=1, hidden_size=8, random_state=0).fit(trend)
    # Seasonal naive would repeat the last year; the ridge start continues the trend, and one epoch
    # cannot beat it on the validation tail, so the network keeps it.
    np.testing.assert_allclose(model.predict().to_numpy().ravel(), np.arange(200.0, 212.0), atol=0.5)


def test_the_recurrent_default_starts_from_seasonal_naive_where_it_forecasts_better():
    season = np.tile([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0], 12)
    series = pd.Series(season, index=pd.date_range("2000-01-01", periods=len(season), freq="MS"))
    model = RNNForecaster(lookback=24, horizon=12, max_epochs=1, hidden_size=8, random_state=0).fit(series)
    np.testing.assert_allclose(model.predict().to_numpy().ravel(), season[:12], atol=1e-4)


@pytest.mark.parametrize(
    "values",
    [
        pytest.param(np.arange(20) + 1j, id="complex array"),
        pytest.param(pd.DataFrame({"a": np.arange(20) + 1j}), id="complex column"),
        pytest.param(np.array([str(value) for value in range(20)]), id="array of text"),
        # What DataFrame.to_numpy() gives for a frame with a text column.
        pytest.param(pd.DataFrame({"a": np.arange(20.0), "b": list("0123456789" * 2)}).to_numpy(), id="object array"),
    ],
)
def test_complex_numbers_and_text_are_refused_not_cast(values):
    with pytest.raises(DataError, match="real numbers|non-numeric"):
        NaiveForecaster(horizon=2).fit(values)


def test_a_missing_timestamp_in_the_index_is_refused_with_its_row(frame):
    with pytest.raises(DataError, match="no timestamp in row 3 of its index"):
        NaiveForecaster(horizon=2).fit(frame.set_axis(frame.index.insert(3, pd.NaT)[:-1]))


def test_predict_windows_refuses_an_unfitted_model_no_windows_and_ids_that_do_not_match(frame):
    with pytest.raises(NotFittedError):
        LinearForecaster(lookback=6, horizon=3).predict_windows(np.ones((1, 6, 2)))
    model = LinearForecaster(lookback=6, horizon=3).fit(frame)
    with pytest.raises(DataError, match=r"windows must have shape \(n, rows, 2\) with n >= 1"):
        model.predict_windows(np.ones((0, 6, 2)))
    long = pd.concat({"x": frame, "y": frame * 2}, names=["id", "date"])
    many = LinearForecaster(lookback=6, horizon=3).fit(long)
    with pytest.raises(DataError, match="series_ids has 1 id\\(s\\) for 3 windows; give one per window"):
        many.predict_windows(np.ones((3, 6, 2)), series_ids=["x"])
    with pytest.raises(DataError, match="series_ids must hold one id per window, not the string 'xyx'"):
        many.predict_windows(np.ones((3, 6, 2)), series_ids="xyx")


def test_the_recurrent_start_can_be_named_and_says_which_it_took():
    trend = pd.Series(np.arange(60.0), index=pd.date_range("2000-01-01", periods=60, freq="QS"))
    options = dict(lookback=8, horizon=4, max_epochs=1, hidden_size=8, random_state=0)
    theta = RNNForecaster(start="theta", **options).fit(trend)
    assert theta.start_ == "theta"
    assert RNNForecaster(**options).fit(trend).start_ in ("seasonal", "ridge", "profile", "theta")
    with pytest.raises(ParameterError, match="start"):
        RNNForecaster(start="ets", **options).fit(trend)


def test_a_network_trained_on_the_scaled_loss_saves_and_loads_with_it(tmp_path):
    series = pd.Series(np.sin(np.arange(60.0) / 2), index=pd.date_range("2000-01-01", periods=60, freq="D"))
    model = RNNForecaster(lookback=8, horizon=3, loss="scaled", max_epochs=2, hidden_size=8, random_state=0)
    model.fit(series).save(tmp_path / "model.npz")
    loaded = forecast.load(tmp_path / "model.npz")
    assert loaded.loss == loaded.loss_ == loaded.module_.init_args["loss"] == "scaled"
    assert RNNForecaster(lookback=8, horizon=3, max_epochs=1, hidden_size=8).fit(series).loss_ == "mse"  # one series
    pd.testing.assert_frame_equal(loaded.predict(), model.predict())


def test_max_steps_and_epoch_windows_reach_training_from_the_estimator():
    series = np.sin(np.arange(300.0) / 5)  # 178 training windows of 8 + 2 rows
    short = MLPForecaster(lookback=8, horizon=2, batch_size=8, max_epochs=50, max_steps=30, random_state=0)
    assert len(short.fit(series).history_) == 2  # 23 steps an epoch: the 30th step is in the second epoch
    sampled = MLPForecaster(lookback=8, horizon=2, batch_size=8, epoch_windows=16, max_steps=6, random_state=0)
    assert len(sampled.fit(series).history_) == 3  # 2 steps an epoch


def test_only_sampled_epochs_need_a_clear_improvement_to_keep_training():
    model = RNNForecaster(epoch_windows=1000)
    assert model._training_config(1000).min_improvement == 0.0  # every window every epoch: as before
    assert model._training_config(1001).min_improvement == 1e-3
