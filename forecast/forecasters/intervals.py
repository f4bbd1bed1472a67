"""Prediction intervals: conformal half-widths per horizon step, calibrated at fit on out-of-sample residuals.

Every forecaster calibrates its intervals when it fits, so `predict(level=...)`
costs nothing beyond the point forecast:

1. **Out-of-sample residuals.** A model that never saw the last rows of each
   series as targets forecasts them: the neural forecasters from the validation
   tail they hold out for early stopping (the network was trained without it);
   `LinearForecaster` from a refit of its ridge regression without its tail;
   the naive, seasonal naive and Naive2 forecasters, which learn nothing at fit,
   from themselves. Each tail row is forecast once for every horizon step ``h``,
   from the window that ends ``h`` rows before it, so a tail of ``n`` rows gives
   ``n`` residuals at every step. The baselines' tail is the last 20% of each
   series' rows (`CALIBRATION_FRACTION`), at least `MIN_CALIBRATION_ROWS` where
   the series is long enough; the neural models' tail is their validation tail.
   Across many series at most `MAX_CALIBRATION_ROWS` rows in all are used, the
   last ones of each series.
2. **Local noise level.** Each residual is divided by the noise level just
   before its forecast origin: the mean absolute change between consecutive
   rows over the `SCALE_ROWS` rows before it (`noise_level`), per series and
   channel; where those rows are constant, the series' level over all its fit
   rows (``interval_series_scale_``), so a flat end keeps its series' units.
   Residuals of series on different scales so pool into one sample, and a
   series' intervals follow its own, current noise: at predict the
   half-widths are multiplied by the noise level of the last rows before the
   forecast (of the fit data, stored as ``interval_scale_``, or of the
   history or windows given). Against one scale for a whole series, this
   brought the 80% intervals of the default GRU and MLP in backtests of
   airline and sunspots, whose noise grows and shrinks with their level, from
   63-75% coverage to 70-82%, at some cost in MSIS on ETTh1's OT, whose
   recent noise says less about the next day's (`benchmarks/README.md`).
3. **Conformal quantiles, pooled over steps.** Each step's residuals so
   divided are divided again by their mean (the step's typical error), and a
   channel's ratios at every step and series are ranked together: the
   half-width at level ``a`` and step ``h`` is the step's mean times the
   ``ceil((m + 1) a / 100)``-th smallest of the ``m = n H`` ratios (split
   conformal prediction's finite-sample quantile), so that about ``a`` percent
   of future values fall inside when future errors behave like the tail's.
   Errors still widen with the step as the tail shows, and the quantile rests
   on ``H`` times more residuals than one step has: this is how short series
   get enough of them. A neural model on 60 quarterly rows keeps a tail of a
   dozen rows, too few for a 95% quantile of one step (19) but 48 at four
   steps; and a 95% quantile is not the largest of 20 errors. On the
   validation and test windows of 20 public series this scored a lower MSIS
   than quantiles per step for the GRU and the MLP, covering 0.5 to 2 points
   less (`benchmarks/README.md`). The half-widths are stored for the levels of
   `LEVEL_GRID` (``interval_quantiles_``, shape ``(levels, horizon, C)``, with
   ``interval_levels_``, ``interval_scale_`` and ``interval_count_``, the
   ``m`` residuals ranked), plain arrays in the model file; other levels are
   interpolated between them. Files of earlier releases, which ranked each
   step's ``n`` residuals alone, keep their quantiles and count.

Intervals are symmetric around the point forecast: ``m`` residuals then
calibrate levels up to ``100 m / (m + 1)`` percent (19 for 95%), where
separate quantiles of signed residuals would need twice as many for the
same level. Asking for a level the tail cannot calibrate raises `DataError`
saying the highest level available, rather than returning an unbounded
interval. Wider levels take higher order statistics, so intervals are nested
(95% contains 80%, which contains the point forecast).
"""

from __future__ import annotations

import math
import re
from numbers import Real

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..errors import DataError, ParameterError

# Levels (percent) whose conformal half-widths a fitted model stores; others are interpolated.
LEVEL_GRID = np.append(np.arange(1, 200) / 2, 99.9)  # 0.5, 1.0, ..., 99.5, 99.9
# The baselines calibrate on this last fraction of each series' rows, the neural models' default validation tail.
CALIBRATION_FRACTION = 0.2
# A tail shorter than this is lengthened where the series allows: 20 rows calibrate levels up to 95.2%.
MIN_CALIBRATION_ROWS = 20
# At most this many tail rows in all (the last of each series), which bounds the cost of many long series.
MAX_CALIBRATION_ROWS = 5000
# Forecasts per model call while calibrating: the series' windows are forecast together, a group of series at
# a time (one call per series took 38 s for 1,000 series of the default GRU, most of it copying the network).
CALIBRATION_BATCH = 65_536
# A forecast's noise level is read from this many rows before its origin. In backtests of airline, sunspots
# and ETTh1's OT, 24 rows came nearest the nominal coverage; 96 rows, or all the rows before the origin,
# scored a better MSIS on ETTh1 but covered 5-9 points too little at 80% on sunspots (48 rows fell between).
SCALE_ROWS = 24
# Guards ceil((n + 1) * a / 100) against rounding up a product that is whole, such as 30 * 0.8.
_ROUNDING = 1e-9
_INTERVAL_COLUMN = re.compile(r"(?P<name>.+)-(?P<side>lo|hi)-(?P<level>\d+(?:\.\d+)?)")


def check_level(level):
    """One interval level as a float: a percentage strictly between 0 and 100.

    Raises
    ------
    ParameterError
        ``level`` is not such a number.
    """
    if isinstance(level, (bool, np.bool_)) or not isinstance(level, Real) or not 0 < level < 100:
        raise ParameterError(f"level must be a number in (0, 100), a percentage such as 80 or 95, not {level!r}")
    return float(level)


def check_levels(level):
    """The interval levels asked for, as sorted unique floats, or None.

    Parameters
    ----------
    level : None, number or sequence of numbers
        Percentages strictly between 0 and 100, such as ``[80, 95]``.

    Returns
    -------
    list of float or None

    Raises
    ------
    ParameterError
        A level is not a number in (0, 100), or there is none.

    Examples
    --------
    >>> check_levels([95, 80, 80.0])
    [80.0, 95.0]
    """
    if level is None or isinstance(level, Real):
        return None if level is None else [check_level(level)]
    levels = [] if isinstance(level, str) or not np.iterable(level) else list(level)
    if not levels:
        raise ParameterError(
            f"level must be a number or a list of numbers in (0, 100), such as [80, 95], not {level!r}"
        )
    return sorted({check_level(value) for value in levels})


def level_text(level):
    """A level as column names write it: the shortest decimal that reads back as it, ``80``, ``80.5``, ``0.00001``."""
    return np.format_float_positional(level, trim="-")


def interval_column(name, side, level):
    """The column of a bound, as Nixtla names it: ``interval_column("y", "lo", 80.0)`` is ``"y-lo-80"``."""
    return f"{name}-{side}-{level_text(level)}"


def parse_interval_column(column):
    """``(name, side, level)`` of a column named by `interval_column`, or None for any other column."""
    match = _INTERVAL_COLUMN.fullmatch(str(column))
    if match is None:
        return None
    return match["name"], match["side"], float(match["level"])


def noise_level(windows, rows=SCALE_ROWS, fallback=None):
    """The noise level of each window: its mean absolute change between consecutive rows, over its last rows.

    Parameters
    ----------
    windows : array-like of shape (..., T, C)
        NaN rows (before a series' start) are left out.
    rows : int or None, default=SCALE_ROWS
        How many of the last rows to read; None reads them all.
    fallback : array-like broadcastable to (..., C), optional
        The level where those rows hold no change (a constant stretch) or
        fewer than two rows: a series' level over all its rows, so that a
        flat stretch at its end keeps the intervals in the series' own units.

    Returns
    -------
    ndarray of shape (..., C)
        1 where neither the rows nor ``fallback`` give a positive level (a
        constant series), as `forecast.inputs.scaling` scales a constant channel.

    Examples
    --------
    >>> noise_level(np.array([[1.0], [3.0], [2.0]])).tolist()
    [1.5]
    >>> noise_level(np.array([[1.0], [1.0], [1.0]]), fallback=[0.5]).tolist()
    [0.5]
    """
    windows = np.asarray(windows, dtype=np.float64)
    changes = np.abs(np.diff(windows if rows is None else windows[..., -rows:, :], axis=-2))
    known = ~np.isnan(changes)
    total = np.where(known, changes, 0.0).sum(axis=-2)
    counts = known.sum(axis=-2)
    level = np.divide(total, counts, out=np.zeros_like(total), where=counts > 0)
    fallback = 1.0 if fallback is None else np.asarray(fallback, dtype=np.float64)
    return np.where(level > 0, level, np.where(fallback > 0, fallback, 1.0))


def noise_before(values, origins, fallback=None):
    """`noise_level` of the `SCALE_ROWS` rows (fewer at the start) before each origin row of ``values`` (T, C).

    ``fallback`` (C,) as in `noise_level`. Returns an array (len(origins), C).
    """
    values = np.asarray(values, dtype=np.float64)
    padded = np.concatenate([np.full((SCALE_ROWS, values.shape[1]), np.nan), values])  # row r is padded r + S
    windows = sliding_window_view(padded, SCALE_ROWS, axis=0)[np.asarray(origins)].transpose(0, 2, 1)
    return noise_level(windows, fallback=fallback)


def calibration_rows(lengths, needed):
    """Tail rows to calibrate on for series of the given lengths, each keeping ``needed`` rows before its tail.

    The last `CALIBRATION_FRACTION` of a series' rows, at least
    `MIN_CALIBRATION_ROWS`, as far as the series allows; then capped by
    `limit_calibration_rows`.
    """
    wanted = [max(round(CALIBRATION_FRACTION * length), MIN_CALIBRATION_ROWS) for length in lengths]
    return limit_calibration_rows([min(rows, max(length - needed, 0)) for rows, length in zip(wanted, lengths)])


def limit_calibration_rows(tail_rows):
    """The tails cut to their last rows so that all series together calibrate on `MAX_CALIBRATION_ROWS` or fewer."""
    per_series = math.ceil(MAX_CALIBRATION_ROWS / len(tail_rows))
    return [min(rows, per_series) for rows in tail_rows]


def calibration_scores(model, series_list, tail_rows, fallbacks=None):
    """Absolute residuals of ``model`` on the last ``tail_rows[i]`` rows of each series, over their noise level.

    Parameters
    ----------
    model : BaseForecaster
        Fitted without those rows as targets; its ``scaling_`` holds one row per series.
    series_list : list of ndarray (T_i, C+P+F)
        The targets first, then the model's covariates (`forecast.inputs.covariates`).
    tail_rows : list of int
        For a model that reads future-known inputs, every forecast scored must
        have them for all its ``horizon`` rows, which end with the series: its
        scored tail then ends ``horizon - 1`` rows before the series' end and
        is that much shorter.
    fallbacks : ndarray of shape (n_series, C), optional
        Each series' noise level where the rows before an origin are constant
        (see `noise_level`).

    Returns
    -------
    ndarray of shape (rows scored, horizon, C)
        Row ``j`` of a series' block holds, at step ``h``, the error of the
        forecast of its ``j``-th scored row made ``h + 1`` rows before it,
        divided by the `noise_level` of the rows before that forecast's origin.
    """
    horizon, n_targets = model.horizon, model.n_channels_
    n_future = model._layout().n_future if model._reads_covariates else 0
    used = [number for number, rows in enumerate(tail_rows) if rows > 0]
    if not used:
        return np.zeros((0, horizon, n_targets))
    # The earliest origin is H - 1 rows before a series' tail; Naive2, which reads the rows it gets, gets as
    # many as every series has before that origin.
    context = min(model._context_rows(), *(len(series_list[i]) - tail_rows[i] - horizon + 1 for i in used))
    shortened = horizon - 1 if n_future else 0  # rows at the end whose forecasts would lack future inputs
    pieces = []  # (number, values, rows, end, origins) of each series scored
    for number in used:
        values, rows = np.asarray(series_list[number], dtype=np.float64), tail_rows[number] - shortened
        if rows > 0:
            end = len(values) - shortened  # the scored rows end here
            pieces.append((number, values, rows, end, tail_origins(end, rows, horizon)))
    scores = [np.zeros((0, horizon, n_targets))]
    for group in _groups_of_windows(pieces, CALIBRATION_BATCH):
        windows = np.concatenate(  # (sum of origins, ctx, C): the rows seen by each forecast
            [sliding_window_view(values, context, axis=0)[origins - context] for _, values, _, _, origins in group]
        ).transpose(0, 2, 1)
        scaling = model.scaling_.take(np.concatenate([np.full(len(piece[4]), piece[0]) for piece in group]))
        future = None
        if n_future:  # each forecast's own future-known rows, all inside the series
            future = np.concatenate(
                [
                    sliding_window_view(values[:, -n_future:], horizon, axis=0)[origins]
                    for _, values, _, _, origins in group
                ]
            ).transpose(0, 2, 1)
        forecasts = model._forecast(windows, scaling, future)  # (sum of origins, H, C), one call for the group
        first = 0
        for number, values, _, end, origins in group:
            own = forecasts[first : first + len(origins)]  # (rows + H - 1, H, C)
            first += len(origins)
            fallback = None if fallbacks is None else fallbacks[number]
            scores.append(scaled_tail_errors(values[:, :n_targets], own, end, fallback))
    return np.concatenate(scores)


def _groups_of_windows(pieces, most):
    """``pieces`` (each ending with its origins) in consecutive groups of about ``most`` origins, so that a
    model forecasts many series in one call without holding every series' windows at once."""
    group, size = [], 0
    for piece in pieces:
        group.append(piece)
        size += len(piece[-1])
        if size >= most:
            yield group
            group, size = [], 0
    if group:
        yield group


def tail_origins(end, rows, horizon):
    """The origins (rows + H - 1,) whose forecasts reach the ``rows`` rows before row ``end``: the rows each sees."""
    return np.arange(end - rows - horizon + 1, end)


def scaled_tail_errors(targets, forecasts, end, fallback=None):
    """Absolute errors of the forecasts from `tail_origins` on the rows they reach, over the noise before each origin.

    ``targets`` (T, C) are a series' values and ``forecasts`` (rows + H - 1, H, C)
    those made from each origin, oldest first; returns (rows, H, C), whose
    row ``j`` at step ``h`` is the error on row ``end - rows + j`` of the
    forecast made ``h + 1`` rows before it.
    """
    horizon = forecasts.shape[1]
    rows = len(forecasts) - horizon + 1
    origins = tail_origins(end, rows, horizon)
    # Scored row j at step h was forecast from the origin H - 1 - h + j places into `origins`.
    steps = np.arange(horizon)
    made = (horizon - 1 - steps)[None, :] + np.arange(rows)[:, None]  # (rows, H)
    errors = targets[end - rows : end, None, :] - forecasts[made, steps[None, :]]  # (rows, H, C)
    return np.abs(errors) / noise_before(targets, origins, fallback)[made]


def conformal_quantiles(scores, levels=LEVEL_GRID):
    """Split conformal quantiles of the scores, pooled over horizon steps, per step and channel.

    Each step's scores are divided by their mean (the step's typical error),
    the ``n * H`` ratios of a channel are ranked together, and each step's
    half-width is its mean times their quantile: errors keep growing with the
    step as the tail shows, while the quantile rests on ``H`` times more
    scores than one step has (a series of a few dozen rows then calibrates
    95% and a quantile is not one extreme error).

    Parameters
    ----------
    scores : ndarray of shape (n, H, C)
    levels : array of percentages

    Returns
    -------
    ndarray of shape (len(levels), H, C)
        For level ``a``, the ``ceil((n H + 1) a / 100)``-th smallest ratio
        times the step's mean, or the largest ratio's where that rank exceeds
        ``n H`` (those levels are refused at predict); NaN without scores.
    """
    n_scores, horizon, n_channels = scores.shape
    if n_scores == 0:
        return np.full((len(levels), horizon, n_channels), np.nan)
    typical = scores.mean(axis=0)  # (H, C)
    typical = np.where(typical > 0, typical, 1.0)  # a step forecast without error: ratios of its zeros
    ratios = (scores / typical).reshape(n_scores * horizon, n_channels)
    ranks = np.clip(np.ceil((len(ratios) + 1) * np.asarray(levels) / 100 - _ROUNDING).astype(int), 1, len(ratios))
    return np.sort(ratios, axis=0)[ranks - 1][:, None, :] * typical


def highest_level(n_scores):
    """The highest level (percent) that ``n_scores`` residuals calibrate: ``100 n / (n + 1)``."""
    return 100 * n_scores / (n_scores + 1)


def highest_level_shown(n_scores):
    """`highest_level` rounded down to one decimal, a level that can be asked for: 348 residuals give 99.7."""
    return math.floor(10 * highest_level(n_scores)) / 10


def half_widths(quantiles, grid, n_scores, levels):
    """Half-widths ``(len(levels), H, C)`` in scaled units, interpolated between the stored grid levels.

    Raises
    ------
    DataError
        A level beyond what ``n_scores`` residuals calibrate, or beyond the grid.
    """
    if levels[-1] > grid[-1]:
        raise DataError(
            f"level {level_text(levels[-1])} is above {level_text(grid[-1])}, the highest level calibrated; "
            "ask for less"
        )
    if levels[-1] > highest_level(n_scores) + _ROUNDING:
        needed = math.ceil(levels[-1] / (100 - levels[-1]) - _ROUNDING)
        most = highest_level_shown(n_scores)
        raise DataError(
            f"level {level_text(levels[-1])} needs at least {needed} out-of-sample errors and the model kept "
            f"{n_scores} (its calibration rows times its horizon); ask for a level of at most {most:g}, or fit on "
            "longer series"
        )
    grid = np.concatenate([[0.0], grid])
    quantiles = np.concatenate([np.zeros((1, *quantiles.shape[1:])), quantiles])  # level 0: no width
    upper = np.searchsorted(grid, levels).clip(1, len(grid) - 1)  # (L,) first grid level >= each level
    weight = ((np.asarray(levels) - grid[upper - 1]) / (grid[upper] - grid[upper - 1]))[:, None, None]
    return (1 - weight) * quantiles[upper - 1] + weight * quantiles[upper]


def with_bounds(forecasts, lower, upper, columns, levels):
    """Forecasts and their bounds side by side, with their column names.

    Parameters
    ----------
    forecasts : ndarray of shape (n, H, C)
    lower, upper : ndarray of shape (len(levels), n, H, C)
    columns : list of the C target names
    levels : list of float

    Returns
    -------
    values : ndarray of shape (n, H, C * (1 + 2 * len(levels)))
    names : list
        The targets, then for each target and level its ``-lo-`` and ``-hi-`` column.
    """
    blocks, names = [forecasts], list(columns)
    for channel, column in enumerate(columns):
        for position, level in enumerate(levels):
            blocks += [lower[position, ..., channel, None], upper[position, ..., channel, None]]
            names += [interval_column(column, "lo", level), interval_column(column, "hi", level)]
    return np.concatenate(blocks, axis=-1), names


class ConformalIntervals:
    """What a forecaster needs to calibrate conformal intervals at fit and give them at predict.

    A mixin of `forecast.forecasters.base.BaseForecaster`, which provides
    ``horizon``, ``n_channels_``, ``_min_context_rows``, ``_fitted_rows``,
    ``_nonnegative`` and ``_finite``. A forecaster with intervals of its own
    (the statistical models) overrides ``_calibrate_intervals`` to do nothing.
    """

    def _calibration_model(self, series_list):
        """``(model, tail_rows)``: a fitted forecaster that never saw the last ``tail_rows[i]`` rows of series ``i``.

        The baselines that learn nothing at fit are such a model themselves:
        their tail is the last `forecast.forecasters.intervals.CALIBRATION_FRACTION` of
        each series, keeping the rows one forecast reads before it.
        """
        lengths = [len(values) for values in series_list]
        return self, calibration_rows(lengths, self._min_context_rows() + self.horizon - 1)

    # What `predict(level=...)` says to do when the fit kept no rows out of sample.
    _calibration_hint = "fit it on longer series"

    def _calibrate_intervals(self, series_list):
        """Store the conformal half-widths of the grid levels per step and channel, and each series' noise level."""
        targets = slice(0, self.n_channels_)
        whole = np.stack([noise_level(values[:, targets], rows=None) for values in series_list])  # (n_series, C)
        self.interval_series_scale_ = whole  # where the rows before a forecast are constant
        self.interval_scale_ = np.stack(
            [noise_level(values[:, targets], fallback=level) for values, level in zip(series_list, whole)]
        )
        scores = self._calibration_errors(series_list, whole)  # (n, H, C)
        self.interval_count_ = scores.shape[0] * scores.shape[1]  # the errors each quantile was ranked among
        self.interval_levels_ = LEVEL_GRID
        # (levels, H, C), in units of interval_scale_
        self.interval_quantiles_ = conformal_quantiles(scores) if len(scores) else np.zeros((len(LEVEL_GRID), 0, 0))

    def _calibration_errors(self, series_list, fallbacks):
        """Out-of-sample absolute errors (n, H, C) over their noise levels, from `_calibration_model`'s forecasts.

        ``fallbacks`` (n_series, C) is each series' noise level over all its rows (see `noise_level`).
        """
        model, tail_rows = self._calibration_model(series_list)
        return calibration_scores(model, series_list, tail_rows, fallbacks)

    def _half_widths(self, levels):
        """The calibrated half-widths (L, H, C) of the levels, in units of the noise level before a forecast."""
        if not hasattr(self, "interval_quantiles_"):
            raise DataError(
                f"this {type(self).__name__} was fitted by a release of forecast without prediction intervals; "
                "fit it again to predict them"
            )
        if self.interval_count_ == 0:
            raise DataError(
                f"this {type(self).__name__} kept no rows out of sample to calibrate prediction intervals on; "
                f"{self._calibration_hint}, or leave out level= (--level)"
            )
        return half_widths(self.interval_quantiles_, self.interval_levels_, self.interval_count_, levels)

    def _noise_levels(self, histories, ids):
        """Noise levels (n, C) of the targets at the end of each history (T_i, C+P+F), or window (n, rows, C+P+F).

        ``ids`` names each one's series (None: the single series, or windows
        of unknown series). Where its last rows are constant, a series seen at
        fit falls back on its level over its fit rows, another on its level
        over all the rows given.
        """
        if min(len(history) for history in histories) < 2:
            raise DataError(
                "prediction intervals read the noise level before a forecast from the rows before it, and one row "
                "is not enough; pass two rows or more (24 or more is best)"
            )
        targets = slice(0, self.n_channels_)
        if isinstance(histories, np.ndarray):
            histories = histories[..., targets]
            fallbacks = noise_level(histories, rows=None)  # (n, C): over all the rows given
        else:
            histories = [history[:, targets] for history in histories]
            fallbacks = np.stack([noise_level(history, rows=None) for history in histories])
        stored = getattr(self, "interval_series_scale_", None)  # None in files of earlier releases
        if stored is not None:
            rows = self._fitted_rows(ids, len(histories))
            fallbacks = np.where((rows >= 0)[:, None], stored[rows.clip(0)], fallbacks)
        if isinstance(histories, np.ndarray):
            return noise_level(histories, fallback=fallbacks)
        return np.stack([noise_level(history, fallback=fallback) for history, fallback in zip(histories, fallbacks)])

    def _bounds(self, forecasts, noise, widths):
        """Lower and upper bounds (L, n, H, C) around forecasts (n, H, C) whose noise levels are ``noise`` (n, C)."""
        spread = widths[:, None] * noise[None, :, None, :]  # (L, n, H, C): half-widths (L, H, C) times noise levels
        # Bounds around the forecast before it is clipped at 0, then clipped: they stay nested around it.
        return self._nonnegative(self._finite(forecasts - spread)), self._nonnegative(self._finite(forecasts + spread))
