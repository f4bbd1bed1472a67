import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast import (
    LinearForecaster,
    MLPForecaster,
    MLPRegressor,
    ModelFileError,
    NaiveForecaster,
    RNNForecaster,
    RNNRegressor,
    SeasonalNaiveForecaster,
    make_windows,
    read_csv,
)
from forecast.io import save

from conftest import DATASETS

QUICK = dict(max_epochs=2, hidden_size=8, random_state=0)
FORECASTERS = [
    lambda: RNNForecaster(lookback=24, horizon=12, cell="lstm", num_layers=2, **QUICK),
    lambda: MLPForecaster(lookback=24, horizon=12, **QUICK),
    lambda: LinearForecaster(lookback=24, horizon=12),
    lambda: NaiveForecaster(horizon=12),
    lambda: SeasonalNaiveForecaster(horizon=12),
]


@pytest.fixture(scope="module")
def airline():
    return read_csv("datasets/airline.csv")


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
    assert os.listdir(tmp_path) == ["model.npz"]  # no temporary file left behind


@pytest.mark.parametrize("make", [RNNRegressor, MLPRegressor])
def test_regressors_round_trip(make, tmp_path):
    X, Y = make_windows(np.sin(np.arange(100) / 3), lookback=8, horizon=2)
    estimator = make(**QUICK).fit(X[:, :, 0], Y[:, :, 0])
    save(estimator, tmp_path / "regressor.npz")
    np.testing.assert_array_equal(
        forecast.load(tmp_path / "regressor.npz").predict(X[:, :, 0]), estimator.predict(X[:, :, 0])
    )


class _Payload:
    """Unpickling this would create a file: proof that code ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_pickle_payload_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.npz"
    evil.write_bytes(pickle.dumps(_Payload(str(marker))))
    with pytest.raises(ModelFileError, match="pickled Python objects, which forecast never loads"):
        forecast.load(evil)
    # The same payload inside an npz archive, as an object array.
    np.savez(tmp_path / "evil2.npz", __header__=np.array([_Payload(str(marker))], dtype=object))
    with pytest.raises(ModelFileError, match="not a forecast model file"):
        forecast.load(tmp_path / "evil2.npz")
    assert not marker.exists()


def test_corrupt_foreign_and_missing_files_are_refused(airline, tmp_path):
    with pytest.raises(ModelFileError, match="no such model file"):
        forecast.load(tmp_path / "absent.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(ModelFileError, match="not a .npz archive"):
        forecast.load(tmp_path / "text.npz")
    np.savez(tmp_path / "foreign.npz", weights=np.zeros(3))
    with pytest.raises(ModelFileError, match="no forecast header"):
        forecast.load(tmp_path / "foreign.npz")
    path = tmp_path / "model.npz"
    LinearForecaster(lookback=24, horizon=12).fit(airline).save(path)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(path.read_bytes()[:300])
    with pytest.raises(ModelFileError, match="corrupt"):
        forecast.load(truncated)


def test_a_header_naming_an_unknown_class_is_refused(tmp_path):
    header = (
        b'{"format": "forecast-model", "version": 1, "estimator": {"class": "os.system", "params": {}, "fitted": {}}}'
    )
    path = tmp_path / "odd.npz"
    np.savez(path, __header__=np.frombuffer(header, dtype=np.uint8))
    with pytest.raises(ModelFileError, match="unknown estimator class 'os.system'"):
        forecast.load(path)
    assert zipfile.is_zipfile(path)


MODEL_FILES = Path(__file__).resolve().parent / "model_files"


@pytest.mark.parametrize("release", sorted(path.name for path in MODEL_FILES.iterdir() if path.is_dir()))
def test_model_files_of_every_release_load_and_forecast_as_they_did(release):
    folder = MODEL_FILES / release
    expected = np.load(folder / "expected.npz")
    airline_windows = make_windows(read_csv(DATASETS / "airline.csv").to_numpy(), 24, 12)[0][-5:]
    for name in ("gru", "mlp", "linear", "seasonal_naive"):
        model = forecast.load(folder / f"{name}.npz")
        np.testing.assert_allclose(model.predict().to_numpy(), expected[name], rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(model.predict_windows(airline_windows), expected[f"{name}_windows"], rtol=1e-10)
    many = forecast.load(folder / "lstm_long.npz")
    assert many.predict().index.nlevels == 2
    np.testing.assert_allclose(many.predict().to_numpy(), expected["lstm_long"], rtol=1e-10, atol=1e-10)
    X, _ = make_windows(np.sin(np.arange(200) / 5), lookback=12, horizon=3)
    regressor = forecast.load(folder / "rnn_regressor.npz")
    np.testing.assert_allclose(regressor.predict(X[:5, :, 0]), expected["rnn_regressor"], rtol=1e-10, atol=1e-10)
