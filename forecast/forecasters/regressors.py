"""Window-level regressors, `RNNRegressor` and `MLPRegressor`, for scikit-learn pipelines and searches.

``fit(X, y)`` takes windows that are already cut: ``X`` of shape
``(n, lookback)`` (one channel) or ``(n, lookback, C)``, and ``y`` of shape
``(n,)``, ``(n, horizon)`` or ``(n, horizon, C)``. Samples are taken in the
order given: the validation tail is the last samples, never shuffled, so a
`TimeSeriesSplit` fold stays chronological.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_array, check_consistent_length, check_is_fitted, validate_data

from ..errors import DataError
from ..inputs.scaling import Scaling
from ..neural.fitting import MLPNetwork, RecurrentNetwork
from ..params import check_parameters
from .neural import NETWORK_PARAMETERS, training_parameters


class NeuralRegressor(RegressorMixin, BaseEstimator):
    """Shared fitting path of the window-level regressors; subclasses only pick the network."""

    def fit(self, X, y, *, on_epoch_end=None):
        """Fit on windows.

        Parameters
        ----------
        X : array-like of shape (n, lookback) or (n, lookback, C)
        y : array-like of shape (n,), (n, horizon) or (n, horizon, C)
            The rows that follow each window, in the same units as ``X``.
        on_epoch_end : callable, optional
            Called after each epoch with that epoch's ``history_`` dict.

        Returns
        -------
        self
        """
        check_parameters(self)
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        X = validate_data(self, X, allow_nd=True, dtype=np.float64)
        y = check_array(y, ensure_2d=False, allow_nd=True, dtype=np.float64, input_name="y")
        check_consistent_length(X, y)
        inputs = self._as_3d(X)  # (n, L, C)
        n_samples, lookback, n_channels = inputs.shape
        targets = _targets_as_3d(y, n_channels)  # (n, H, C)
        self.n_channels_, self.y_shape_ = n_channels, y.shape[1:]
        n_validation = int(n_samples * self.validation_fraction)
        n_train = n_samples - n_validation
        self.scaling_ = Scaling.fit(inputs[:n_train].reshape(-1, n_channels))  # (C,)
        # Each sample is a window of lookback + horizon rows; laid end to end they form one
        # series, and sample i starts at row i * (lookback + horizon).
        windows = self.scaling_.transform(np.concatenate([inputs, targets], axis=1))  # (n, L+H, C)
        window_length = windows.shape[1]
        starts = np.arange(n_samples) * window_length
        return self._fit_network(
            windows.reshape(-1, n_channels),
            starts[:n_train],
            starts[n_train:],
            lookback,
            targets.shape[1],
            on_epoch_end,
        )

    def predict(self, X):
        """Predict the rows after each window.

        Parameters
        ----------
        X : array-like of shape (n, lookback) or (n, lookback, C)

        Returns
        -------
        ndarray with the shape of the fitted ``y``: (n,), (n, horizon) or (n, horizon, C)
        """
        check_is_fitted(self)
        X = validate_data(self, X, allow_nd=True, dtype=np.float64, reset=False)
        inputs = self._as_3d(X)
        if inputs.shape[2] != self.n_channels_:
            raise ValueError(
                f"X has {inputs.shape[2]} channels, but {type(self).__name__} was fitted on {self.n_channels_}"
            )
        forecasts = self.scaling_.inverse(self._predict_scaled(self.scaling_.transform(inputs)))  # (n, H, C)
        return forecasts.reshape(len(X), *self.y_shape_)

    def _as_3d(self, X):
        if X.ndim == 2:
            return X[:, :, None]
        if X.ndim == 3:
            return X
        raise ValueError(f"X must have shape (n, lookback) or (n, lookback, C), not {X.shape}")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.multi_output = True
        return tags


def _targets_as_3d(y, n_channels):
    if y.ndim == 1:
        y = y[:, None]
    if y.ndim == 2:
        y = y[:, :, None]
    if y.ndim != 3 or y.shape[2] != n_channels:
        raise DataError(
            f"y of shape {y.shape} does not match X's {n_channels} channel(s); "
            "pass y as (n,), (n, horizon) for one channel, or (n, horizon, C)"
        )
    return y


class RNNRegressor(RecurrentNetwork, NeuralRegressor):
    __doc__ = f"""Recurrent window regressor: windows in, the following rows out (see `forecast.RNNForecaster`).

    Parameters
    ----------
    cell : {{"rnn", "lstm", "gru"}}, default="gru"
    hidden_size : int, default=128
    num_layers : int, default=1
    segment_length : int or None, default=None
        Rows per recurrent step; None gives ``min(ceil(lookback / 4), 48)`` rows.
    supervision : {{"dense", "last"}}, default="last"
        "last" trains the final forecast, the one `predict` returns and
        early stopping scores; "dense" also every earlier recurrent step's,
        made from the first segments of the window only. Where what predicts
        ``y`` may lie anywhere in the window (tabular features, say), those
        early forecasts cannot be good and take most of the gradient: with
        "dense", 20 epochs fit scikit-learn's regression check to R² 0.50,
        with "last" to 0.80.
    skip : {{"linear", None}}, default=None
        "linear" adds a linear path that the recurrent head corrects, started
        as the last value and then as a ridge regression when that forecasts
        the validation windows better. Unlike `forecast.RNNForecaster`, whose
        default is ``skip="linear"``, the window regressor keeps the plain
        network by default: its windows come without a frequency, so it has
        no seasonal start to begin from.
    dropout : float, default=0.5
{NETWORK_PARAMETERS}{training_parameters(5)}
    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
    >>> from forecast import RNNRegressor, make_windows
    >>> X, Y = make_windows(np.sin(np.arange(300) / 5), lookback=12, horizon=3)
    >>> search = GridSearchCV(RNNRegressor(max_epochs=3, random_state=0), {{"cell": ["gru", "lstm"]}},
    ...                       cv=TimeSeriesSplit(2)).fit(X[:, :, 0], Y[:, :, 0])
    >>> search.predict(X[:2, :, 0]).shape
    (2, 3)
    """

    _parameter_rules = RecurrentNetwork._network_rules

    def __init__(
        self,
        cell="gru",
        hidden_size=128,
        num_layers=1,
        dropout=0.5,
        segment_length=None,
        instance_norm="last",
        channel_independent=True,
        supervision="last",
        skip=None,
        max_epochs=100,
        max_steps=None,
        epoch_windows=524_288,
        batch_size="auto",
        learning_rate="auto",
        weight_decay=0.0,
        patience=5,
        lr_schedule="plateau",
        gradient_clip=1.0,
        validation_fraction=0.2,
        random_state=None,
        device="auto",
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.segment_length = segment_length
        self.instance_norm = instance_norm
        self.channel_independent = channel_independent
        self.supervision = supervision
        self.skip = skip
        self.max_epochs = max_epochs
        self.max_steps = max_steps
        self.epoch_windows = epoch_windows
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.patience = patience
        self.lr_schedule = lr_schedule
        self.gradient_clip = gradient_clip
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.device = device


class MLPRegressor(MLPNetwork, NeuralRegressor):
    __doc__ = f"""MLP window regressor on the flattened window (see `forecast.MLPForecaster`).

    Parameters
    ----------
    hidden_size : int, default=128
    num_layers : int, default=2
    dropout : float, default=0.0
{NETWORK_PARAMETERS}{training_parameters(10)}"""

    _parameter_rules = MLPNetwork._network_rules

    def __init__(
        self,
        hidden_size=128,
        num_layers=2,
        dropout=0.0,
        instance_norm="last",
        channel_independent=True,
        max_epochs=100,
        max_steps=None,
        epoch_windows=524_288,
        batch_size="auto",
        learning_rate="auto",
        weight_decay=0.0,
        patience=10,
        lr_schedule="plateau",
        gradient_clip=1.0,
        validation_fraction=0.2,
        random_state=None,
        device="auto",
    ):
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.instance_norm = instance_norm
        self.channel_independent = channel_independent
        self.max_epochs = max_epochs
        self.max_steps = max_steps
        self.epoch_windows = epoch_windows
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.patience = patience
        self.lr_schedule = lr_schedule
        self.gradient_clip = gradient_clip
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.device = device
