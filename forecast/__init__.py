"""forecast: time-series forecasting from a CSV, with recurrent and MLP forecasters and honest baselines.

Names are imported on first use, so that ``import forecast`` (and the command
line's ``--help``) stays fast and does not import torch.
"""

from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "read_csv": "reading.csvfile",
    "infer_frequency": "reading.frequency",
    "make_windows": "inputs.windows",
    "chronological_split": "inputs.windows",
    "DataError": "errors",
    "ModelFileError": "errors",
    "OutputPathError": "errors",
    "ParameterError": "errors",
    "NotFittedError": "errors",
    "TrainingError": "errors",
    "RNNForecaster": "forecasters.neural",
    "MLPForecaster": "forecasters.neural",
    "NaiveForecaster": "forecasters.baselines",
    "SeasonalNaiveForecaster": "forecasters.baselines",
    "LinearForecaster": "forecasters.baselines",
    "Naive2Forecaster": "forecasters.baselines",
    "ETSForecaster": "forecasters.statistical.workhorses",
    "ThetaForecaster": "forecasters.statistical.workhorses",
    "ARIMAForecaster": "forecasters.statistical.workhorses",
    "AutoForecaster": "forecasters.auto",
    "RNNRegressor": "forecasters.regressors",
    "MLPRegressor": "forecasters.regressors",
    "load": "modelfile.load",
    "mae": "evaluation.metrics",
    "mse": "evaluation.metrics",
    "rmse": "evaluation.metrics",
    "smape": "evaluation.metrics",
    "mase": "evaluation.metrics",
    "backtest": "evaluation.backtesting",
    "evaluate": "evaluation.scores",
    "from_long": "reading.panel",
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
