"""Workhorse forecasts of a window as linear maps: where the recurrent net's skip path can start.

Each start is a matrix ``A`` of shape ``(horizon, lookback)``: the forecast of
the ``horizon`` rows after a window ``x`` (lookback,) is ``A @ x``. Every row
of ``A`` sums to 1, so the forecast moves with the window's level, and the
skip path, which reads the window relative to its last value and adds that
value back, forecasts ``A @ x`` when its weights are ``A``
(`forecast.neural.networks.RecurrentNet.start_linear_path`).

- ``"seasonal"``: seasonal naive, the last season repeated (the last value
  when the season is 1 or longer than the window).
- ``"profile"``: the windowed counterpart of exponential smoothing with a
  seasonal component and no trend: the level is the mean of the last
  season, and the seasonal profile is each phase's deviation from its
  season's mean (and from the trend within it), averaged over every whole
  season in the window. With one season in the window it is seasonal naive;
  with more, the profile is steadier.
- ``"theta"``: the Theta method's forecast on the window (theta = 2, the
  trend line's half slope added to the level): ``"profile"`` (or the last
  value without a season) plus half the window's slope, carried from the
  middle of the last season (or from the last row) to each forecast row.
  With a season the slope is the rise from the first whole season's mean to
  the last's, so it needs two seasons in the window.

The candidates a start is chosen from are those that differ from seasonal
naive for the window and season (`start_candidates`).
"""

from __future__ import annotations

import numpy as np

STARTS = ("seasonal", "profile", "theta")


def start_matrix(kind, lookback, horizon, season_length):
    """The ``(horizon, lookback)`` linear map of the start ``kind``; see the module docstring."""
    season = season_length if 1 < season_length <= lookback else 1
    if kind == "seasonal":
        return _seasonal_naive(lookback, horizon, season)
    if kind == "profile":
        return _profile(lookback, horizon, season)
    if kind == "theta":
        return _theta(lookback, horizon, season)
    raise ValueError(f"unknown start {kind!r}; one of {STARTS}")


def start_candidates(lookback, horizon, season_length):
    """The starts that differ from seasonal naive: both with two whole seasons in the window, else "theta"
    without a season (or with one longer than the window), else none."""
    season = season_length if 1 < season_length <= lookback else 1
    if season == 1:
        return ["theta"] if lookback > 1 else []
    return list(STARTS[1:]) if lookback // season >= 2 else []


def _seasonal_naive(lookback, horizon, season):
    matrix = np.zeros((horizon, lookback))
    steps = np.arange(horizon)
    matrix[steps, lookback - season + steps % season] = 1.0
    return matrix


def _profile(lookback, horizon, season):
    """The last season's mean plus each phase's mean deviation from its season's trend line, over k whole seasons.

    Within a season the trend is the slope between the seasons' means (none
    with one season), so that a trend is not taken for a seasonal pattern.
    """
    if season == 1:
        return _seasonal_naive(lookback, horizon, 1)
    n_seasons = lookback // season
    slope = _slope(lookback, season)  # (L,): the slope per row is slope @ x
    matrix = np.zeros((horizon, lookback))
    last_season = slice(lookback - season, lookback)
    for step in range(horizon):
        phase = step % season
        matrix[step, last_season] += 1.0 / season  # the level
        for back in range(1, n_seasons + 1):
            first = lookback - back * season
            matrix[step, first + phase] += 1.0 / n_seasons  # the phase, this season
            matrix[step, first : first + season] -= 1.0 / (n_seasons * season)  # less this season's mean
        matrix[step] -= (phase - (season - 1) / 2) * slope  # and the trend from mid-season to the phase
    return matrix


def _theta(lookback, horizon, season):
    """``profile`` (or the last value) plus half the window's slope, per row ahead of the level."""
    level_row = lookback - 1 - (season - 1) / 2  # the level: mid last season, or the last row without a season
    ahead = lookback + np.arange(horizon) - level_row  # (H,) rows from the level to each forecast row
    return _profile(lookback, horizon, season) + 0.5 * ahead[:, None] * _slope(lookback, season)[None, :]


def _slope(lookback, season):
    """The window's slope per row as a map (L,): least squares without a season, and with one the rise from
    the first whole season's mean to the last's (zero with a single season), which the season does not tilt."""
    slope = np.zeros(lookback)
    if season == 1 and lookback > 1:
        centred = np.arange(lookback) - (lookback - 1) / 2
        slope[:] = centred / np.sum(centred**2)
    elif season > 1 and lookback // season >= 2:
        between = (lookback // season - 1) * season  # rows from the first whole season's middle to the last's
        slope[lookback - season :] += 1.0 / (season * between)
        first = lookback - lookback // season * season
        slope[first : first + season] -= 1.0 / (season * between)
    return slope
