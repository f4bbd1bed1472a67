"""The one list of models: command-line name → class, whether it is neural, and its settings.

The command line, `forecast.evaluation.comparison` and model files all read it; nothing
else lists model names. Classes are imported on first use, so the command
line can offer the names without importing torch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import import_module

from .errors import ParameterError


@dataclass(frozen=True)
class ModelSpec:
    """A model the command line offers by name."""

    name: str  # command-line name
    module: str  # forecast submodule that defines the class
    class_name: str
    neural: bool  # trained by gradient descent (takes max_epochs, random_state; --seeds repeats it)
    defaults: dict = field(default_factory=dict)  # constructor arguments that make this name

    @property
    def cls(self):
        return getattr(import_module(f"forecast.{self.module}"), self.class_name)

    def build(self, **settings):
        """An unfitted forecaster with the given settings, those its class takes and that are not None.

        ``settings`` may hold ``lookback``, ``horizon``, ``season_length``,
        ``max_epochs``, ``random_state``: each class takes the ones it has.
        Several lookbacks (a tuple or list) are for a neural model to choose
        among on validation; any other model takes the first.
        Every class takes the covariate settings ``past_covariates``,
        ``future_covariates`` and ``calendar`` (the naive baselines forecast
        without reading them).
        """
        accepted = self.cls._get_param_names()
        if isinstance(settings.get("lookback"), (tuple, list)) and not self.neural:
            settings = {**settings, "lookback": settings["lookback"][0]}
        chosen = {name: value for name, value in settings.items() if name in accepted and value is not None}
        return self.cls(**self.defaults, **chosen)


MODELS = {
    spec.name: spec
    for spec in (
        ModelSpec("rnn", "forecasters.neural", "RNNForecaster", neural=True, defaults={"cell": "rnn"}),
        ModelSpec("lstm", "forecasters.neural", "RNNForecaster", neural=True, defaults={"cell": "lstm"}),
        ModelSpec("gru", "forecasters.neural", "RNNForecaster", neural=True, defaults={"cell": "gru"}),
        ModelSpec("mlp", "forecasters.neural", "MLPForecaster", neural=True),
        ModelSpec("linear", "forecasters.baselines", "LinearForecaster", neural=False),
        ModelSpec("naive", "forecasters.baselines", "NaiveForecaster", neural=False),
        ModelSpec("seasonal-naive", "forecasters.baselines", "SeasonalNaiveForecaster", neural=False),
        ModelSpec("naive2", "forecasters.baselines", "Naive2Forecaster", neural=False),
        ModelSpec("ets", "forecasters.statistical.workhorses", "ETSForecaster", neural=False),
        ModelSpec("theta", "forecasters.statistical.workhorses", "ThetaForecaster", neural=False),
        ModelSpec("arima", "forecasters.statistical.workhorses", "ARIMAForecaster", neural=False),
        ModelSpec("auto", "forecasters.auto", "AutoForecaster", neural=False),
    )
}
MODEL_NAMES = tuple(MODELS)
NEURAL_MODELS = tuple(name for name, spec in MODELS.items() if spec.neural)
# Estimators a model file may hold besides the forecasters above.
_WINDOW_REGRESSORS = (("forecasters.regressors", "RNNRegressor"), ("forecasters.regressors", "MLPRegressor"))


def make_forecaster(name, **settings):
    """An unfitted forecaster by command-line name, with settings as `ModelSpec.build` takes them.

    >>> make_forecaster("lstm", lookback=24, horizon=12, season_length=12).cell
    'lstm'
    """
    if name not in MODELS:
        raise ParameterError(f"model must be one of {', '.join(MODEL_NAMES)}, not {name!r}")
    return MODELS[name].build(**settings)


def estimator_classes():
    """``{class name: class}`` of every estimator a model file may hold, each module imported when first asked.

    Reading a ridge model's file then never imports torch, nor a network's statsmodels.
    """
    locations = {(spec.module, spec.class_name) for spec in MODELS.values()} | set(_WINDOW_REGRESSORS)
    return _ImportedOnUse({name: module for module, name in sorted(locations)})


class _ImportedOnUse(Mapping):
    """A read-only ``{class name: class}`` that imports a class's module when the class is first looked up."""

    def __init__(self, modules):
        self._modules = modules  # {class name: forecast submodule}

    def __getitem__(self, name):
        return getattr(import_module(f"forecast.{self._modules[name]}"), name)

    def __iter__(self):
        return iter(self._modules)

    def __len__(self):
        return len(self._modules)
