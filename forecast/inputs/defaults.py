"""The window a model gets when none is given: lookback and horizon from the data's frequency, and the
lookbacks a network chooses among.

The command line (`forecast.cli.files.read_data`) and the benchmarks read these; the Python classes keep the
lookback and horizon they are given.
"""

from __future__ import annotations

from ..reading.frequency import season_length_for

# The longest season that is the default horizon: a day of half-hours.
MAX_DEFAULT_HORIZON = 48
# The longest season a default lookback stretches to cover: a week of half-hours, two of hours.
MAX_SEASON_LOOKBACK = 336


def default_window(freq, lookback=None, horizon=None, rows=None):
    """``(lookback, horizon)``: the given ones, else one season ahead (2 to 48 steps, else 5) from twice that,
    or from one whole season where that is longer and the series are long enough.

    Monthly data gives (24, 12), hourly (48, 24), half-hourly (96, 48), daily
    (14, 7), quarterly (8, 4), other (10, 5). A season longer than twice the
    horizon (52 weeks, against 5 or 13) is covered by the lookback when it is
    at most `MAX_SEASON_LOOKBACK` rows and ``rows``, the length of a typical
    series (None: unknown), is at least two seasons and horizons, so that
    enough windows remain to train on and a validation tail: weekly data then
    gives (52, 5), or (52, 13) with horizon 13, and hourly data with horizon 6
    looks back a day. On the validation periods of
    weekly panels the recurrent model's error fell by a tenth or more from a
    lookback of 26 weeks to 52 (``docs/recurrent.md``).

    >>> default_window("MS"), default_window("h", horizon=6), default_window("W-SUN", horizon=13)
    ((24, 12), (24, 6), (52, 13))
    >>> default_window("W-SUN", horizon=13, rows=120)
    (26, 13)
    """
    season = season_length_for(freq)
    horizon = horizon or (season if 2 <= season <= MAX_DEFAULT_HORIZON else 5)
    if lookback:
        return lookback, horizon
    lookback = 2 * horizon
    if lookback < season <= MAX_SEASON_LOOKBACK and (rows is None or rows >= 2 * (season + horizon)):
        lookback = season
    return lookback, horizon


def lookback_choices(lookback, horizon=None, rows=None):
    """The lookbacks a network chooses among when none is given: the default window ``lookback``, half of it and
    one and a half times it, in that order (a tuple, as `forecast.registry.ModelSpec.build` takes it), less those
    after the first that a typical series of ``rows`` rows is too short to try (`worth_trying`; None: keep all).

    The network takes the one whose start forecasts the validation tail best
    (`forecast.RNNForecaster`'s ``lookback``). The command line offers them for
    many series, whose validation tails pool the windows of every series; on
    single series the choice did not carry from the validation period to the
    next one (``docs/recurrent.md``).

    >>> lookback_choices(52), lookback_choices(1), lookback_choices(52, horizon=13, rows=160)
    ((52, 26, 78), (1,), (52, 26))
    """
    candidates = dict.fromkeys((lookback, max(1, lookback // 2), lookback * 3 // 2))
    first, *others = candidates
    return (first, *(other for other in others if rows is None or worth_trying(other, horizon, rows)))


def worth_trying(lookback, horizon, rows):
    """Whether a lookback other than the first given is tried: a typical series of ``rows`` rows holds two of its
    windows end to end, ``2 * (lookback + horizon)`` rows, so that a long window leaves enough to train on."""
    return rows >= 2 * (lookback + horizon)


def window_of(lookback):
    """The window of a lookback setting: the lookback, or the first of a tuple of choices."""
    return lookback[0] if isinstance(lookback, tuple) else lookback
