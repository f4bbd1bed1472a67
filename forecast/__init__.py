"""forecast: time-series forecasting from a CSV, with recurrent and MLP forecasters and honest baselines.

Names are imported on first use, so that ``import forecast`` (and the command
line's ``--help``) stays fast and does not import torch.
"""

from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "read_csv": "data",
    "infer_frequency": "data",
    "make_windows": "windows",
    "chronological_split": "windows",
    "DataError": "errors",
    "ModelFileError": "errors",
    "OutputPathError": "errors",
    "ParameterError": "errors",
    "NotFittedError": "errors",
    "TrainingError": "errors",
    "RNNForecaster": "estimators",
    "MLPForecaster": "estimators",
    "NaiveForecaster": "baselines",
    "SeasonalNaiveForecaster": "baselines",
    "LinearForecaster": "baselines",
    "Naive2Forecaster": "baselines",
    "RNNRegressor": "regressors",
    "MLPRegressor": "regressors",
    "load": "io",
    "mae": "metrics",
    "mse": "metrics",
    "rmse": "metrics",
    "smape": "metrics",
    "mase": "metrics",
    "backtest": "backtesting",
    "evaluate": "evaluation",
    "from_long": "panel",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'forecast' has no attribute {name!r}") from None
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted([*globals(), *_EXPORTS])
