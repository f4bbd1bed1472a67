import pytest

from forecast import LinearForecaster, ParameterError, RNNForecaster, SeasonalNaiveForecaster
from forecast.registry import MODEL_NAMES, MODELS, NEURAL_MODELS, estimator_classes, make_forecaster


def test_names_build_their_classes_with_the_settings_each_takes():
    gru = make_forecaster("gru", lookback=10, horizon=4, season_length=7, max_epochs=3, random_state=1)
    assert isinstance(gru, RNNForecaster)
    assert (gru.cell, gru.lookback, gru.horizon, gru.max_epochs, gru.random_state) == ("gru", 10, 4, 3, 1)
    assert make_forecaster("rnn", lookback=4, horizon=2).cell == "rnn"
    seasonal = make_forecaster("seasonal-naive", lookback=10, horizon=4, season_length=7, max_epochs=3)
    assert isinstance(seasonal, SeasonalNaiveForecaster)
    assert (seasonal.season_length, seasonal.horizon) == (7, 4)
    linear = make_forecaster("linear", lookback=10, horizon=4, max_epochs=None)
    assert isinstance(linear, LinearForecaster) and linear.lookback == 10
    assert make_forecaster("mlp", lookback=4, horizon=2, max_epochs=None).max_epochs == 100  # None keeps the default


def test_unknown_names_are_a_parameter_error():
    with pytest.raises(ParameterError, match="model must be one of rnn, lstm, gru, mlp"):
        make_forecaster("transformer", lookback=4, horizon=2)


def test_neural_models_are_the_trained_ones():
    assert NEURAL_MODELS == ("rnn", "lstm", "gru", "mlp")
    assert set(MODEL_NAMES) == set(MODELS)
    for name, spec in MODELS.items():
        composite = "models" in spec.cls._get_param_names()  # auto passes max_epochs on to its neural candidates
        assert ("max_epochs" in spec.cls._get_param_names()) == (spec.neural or composite), name
    assert not MODELS["auto"].neural  # --seeds repeats the networks, not the choice among candidates


def test_model_files_may_hold_every_forecaster_and_the_window_regressors():
    classes = estimator_classes()
    assert {spec.class_name for spec in MODELS.values()} <= set(classes)
    assert {"RNNRegressor", "MLPRegressor"} <= set(classes)
    assert all(name == cls.__name__ for name, cls in classes.items())


def test_every_model_takes_the_covariate_settings():
    settings = {
        "lookback": 4,
        "horizon": 2,
        "past_covariates": ["stock"],
        "future_covariates": ["price"],
        "calendar": "auto",
    }
    for name in MODEL_NAMES:
        model = make_forecaster(name, **settings)
        assert (model.past_covariates, model.future_covariates, model.calendar) == (["stock"], ["price"], "auto"), name


def test_lookbacks_to_choose_among_reach_the_networks_and_the_first_every_other_model():
    choices = (24, 12, 36)
    assert make_forecaster("gru", lookback=choices, horizon=12).lookback == choices
    assert make_forecaster("mlp", lookback=choices, horizon=12).lookback == choices
    assert make_forecaster("linear", lookback=choices, horizon=12).lookback == 24
    assert make_forecaster("auto", lookback=choices, horizon=12).lookback == 24
