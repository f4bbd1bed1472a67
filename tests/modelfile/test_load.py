import os
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import DATASETS, QUICK, every_forecaster

import forecast
from forecast import (
    MLPRegressor,
    RNNRegressor,
    make_windows,
    read_csv,
)
from forecast.modelfile.load import save

FORECASTERS = every_forecaster(lookback=24, horizon=12)


@pytest.fixture(scope="module")
def airline():
    return read_csv(DATASETS / "airline.csv")


@pytest.mark.parametrize("make", FORECASTERS)
def test_save_load_and_pickle_round_trips(make, airline, tmp_path):
    estimator = make().fit(airline)
    expected = estimator.predict()
    estimator.save(tmp_path / "model.npz")
    loaded = forecast.load(tmp_path / "model.npz")
    assert type(loaded) is type(estimator)
    assert loaded.get_params() == estimator.get_params()
    pd.testing.assert_frame_equal(loaded.predict(), expected)
    pd.testing.assert_frame_equal(loaded.predict(airline.iloc[:100]), estimator.predict(airline.iloc[:100]))
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(estimator)).predict(), expected)
    # The history drawn before a forecast: four horizons of the monthly series at least (more than the lookback),
    # all of it for Naive2, which reads it all.
    kept = loaded.context_frame()
    assert len(kept) == (len(airline) if type(estimator).__name__ == "Naive2Forecaster" else 48)
    pd.testing.assert_frame_equal(kept, airline.iloc[-len(kept) :], check_freq=False)
    assert os.listdir(tmp_path) == ["model.npz"]  # no temporary file left behind


@pytest.mark.parametrize("make", [RNNRegressor, MLPRegressor])
def test_regressors_round_trip(make, tmp_path):
    X, Y = make_windows(np.sin(np.arange(100) / 3), lookback=8, horizon=2)
    estimator = make(**QUICK).fit(X[:, :, 0], Y[:, :, 0])
    save(estimator, tmp_path / "regressor.npz")
    np.testing.assert_array_equal(
        forecast.load(tmp_path / "regressor.npz").predict(X[:, :, 0]), estimator.predict(X[:, :, 0])
    )


MODEL_FILES = Path(__file__).resolve().parent.parent / "model_files"


@pytest.mark.parametrize("release", sorted(path.parent.name for path in MODEL_FILES.glob("*/expected.npz")))
def test_model_files_of_every_release_load_and_forecast_as_they_did(release):
    folder = MODEL_FILES / release
    expected = np.load(folder / "expected.npz")
    airline_windows = make_windows(read_csv(DATASETS / "airline.csv").to_numpy(), 24, 12)[0][-5:]
    for name in ("gru", "mlp", "linear", "seasonal_naive"):
        model = forecast.load(folder / f"{name}.npz")
        assert len(model.context_frame()) == model._context_rows()  # drawn from the rows kept to forecast from
        np.testing.assert_allclose(model.predict().to_numpy(), expected[name], rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(model.predict_windows(airline_windows), expected[f"{name}_windows"], rtol=1e-10)
        if f"{name}_intervals" in expected:  # written by a release with prediction intervals
            intervals = model.predict(level=[80, 95]).to_numpy()
            np.testing.assert_allclose(intervals, expected[f"{name}_intervals"], rtol=1e-10, atol=1e-10)
    many = forecast.load(folder / "lstm_long.npz")
    assert many.predict().index.nlevels == 2
    np.testing.assert_allclose(many.predict().to_numpy(), expected["lstm_long"], rtol=1e-10, atol=1e-10)
    if "lstm_long_intervals" in expected:
        intervals = many.predict(level=[80, 95]).to_numpy()
        np.testing.assert_allclose(intervals, expected["lstm_long_intervals"], rtol=1e-10, atol=1e-10)
    if "gru_covariates" in expected:  # written by a release with covariates
        driven = forecast.load(folder / "gru_covariates.npz")
        future = read_csv(DATASETS / "icecream_future.csv")
        predicted = driven.predict(future=future, level=[80, 95]).to_numpy()
        np.testing.assert_allclose(predicted, expected["gru_covariates"], rtol=1e-10, atol=1e-10)
    X, _ = make_windows(np.sin(np.arange(200) / 5), lookback=12, horizon=3)
    regressor = forecast.load(folder / "rnn_regressor.npz")
    np.testing.assert_allclose(regressor.predict(X[:5, :, 0]), expected["rnn_regressor"], rtol=1e-10, atol=1e-10)
