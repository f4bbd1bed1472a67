"""Forecast accuracy metrics: numpy functions in scikit-learn's ``(y_true, y_pred)`` order.

Every function averages over all elements, so it takes any matching shapes:
``(horizon,)``, ``(n_windows, horizon, n_channels)``, and so on.
"""

from __future__ import annotations

import numpy as np

from .errors import DataError


def mse(y_true, y_pred):
    """Mean squared error, ``mean((y_true - y_pred) ** 2)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean((y_true - y_pred) ** 2))


def rmse(y_true, y_pred):
    """Root mean squared error, in the data's units."""
    return float(np.sqrt(mse(y_true, y_pred)))


def mae(y_true, y_pred):
    """Mean absolute error, ``mean(|y_true - y_pred|)``, in the data's units."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)))


def smape(y_true, y_pred):
    """Symmetric mean absolute percentage error in percent, as scored in the M4 competition.

    ``200 * mean(|y_true - y_pred| / (|y_true| + |y_pred|))``; a term whose
    denominator is zero (both zero) counts as zero error.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    denominator = np.abs(y_true) + np.abs(y_pred)
    ratio = np.divide(np.abs(y_true - y_pred), denominator, out=np.zeros_like(denominator), where=denominator > 0)
    return float(200.0 * np.mean(ratio))


def mase(y_true, y_pred, *, y_train, season_length=1):
    """Mean absolute scaled error: MAE over the in-sample MAE of the seasonal naive forecast.

    Parameters
    ----------
    y_true, y_pred : array-like, matching shapes
    y_train : array-like of shape (T,) or (T, C)
        The series the forecast was fitted on; its seasonal differences set the scale.
        With several channels, each channel is scaled by its own differences.
    season_length : int
        1 scales by the naive (last value) forecast's error.

    Returns
    -------
    float
        Below 1 means better than the in-sample seasonal naive forecast.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    y_train = np.asarray(y_train, dtype=np.float64)
    if y_train.ndim == 1:
        y_train = y_train[:, None]
    if len(y_train) <= season_length:
        raise DataError(
            f"mase needs more than season_length={season_length} training rows, got {len(y_train)}; "
            "pass a longer y_train or a shorter season_length"
        )
    scale = np.mean(np.abs(y_train[season_length:] - y_train[:-season_length]), axis=0)  # (C,)
    if np.any(scale == 0):
        raise DataError(
            f"mase is undefined: the training series does not change over one season (season_length={season_length}), "
            "so there is no error to scale by; score a series that varies, or use mae"
        )
    errors = np.abs(y_true - y_pred)
    if len(scale) == 1:
        return float(np.mean(errors) / scale[0])
    if errors.ndim == 0 or errors.shape[-1] != len(scale):
        raise DataError(f"y_true's last axis must hold the {len(scale)} channels of y_train, not shape {errors.shape}")
    return float(np.mean(errors / scale))


def _pair(y_true, y_pred):
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise DataError(f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}")
    return y_true, y_pred
