import os
from pathlib import Path

import pytest

# scikit-learn's common checks include one with array API dispatch on NumPy inputs, which runs only
# when SciPy reads this variable at import; set before anything imports SciPy, so the check runs.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

from forecast.registry import MODELS

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "datasets"
# Neural models in tests: a few epochs of a narrow network. The stacked LSTM also covers num_layers > 1.
QUICK = dict(max_epochs=3, hidden_size=8, random_state=0)
QUICK_BY_MODEL = {"lstm": dict(QUICK, num_layers=2)}
# Statistical models in tests: ARIMA's search is its slow part (seconds a series with a season), and its
# conformal calibration a second search; its own tests keep them whole (ETS and Theta calibrate conformal
# intervals here).
QUICK_STATISTICAL = {
    "arima": dict(season_length=1, intervals="model", max_models=4),
    "auto": dict(models=["theta", "naive", "linear"], n_windows=7),
}


def every_forecaster(lookback, horizon, season_length=None):
    """One pytest param per model of the registry: a function making it unfitted, with quick settings."""

    def maker(name):
        def make():
            spec = MODELS[name]
            estimator = spec.build(lookback=lookback, horizon=horizon, season_length=season_length)
            if spec.neural:
                return estimator.set_params(**QUICK_BY_MODEL.get(name, QUICK))
            return estimator.set_params(**QUICK_STATISTICAL.get(name, {}))

        return make

    return [pytest.param(maker(name), id=name) for name in MODELS]


def pytest_collection_modifyitems(items):
    """Tests marked ``long`` first: started last, one would keep a pytest-xdist worker busy for seconds after the
    other has finished every other test."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(autouse=True)
def _doctests_run_in_the_repository_root(request, monkeypatch):
    """Docstring examples read ``datasets/...`` as a user in a checkout would, wherever pytest starts."""
    if type(request.node).__name__ == "DoctestItem":
        monkeypatch.chdir(ROOT)


@pytest.fixture
def datasets():
    """The folder of bundled CSVs."""
    return DATASETS


@pytest.fixture
def write_csv(tmp_path):
    """Write text to a CSV file in a fresh folder and return its path."""

    def write(text, name="data.csv"):
        path = tmp_path / name
        path.write_text(text)
        return path

    return write
