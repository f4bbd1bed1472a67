"""Baseline forecasters: repeat the last value, repeat the last season, ridge regression on the window.

They share the series-level interface of `RNNForecaster` and are what every
neural forecast is measured against.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import Ridge

from .base import BaseForecaster
from .data import season_length_for
from .params import POSITIVE, Number, OneOf
from .scaling import Scaling
from .windows import make_windows


class NaiveForecaster(BaseForecaster):
    """Repeat the last observed value ``horizon`` times.

    Parameters
    ----------
    horizon : int, default=5
    """

    _parameter_rules = {"horizon": POSITIVE}

    def __init__(self, horizon=5):
        self.horizon = horizon

    def _context_rows(self):
        return 1

    def _min_rows(self):
        return 1

    def _forecast(self, windows, scaling):
        return np.repeat(windows[:, -1:, :], self.horizon, axis=1)  # (n, H, C)


class SeasonalNaiveForecaster(BaseForecaster):
    """Repeat the last observed season: the forecast for step h is the value one season before it.

    Parameters
    ----------
    season_length : int or None, default=None
        Steps per season; None takes the usual period of the data's frequency
        (24 hourly, 7 daily, 12 monthly, 4 quarterly, 1 otherwise).
    horizon : int, default=5

    Attributes
    ----------
    season_length_ : int
        The season length used.
    """

    _parameter_rules = {"season_length": (OneOf((None,)), POSITIVE), "horizon": POSITIVE}

    def __init__(self, season_length=None, horizon=5):
        self.season_length = season_length
        self.horizon = horizon

    def _context_rows(self):
        return self.season_length_

    def _min_rows(self):
        return self._season_length()

    def _season_length(self):
        return season_length_for(self.freq_) if self.season_length is None else int(self.season_length)

    def _fit_series(self, series_list):
        self.season_length_ = self._season_length()

    def _forecast(self, windows, scaling):
        steps = np.arange(self.horizon) % self.season_length_  # (H,) positions in the last season
        return windows[:, steps, :]  # (n, H, C)


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

    Attributes
    ----------
    ridge_ : sklearn.linear_model.Ridge
    """

    _parameter_rules = {"lookback": POSITIVE, "horizon": POSITIVE, "alpha": Number(0)}

    def __init__(self, lookback=5, horizon=5, alpha=1.0):
        self.lookback = lookback
        self.horizon = horizon
        self.alpha = alpha

    def _fit_series(self, series_list):
        inputs, targets, scalings = [], [], []
        for values in series_list:
            scaling = Scaling.fit(values)
            X, Y = make_windows(scaling.transform(values), self.lookback, self.horizon)  # (N, L, C), (N, H, C)
            inputs.append(X.transpose(0, 2, 1).reshape(-1, self.lookback))  # (N*C, L)
            targets.append(Y.transpose(0, 2, 1).reshape(-1, self.horizon))  # (N*C, H)
            scalings.append(scaling)
        self.scaling_ = Scaling.stack(scalings)  # (n_series, C)
        self.ridge_ = Ridge(alpha=self.alpha).fit(np.concatenate(inputs), np.concatenate(targets))

    def _forecast(self, windows, scaling):
        n, lookback, n_channels = windows.shape
        flat = scaling.transform(windows).transpose(0, 2, 1).reshape(-1, lookback)  # (n*C, L)
        scaled = self.ridge_.predict(flat).reshape(n, n_channels, self.horizon).transpose(0, 2, 1)  # (n, H, C)
        return scaling.inverse(scaled)
