"""Write the model files that `tests/modelfile/test_load.py` keeps loading: ``python tests/model_files/write.py vN``.

Each file is written by the release current at the time, beside ``expected.npz``
holding what its model predicted then. Files of earlier releases are never
rewritten; a new release adds a folder.
"""

import sys
from pathlib import Path

import numpy as np

from forecast import (
    LinearForecaster,
    MLPForecaster,
    RNNForecaster,
    RNNRegressor,
    SeasonalNaiveForecaster,
    make_windows,
    read_csv,
)
from forecast.modelfile.load import save

HERE = Path(__file__).resolve().parent
DATASETS = HERE.parent.parent / "datasets"


def long_frame():
    """Three short synthetic monthly series in long format."""
    import pandas as pd

    rng = np.random.default_rng(0)
    index = pd.date_range("2015-01-01", periods=60, freq="MS")
    pieces = {
        name: pd.DataFrame(
            {"y": level + 5 * np.sin(np.arange(60) * 2 * np.pi / 12) + rng.normal(0, 1, 60)}, index=index
        )
        for name, level in (("a", 10.0), ("b", 50.0), ("c", 100.0))
    }
    return pd.concat(pieces, names=["unique_id", "ds"])


def main(folder):
    folder = HERE / folder
    folder.mkdir(parents=True, exist_ok=False)
    airline = read_csv(DATASETS / "airline.csv")
    expected = {}
    forecasters = {
        "gru": RNNForecaster(lookback=24, horizon=12, max_epochs=3, random_state=0),
        "mlp": MLPForecaster(lookback=24, horizon=12, max_epochs=3, random_state=0),
        "linear": LinearForecaster(lookback=24, horizon=12),
        "seasonal_naive": SeasonalNaiveForecaster(horizon=12),
    }
    for name, model in forecasters.items():
        model.fit(airline)
        model.save(folder / f"{name}.npz")
        expected[name] = model.predict().to_numpy()
        expected[f"{name}_windows"] = model.predict_windows(make_windows(airline.to_numpy(), 24, 12)[0][-5:])
        if hasattr(model, "interval_quantiles_"):  # releases with prediction intervals
            expected[f"{name}_intervals"] = model.predict(level=[80, 95]).to_numpy()
    many = RNNForecaster(lookback=12, horizon=6, cell="lstm", max_epochs=3, random_state=0).fit(long_frame())
    many.save(folder / "lstm_long.npz")
    expected["lstm_long"] = many.predict().to_numpy()
    if hasattr(many, "interval_quantiles_"):
        expected["lstm_long_intervals"] = many.predict(level=[80, 95]).to_numpy()
    if "future_covariates" in RNNForecaster().get_params():  # releases with covariates
        icecream, future = read_csv(DATASETS / "icecream.csv"), read_csv(DATASETS / "icecream_future.csv")
        driven = RNNForecaster(
            lookback=14, horizon=7, future_covariates=["price", "temperature"], max_epochs=3, random_state=0
        ).fit(icecream)
        driven.save(folder / "gru_covariates.npz")
        expected["gru_covariates"] = driven.predict(future=future, level=[80, 95]).to_numpy()
    X, Y = make_windows(np.sin(np.arange(200) / 5), lookback=12, horizon=3)
    regressor = RNNRegressor(cell="rnn", max_epochs=3, random_state=0).fit(X[:, :, 0], Y[:, :, 0])
    save(regressor, folder / "rnn_regressor.npz")  # regressors have no save method of their own
    expected["rnn_regressor"] = regressor.predict(X[:5, :, 0])
    np.savez(folder / "expected.npz", **expected)


if __name__ == "__main__":
    main(sys.argv[1])
