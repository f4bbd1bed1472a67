import inspect
import warnings

import numpy as np
import pytest

from forecast import (
    LinearForecaster,
    MLPForecaster,
    MLPRegressor,
    Naive2Forecaster,
    NaiveForecaster,
    ParameterError,
    RNNForecaster,
    RNNRegressor,
    SeasonalNaiveForecaster,
)
from forecast.params import Device, Number, OneOf, Whole, check_parameters

ESTIMATORS = [
    RNNForecaster,
    MLPForecaster,
    LinearForecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
    Naive2Forecaster,
    RNNRegressor,
    MLPRegressor,
]
# A bad value for every hyper-parameter of the neural forecasters, and what its message must name.
BAD_VALUES = [
    ("lookback", 0, "whole number >= 1"),
    ("lookback", 2.5, "whole number >= 1"),
    ("horizon", True, "whole number >= 1"),
    ("hidden_size", 0, "whole number >= 1"),
    ("num_layers", -1, "whole number >= 1"),
    ("dropout", 2, r"number in \[0, 1\)"),
    ("dropout", float("nan"), r"number in \[0, 1\)"),
    ("instance_norm", "batch", "one of 'last', 'standardize', None"),
    ("channel_independent", "yes", "True or False"),
    ("drop_covariates", 1, "True or False"),
    ("max_epochs", 0, "whole number >= 1"),
    ("max_steps", 0, "None or a whole number >= 1"),
    ("epoch_windows", 2.5, "whole number >= 1"),
    ("batch_size", "big", "'auto' or a whole number >= 1"),
    ("learning_rate", 0.0, "number > 0"),
    ("weight_decay", -1e-3, "number >= 0"),
    ("patience", 1.5, "whole number >= 1"),
    ("lr_schedule", "step", "one of 'plateau', 'cosine', None"),
    ("gradient_clip", -1, "number >= 0"),
    ("validation_fraction", 1.5, r"number in \[0, 1\)"),
    ("random_state", "seed", "RandomState"),
    ("random_state", -1, "whole number >= 0"),
    ("device", "tpu", "'auto', 'cpu', 'cuda' or 'cuda:N'"),
]
RECURRENT_ONLY = [
    ("cell", "transformer", "one of 'rnn', 'lstm', 'gru'"),
    ("segment_length", 0, "None or a whole number >= 1"),
    ("supervision", "sparse", "one of 'dense', 'last'"),
]


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_every_constructor_argument_has_a_rule_and_every_rule_an_argument(cls):
    assert set(cls._parameter_rules) == set(inspect.signature(cls.__init__).parameters) - {"self"}


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_defaults_satisfy_their_rules(cls):
    check_parameters(cls())


@pytest.mark.parametrize(
    ("cls", "name", "value", "allowed"),
    [(cls, *case) for cls in (RNNForecaster, MLPForecaster) for case in BAD_VALUES]
    + [(RNNForecaster, *case) for case in RECURRENT_ONLY],
)
def test_a_bad_hyper_parameter_fails_first_with_one_exception_naming_it(cls, name, value, allowed):
    estimator = cls(**{name: value}, max_epochs=1) if name != "max_epochs" else cls(max_epochs=value)
    # This series is too short for a validation tail, which warns; the parameter must fail before that.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ParameterError, match=f"^{name} must be .*{allowed}.*, not {value!r:.8}") as caught:
            estimator.fit(np.arange(12.0))
    assert cls.__name__ in str(caught.value)
    assert not isinstance(caught.value, TypeError)


def test_baselines_and_regressors_check_their_parameters_too():
    with pytest.raises(ParameterError, match="alpha must be a number >= 0, not -1"):
        LinearForecaster(alpha=-1).fit(np.arange(30.0))
    with pytest.raises(ParameterError, match="season_length must be None or a whole number >= 1, not 0"):
        SeasonalNaiveForecaster(season_length=0).fit(np.arange(30.0))
    with pytest.raises(ParameterError, match="horizon must be a whole number >= 1, not 0"):
        NaiveForecaster(horizon=0).fit(np.arange(30.0))
    with pytest.raises(ParameterError, match="hidden_size must be a whole number >= 1, not 0"):
        RNNRegressor(hidden_size=0).fit(np.ones((10, 4)), np.ones(10))


def test_unavailable_cuda_is_a_parameter_error(monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ParameterError, match="device='cuda' was asked for but CUDA is not available"):
        MLPForecaster(lookback=4, horizon=2, device="cuda", max_epochs=1).fit(np.arange(40.0))


def test_rules_accept_and_describe_what_they_should():
    assert Whole(1).accepts(np.int64(3)) and not Whole(1).accepts(True) and not Whole(1).accepts(3.0)
    assert Number(0, 1, closed="left").accepts(0) and not Number(0, 1, closed="left").accepts(1)
    assert not Number(0).accepts(float("inf")) and not Number(0).accepts("1")
    assert OneOf((None, "a")).accepts(None) and not OneOf((True,)).accepts(1)
    assert Device().accepts("cuda:1") and not Device().accepts("cuda:x")
    assert str(Number(0, 1, closed="neither")) == "a number in (0, 1)"
