"""What the statistical forecasters share: one model per series and target, fitted in parallel, read from a history.

A local model forecasts from its series' whole history (its states are
updated row by row from the first), so these forecasters read every row they
are given, not a window of the last ``lookback``: `predict(y)` and
`predict_windows(X)` take each series' history from its first row. A series
seen at fit is continued with the parameters estimated then (its states
updated over the rows given, nothing re-estimated, as statsforecast's
``forward`` does), so a backtest with ``refit=0`` forecasts later windows
without new fits; a series not seen at fit is fitted on the rows given, and
so is a history too short for the fitted model's lags or starting states.

Prediction intervals are by default the project's conformal intervals
(`forecast.forecasters.intervals`), calibrated on the errors of a fit that
never saw the last fifth of each series' rows (at least 20), continued from
every origin in them as a backtest with ``refit=0`` continues it: one more
fit per series and a few dozen continuations (ETS and ARIMA forecast
every origin from one filter pass; their backtests on two public panels
took 1.0-1.3 and 1.3-1.9 times as long as with the models' own intervals). With ``intervals="model"`` they are
the models' own (normal errors on the fitted model, or simulated paths where
a part is multiplicative), for any level in (0, 100), with nothing to
calibrate; so they are too where no series is long enough to keep a tail
(fewer than two seasons and a horizon of rows before it).
"""

from __future__ import annotations

from functools import partial

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ...errors import DataError
from ...inputs.windows import float_array
from ...neural.threads import available_cores
from ...params import COVARIATE_RULES, NONNEGATIVE_RULES, POSITIVE, OneOf, Whole
from ...reading.frequency import season_length_for
from ..base import BaseForecaster
from ..intervals import calibration_rows, check_levels, scaled_tail_errors, tail_origins, with_bounds
from . import arima, ets, theta
from .fits import MIN_ROWS, LocalFit

FAMILIES = {"ets": ets, "theta": theta, "arima": arima}
# Tasks in one process below which a pool of processes costs more than it saves (its start-up is about a
# second): fits take tenths of a second to seconds each, continuations of a fitted model milliseconds.
PARALLEL_FITS = 16
PARALLEL_CONTINUATIONS = 500
INTERVALS = ("model", "conformal")


class StatisticalForecaster(BaseForecaster):
    """Base of `ETSForecaster`, `ThetaForecaster` and `ARIMAForecaster`; a subclass names its ``_family`` module.

    Parameters
    ----------
    horizon : int, default=5
    season_length : int or None, default=None
        Steps per season; None takes the usual period of the data's
        frequency (12 monthly, 4 quarterly, 7 daily, 24 hourly, 52 weekly).
    past_covariates, future_covariates : list of str, optional
        Columns set apart from the targets. ETS and Theta read none of them,
        as the naive baselines do; ARIMA regresses on the future-known ones.
    calendar : {None, "auto"}, default=None
        Accepted for a like-for-like interface; not read.
    n_jobs : int or None, default=None
        Processes fitting series at once; None: every core this process may
        use, when there are enough series for a pool to pay off.
    nonnegative : {"auto", True, False}, default="auto"
        Keep forecasts and bounds at 0 or above: "auto" for the targets whose
        fit values are all >= 0 (counts, sales), as every forecaster does.
    intervals : {"conformal", "model"}, default="conformal"
        Conformal intervals calibrated on out-of-sample errors, or the fitted
        model's own (see above). On the last three years of two public
        quarterly panels the conformal 80% and 95% intervals covered 62-79%
        and 87-95% of the actuals, the models' own 50-95% and 69-98%
        (`docs/workhorses.md`).

    Attributes
    ----------
    fits_ : list of list of dict
        Per series, per target: the model chosen (``name``, its ``family``,
        ``spec`` and ``params``, and a ``note`` where a series was too short
        for the family's full search).
    histories_ : list of ndarray (T_i, C+P+F)
        Each series' rows seen at fit, from which `predict` continues.
    season_length_ : int
    """

    _family = None  # the name of the family in `FAMILIES` that selects and forecasts
    _search_parameters = ()  # parameters passed on to the family's ``select`` as keywords
    _reads_whole_history = True
    _parameter_rules = {
        "horizon": POSITIVE,
        "season_length": (OneOf((None,)), POSITIVE),
        "n_jobs": (OneOf((None,)), Whole(1)),
        "intervals": OneOf(INTERVALS),
        **COVARIATE_RULES,
        **NONNEGATIVE_RULES,
    }

    def __init__(
        self,
        horizon=5,
        season_length=None,
        past_covariates=None,
        future_covariates=None,
        calendar=None,
        n_jobs=None,
        nonnegative="auto",
        intervals="conformal",
    ):
        self.horizon = horizon
        self.season_length = season_length
        self.past_covariates = past_covariates
        self.future_covariates = future_covariates
        self.calendar = calendar
        self.n_jobs = n_jobs
        self.nonnegative = nonnegative
        self.intervals = intervals

    @property
    def _own_intervals(self):
        """The models' own intervals: asked for, or where no series left rows to calibrate conformal ones on."""
        return self.intervals == "model" or getattr(self, "interval_count_", None) == 0

    def predict(self, y=None, *, future=None, level=None, horizon=None):
        """Forecast the ``horizon`` steps after each series' history (the fit data when ``y`` is None).

        Parameters and returns as `BaseForecaster.predict` (``horizon`` too), except that
        ``y`` holds each series' whole history, from its first row: a series
        seen at fit is continued with its fitted parameters, another one is
        fitted on its history. ``level`` takes any level in (0, 100).
        """
        check_is_fitted(self)
        steps = self._check_steps(horizon)
        layout = self._layout()
        levels = check_levels(level)
        if y is None:
            ids, histories, last_index = self.series_ids_, self.histories_, self.last_index_
            self._warn_skipped()
        else:
            ids, histories, last_index = self._read_history(y, layout)
            short = min(len(history) for history in histories)
            if short < MIN_ROWS:
                raise DataError(
                    f"a history of {short} row(s) is too short for {type(self).__name__}; pass {MIN_ROWS} rows or more "
                    "of each series, from its first row"
                )
        future_rows = self._future_rows(layout, future, [None] if ids is None else ids, last_index)
        forecasts, lower, upper = self._forecast_histories(histories, ids, future_rows, levels or [])
        forecasts, lower, upper = forecasts[:, :steps], lower[..., :steps, :], upper[..., :steps, :]
        if levels is None:
            return self._forecast_frame(ids, last_index, forecasts, self.columns_)
        return self._forecast_frame(ids, last_index, *with_bounds(forecasts, lower, upper, self.columns_, levels))

    def predict_windows(self, X, series_ids=None, *, future=None, times=None, level=None):
        """Forecast each history.

        Parameters
        ----------
        X : array-like of shape (n, rows, n_columns), or a list of n arrays (rows_i, n_columns)
            Each series' history from its first row, in the data's own units
            and the fit data's column order; a list holds histories of
            different lengths.
        series_ids : sequence of length n, optional
            The series of each history: one seen at fit is continued with
            its fitted parameters. Without it, a one-series model continues
            its series and a many-series model fits each history afresh.
        future : array-like of shape (n, horizon, F), optional
            ARIMA's future-known covariates at each history's forecast rows.
        times : None
            Accepted for a like-for-like interface; these models read no timestamps.
        level : number or list of numbers, optional
            Prediction intervals to return as well, in percent.

        Returns
        -------
        forecasts : ndarray of shape (n, horizon, C)
        lower, upper : ndarray of shape (n_levels, n, horizon, C), only with ``level``
        """
        check_is_fitted(self)
        layout = self._layout()
        if times is not None:
            raise DataError(f"times= was given, but a {type(self).__name__} reads no timestamps; leave times out")
        histories = [self._check_history(history, layout) for history in _histories(X)]
        if isinstance(series_ids, str) or (series_ids is not None and len(series_ids) != len(histories)):
            raise DataError(f"series_ids must hold one id per history ({len(histories)}); pass a list of that length")
        future_rows = None
        if self._reads_covariates and layout.future:
            if future is None or np.shape(future) != (len(histories), self.horizon, len(layout.future)):
                raise DataError(
                    f"the model needs future=, the values of {', '.join(map(repr, layout.future))} at each history's "
                    f"forecast rows, of shape ({len(histories)}, {self.horizon}, {len(layout.future)})"
                )
            future_rows = float_array(future, "future")
            if not np.isfinite(future_rows).all():
                raise DataError("future= contains NaN or infinite values; give every forecast row a value")
        else:
            self._refuse_unread(layout, future)
        levels = check_levels(level)
        ids = list(series_ids) if series_ids is not None else None
        if ids is None and self.series_ids_ is None:
            ids = None  # the one series
        elif ids is None:
            ids = [_UNSEEN] * len(histories)
        forecasts, lower, upper = self._forecast_histories(histories, ids, future_rows, levels or [])
        return forecasts if levels is None else (forecasts, lower, upper)

    def _check_history(self, history, layout):
        """A history (rows, n_columns) as float64 rows of the model's inputs, in their order."""
        history = float_array(history, "X")
        n_columns = len(self.data_columns_)
        if history.ndim != 2 or history.shape[1] != n_columns or len(history) < MIN_ROWS:
            raise DataError(
                f"each history must have shape (rows, {n_columns}) with at least {MIN_ROWS} rows, not {history.shape}"
            )
        if not np.isfinite(history).all():
            raise DataError("a history contains NaN or infinite values; fill them first")
        return history[:, [self.data_columns_.index(name) for name in layout.inputs]]

    def _context_rows(self):
        return 1  # the last row, for what `BaseForecaster` keeps; forecasts read `histories_`

    def _kept_rows(self, position):
        return self.histories_[position][-self._recent_rows() :, self._recent_columns()]

    def _min_rows(self):
        return MIN_ROWS

    def _min_context_rows(self):
        return MIN_ROWS

    def _calibrate_intervals(self, series_list):
        """Conformal half-widths, with ``intervals="conformal"``; the models' own intervals need nothing."""
        if self.intervals == "conformal":
            super()._calibrate_intervals(series_list)

    def _calibration_errors(self, series_list, fallbacks):
        """Errors (n, H, C) of a fit without each series' tail, continued from every origin before a tail row.

        The tail keeps two seasons and a horizon of rows before it to fit on; a
        model reading future-known covariates scores the tail rows whose
        forecasts have them, as `forecast.forecasters.intervals.calibration_scores` does.
        """
        horizon = self.horizon
        needed = max(2 * self.season_length_, MIN_ROWS) + horizon - 1
        tail_rows = calibration_rows([len(values) for values in series_list], needed)
        shortened = horizon - 1 if self._exog(series_list[0]) is not None else 0
        used = [number for number, rows in enumerate(tail_rows) if rows - shortened > 0]
        tasks = []
        for number in used:
            values = series_list[number]
            end, rows = len(values) - shortened, tail_rows[number] - shortened
            cut = len(values) - tail_rows[number]
            exog = self._exog(values)
            for channel in range(self.n_channels_):
                origins = tail_origins(end, rows, horizon)
                tasks.append(
                    (self._family, values[:, channel], exog, self.season_length_, cut, origins, horizon, self._search)
                )
        forecasts = self._map(_tail_forecasts, tasks)  # per (series, channel): (rows + H - 1, H)
        errors = [np.zeros((0, horizon, self.n_channels_))]
        for position, number in enumerate(used):
            channels = forecasts[position * self.n_channels_ : (position + 1) * self.n_channels_]
            targets = series_list[number][:, : self.n_channels_]
            end = len(targets) - shortened
            errors.append(scaled_tail_errors(targets, np.stack(channels, axis=-1), end, fallbacks[number]))
        return np.concatenate(errors)

    def _fit_series(self, series_list):
        self.season_length_ = season_length_for(self.freq_) if self.season_length is None else int(self.season_length)
        self.histories_ = [np.asarray(values, dtype=np.float64) for values in series_list]
        tasks = [
            (history[:, channel], self.season_length_, self._exog(history))
            for history in self.histories_
            for channel in range(self.n_channels_)
        ]
        fits = self._map(partial(FAMILIES[self._family].select, **self._search), tasks)
        self.fits_ = [
            [fit.as_dict() for fit in fits[start : start + self.n_channels_]]
            for start in range(0, len(fits), self.n_channels_)
        ]

    def _forecast_histories(self, histories, ids, future_rows, levels):
        """Forecasts (n, H, C) and bounds (L, n, H, C) of each history; ``ids`` None for a one-series model."""
        known = self._fitted_rows(ids, len(histories))
        tasks = []
        for number, history in enumerate(histories):
            exog_future = None if future_rows is None else future_rows[number]
            for channel in range(self.n_channels_):
                fit = LocalFit.from_dict(self.fits_[known[number]][channel]) if known[number] >= 0 else None
                tasks.append(
                    (history[:, channel], self._exog(history), self.season_length_, fit, self.horizon, exog_future)
                )
        fitting = any(task[3] is None for task in tasks)  # a series unseen at fit is fitted on its history
        enough = PARALLEL_FITS if fitting else PARALLEL_CONTINUATIONS
        own_levels = levels if self._own_intervals else []
        outcomes = self._map(_continue, [(self._family, *task, own_levels, self._search) for task in tasks], enough)
        shape = (len(histories), self.n_channels_, self.horizon)
        forecasts = np.stack([mean for mean, _ in outcomes]).reshape(shape).transpose(0, 2, 1)  # (n, H, C)
        if not self._own_intervals:
            forecasts = self._finite(forecasts)
            if not levels:
                empty = np.empty((0, *forecasts.shape))
                return self._nonnegative(forecasts), empty, empty
            lower, upper = self._bounds(forecasts, self._noise_levels(histories, ids), self._half_widths(levels))
            return self._nonnegative(forecasts), lower, upper
        lower = np.empty((len(levels), *forecasts.shape))
        upper = np.empty_like(lower)
        for row, level in enumerate(levels):
            lower[row] = np.stack([bounds[level][0] for _, bounds in outcomes]).reshape(shape).transpose(0, 2, 1)
            upper[row] = np.stack([bounds[level][1] for _, bounds in outcomes]).reshape(shape).transpose(0, 2, 1)
        return tuple(self._nonnegative(self._finite(values)) for values in (forecasts, lower, upper))

    @property
    def _search(self):
        """Keywords of the family's ``select``: the values of `_search_parameters`."""
        return {name: getattr(self, name) for name in self._search_parameters}

    def _exog(self, history):
        """The future-known inputs (T, F) a history holds, the calendar's features included, for a family that
        regresses on them, else None: the columns `_future_rows` gives for the forecast rows."""
        n_future = self._layout().n_future
        if not (self._reads_covariates and n_future):
            return None
        start = self.n_channels_ + len(self.past_covariates_)
        return history[:, start : start + n_future]

    def _map(self, function, tasks, enough=PARALLEL_FITS):
        """``[function(*task) for task in tasks]``, over a pool of processes when there are ``enough`` of them."""
        cores = available_cores() if self.n_jobs is None else self.n_jobs
        if cores <= 1 or len(tasks) < enough:
            return [function(*task) for task in tasks]
        from joblib import Parallel, delayed

        return Parallel(n_jobs=min(cores, len(tasks)))(delayed(function)(*task) for task in tasks)


def _continue(family, y, exog, season_length, fit, horizon, exog_future, levels, search):
    """One target's mean and bounds after its history ``y``: by its fitted model, or by one fitted on ``y``."""
    family = FAMILIES[family]
    if fit is None:
        fit = family.select(y, season_length, exog, **search)
    return family.forecast(y, fit, horizon, levels, exog, exog_future, **search)


def _tail_forecasts(family, y, exog, season_length, cut, origins, horizon, search):
    """Means (n_origins, H) of a model fitted on ``y[:cut]`` and continued over ``y[:origin]`` from each origin."""
    family = FAMILIES[family]
    fit = family.select(y[:cut], season_length, None if exog is None else exog[:cut], **search)
    return family.forecast_origins(y, fit, horizon, origins, exog, **search)


# The series id of a history given without ids to a many-series model: never one seen at fit.
_UNSEEN = object()


def _histories(X):
    """Histories as a list of 2-D arrays, from an array (n, rows, C) or (n, rows), or a list of arrays."""
    if isinstance(X, (list, tuple)):
        if not X:
            raise DataError("X holds no history; pass at least one")
        return [np.asarray(history) if np.ndim(history) != 1 else np.asarray(history)[:, None] for history in X]
    X = np.asarray(X)
    if X.ndim == 2:
        X = X[:, :, None]
    if X.ndim != 3 or len(X) == 0:
        raise DataError(f"X must have shape (n, rows, columns) with n >= 1, or be a list of histories, not {X.shape}")
    return list(X)
