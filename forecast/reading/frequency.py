"""Frequencies of timestamps: the pandas alias rows follow, even with gaps, and the season it implies.

pandas only: nothing here imports torch.
"""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
import pandas as pd

from .calendar import ObservedCalendar


def infer_frequency(index):
    """Infer the frequency alias of a DatetimeIndex that may have gaps, or None.

    pandas' `infer_freq` needs a gap-free index; when it gives up, runs of three
    timestamps vote, then the most common step between timestamps, and of the
    candidates whose grid holds every timestamp the one with the fewest grid
    points wins (weekdays with a holiday missing are business days ``"B"``,
    not days with every weekend missing). None when that grid would be more
    than half empty: such rows follow no regular frequency.
    """
    freq, grid = tightest_grid(index)
    return freq if freq is not None and len(grid) <= 2 * len(index) else None


def tightest_grid(index):
    """The candidate frequency whose grid holds every timestamp with the fewest points, and that grid."""
    index = pd.DatetimeIndex(index)
    if len(index) < 2:
        return None, None
    if len(index) >= 3 and (freq := _infer_freq_or_none(index)) is not None:
        return freq, index
    starts = np.unique(np.linspace(0, len(index) - 3, num=max(min(len(index) - 2, 200), 0)).astype(int))
    votes = Counter(_infer_freq_or_none(index[start : start + 3]) for start in starts)
    votes.pop(None, None)
    step = pd.Series(index[1:] - index[:-1]).mode().iloc[0]  # most common step, a Timedelta
    candidates = [freq for freq, _ in votes.most_common()]
    candidates.append(_infer_freq_or_none(pd.DatetimeIndex([index[0], index[0] + step, index[0] + 2 * step])))
    fitting = []
    for candidate in dict.fromkeys(filter(None, candidates)):
        grid = pd.date_range(index[0], index[-1], freq=candidate)
        if index.isin(grid).all():
            fitting.append((len(grid), candidate, grid))
    if not fitting:
        return None, None
    _, freq, grid = min(fitting, key=lambda fit: fit[0])  # the first of the tightest, in order of votes
    return freq, grid


def _infer_freq_or_none(index):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3 announces that infer_freq will return offsets
        try:
            freq = pd.infer_freq(index)
        except (TypeError, ValueError):
            return None
    return None if freq is None else pd.tseries.frequencies.to_offset(freq).freqstr


# Seasonal period of the common pandas frequencies, in steps of that frequency.
_SEASON_LENGTHS = {"s": 60, "min": 60, "h": 24, "D": 7, "B": 5, "W": 52, "SM": 24, "M": 12, "Q": 4, "Y": 1}
# Data at steps under an hour takes a day as its season when a day holds at most this many steps (minutes).
_MAX_STEPS_PER_DAY = 1440


def season_length_for(freq):
    """The usual seasonal period for a frequency alias: 24 for hourly, 7 daily, 12 monthly, 4 quarterly.

    Steps under an hour that divide a day take the day (``"30min"`` gives
    48, ``"5min"`` 288, ``"min"`` 1440): sub-hourly series of demand, traffic
    or visits repeat daily, rarely hourly. Seconds take the minute. Other
    multiples divide the period when they can (``"2h"`` gives 12); anything
    else, yearly data included, gives 1, which makes a seasonal naive forecast
    a plain naive one. An `ObservedCalendar` gives its slots in one observed
    day (or in a week, when its days differ).

    >>> season_length_for("MS"), season_length_for("h"), season_length_for("30min"), season_length_for("YS-JAN")
    (12, 24, 48, 1)
    """
    if freq is None:
        return 1
    if isinstance(freq, ObservedCalendar):
        return freq.season_length
    offset = pd.tseries.frequencies.to_offset(freq)
    if offset.rule_code == "min":
        steps_per_day, remainder = divmod(24 * 60, offset.n)
        if remainder == 0 and steps_per_day <= _MAX_STEPS_PER_DAY:
            return steps_per_day
    base = offset.rule_code.split("-")[0]
    if base not in _SEASON_LENGTHS and base[:-1] in _SEASON_LENGTHS and base[-1] in "SE":
        base = base[:-1]  # "MS", "ME", "QS", "YE", "BMS"... name their period by its start or end
    period = _SEASON_LENGTHS.get(base, 1)
    return period // offset.n if offset.n > 0 and period % offset.n == 0 else 1
