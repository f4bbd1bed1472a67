import numpy as np
import pandas as pd
import pytest
from conftest import QUICK, every_forecaster

import forecast
from forecast import DataError, LinearForecaster, MLPForecaster, RNNForecaster, backtest, mae


def driven_frame(n=300, seed=0):
    """Daily demand driven by a price planned ahead (future-known) and yesterday's temperature (past only)."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2020-01-01", periods=n, freq="D", name="date")
    price = rng.normal(0, 1, n)
    temperature = np.sin(np.arange(n) / 9) + rng.normal(0, 0.1, n)
    demand = 50 - 6 * price + 3 * np.r_[0, temperature[:-1]] + rng.normal(0, 0.3, n)
    return pd.DataFrame({"demand": demand, "price": price, "temperature": temperature}, index=index)


COVARIATES = dict(future_covariates=["price"], past_covariates=["temperature"])


@pytest.mark.parametrize("make", every_forecaster(lookback=7, horizon=3, season_length=7))
def test_every_forecaster_takes_covariates_and_forecasts_the_targets_only(make):
    frame = driven_frame(120)
    model = make().set_params(**COVARIATES)
    future = pd.DataFrame({"price": [0.5, -0.5, 1.0]}, index=pd.date_range("2020-04-30", periods=3, freq="D"))
    predicted = model.fit(frame).predict(future=future)
    assert list(predicted.columns) == ["demand"]
    assert list(predicted.index) == list(future.index)
    assert np.isfinite(predicted.to_numpy()).all()


def test_a_future_known_driver_is_used_and_beats_the_model_without_it():
    frame = driven_frame()
    with_driver = backtest(LinearForecaster(14, 3, **COVARIATES), frame, n_windows=20)
    without = backtest(LinearForecaster(14, 3), frame[["demand"]], n_windows=20)
    assert list(with_driver["target"].unique()) == ["demand"]
    error_with = mae(with_driver["actual"], with_driver["LinearForecaster"])
    error_without = mae(without["actual"], without["LinearForecaster"])
    assert error_with < 0.3 * error_without


def test_a_future_value_shifted_by_one_step_changes_the_forecast():
    frame = driven_frame(120)
    model = LinearForecaster(14, 3, future_covariates=["price"]).fit(frame)
    timestamps = pd.date_range("2020-04-30", periods=3, freq="D")
    prices = np.array([1.0, -1.0, 0.5])
    base = model.predict(future=pd.DataFrame({"price": prices}, index=timestamps))
    shifted = model.predict(future=pd.DataFrame({"price": np.roll(prices, 1)}, index=timestamps))
    assert not np.allclose(base.to_numpy(), shifted.to_numpy())
    # Each forecast row follows its own price: a high price lowers that row's demand.
    assert base["demand"].iloc[0] < base["demand"].iloc[1]


def test_a_past_only_covariate_never_leaks_from_the_forecast_rows():
    frame = driven_frame(150)
    changed = frame.copy()
    changed.iloc[-3:, changed.columns.get_loc("temperature")] += 100.0  # values in the last window's forecast rows
    model = MLPForecaster(lookback=14, horizon=3, past_covariates=["temperature"], **QUICK)
    before = backtest(model, frame[["demand", "temperature"]], n_windows=1)
    after = backtest(model, changed[["demand", "temperature"]], n_windows=1)
    np.testing.assert_array_equal(before["MLPForecaster"], after["MLPForecaster"])


def test_missing_or_misaligned_future_values_name_the_column_and_timestamp():
    model = LinearForecaster(14, 3, **COVARIATES).fit(driven_frame(120))
    with pytest.raises(DataError, match=r"needs the future values of 'price' for 2020-04-30 00:00:00 to 2020-05-02"):
        model.predict()
    late = pd.DataFrame({"price": [1.0, 2.0, 3.0]}, index=pd.date_range("2020-05-01", periods=3, freq="D"))
    with pytest.raises(DataError, match="no value of 'price' at 2020-04-30 00:00:00"):
        model.predict(future=late)
    with pytest.raises(DataError, match="lack the future-known covariate 'price'"):
        model.predict(future=late.rename(columns={"price": "cost"}))


def test_future_timestamps_in_another_time_zone_convention_are_refused_as_such():
    frame = driven_frame(120)
    future = pd.DataFrame({"price": [1.0, 2.0, 3.0]}, index=pd.date_range("2020-04-30", periods=3, freq="D"))
    naive = LinearForecaster(14, 3, **COVARIATES).fit(frame)
    zones = r"timestamps of the future values \(future=, --future\) have {} and the forecast's have {}"
    with pytest.raises(DataError, match=zones.format("time zone UTC", "no time zone")):
        naive.predict(future=future.tz_localize("UTC"))
    aware = LinearForecaster(14, 3, **COVARIATES).fit(frame.tz_localize("UTC"))
    with pytest.raises(DataError, match=zones.format("no time zone", "time zone UTC")):
        aware.predict(future=future)
    np.testing.assert_allclose(aware.predict(future=future.tz_localize("UTC")), naive.predict(future=future))


def test_covariate_choices_are_checked():
    with pytest.raises(DataError, match="future_covariates names 'rain', which is not a column"):
        LinearForecaster(14, 3, future_covariates=["rain"]).fit(driven_frame(60))
    with pytest.raises(DataError, match="every column is a covariate"):
        LinearForecaster(14, 3, future_covariates=["demand", "price", "temperature"]).fit(driven_frame(60))
    with pytest.raises(forecast.ParameterError, match="future_covariates must be None or a list of column names"):
        LinearForecaster(14, 3, future_covariates="price").fit(driven_frame(60))


def test_model_files_keep_the_covariates(tmp_path):
    frame = driven_frame(120)
    model = RNNForecaster(lookback=14, horizon=3, calendar="auto", **COVARIATES, **QUICK).fit(frame)
    assert model.calendar_ == ["day_of_week"]  # 120 days do not hold two years
    assert model.module_.init_args["n_future_covariates"] == 1 + 2 and model.module_.init_args["n_past_covariates"] == 1
    model.save(tmp_path / "model.npz")
    loaded = forecast.load(tmp_path / "model.npz")
    future = pd.DataFrame({"price": [0.1, 0.2, 0.3]}, index=pd.date_range("2020-04-30", periods=3, freq="D"))
    pd.testing.assert_frame_equal(loaded.predict(future=future), model.predict(future=future))
    assert (loaded.past_covariates_, loaded.future_covariates_) == (["temperature"], ["price"])


def test_predict_windows_and_backtest_agree_for_calendar_and_future_covariates():
    frame = driven_frame(120)
    model = LinearForecaster(14, 3, calendar="auto", **COVARIATES)
    results = backtest(model, frame, n_windows=1)
    fitted = LinearForecaster(14, 3, calendar="auto", **COVARIATES).fit(frame.iloc[:-3])
    future = frame[["price"]].iloc[-3:]
    np.testing.assert_allclose(results["LinearForecaster"], fitted.predict(future=future)["demand"], rtol=1e-10)


def test_many_series_with_covariates():
    pieces = {name: driven_frame(100, seed) for seed, name in enumerate(["a", "b"])}
    panel = pd.concat(pieces, names=["unique_id", "date"])
    model = LinearForecaster(14, 3, **COVARIATES).fit(panel)
    timestamps = pd.date_range("2020-04-10", periods=3, freq="D")
    future = pd.concat({name: pd.DataFrame({"price": [0.0, 1.0, 2.0]}, index=timestamps) for name in pieces})
    predicted = model.predict(future=future)
    assert predicted.index.nlevels == 2 and len(predicted) == 6
    with pytest.raises(DataError, match="no rows of series 'b'"):
        model.predict(future=future.loc[["a"]])
    shared = model.predict(future=future.loc["a"])  # indexed by timestamp alone: the same prices for every series
    np.testing.assert_allclose(shared, model.predict(future=pd.concat({name: future.loc["a"] for name in pieces})))


@pytest.mark.parametrize("make", every_forecaster(lookback=7, horizon=3, season_length=7))
def test_intervals_of_a_model_with_covariates_cover_the_targets_only(make):
    frame = driven_frame(160)
    model = make().set_params(**COVARIATES).fit(frame)
    future = pd.DataFrame({"price": [0.5, -0.5, 1.0]}, index=pd.date_range("2020-06-09", periods=3, freq="D"))
    predicted = model.predict(future=future, level=[80, 95])
    assert list(predicted.columns) == ["demand", "demand-lo-80", "demand-hi-80", "demand-lo-95", "demand-hi-95"]
    values = predicted.to_numpy()
    assert (values[:, 3] <= values[:, 1]).all() and (values[:, 1] <= values[:, 0]).all()
    assert (values[:, 0] <= values[:, 2]).all() and (values[:, 2] <= values[:, 4]).all()
    if not model._own_intervals:  # conformal intervals scale by the target's noise level, not the covariates'
        assert model.interval_scale_.shape == (1, 1)


def test_a_backtest_with_covariates_and_levels_covers_about_as_promised():
    frame = driven_frame(400, seed=3)
    results = backtest(LinearForecaster(14, 3, **COVARIATES), frame, n_windows=60, level=80)
    inside = (results["LinearForecaster-lo-80"] <= results["actual"]) & (
        results["actual"] <= results["LinearForecaster-hi-80"]
    )
    assert 0.65 <= inside.mean() <= 0.95


PRICED = LinearForecaster(7, 3, future_covariates=["price"]).fit(driven_frame(60))
DATED = LinearForecaster(7, 3, calendar="auto").fit(driven_frame(60)[["demand"]])
NEXT_DAYS = pd.date_range("2020-03-01", periods=3, freq="D")
WINDOWS = np.ones((2, 7, 3))  # two windows of demand, price and temperature

# (case, call, exception, fragments of its message): input a forecaster cannot use fails with the fix.
REFUSED_CALLS = [
    (
        "future as a dict",
        lambda: PRICED.predict(future={"price": [1.0, 2.0, 3.0]}),
        DataError,
        ["future must be a DataFrame, a Series or an array of numbers; this dict"],
    ),
    (
        "fit on a path",
        lambda: LinearForecaster(7, 3).fit("data.csv"),
        DataError,
        ["y must be a DataFrame, a Series or an array of numbers; this str"],
    ),
    (
        "future with the covariate twice",
        lambda: PRICED.predict(future=pd.DataFrame([[1.0, 2.0]] * 3, index=NEXT_DAYS, columns=["price", "price"])),
        DataError,
        ["future has the column 'price' twice"],
    ),
    (
        "future of many series for a model of one",
        lambda: PRICED.predict(future=pd.concat({"a": pd.DataFrame({"price": [1.0, 2.0, 3.0]}, index=NEXT_DAYS)})),
        DataError,
        ["future values (future=) are indexed by (id, timestamp), but the model forecasts one series"],
    ),
    (
        "windows with a NaN future value",
        lambda: PRICED.predict_windows(WINDOWS, future=np.full((2, 3, 1), np.nan)),
        DataError,
        ["future= contains NaN or infinite values"],
    ),
    (
        "windows with text future values",
        lambda: PRICED.predict_windows(WINDOWS, future=np.full((2, 3, 1), "high")),
        DataError,
        ["future must be a DataFrame, a Series or an array of numbers"],
    ),
    (
        "windows of text",
        lambda: PRICED.predict_windows(np.full((2, 7, 3), "a"), future=np.ones((2, 3, 1))),
        DataError,
        ["X must be a DataFrame, a Series or an array of numbers"],
    ),
    (
        "times that are not timestamps",
        lambda: DATED.predict_windows(np.ones((2, 7)), times=np.full((2, 10), "soon")),
        DataError,
        ["times= must hold timestamps"],
    ),
    (
        "times with a missing timestamp",
        lambda: DATED.predict_windows(
            np.ones((2, 7)), times=np.r_[pd.date_range("2020-01-01", periods=19), [pd.NaT]].reshape(2, 10)
        ),
        DataError,
        ["times= has a missing timestamp (NaT)"],
    ),
]


@pytest.mark.parametrize(
    ("call", "exception", "fragments"), [case[1:] for case in REFUSED_CALLS], ids=[case[0] for case in REFUSED_CALLS]
)
def test_unusable_input_is_refused_with_the_fix(call, exception, fragments):
    with pytest.raises(exception) as caught:
        call()
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_a_backtest_refuses_a_missing_value_that_only_the_last_window_would_read():
    frame = driven_frame(60)
    frame.iloc[-1, frame.columns.get_loc("price")] = np.nan  # a future-known value of the last forecast row
    with pytest.raises(DataError, match="y has 1 missing or infinite value"):
        backtest(LinearForecaster(7, 3, future_covariates=["price"]), frame, n_windows=2)


def test_backtest_models_that_read_different_covariates_are_a_parameter_error():
    models = {"priced": LinearForecaster(7, 3, future_covariates=["price"]), "plain": LinearForecaster(7, 3)}
    with pytest.raises(forecast.ParameterError, match="give every model the same covariates"):
        backtest(models, driven_frame(60), n_windows=2)


def test_future_values_for_a_model_without_future_covariates_are_refused():
    frame = driven_frame(120)
    model = LinearForecaster(14, 3, past_covariates=["temperature", "price"]).fit(frame)
    future = pd.DataFrame({"price": [0.5, -0.5, 1.0]}, index=pd.date_range("2020-04-30", periods=3, freq="D"))
    with pytest.raises(DataError, match="without future_covariates"):
        model.predict(future=future)
    windows = frame[["demand", "temperature", "price"]].to_numpy()[None, -14:]
    with pytest.raises(DataError, match="future= was given, but this LinearForecaster was fitted without"):
        model.predict_windows(windows, future=np.zeros((1, 3, 1)))
    times = pd.date_range("2020-04-16", periods=17, freq="D").to_numpy()[None]
    with pytest.raises(DataError, match="times= was given, but this LinearForecaster was fitted without calendar"):
        model.predict_windows(windows, times=times)


def test_intervals_are_calibrated_only_on_forecasts_whose_future_values_are_all_known():
    frame = driven_frame(200)
    with_future = LinearForecaster(7, 5, future_covariates=["price"]).fit(frame)
    past_only = LinearForecaster(7, 5, past_covariates=["price"]).fit(frame)
    # The linear model calibrates on its last 40 rows (20%); forecasts from origins less than a horizon
    # before the end would need prices after it, so the last 4 rows are not scored; each row at 5 steps.
    assert past_only.interval_count_ == 40 * 5
    assert with_future.interval_count_ == (40 - 4) * 5


def test_windows_of_unknown_series_scale_their_covariates_as_the_fitted_series_do():
    panel = pd.concat({f"s{k}": driven_frame(120, seed=k)[["demand", "price"]] for k in range(3)}, names=["id", "date"])
    model = LinearForecaster(14, 3, future_covariates=["price"]).fit(panel)
    window = panel.loc["s0"].to_numpy()[-14:][None].copy()  # (1, 14, 2)
    window[:, :, 1] = 0.0  # a price held constant over the window: no spread of its own to scale by
    scaling = model._window_scaling(window)
    own = forecast.inputs.scaling.Scaling.fit(window, axis=1)
    np.testing.assert_allclose(scaling.mean[:, 0], own.mean[:, 0])  # the target: the window's own
    np.testing.assert_allclose(scaling.std[:, 0], own.std[:, 0])
    np.testing.assert_allclose(scaling.mean[0, 1], model.scaling_.mean[:, 1].mean())  # the covariate: fitted
    np.testing.assert_allclose(scaling.std[0, 1], model.scaling_.std[:, 1].mean())
    future = np.array([[[0.0], [2.0], [-2.0]]])
    assert np.isfinite(model.predict_windows(window, future=future)).all()
