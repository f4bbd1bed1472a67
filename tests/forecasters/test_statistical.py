"""ETS, Theta and ARIMA: each family's choice, its continuation without re-estimation, short series, covariates."""

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast import ARIMAForecaster, DataError, ETSForecaster, ThetaForecaster, backtest
from forecast.forecasters.statistical import arima, ets, theta
from forecast.forecasters.statistical.fits import LocalFit

FAMILIES = [
    pytest.param(ETSForecaster, id="ets"),
    pytest.param(ThetaForecaster, id="theta"),
    pytest.param(ARIMAForecaster, id="arima"),
]


def quarterly(n=48, seed=0, level=100.0, slope=0.8):
    """A trending quarterly series with a season of 4: what the workhorses are for."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = level + slope * t + 6 * np.sin(np.pi * t / 2) + rng.normal(0, 1.5, n)
    return pd.DataFrame({"sales": values}, index=pd.date_range("2010-01-01", periods=n, freq="QS", name="quarter"))


@pytest.mark.parametrize("make", FAMILIES)
def test_each_family_beats_naive_on_a_trending_seasonal_series(make):
    series = quarterly(52)
    train, test = series.iloc[:-8], series["sales"].to_numpy()[-8:]
    predicted = make(horizon=8).fit(train).predict()["sales"].to_numpy()
    naive = np.full(8, train["sales"].iloc[-1])
    assert np.abs(predicted - test).mean() < 0.6 * np.abs(naive - test).mean()


@pytest.mark.parametrize("make", FAMILIES)
def test_the_stored_model_continues_a_longer_history_without_reestimating(make, monkeypatch):
    series = quarterly(48)
    model = make(horizon=4).fit(series.iloc[:40])
    family = {"ets": ets, "theta": theta, "arima": arima}[model._family]
    monkeypatch.setattr(family, "select", lambda *args, **kwargs: pytest.fail("re-estimated a seen series"))
    later = model.predict(series)
    assert later.index[0] == pd.Timestamp("2022-01-01")
    fit = LocalFit.from_dict(model.fits_[0][0])
    mean, _ = family.forecast(series["sales"].to_numpy(), fit, 4, [])
    np.testing.assert_allclose(later["sales"].to_numpy(), mean)
    # A whole history as a window gives the same forecast.
    np.testing.assert_allclose(model.predict_windows([series.to_numpy()])[0, :, 0], mean)


@pytest.mark.parametrize("make", FAMILIES)
def test_the_models_own_intervals_are_nested_any_level_and_survive_a_model_file(make, tmp_path):
    model = make(horizon=4, intervals="model").fit(quarterly(40))
    predicted = model.predict(level=[50, 99.5])
    values = predicted.to_numpy()  # sales, lo-50, hi-50, lo-99.5, hi-99.5
    assert (values[:, 3] <= values[:, 1]).all() and (values[:, 1] <= values[:, 0]).all()
    assert (values[:, 0] <= values[:, 2]).all() and (values[:, 2] <= values[:, 4]).all()
    model.save(tmp_path / "m.npz")
    loaded = forecast.load(tmp_path / "m.npz")
    pd.testing.assert_frame_equal(loaded.predict(level=[50, 99.5]), predicted)
    assert loaded.fits_[0][0]["name"] == model.fits_[0][0]["name"]


def test_ets_chooses_a_multiplicative_season_for_airline():
    model = ETSForecaster(horizon=12).fit(forecast.read_csv("datasets/airline.csv"))
    assert model.fits_[0][0]["name"].endswith(",M)")  # a season that grows with the level
    assert model.season_length_ == 12


@pytest.mark.parametrize(
    ("rows", "family", "note"),
    [
        (3, ets, "too few for any ETS form"),
        (6, arima, "no seasonal terms"),
        (6, theta, "not deseasonalised"),
        (2, theta, "too few for the Theta method"),
    ],
)
def test_short_series_fall_back_and_say_why(rows, family, note):
    y = quarterly(rows)["sales"].to_numpy()
    fit = family.select(y, 4)
    assert note in fit.note
    mean, bounds = family.forecast(y, fit, 3, [80])
    assert np.isfinite(mean).all() and (bounds[80][0] <= mean).all()


def test_weekly_seasons_are_too_long_for_ets_and_arima_terms_and_are_said_so():
    y = np.sin(np.arange(120) * 2 * np.pi / 52) + np.arange(120) / 50
    assert "over 24" in ets.select(y, 52).note
    assert "over 24" in arima.select(y, 52).note


def test_too_short_a_series_is_refused_with_the_rows_needed():
    with pytest.raises(DataError, match="the 3 it needs"):
        ThetaForecaster(horizon=2).fit(np.array([1.0, 2.0]))


def test_arima_regresses_on_future_known_covariates():
    rng = np.random.default_rng(1)
    n = 120
    price = rng.normal(0, 1, n + 6)
    noise = np.zeros(n + 6)
    for t in range(1, n + 6):
        noise[t] = 0.6 * noise[t - 1] + rng.normal(0, 0.3)
    index = pd.date_range("2020-01-01", periods=n + 6, freq="D")
    frame = pd.DataFrame({"demand": 10 - 3 * price + noise, "price": price}, index=index)
    model = ARIMAForecaster(horizon=6, season_length=1, future_covariates=["price"]).fit(frame.iloc[:n])
    assert model.fits_[0][0]["name"].startswith("Regression with ARIMA")
    predicted = model.predict(future=frame.iloc[n:][["price"]])
    assert np.abs(predicted["demand"].to_numpy() - frame["demand"].to_numpy()[n:]).mean() < 0.6
    with pytest.raises(DataError, match="price"):
        model.predict()


@pytest.mark.long
def test_many_series_get_one_model_each_in_parallel_processes_as_in_one():
    frames = {f"s{i}": quarterly(24, seed=i, level=50 + 10 * i, slope=i % 3) for i in range(16)}
    panel = pd.concat(frames, names=["store", "quarter"])
    serial = ThetaForecaster(horizon=4, n_jobs=1, intervals="model").fit(panel)
    parallel = ThetaForecaster(horizon=4, n_jobs=2, intervals="model").fit(panel)
    assert len(serial.fits_) == 16
    pd.testing.assert_frame_equal(serial.predict(), parallel.predict())
    assert serial.predict().index.get_level_values(0).unique().tolist() == list(frames)


def test_a_backtest_refits_local_models_only_where_asked():
    series = quarterly(40)
    once = backtest(ETSForecaster(horizon=4), series, n_windows=3, refit=0)
    every = backtest(ETSForecaster(horizon=4), series, n_windows=3, refit=1)
    first = once["cutoff"] == once["cutoff"].min()
    np.testing.assert_allclose(once.loc[first, "ETSForecaster"], every.loc[first, "ETSForecaster"])
    model = ETSForecaster(horizon=4).fit(series.iloc[:28])  # the fit of window 0, continued to window 2
    last = model.predict(series.iloc[:36])["sales"].to_numpy()
    np.testing.assert_allclose(once.loc[once["cutoff"] == once["cutoff"].max(), "ETSForecaster"], last)


def test_the_naive_fallback_errs_by_the_whole_step_and_short_histories_are_refused():
    model = ETSForecaster(horizon=3).fit(np.array([10.0, 20, 30, 40]))  # too short for any ETS form
    assert model.interval_count_ == 0 and model._own_intervals  # and for a tail to calibrate on: its own intervals
    predicted = model.predict(level=95).to_numpy()
    assert predicted[0, 1] < 40 < predicted[0, 2]  # steps of 10 make a spread, not a zero width
    with pytest.raises(DataError, match="2 row"):
        model.predict(np.array([1.0, 2.0]))


def test_arima_fits_a_history_too_short_for_its_seasonal_lags_instead_of_filtering_it():
    series = quarterly(48)
    model = ARIMAForecaster(horizon=4, intervals="model", max_models=6).fit(series)  # (1,0,0)(1,1,0)[4]
    assert model.fits_[0][0]["spec"]["seasonal_order"][:3] != [0, 0, 0]
    forecast_of_short = model.predict(series.iloc[:6])["sales"].to_numpy()
    assert np.all(np.abs(forecast_of_short - series["sales"].iloc[:6].mean()) < 30)
    with pytest.raises(DataError, match="NaN"):
        ARIMAForecaster(horizon=2, season_length=1, future_covariates=["x"], max_models=4).fit(
            pd.DataFrame({"y": np.arange(30.0), "x": np.sin(np.arange(30.0))})
        ).predict_windows([np.ones((10, 2))], future=np.full((1, 2, 1), np.nan))


def test_max_models_bounds_the_arima_search_wherever_it_runs(monkeypatch):
    y = np.sin(np.arange(80) / 4) + np.random.default_rng(0).normal(0, 0.1, 80)
    fitted = []
    search = arima._Search._fit
    monkeypatch.setattr(arima._Search, "_fit", lambda self, key: fitted.append(key) or search(self, key))
    wider = arima.select(y, 1, max_models=8)
    assert len(fitted) == 8 and wider.spec["order"] != [1, 0, 1]  # the search moved past its first start
    fitted.clear()
    arima.select(y, 1, max_models=4)
    assert len(fitted) == 4
    # Through the forecaster: its fits, its conformal calibration's fits without the tail, a history unseen at fit.
    long = pd.concat({"a": pd.DataFrame({"y": y}), "b": pd.DataFrame({"y": y[::-1].copy()})}, names=["id", "t"])
    fitted.clear()
    model = ARIMAForecaster(horizon=3, season_length=1, max_models=1, n_jobs=1).fit(long)
    assert [fits[0]["spec"]["order"] for fits in model.fits_] == [[1, 0, 1]] * 2  # the first start, nothing else
    assert len(fitted) == 4
    model.predict_windows([y[:60]])  # no id: fitted on its own
    assert len(fitted) == 5
    # A history too short for the fitted seasonal lags is fitted on its own, with the same bound.
    bounds = []
    monkeypatch.setattr(
        arima._Search, "run", lambda self, run=arima._Search.run: bounds.append(self.max_models) or run(self)
    )
    seasonal = ARIMAForecaster(horizon=4, intervals="model", max_models=2).fit(quarterly(48))
    seasonal.predict(quarterly(48).iloc[:6])
    assert len(bounds) > 1 and set(bounds) == {2}
    assert ARIMAForecaster(max_models=4).get_params()["max_models"] == 4


def test_conformal_intervals_rank_the_errors_of_a_fit_without_the_tail():
    from forecast.forecasters.intervals import conformal_quantiles, noise_before, noise_level

    series = quarterly(60)
    model = ThetaForecaster(horizon=4, intervals="conformal").fit(series)
    values = series.to_numpy()
    tail = 20  # the last fifth of 60 rows, at least 20
    fit = theta.select(values[:-tail, 0], 4)
    first = 60 - tail - 3  # the first origin: its fourth step forecasts the tail's first row
    forecasts = {origin: theta.forecast(values[:origin, 0], fit, 4, [])[0] for origin in range(first, 60)}
    scored = np.empty((tail, 4, 1))
    for row in range(60 - tail, 60):
        for step in range(4):
            origin = row - step  # the forecast of this row made step + 1 rows before it
            scale = noise_before(values, [origin], noise_level(values, rows=None))[0]
            scored[row - 60 + tail, step] = abs(values[row, 0] - forecasts[origin][step]) / scale
    np.testing.assert_allclose(model.interval_quantiles_, conformal_quantiles(scored))
    assert model.interval_count_ == tail * 4
    predicted = model.predict(level=[80, 95]).to_numpy()  # sales, lo-80, hi-80, lo-95, hi-95
    assert (predicted[:, 3] < predicted[:, 1]).all() and (predicted[:, 2] < predicted[:, 4]).all()
    with pytest.raises(DataError, match="at most 98.7"):
        model.predict(level=99.9)  # 80 errors calibrate levels up to 98.7%


def test_intervals_must_be_the_models_own_or_conformal():
    with pytest.raises(forecast.ParameterError, match="intervals"):
        ETSForecaster(intervals="normal").fit(quarterly(40))


def test_arima_differences_a_short_trending_series_and_keeps_a_short_level_undifferenced():
    steps = np.arange(9)
    trending = 10 + 2 * steps + np.random.default_rng(0).normal(0, 0.3, 9)  # too short for KPSS to reject
    assert arima.select(trending, 1).spec["order"][1] == 1
    mean, _ = arima.forecast(trending, arima.select(trending, 1), 3, [])
    assert (np.diff(mean) > 1).all()  # the trend goes on
    level = 10 + np.random.default_rng(1).normal(0, 1, 9)
    assert arima.select(level, 1).spec["order"][1] == 0


def test_a_series_too_short_for_a_local_model_is_skipped_with_its_own_minimum():
    long = pd.concat({"a": quarterly(20), "b": quarterly(2)}, names=["store", "quarter"])
    with pytest.warns(UserWarning, match=r"skipping 1 series shorter than 3 rows \(the fewest ETSForecaster fits on\)"):
        model = ETSForecaster(horizon=2).fit(long)
    assert model.series_ids_ == ["a"]
    with pytest.raises(DataError, match="every series is shorter than 3 rows .* use longer series"):
        ETSForecaster(horizon=2).fit(long.loc[["b"]])


@pytest.mark.parametrize("family", [ets, theta, arima], ids=["ets", "theta", "arima"])
def test_forecasts_from_many_origins_equal_one_continuation_each(family):
    y = quarterly(40)["sales"].to_numpy()
    fit = family.select(y[:28], 4)
    origins = np.arange(20, 40)  # the last ones reach past the series' end
    expected = np.stack([family.forecast(y[:origin], fit, 4, [])[0] for origin in origins])
    np.testing.assert_allclose(family.forecast_origins(y, fit, 4, origins), expected, rtol=1e-9)


def test_arima_forecasts_from_many_origins_read_the_regressors_of_each_forecast():
    rng = np.random.default_rng(0)
    exog = rng.normal(size=(40, 1))
    y = 50 + 3 * exog[:, 0] + np.cumsum(rng.normal(0, 0.5, 40))
    fit = arima.select(y[:30], 1, exog[:30])
    origins = np.arange(25, 37)  # every forecast row inside the series, as calibration keeps them
    expected = np.stack([arima.forecast(y[:o], fit, 4, [], exog[:o], exog[o : o + 4])[0] for o in origins])
    np.testing.assert_allclose(arima.forecast_origins(y, fit, 4, origins, exog), expected, rtol=1e-9)


@pytest.mark.parametrize("future_covariates", [["price"], []])
def test_arima_regresses_on_the_calendar_it_forecasts_with(future_covariates):
    rng = np.random.default_rng(0)
    index = pd.date_range("2023-01-01", periods=120, freq="D", name="ds")
    price = rng.normal(10, 1, 120)
    data = pd.DataFrame({"sales": 50 - 2 * price + rng.normal(0, 1, 120), "price": price}, index=index)
    model = ARIMAForecaster(horizon=7, calendar="auto", future_covariates=future_covariates)
    model.fit(data[["sales", *future_covariates]])
    future = pd.DataFrame({"price": rng.normal(10, 1, 7)}, index=pd.date_range("2023-05-01", periods=7, name="ds"))
    forecasts = model.predict(future=future[future_covariates] if future_covariates else None, level=80)
    assert forecasts.shape == (7, 3) and np.isfinite(forecasts.to_numpy()).all()
    assert model.fits_[0][0]["name"].startswith("Regression with ARIMA")  # on the day of the week's features
