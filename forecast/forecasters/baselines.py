"""Baseline forecasters: the last value, the last season, M4's Naive2, ridge regression on the window.

They share the series-level interface of `RNNForecaster` and are what every
neural forecast is measured against.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.linear_model import Ridge

from ..inputs.scaling import Scaling
from ..inputs.windows import make_windows
from ..params import COVARIATE_RULES, NONNEGATIVE_RULES, POSITIVE, Number, OneOf
from ..reading.frequency import season_length_for
from .base import BaseForecaster
from .intervals import calibration_rows


class NaiveForecaster(BaseForecaster):
    """Repeat the last observed value ``horizon`` times.

    Parameters
    ----------
    horizon : int, default=5
    past_covariates, future_covariates : list of str, optional
        Columns set apart from the targets; this baseline does not read them.
    calendar : {None, "auto"}, default=None
        Accepted for a like-for-like interface; not read.
    nonnegative : {"auto", True, False}, default="auto"
        "auto" keeps the forecasts and interval bounds of a target at 0 or
        above when all its fit values are (counts, sales); True does so for
        every target, False never.
    """

    _parameter_rules = {"horizon": POSITIVE, **COVARIATE_RULES, **NONNEGATIVE_RULES}
    _reads_covariates = False

    def __init__(self, horizon=5, past_covariates=None, future_covariates=None, calendar=None, nonnegative="auto"):
        self.horizon = horizon
        self.past_covariates = past_covariates
        self.future_covariates = future_covariates
        self.calendar = calendar
        self.nonnegative = nonnegative

    def _context_rows(self):
        return 1

    def _min_rows(self):
        return 1

    def _forecast(self, windows, scaling, future):
        return np.repeat(windows[:, -1:, : self.n_channels_], self.horizon, axis=1)  # (n, H, C)


class SeasonalNaiveForecaster(BaseForecaster):
    """Repeat the last observed season: the forecast for step h is the value one season before it.

    Parameters
    ----------
    season_length : int or None, default=None
        Steps per season; None takes the usual period of the data's frequency
        (24 hourly, 7 daily, 12 monthly, 4 quarterly, 1 otherwise).
    horizon : int, default=5
    past_covariates, future_covariates : list of str, optional
        Columns set apart from the targets; this baseline does not read them.
    calendar : {None, "auto"}, default=None
        Accepted for a like-for-like interface; not read.
    nonnegative : {"auto", True, False}, default="auto"
        "auto" keeps the forecasts and interval bounds of a target at 0 or
        above when all its fit values are (counts, sales); True does so for
        every target, False never.

    Attributes
    ----------
    season_length_ : int
        The season length used.
    """

    _parameter_rules = {
        "season_length": (OneOf((None,)), POSITIVE),
        "horizon": POSITIVE,
        **COVARIATE_RULES,
        **NONNEGATIVE_RULES,
    }
    _reads_covariates = False

    def __init__(
        self,
        season_length=None,
        horizon=5,
        past_covariates=None,
        future_covariates=None,
        calendar=None,
        nonnegative="auto",
    ):
        self.season_length = season_length
        self.horizon = horizon
        self.past_covariates = past_covariates
        self.future_covariates = future_covariates
        self.calendar = calendar
        self.nonnegative = nonnegative

    def _context_rows(self):
        return self.season_length_

    def _min_rows(self):
        return self._season_length()

    def _season_length(self):
        return season_length_for(self.freq_) if self.season_length is None else int(self.season_length)

    def _fit_series(self, series_list):
        self.season_length_ = self._season_length()

    def _forecast(self, windows, scaling, future):
        steps = np.arange(self.horizon) % self.season_length_  # (H,) positions in the last season
        return windows[:, steps, : self.n_channels_]  # (n, H, C)


class LinearForecaster(BaseForecaster):
    """Ridge regression from the flattened window to the next ``horizon`` rows.

    Channel independent: one set of weights, shared by every channel, maps a
    channel's ``lookback`` values to its next ``horizon`` values, on data
    standardised per channel with the fit data's mean and standard deviation.

    Parameters
    ----------
    lookback : int, default=5
    horizon : int, default=5
    alpha : float, default=1.0
        Ridge penalty (see `sklearn.linear_model.Ridge`).
    past_covariates, future_covariates : list of str, optional
        Columns that are inputs, not forecast (see `forecast.inputs.covariates`).
    calendar : {None, "auto"}, default=None
        "auto" adds the calendar features of the data's frequency as future-known inputs.
    nonnegative : {"auto", True, False}, default="auto"
        "auto" keeps the forecasts and interval bounds of a target at 0 or
        above when all its fit values are (counts, sales); True does so for
        every target, False never.

    Attributes
    ----------
    ridge_ : sklearn.linear_model.Ridge
    """

    _parameter_rules = {
        "lookback": POSITIVE,
        "horizon": POSITIVE,
        "alpha": Number(0),
        **COVARIATE_RULES,
        **NONNEGATIVE_RULES,
    }

    def __init__(
        self,
        lookback=5,
        horizon=5,
        alpha=1.0,
        past_covariates=None,
        future_covariates=None,
        calendar=None,
        nonnegative="auto",
    ):
        self.lookback = lookback
        self.horizon = horizon
        self.alpha = alpha
        self.past_covariates = past_covariates
        self.future_covariates = future_covariates
        self.calendar = calendar
        self.nonnegative = nonnegative

    def _fit_series(self, series_list):
        horizon, n_targets = self.horizon, self.n_channels_
        inputs, targets, scalings = [], [], []
        for values in series_list:
            scaling = Scaling.fit(values)
            X, Y = make_windows(scaling.transform(values), self.lookback, horizon)  # (N, L, C+P+F), (N, H, C+P+F)
            n_known_ahead = X.shape[2] - n_targets - len(self.past_covariates_)
            future = Y[:, :, X.shape[2] - n_known_ahead :] if n_known_ahead else None  # (N, H, F): known ahead
            inputs.append(self._features(X, future))  # (N*C, features)
            targets.append(Y[:, :, :n_targets].transpose(0, 2, 1).reshape(-1, horizon))  # (N*C, H)
            scalings.append(scaling)
        self.scaling_ = Scaling.stack(scalings)  # (n_series, C+P+F)
        self.ridge_ = Ridge(alpha=self.alpha).fit(np.concatenate(inputs), np.concatenate(targets))

    def _calibration_model(self, series_list):
        """A refit without the last `intervals.CALIBRATION_FRACTION` of each series, and those row counts."""
        tail_rows = calibration_rows([len(values) for values in series_list], self._min_rows())
        earlier = self._unfitted_copy()
        earlier._fit_series([values[: len(values) - rows] for values, rows in zip(series_list, tail_rows)])
        return earlier, tail_rows

    def _forecast(self, windows, scaling, future):
        n_targets = self.n_channels_
        future = None if future is None else scaling.channels(slice(-future.shape[2], None)).transform(future)
        flat = self._features(scaling.transform(windows), future)  # (n*C, features)
        scaled = self.ridge_.predict(flat).reshape(len(windows), n_targets, self.horizon).transpose(0, 2, 1)
        return scaling.channels(slice(0, n_targets)).inverse(scaled)  # (n, H, C)

    def _features(self, windows, future):
        """Each target channel's row of inputs: its window, then every covariate's window and future values.

        ``windows`` (n, L, C+P+F) and ``future`` (n, H, F) or None, scaled; returns (n*C, L + L*(P+F) + H*F).
        """
        n, lookback, _ = windows.shape
        n_targets = self.n_channels_
        own = windows[:, :, :n_targets].transpose(0, 2, 1).reshape(-1, lookback)  # (n*C, L)
        covariates = windows[:, :, n_targets:]  # (n, L, P+F)
        shared = [covariates.reshape(n, lookback * covariates.shape[2])]  # (n, L*(P+F))
        if future is not None:
            shared.append(future.reshape(n, future.shape[1] * future.shape[2]))  # (n, H*F)
        shared = np.repeat(
            np.concatenate(shared, axis=1), n_targets, axis=0
        )  # (n*C, ...): each window's row once per target
        return np.concatenate([own, shared], axis=1)


class Naive2Forecaster(BaseForecaster):
    """M4's Naive2: the last value of the seasonally adjusted series, re-seasonalised.

    As the M4 competition's benchmark: where M4's 90% autocorrelation test
    (`is_seasonal`) finds a series seasonal, it is divided by the seasonal
    indices of a classical multiplicative decomposition (`seasonal_indices`),
    its last adjusted value is repeated and multiplied back by the indices of
    the forecast steps; otherwise the forecast is the last value. Each channel
    is forecast on its own. Multiplicative seasonality needs positive values,
    so a history with a value <= 0 is forecast without adjustment.

    The test and the decomposition read the history given, up to
    ``context_rows_`` rows (all the rows of the shortest series fitted), so a
    single series' forecast uses its whole history, as in M4; a shorter
    history (one row at least) is read as it is.

    Parameters
    ----------
    season_length : int or None, default=None
        Steps per season; None takes the usual period of the data's frequency
        (24 hourly, 7 daily, 12 monthly, 4 quarterly, 1 otherwise, which
        makes the forecast a plain naive one).
    horizon : int, default=5
    past_covariates, future_covariates : list of str, optional
        Columns set apart from the targets; this baseline does not read them.
    calendar : {None, "auto"}, default=None
        Accepted for a like-for-like interface; not read.
    nonnegative : {"auto", True, False}, default="auto"
        "auto" keeps the forecasts and interval bounds of a target at 0 or
        above when all its fit values are (counts, sales); True does so for
        every target, False never.

    Attributes
    ----------
    season_length_ : int
        The season length used.
    context_rows_ : int
        Rows of history each forecast reads.
    """

    _parameter_rules = {
        "season_length": (OneOf((None,)), POSITIVE),
        "horizon": POSITIVE,
        **COVARIATE_RULES,
        **NONNEGATIVE_RULES,
    }
    _reads_covariates = False

    def __init__(
        self,
        season_length=None,
        horizon=5,
        past_covariates=None,
        future_covariates=None,
        calendar=None,
        nonnegative="auto",
    ):
        self.season_length = season_length
        self.horizon = horizon
        self.past_covariates = past_covariates
        self.future_covariates = future_covariates
        self.calendar = calendar
        self.nonnegative = nonnegative

    def _context_rows(self):
        return self.context_rows_

    def _min_rows(self):
        return 1

    def _min_context_rows(self):
        return 1

    def _fit_series(self, series_list):
        self.season_length_ = season_length_for(self.freq_) if self.season_length is None else int(self.season_length)
        self.context_rows_ = min(len(values) for values in series_list)

    def _forecast(self, windows, scaling, future):
        windows = windows[..., : self.n_channels_]  # (n, rows, C): the targets
        n, rows, n_channels = windows.shape
        histories = windows.transpose(0, 2, 1).reshape(-1, rows)  # (n*C, rows): each channel on its own
        forecasts = naive2(histories, self.season_length_, self.horizon)  # (n*C, H)
        return forecasts.reshape(n, n_channels, self.horizon).transpose(0, 2, 1)  # (n, H, C)


def naive2(histories, season_length, horizon):
    """M4's Naive2 forecasts of each history (see `Naive2Forecaster`).

    Parameters
    ----------
    histories : array-like of shape (n, T)
        One series per row, oldest value first.
    season_length, horizon : int

    Returns
    -------
    ndarray of shape (n, horizon)
    """
    histories = np.asarray(histories, dtype=np.float64)
    n_series, length = histories.shape
    indices = np.ones((n_series, season_length))  # (n, m): 1 leaves a series unadjusted
    adjusted = is_seasonal(histories, season_length) & (histories > 0).all(axis=1)
    if adjusted.any():
        indices[adjusted] = seasonal_indices(histories[adjusted], season_length)
    positions = np.arange(length - 1, length + horizon) % season_length  # the last row's, then each step's
    last_adjusted = histories[:, -1] / indices[:, positions[0]]  # (n,)
    return last_adjusted[:, None] * indices[:, positions[1:]]


def is_seasonal(histories, season_length):
    """M4's 90% seasonality test of each history (n, T): the lag-``season_length`` autocorrelation is significant.

    Seasonal when ``|acf_m| > 1.645 * sqrt((1 + 2 * sum(acf_k ** 2 for k < m)) / T)``,
    with ``m`` the season length; never with ``m < 2``, fewer than three
    seasons of history, or a constant history. Returns a boolean array (n,).
    """
    n_series, length = histories.shape
    if season_length < 2 or length < 3 * season_length:
        return np.zeros(n_series, dtype=bool)
    deviations = histories - histories.mean(axis=1, keepdims=True)  # (n, T)
    variation = np.sum(deviations**2, axis=1, keepdims=True)  # (n, 1)
    covariances = np.stack(
        [np.sum(deviations[:, lag:] * deviations[:, :-lag], axis=1) for lag in range(1, season_length + 1)], axis=1
    )  # (n, m): lags 1..m
    acf = np.divide(covariances, variation, out=np.zeros_like(covariances), where=variation > 0)
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(acf[:, :-1] ** 2, axis=1)) / length)
    return np.abs(acf[:, -1]) > limit


def seasonal_indices(histories, season_length):
    """Seasonal indices of a classical multiplicative decomposition of each positive history (n, T).

    The trend is the centred moving average of one season (2 x m for an even
    season length ``m``, as R's ``decompose``); index ``p`` is the mean of
    ``value / trend`` over the rows ``t`` with ``t % m == p`` where the trend
    is defined, and the indices are scaled to average 1. Returns (n, m).
    """
    length = histories.shape[1]
    even = season_length % 2 == 0
    weights = np.ones(season_length + 1 if even else season_length)
    if even:
        weights[[0, -1]] = 0.5  # 2 x m: the mean of two neighbouring m-row means, centred on a row
    weights /= season_length
    half = len(weights) // 2
    trend = sliding_window_view(histories, len(weights), axis=1) @ weights  # (n, T - 2*half): rows half..T-half-1
    ratios = histories[:, half : length - half] / trend
    positions = np.arange(half, length - half) % season_length
    indices = (ratios @ np.eye(season_length)[positions]) / np.bincount(positions, minlength=season_length)  # (n, m)
    return indices / indices.mean(axis=1, keepdims=True)
