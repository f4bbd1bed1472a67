"""Forecast accuracy metrics: numpy functions in scikit-learn's ``(y_true, y_pred)`` order.

Every function averages over all elements, so it takes any matching shapes:
``(horizon,)``, ``(n_windows, horizon, n_channels)``, and so on.
"""

from __future__ import annotations

import numpy as np

from ..errors import DataError
from ..forecasters.intervals import check_level
from ..inputs.windows import check_positive_int, float_array


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
    # Only 0/0 counts as no error: a NaN stays NaN, as in the other metrics.
    ratio = np.divide(np.abs(y_true - y_pred), denominator, out=np.zeros_like(denominator), where=denominator != 0)
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
    return _scaled_mean(np.abs(y_true - y_pred), y_train, season_length, "mase")


def coverage(y_true, lo, hi):
    """Percentage of ``y_true`` inside its interval ``[lo, hi]`` (bounds included), to compare with the level.

    >>> coverage([1.0, 2.0, 3.0, 4.0], [0.0, 2.5, 2.0, 4.0], [2.0, 3.0, 3.0, 5.0])
    75.0
    """
    y_true, lo, hi = _intervals(y_true, lo, hi)
    return float(100.0 * np.mean((lo <= y_true) & (y_true <= hi)))


def interval_width(lo, hi):
    """Mean width ``hi - lo`` of the intervals, in the data's units."""
    lo, hi = _pair(lo, hi, ("lo", "hi"))
    return float(np.mean(hi - lo))


def interval_score(y_true, lo, hi, *, level):
    """Mean interval (Winkler) score: the width plus ``2 / alpha`` times how far each value falls outside.

    With ``alpha = 1 - level / 100``, each value scores
    ``(hi - lo) + 2 / alpha * (max(lo - y, 0) + max(y - hi, 0))``; lower is
    better, and the best interval of a given level is the one between the
    true quantiles ``alpha / 2`` and ``1 - alpha / 2``.
    """
    return float(np.mean(_interval_scores(y_true, lo, hi, level)))


def msis(y_true, lo, hi, *, y_train, season_length=1, level):
    """Mean scaled interval score, as the M4 competition defines it.

    The `interval_score` of the intervals of nominal ``level`` over the
    in-sample MAE of the seasonal naive forecast, the scale of `mase`:
    ``mean((hi - lo) + 2/a (lo - y) 1{y < lo} + 2/a (y - hi) 1{y > hi}) /
    mean(|y_t - y_{t-m}|)`` with ``a = 1 - level / 100``.

    Parameters
    ----------
    y_true, lo, hi : array-like, matching shapes
    y_train : array-like of shape (T,) or (T, C)
        As in `mase`: each channel is scaled by its own seasonal differences.
    season_length : int
    level : float
        The intervals' nominal coverage in percent, such as 95.

    Returns
    -------
    float
    """
    return _scaled_mean(_interval_scores(y_true, lo, hi, level), y_train, season_length, "msis")


def _scaled_mean(errors, y_train, season_length, name):
    """Mean of ``errors`` over the in-sample seasonal naive MAE of each channel of ``y_train``."""
    season_length = check_positive_int(season_length, "season_length")
    y_train = float_array(y_train, "y_train")
    if y_train.ndim == 1:
        y_train = y_train[:, None]
    if y_train.ndim != 2:
        raise DataError(f"y_train must have shape (T,) or (T, C), not {y_train.shape}")
    if len(y_train) <= season_length:
        raise DataError(
            f"{name} needs more than season_length={season_length} training rows, got {len(y_train)}; "
            "pass a longer y_train or a shorter season_length"
        )
    scale = np.mean(np.abs(y_train[season_length:] - y_train[:-season_length]), axis=0)  # (C,)
    if np.any(scale == 0):
        raise DataError(
            f"{name} is undefined: the training series does not change over one season "
            f"(season_length={season_length}), so there is no error to scale by; score a series that varies, or use mae"
        )
    if len(scale) == 1:
        return float(np.mean(errors) / scale[0])
    if errors.ndim == 0 or errors.shape[-1] != len(scale):
        raise DataError(f"y_true's last axis must hold the {len(scale)} channels of y_train, not shape {errors.shape}")
    return float(np.mean(errors / scale))


def _intervals(y_true, lo, hi):
    y_true, lo = _pair(y_true, lo, ("y_true", "lo"))
    _, hi = _pair(y_true, hi, ("y_true", "hi"))
    return y_true, lo, hi


def _interval_scores(y_true, lo, hi, level):
    """Each value's interval score (see `interval_score`), an array of the inputs' shape."""
    y_true, lo, hi = _intervals(y_true, lo, hi)
    alpha = 1.0 - check_level(level) / 100.0
    return hi - lo + 2.0 / alpha * (np.maximum(lo - y_true, 0.0) + np.maximum(y_true - hi, 0.0))


def _pair(first, second, names=("y_true", "y_pred")):
    """Two arrays of real numbers of one shape, holding values; ``names`` are the arguments' for the messages."""
    first, second = float_array(first, names[0]), float_array(second, names[1])
    if first.shape != second.shape:
        raise DataError(f"{names[0]} has shape {first.shape} but {names[1]} has shape {second.shape}")
    if first.size == 0:
        raise DataError(f"{names[0]} and {names[1]} hold no values to score; pass at least one")
    return first, second
