"""The automatic choice: per series by its own backtest, combinations, intervals from the chosen errors."""

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast import AutoForecaster, DataError, ParameterError

FAST = ["theta", "seasonal-naive", "naive", "linear"]  # candidates that fit in milliseconds


def panel():
    """Two kinds of series: a seasonal one that repeats exactly, a random walk whose last value is best."""
    rng = np.random.default_rng(0)
    index = pd.date_range("2020-01-06", periods=60, freq="W-MON")
    seasonal = np.tile([5.0, 9.0, 4.0, 7.0], 15) + rng.normal(0, 0.05, 60)
    walk = 50 + np.cumsum(rng.normal(0, 2, 60))
    frames = {"seasonal": pd.DataFrame({"y": seasonal}, index=index), "walk": pd.DataFrame({"y": walk}, index=index)}
    return pd.concat(frames, names=["unique_id", "ds"])


def test_each_series_takes_the_mean_of_its_best_k_candidates_with_k_chosen_for_the_panel():
    model = AutoForecaster(models=FAST, horizon=4, season_length=4, n_windows=3).fit(panel())
    choice = model.choice_
    assert list(choice.index) == ["seasonal", "walk"]
    sizes = {len(label.removeprefix("mean of ").split(", ")) for label in choice["chosen"]}
    assert len(sizes) == 1  # one k for the panel
    seasonal_choice = choice.loc["seasonal", "chosen"].removeprefix("mean of ").split(", ")
    assert "naive" not in seasonal_choice  # the last value is 37 times seasonal naive's error there
    assert (choice["windows"] == 3).all()
    assert model.weights_.shape == (2, len(model.members_))
    np.testing.assert_allclose(model.weights_.sum(axis=1), 1.0)


def test_one_series_is_never_worse_on_its_backtest_than_its_best_candidate():
    series = forecast.read_csv("datasets/airline.csv")
    model = AutoForecaster(models=["theta", "seasonal-naive", "linear"], horizon=12).fit(series)
    row = model.choice_.iloc[0]
    assert row["mase"] <= row.filter(like="mase-").astype(float).min() + 1e-12


def test_the_forecast_is_the_weighted_mean_of_the_members():
    data = panel()
    model = AutoForecaster(models=FAST, horizon=4, season_length=4).fit(data)
    members = {name: member.predict() for name, member in model.members_.items()}
    for row, series_id in enumerate(model.series_ids_):
        expected = sum(
            weight * members[name].loc[series_id, "y"].to_numpy()
            for name, weight in zip(model.members_, model.weights_[row])
        )
        np.testing.assert_allclose(model.predict().loc[series_id, "y"].to_numpy(), expected)


def test_intervals_are_calibrated_on_the_backtest_errors_and_nested(tmp_path):
    model = AutoForecaster(models=FAST, horizon=4, season_length=4, n_windows=5).fit(panel())
    assert model.interval_count_ == 2 * 5 * 4  # series x windows x steps
    predicted = model.predict(level=[80, 95])
    values = predicted.to_numpy()
    assert (values[:, 3] <= values[:, 1]).all() and (values[:, 1] <= values[:, 0]).all()
    assert (values[:, 0] <= values[:, 2]).all() and (values[:, 2] <= values[:, 4]).all()
    with pytest.raises(DataError, match="at most 97.5"):
        model.predict(level=99.9)
    model.save(tmp_path / "auto.npz")
    loaded = forecast.load(tmp_path / "auto.npz")
    pd.testing.assert_frame_equal(loaded.predict(level=[80]), model.predict(level=[80]))
    pd.testing.assert_frame_equal(loaded.choice_, model.choice_)


def test_too_short_for_the_windows_asked_it_says_what_it_did():
    series = forecast.read_csv("datasets/airline.csv").iloc[:30]
    with pytest.warns(UserWarning, match="auto chose on 1 window"):
        model = AutoForecaster(models=["theta", "seasonal-naive"], horizon=12, n_windows=3).fit(series)
    assert model.choice_["windows"].iloc[0] == 1
    with pytest.raises(DataError, match="too short for a backtest"):
        AutoForecaster(models=["seasonal-naive"], horizon=12).fit(series.iloc[:14])


def test_unknown_candidates_are_refused():
    with pytest.raises(ParameterError, match="distinct names"):
        AutoForecaster(models=["theta", "prophet"]).fit(np.arange(40.0))


def test_a_backtest_scores_auto_like_any_model():
    data = panel()
    results = forecast.backtest(
        {"auto": AutoForecaster(models=FAST, horizon=4, season_length=4), "naive": forecast.NaiveForecaster(horizon=4)},
        data,
        n_windows=2,
    )
    scores = forecast.evaluate(results, data, season_length=4).set_index("model")
    assert scores.loc["auto", "mase"] < scores.loc["naive", "mase"]


def test_with_covariates_each_candidate_that_reads_them_also_runs_without():
    rng = np.random.default_rng(3)
    index = pd.date_range("2021-01-01", periods=90, freq="D")
    noise = rng.normal(0, 1, 90)  # a driver unrelated to the target
    target = 20 + np.tile([0.0, 1, 2, 3, 4, 8, 9], 13)[:90] + rng.normal(0, 0.3, 90)
    frame = pd.DataFrame({"sales": target, "noise": noise}, index=index)
    model = AutoForecaster(horizon=7, past_covariates=["noise"], max_epochs=2, random_state=0)
    assert model._names()[-4:] == ["arima-plain", "gru-plain", "mlp-plain", "linear-plain"]  # ETS, Theta read none
    fitted = AutoForecaster(models=["linear", "linear-plain", "seasonal-naive"], horizon=7, past_covariates=["noise"])
    fitted.fit(frame)
    assert "mase-linear-plain" in fitted.choice_.columns
    assert fitted.predict().shape == (7, 1)


def test_a_constant_series_whose_mase_is_undefined_is_ranked_by_its_errors():
    model = AutoForecaster(models=FAST, horizon=3).fit(np.full(30, 4.0))
    np.testing.assert_allclose(model.predict().to_numpy(), 4.0)


def test_a_series_too_short_for_a_window_member_is_forecast_by_the_others_in_a_backtest():
    data = panel()
    short = pd.concat({"short": data.loc["walk"].iloc[:14]}, names=["unique_id", "ds"])  # 6 rows at the first cutoff
    results = forecast.backtest(
        AutoForecaster(models=["theta", "linear"], horizon=4, season_length=4), pd.concat([data, short]), n_windows=2
    )
    assert results["AutoForecaster"].notna().all()
    assert "short" in set(results["unique_id"])
