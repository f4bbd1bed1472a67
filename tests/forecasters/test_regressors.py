import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import check_regressors_train, parametrize_with_checks

from forecast import DataError, MLPRegressor, RNNRegressor, make_windows

# The common checks feed tabular data (independent features, not a time-ordered window), on
# which a per-window level shift and a small early-stopping tail hurt: train on every sample
# without instance normalisation, as one would for such data.
TABULAR = dict(
    instance_norm=None, validation_fraction=0.0, learning_rate=2e-2, hidden_size=32, max_epochs=20, batch_size=64
)


# Only check_regressors_train asks for a good fit; every other check holds after any number of epochs.
LEARNING_CHECKS = {"check_regressors_train"}


@parametrize_with_checks([RNNRegressor(**TABULAR), MLPRegressor(**TABULAR)])
def test_sklearn_common_checks(estimator, check):
    if getattr(check, "func", check).__name__ not in LEARNING_CHECKS:
        estimator = clone(estimator).set_params(max_epochs=2)
    check(estimator)


@pytest.mark.parametrize(
    "estimator", [RNNRegressor(max_epochs=20, random_state=0), MLPRegressor(max_epochs=20, random_state=0)]
)
def test_default_settings_learn_the_sklearn_regression_check(estimator):
    # Tabular features and 20 epochs: the final forecast must be trained, not diluted by earlier steps'.
    check_regressors_train(type(estimator).__name__, estimator)


@pytest.fixture
def windows():
    series = np.column_stack([np.sin(np.arange(260) / 5), np.cos(np.arange(260) / 7)])
    return make_windows(series, lookback=12, horizon=4)  # (245, 12, 2), (245, 4, 2)


@pytest.mark.parametrize("make", [RNNRegressor, MLPRegressor])
def test_target_shapes_round_trip(make, windows):
    X, Y = windows
    quick = dict(max_epochs=2, random_state=0)
    assert make(**quick).fit(X[:, :, 0], Y[:, 0, 0]).predict(X[:3, :, 0]).shape == (3,)
    assert make(**quick).fit(X[:, :, 0], Y[:, :, 0]).predict(X[:3, :, 0]).shape == (3, 4)
    assert make(**quick).fit(X, Y).predict(X[:3]).shape == (3, 4, 2)
    with pytest.raises(DataError, match="does not match X's 2 channel"):
        make(**quick).fit(X, Y[:, :, 0])


def test_validation_tail_is_the_last_samples_in_order(windows):
    X, Y = windows
    estimator = RNNRegressor(max_epochs=2, validation_fraction=0.2, random_state=0).fit(X, Y)
    n_train = len(X) - int(len(X) * 0.2)
    np.testing.assert_allclose(estimator.scaling_.mean, X[:n_train].reshape(-1, 2).mean(axis=0))


def test_pipeline_grid_search_and_time_series_cross_validation(windows):
    X, Y = windows
    flat_X, flat_Y = X[:, :, 0], Y[:, :, 0]
    pipeline = make_pipeline(FunctionTransformer(), RNNRegressor(max_epochs=5, hidden_size=8, random_state=0))
    search = GridSearchCV(pipeline, {"rnnregressor__cell": ["gru", "lstm"]}, cv=TimeSeriesSplit(n_splits=2))
    search.fit(flat_X, flat_Y)
    assert search.best_params_["rnnregressor__cell"] in {"gru", "lstm"}
    assert search.predict(flat_X[:5]).shape == (5, 4)
    scores = cross_val_score(MLPRegressor(max_epochs=5, random_state=0), flat_X, flat_Y, cv=TimeSeriesSplit(3))
    assert scores.mean() > 0.9  # a sine is easy: five epochs fit it (the untrained network scores about 0.7)
