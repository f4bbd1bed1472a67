"""What every series-level forecaster shares: input checks, stored context, scaling, future timestamps.

A forecaster fits on a list of series, each a ``(T_i, C)`` float array: one
for a plain frame, one per id for a long-format frame indexed by
``(id, timestamp)`` (one global model across all series). A subclass declares
its ``_parameter_rules``, says how many past rows a forecast needs
(``_context_rows``), fits (``_fit_series``, which may replace the identity
``scaling_`` by per-series statistics of its training rows) and maps windows
to forecasts given each window's scaling (``_forecast``). Frames, ids,
indexes, timestamps and the check that forecasts are finite are handled here,
and prediction intervals come from `ConformalIntervals`: each fit calibrates them on the residuals of
the model that ``_calibration_model`` gives (see `forecast.forecasters.intervals`).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from ..errors import DataError
from ..inputs.covariates import InputLayout
from ..inputs.features import calendar_grid, calendar_periods
from ..inputs.scaling import Scaling
from ..inputs.windows import float_array
from ..params import check_parameters
from ..reading.calendar import ObservedCalendar
from ..reading.frames import (
    as_frame,
    check_timestamps,
    frequency_of,
    future_index,
    same_frequency,
    split_series,
    time_span,
)
from ..reading.frequency import season_length_for
from ..reading.panel import first_ids
from ..reading.styles import value_decimals
from .intervals import (
    ConformalIntervals,
    check_levels,
    with_bounds,
)

# Values read to tell the data's decimals: the last rows of the first series are enough.
_STYLE_SAMPLE_ROWS, _STYLE_SAMPLE_SERIES = 10_000, 20
# History drawn before a forecast (``recent_``, `context_frame`): the lookback, four horizons or three seasons,
# whichever is longest.
_DRAWN_HORIZONS, _DRAWN_SEASONS = 4, 3


class BaseForecaster(ConformalIntervals, BaseEstimator):
    """Base of the series-level forecasters (scikit-learn style; see docs/python.md)."""

    _reads_covariates = True  # False: the covariates are set apart from the targets but not read
    _reads_whole_history = False  # True: a forecast reads its series from the first row (the local models)
    _own_intervals = False  # True: the model's own intervals, for any level, instead of conformal calibration

    def fit(self, y):
        """Fit on one series, or on many series with one global model.

        Parameters
        ----------
        y : DataFrame, Series or array-like of shape (T,) or (T, C)
            A frame as `forecast.read_csv` returns (a `DatetimeIndex`, one float
            column per channel), a Series, or an array. A frame indexed by an
            ``(id, timestamp)`` MultiIndex holds many series: each is scaled on
            its own, and series too short for one training window are skipped
            with a warning that names them.

        Returns
        -------
        self

        Raises
        ------
        ParameterError
            A hyper-parameter is out of range (checked before anything else).
        DataError
            The data cannot be used; the message says why and how to fix it.
        """
        return self._fit_checked(y)

    def _fit_checked(self, y, **fit_options):
        check_parameters(self)
        return self._fit_frame(as_frame(y, "y"), **fit_options)

    def _fit_frame(self, frame, **fit_options):
        pieces = split_series(frame)
        self.freq_ = frequency_of(frame)
        check_timestamps(pieces, self.freq_)
        reads_calendar = self.calendar == "auto" and self._reads_covariates
        calendar = calendar_periods(self.freq_, time_span(pieces)) if reads_calendar else []
        layout = InputLayout.of(
            frame.columns, past=self.past_covariates, future=self.future_covariates, calendar=calendar
        )
        self.data_columns_ = list(frame.columns)
        self.columns_, self.n_channels_ = layout.targets, len(layout.targets)
        self.past_covariates_, self.future_covariates_, self.calendar_ = layout.past, layout.future, layout.calendar
        self._choose_window(pieces, layout)
        kept = self._drop_short_series(pieces)
        kept_ids = {series_id for series_id, _ in kept}
        # Series too short to fit on, which ``predict()`` names in a warning.
        self.skipped_series_ = [str(series_id) for series_id, _ in pieces if series_id not in kept_ids]
        pieces = kept
        values = [layout.values(piece) for _, piece in pieces]  # each (T_i, C+P+F), float64 or float32
        self._record_data_style(frame, values)
        self.scaling_ = Scaling.identity((len(values), values[0].shape[1]))
        recorded, values = values, self._pad_short_series(values)  # as recorded, and as the model reads them
        self._fit_series(values, **fit_options)
        self._calibrate_intervals(values)
        self.series_ids_ = None if pieces[0][0] is None else [series_id for series_id, _ in pieces]
        self.id_name_ = frame.index.names[0] if self.series_ids_ is not None else None
        self.index_name_ = pieces[0][1].index.name
        rows = self._context_rows()
        self.context_ = np.stack([series[-rows:] for series in values])  # (n_series, rows, C)
        # More rows to draw a forecast after, where the rows forecasts read are fewer; the local models keep
        # whole histories (``histories_``) instead.
        if not self._reads_whole_history and self._recent_rows() > rows:
            self.recent_ = _recent(recorded, self._recent_rows(), self._recent_columns())  # (n_series, rows, C+F)
        self.last_index_ = [piece.index[-1] for _, piece in pieces]
        return self

    def _record_data_style(self, frame, values):
        """Store what is known of the targets' values before anything is fitted on them.

        ``nonnegative_`` (C,) says which targets' forecasts and bounds are kept at
        0 or above (files of earlier releases have none: nothing is clipped);
        ``date_style_`` and ``value_decimals_`` (one per target) say how the data
        wrote its dates and values (see `forecast.reading.styles`), for output
        written the same way.
        """
        targets = [series[:, : self.n_channels_] for series in values]
        lowest = np.min([series.min(axis=0) for series in targets], axis=0)  # (C,)
        policy = getattr(self, "nonnegative", "auto")  # a forecaster without the parameter takes the default
        self.nonnegative_ = lowest >= 0 if policy == "auto" else np.full(self.n_channels_, bool(policy))
        self.date_style_ = frame.attrs.get("date_style")
        sample = np.concatenate([series[-_STYLE_SAMPLE_ROWS:] for series in targets[:_STYLE_SAMPLE_SERIES]])
        self.value_decimals_ = [value_decimals(sample[:, channel]) for channel in range(self.n_channels_)]

    def _nonnegative(self, forecasts):
        """``forecasts`` (..., C) at 0 or above in the targets that ``nonnegative_`` marks."""
        marked = getattr(self, "nonnegative_", None)
        if marked is None or not marked.any():
            return forecasts
        return np.where(marked, np.maximum(forecasts, 0.0), forecasts)

    def predict(self, y=None, *, future=None, level=None, horizon=None):
        """Forecast the ``horizon`` steps after the end of ``y``, or of the fit data when ``y`` is None.

        Parameters
        ----------
        y : DataFrame, Series or array-like, optional
            Recent history with the fitted columns (covariates included), at
            the fitted frequency; only its last rows are used. With an
            ``(id, timestamp)`` MultiIndex, every series in it is forecast (a
            series unseen at fit time is scaled by its own history).
        future : DataFrame, optional
            The future-known covariates' values at the forecast timestamps,
            indexed by timestamp (or ``(id, timestamp)``); needed when the
            model has ``future_covariates``.
        level : number or list of numbers, optional
            Prediction intervals to add, in percent, such as ``[80, 95]``:
            about that share of future values falls inside each (see
            `forecast.forecasters.intervals` for the calibration).
        horizon : int, optional
            Forecast only the first ``horizon`` steps, 1 up to the fitted
            ``horizon`` (the default); the forecasts of those steps are the same.

        Returns
        -------
        DataFrame of shape (horizon, C), or (n_series * horizon, C)
            Indexed by the future timestamps (a `RangeIndex` continuation for
            input without dates), or by ``(id, timestamp)`` for many series,
            with the fit data's target column names; with ``level``, then the
            columns ``<target>-lo-<level>`` and ``<target>-hi-<level>`` of each
            target and level, levels in increasing order.

        Raises
        ------
        ParameterError
            A level is not a number in (0, 100).
        DataError
            The history or the future values cannot be used, or the model
            cannot give the level asked for (calibrated on too few rows, or
            fitted by a release without intervals); the message says how to
            fix it.
        """
        check_is_fitted(self)
        steps = self._check_steps(horizon)
        layout = self._layout()
        levels = check_levels(level)
        widths = None if levels is None else self._half_widths(levels)
        if y is None:
            ids, windows, last_index, histories = self.series_ids_, self.context_, self.last_index_, None
            self._warn_skipped()
            scaling = self._stored_scaling([None] if ids is None else ids)
        else:
            ids, histories, last_index = self._read_history(y, layout)
            rows = min(self._context_rows(), *(len(history) for history in histories))
            windows = np.stack(
                [
                    self._last_rows(history, series_id, rows)
                    for series_id, history in zip([None] if ids is None else ids, histories)
                ]
            )
            scaling = self._scaling_for(ids, histories)
        future_rows = self._future_rows(layout, future, [None] if ids is None else ids, last_index)
        forecasts = self._finite(self._forecast(windows, scaling, future_rows))  # (n_series, H, C)
        if levels is None:
            return self._forecast_frame(ids, last_index, self._nonnegative(forecasts)[:, :steps], self.columns_)
        if histories is None:
            noise = self.interval_scale_[self._positions([None] if ids is None else ids)]  # at the fit data's end
        else:
            noise = self._noise_levels(histories, ids)  # at the end of the history given
        lower, upper = self._bounds(forecasts, noise, widths)
        forecasts, lower, upper = self._nonnegative(forecasts), lower[..., :steps, :], upper[..., :steps, :]
        return self._forecast_frame(
            ids, last_index, *with_bounds(forecasts[:, :steps], lower, upper, self.columns_, levels)
        )

    def _read_history(self, y, layout):
        """``(ids, histories, last_index)`` of the series in ``y``, each history (T_i, C+P+F), checked as at fit."""
        frame = self._check_columns(as_frame(y, "y"), layout.inputs)
        self._check_frequency(frame)
        pieces = split_series(frame)
        check_timestamps(pieces, self.freq_)
        ids = None if pieces[0][0] is None else [series_id for series_id, _ in pieces]
        self._check_series_kind(ids)
        histories = [layout.values(piece).astype(np.float64) for _, piece in pieces]
        return ids, histories, [piece.index[-1] for _, piece in pieces]

    def _check_steps(self, horizon):
        """The steps `predict` returns: ``horizon``, a whole number from 1 to the fitted horizon, or all."""
        if horizon is None:
            return self.horizon
        if isinstance(horizon, (bool, np.bool_)) or not isinstance(horizon, (int, np.integer)):
            raise DataError(f"horizon={horizon!r} is not a whole number; pass 1 to {self.horizon} (--horizon)")
        if not 1 <= horizon <= self.horizon:
            raise DataError(
                f"horizon={horizon} is outside 1 to {self.horizon}, the horizon this model was fitted for; pass a "
                f"horizon in that range (--horizon), or fit a model with horizon={horizon}"
            )
        return int(horizon)

    def predict_windows(self, X, series_ids=None, *, future=None, times=None, level=None):
        """Forecast each window.

        Parameters
        ----------
        X : array-like of shape (n, rows, n_columns)
            Windows of the fit data's columns, in their order (covariates
            included), in the data's own units; only the last rows the model
            reads are used.
        series_ids : sequence of length n, optional
            For a model fitted on many series: the series each window comes
            from, whose scaling it then gets. Without it, a many-series model
            scales each window's targets by their own mean and standard
            deviation, and its covariates as the fitted series do on average.
        future : array-like of shape (n, horizon, F), optional
            The ``future_covariates`` at each window's forecast rows, in their order.
        times : array-like of shape (n, rows + horizon), optional
            The timestamps of each window's rows and forecast rows, for a
            model with calendar features.
        level : number or list of numbers, optional
            Prediction intervals to return as well, in percent, as in `predict`.
            Their width follows each window's own noise level, read from its
            last rows (see `forecast.forecasters.intervals`), so windows need two rows at
            least and the intervals are best with ``SCALE_ROWS`` (24) or more.

        Returns
        -------
        forecasts : ndarray of shape (n, horizon, C)
            In the data's own units.
        lower, upper : ndarray of shape (n_levels, n, horizon, C)
            Only with ``level``: the bounds of each level, in increasing order
            of level.
        """
        check_is_fitted(self)
        layout = self._layout()
        X, future = self._check_windows(X, layout, future, times)  # (n, rows, C+P+F), uncut; (n, H, F)
        if isinstance(series_ids, str):
            raise DataError(f"series_ids must hold one id per window, not the string {series_ids!r}; pass a list")
        if series_ids is not None and len(series_ids) != len(X):
            raise DataError(
                f"series_ids has {len(series_ids)} id(s) for {len(X)} windows; give one per window, or leave it out"
            )
        levels = check_levels(level)
        widths = None if levels is None else self._half_widths(levels)
        windows = X[:, -self._context_rows() :]
        if series_ids is not None:
            scaling = self._stored_scaling(list(series_ids))
        elif self.series_ids_ is None:
            scaling = self._stored_scaling([None] * len(X))
        else:
            scaling = self._window_scaling(windows)  # (n, C+P+F)
        future_rows = None
        if layout.n_future and self._reads_covariates:
            parts = [] if future is None else [future]
            if layout.calendar:
                ahead = np.asarray(times)[:, -self.horizon :]
                parts.append(calendar_grid(ahead, layout.calendar))
            future_rows = np.concatenate(parts, axis=2)
        forecasts = self._finite(self._forecast(windows, scaling, future_rows))
        if levels is None:
            return self._nonnegative(forecasts)
        bounds = self._bounds(forecasts, self._noise_levels(X, series_ids), widths)
        return (self._nonnegative(forecasts), *bounds)

    def context_frame(self, series_id=None):
        """The fit data's last rows, as a frame with their timestamps: the history a forecast is drawn after.

        Columns are the targets, then the future-known covariates. A fitted model
        keeps the lookback, four horizons or three seasons of rows, whichever is
        most (fewer where a series is shorter); a model file of an earlier
        release has the rows `predict` continues from.

        Parameters
        ----------
        series_id : optional
            For a model fitted on many series: which series (default the first).
        """
        check_is_fitted(self)
        position = 0 if series_id is None else self.series_ids_.index(series_id)
        context = self._kept_rows(position)  # (rows, C+F)
        last = self.last_index_[position]
        if isinstance(self.freq_, ObservedCalendar):
            weeks_back = pd.Timedelta(weeks=len(context) // len(self.freq_.slots) + 1)
            index = self.freq_.between(last - weeks_back, last)[-len(context) :].rename(self.index_name_)
        elif isinstance(last, pd.Timestamp):
            index = pd.date_range(end=last, periods=len(context), freq=self.freq_, name=self.index_name_)
        else:
            index = pd.RangeIndex(int(last) + 1 - len(context), int(last) + 1, name=self.index_name_)
        return pd.DataFrame(context, index=index, columns=[*self.columns_, *self.future_covariates_])

    def _kept_rows(self, position):
        """The rows of one series that `context_frame` draws, (rows, C+F)."""
        recent = getattr(self, "recent_", None)
        if recent is None:  # enough, or a model file of an earlier release: the rows predict continues from
            return self.context_[position][:, self._recent_columns()]
        rows = recent[position]
        return rows[np.argmax(~np.isnan(rows[:, 0])) :]  # without the padding of a short series

    def _recent_rows(self):
        """Rows of history drawn before a forecast: the lookback, four horizons or three seasons, the most."""
        return max(self._context_rows(), _DRAWN_HORIZONS * self.horizon, _DRAWN_SEASONS * season_length_for(self.freq_))

    def _recent_columns(self):
        """Where the targets and the future-known covariates are among the columns a model reads."""
        targets, past = self.n_channels_, len(self.past_covariates_)
        return [*range(targets), *range(targets + past, targets + past + len(self.future_covariates_))]

    def save(self, path):
        """Write the fitted forecaster to one file; read it back with `forecast.load`. No pickle.

        Under ``torchrun`` only rank 0 writes; the other processes return at once.
        """
        from ..modelfile.fileformat import write
        from ..neural.distributed import is_primary

        check_is_fitted(self)
        if is_primary():
            write(self, path)

    def _choose_window(self, pieces, layout):
        """Settle what the window depends on in the data, before short series are dropped or padded: nothing here.

        ``pieces`` are `split_series`' ``(id, frame)`` pairs, ``layout`` the `InputLayout` of their columns.
        """

    def _context_rows(self):
        """Rows of history a forecast reads."""
        return self.lookback

    def _min_context_rows(self):
        """Fewest rows of history a forecast can be made from (``_context_rows`` unless a model reads what it gets)."""
        return self._context_rows()

    def _min_rows(self):
        """Rows a series needs to give one training window."""
        return self._context_rows() + self.horizon

    def _pad_short_series(self, values):
        """The series (each (T_i, C+P+F)) as the model fits on them: as they are, unless a model pads short ones."""
        return values

    def _fit_series(self, series_list, **fit_options):
        """Fit on the series, each (T_i, C); may set ``scaling_`` to per-series statistics."""

    def _forecast(self, windows, scaling, future):
        """Forecasts (n, H, C) for windows (n, rows, C+P+F) whose series have the `Scaling` ``scaling``.

        ``scaling`` covers every input column, (n, C+P+F); ``future`` (n, H, F)
        holds the future-known inputs of the forecast rows, or None without any.
        """
        raise NotImplementedError

    def _unfitted_copy(self):
        """A clone with this fit's column layout (targets, covariates, calendar) but nothing learned."""
        copy = clone(self)
        for name in ("data_columns_", "columns_", "n_channels_", "past_covariates_", "future_covariates_", "calendar_"):
            setattr(copy, name, getattr(self, name))
        return copy

    def _fitted_rows(self, ids, count):
        """The row of each series id in the fitted per-series statistics, -1 for a series not seen at fit."""
        if self.series_ids_ is None:
            return np.zeros(count, dtype=int)
        if ids is None:
            return np.full(count, -1)
        position = {series_id: row for row, series_id in enumerate(self.series_ids_)}
        return np.array([position.get(series_id, -1) for series_id in ids])

    def _warn_skipped(self):
        """Warn that the series skipped at fit (``skipped_series_``) have no forecast."""
        if self.skipped_series_:
            skipped = self.skipped_series_
            warnings.warn(
                f"no forecast for {len(skipped)} series too short to fit on: {first_ids(skipped)}", stacklevel=3
            )

    def _drop_short_series(self, pieces):
        """The ``(id, frame)`` pieces long enough to fit on; a warning names the others."""
        needed = self._min_rows()
        windowed = type(self)._min_rows is BaseForecaster._min_rows  # needs one training window; else its own minimum
        name = type(self).__name__
        if pieces[0][0] is None:
            if len(pieces[0][1]) < needed:
                rule = f"lookback + horizon = {needed}" if windowed else f"the {needed} it needs"
                raise DataError(
                    f"the series has {len(pieces[0][1])} rows, fewer than {rule} ({name}); "
                    "use a longer series or a shorter lookback, horizon or season_length"
                )
            return pieces
        short = [str(series_id) for series_id, piece in pieces if len(piece) < needed]
        rule = "lookback + horizon" if windowed else f"the fewest {name} fits on"
        if len(short) == len(pieces):
            fix = "use a shorter lookback or horizon" if windowed else "use longer series"
            raise DataError(f"every series is shorter than {needed} rows ({rule}); {fix}")
        if short:
            warnings.warn(
                f"skipping {len(short)} series shorter than {needed} rows ({rule}): {first_ids(short)}", stacklevel=5
            )
        return [(series_id, piece) for series_id, piece in pieces if len(piece) >= needed]

    def _check_series_kind(self, ids):
        """Refuse history of many series (``ids``) for a model of one series, and history of one for the reverse."""
        if ids is not None and self.series_ids_ is None:
            raise DataError(
                "this model was fitted on one series, so it forecasts one: pass that series' history "
                "without series ids (a frame indexed by timestamp)"
            )
        if ids is None and self.series_ids_ is not None:
            raise DataError(
                "this model was fitted on many series: pass history indexed by (series id, timestamp), "
                "as in fit, even for one series"
            )

    def _last_rows(self, history, series_id, rows):
        needed = self._min_context_rows()
        if len(history) < needed:
            where = "" if series_id is None else f" of series {series_id!r}"
            raise DataError(
                f"predict needs at least {needed} rows of history{where} (the model's input window), "
                f"got {len(history)}; pass a longer stretch of the series"
            )
        return history[-max(rows, needed) :]

    def _positions(self, ids):
        """The rows of the fitted per-series statistics of the given series ids (None: the single series)."""
        rows = self._fitted_rows(ids, len(ids))
        if (rows < 0).any():
            unknown = ids[int(np.argmax(rows < 0))]
            raise DataError(f"series {unknown!r} was not seen at fit time; pass its history to predict instead")
        return rows

    def _stored_scaling(self, ids):
        """The fitted `Scaling` (len(ids), C) of the given series ids (None: the single series)."""
        return self.scaling_.take(self._positions(ids))

    def _scaling_for(self, ids, histories):
        """Scaling for predict's series: the fitted one where known, else fitted on the history given."""
        rows = self._fitted_rows(ids, len(histories))
        return Scaling.stack(
            [self.scaling_.take(row) if row >= 0 else Scaling.fit(history) for row, history in zip(rows, histories)]
        )

    def _forecast_frame(self, ids, last_index, values, columns):
        def frame(position):
            index = future_index(last_index[position], self.freq_, values.shape[1]).rename(self.index_name_)
            return pd.DataFrame(values[position], index=index, columns=columns)

        if ids is None:
            return frame(0)
        return pd.concat(
            {series_id: frame(position) for position, series_id in enumerate(ids)},
            names=[self.id_name_, self.index_name_],
        )

    def _check_columns(self, frame, needed):
        missing = [name for name in needed if name not in frame.columns]
        if missing:
            raise DataError(
                f"the data lacks the trained column(s) {', '.join(map(repr, missing))}; "
                f"pass data with the columns {', '.join(map(repr, needed))}"
            )
        return frame

    def _check_frequency(self, frame):
        """Refuse history whose timestamps are at another frequency than the fit data's."""
        freq = frequency_of(frame)
        if freq is not None and self.freq_ is not None and not same_frequency(freq, self.freq_):
            raise DataError(
                f"the data's frequency is {freq!r} but the model was trained at {self.freq_!r}; "
                f"pass history at {self.freq_!r} (resample it, or read it with freq={self.freq_!r})"
            )

    def _check_windows(self, X, layout, future, times):
        """``X`` as float64 windows (n, rows, C+P+F) in the model's input order, calendar features added, uncut,
        and ``future`` as a float64 array (n, H, F), or None."""
        self._refuse_unread(layout, future, times)
        X = float_array(X, "X")
        future = None if future is None else float_array(future, "future")
        n_columns = len(self.data_columns_)
        if X.ndim == 2 and n_columns == 1:
            X = X[:, :, None]
        needed = self._min_context_rows()
        if X.ndim != 3 or X.shape[2] != n_columns or X.shape[1] < needed or len(X) == 0:
            raise DataError(
                f"windows must have shape (n, rows, {n_columns}) with n >= 1 and at least {needed} rows, not {X.shape}"
            )
        if not np.isfinite(X).all():
            raise DataError("the windows contain NaN or infinite values; fill them first")
        if (
            self._reads_covariates
            and layout.future
            and (future is None or np.shape(future) != (len(X), self.horizon, len(layout.future)))
        ):
            raise DataError(
                f"the model needs future=, the values of {', '.join(map(repr, layout.future))} at each window's "
                f"forecast rows, of shape ({len(X)}, {self.horizon}, {len(layout.future)})"
            )
        if future is not None and not np.isfinite(future).all():
            raise DataError("future= contains NaN or infinite values; give every forecast row a value")
        if (
            self._reads_covariates
            and layout.calendar
            and (times is None or np.shape(times) != (len(X), X.shape[1] + self.horizon))
        ):
            raise DataError(
                f"the model has calendar features: pass times=, the timestamps of each window's rows and forecast "
                f"rows, of shape ({len(X)}, {X.shape[1] + self.horizon})"
            )
        positions = [self.data_columns_.index(name) for name in layout.inputs]
        X = X[:, :, positions]
        if self._reads_covariates and layout.calendar:
            past_times = np.asarray(times)[:, : X.shape[1]]
            X = np.concatenate([X, calendar_grid(past_times, layout.calendar)], axis=2)
        return X, future

    def _layout(self):
        return InputLayout(self.columns_, self.past_covariates_, self.future_covariates_, self.calendar_)

    def _window_scaling(self, windows):
        """Scaling (n, C+P+F) of windows of unknown series: the targets' own, the covariates' fitted mean one."""
        own = Scaling.fit(windows, axis=1)
        targets = slice(0, self.n_channels_)
        covariates = np.broadcast_to(self.scaling_.mean.mean(axis=0), own.mean.shape)
        spreads = np.broadcast_to(self.scaling_.std.mean(axis=0), own.std.shape)
        mean = np.concatenate([own.mean[:, targets], covariates[:, self.n_channels_ :]], axis=1)
        std = np.concatenate([own.std[:, targets], spreads[:, self.n_channels_ :]], axis=1)
        return Scaling(mean, std)

    def _refuse_unread(self, layout, future, times=None):
        """Refuse future values, or timestamps, given to a model that was fitted to read none."""
        if future is not None and not layout.future:
            raise DataError(
                f"future= was given, but this {type(self).__name__} was fitted without future_covariates, so it "
                "reads no future values; leave future out, or fit with future_covariates=[...]"
            )
        if times is not None and not layout.calendar:
            raise DataError(
                f"times= was given, but this {type(self).__name__} was fitted without calendar features, so it "
                "reads no timestamps; leave times out"
                + (', or fit with calendar="auto"' if self._reads_covariates else "")
            )

    def _future_rows(self, layout, future, ids, last_index):
        """The future-known inputs (n, H, F) of each series' forecast rows, or None for a model without any."""
        self._refuse_unread(layout, future)
        if not layout.n_future or not self._reads_covariates:
            return None
        if future is not None:
            future = as_frame(future, "future")
        return np.stack(
            [
                layout.future_values(future, series_id, future_index(last, self.freq_, self.horizon))
                for series_id, last in zip(ids, last_index)
            ]
        )

    def _finite(self, forecasts):
        if not np.isfinite(forecasts).all():
            raise DataError(
                f"{type(self).__name__} produced non-finite forecasts (the values are beyond float64's range "
                "once scaled back); divide the data by a power of ten and fit again"
            )
        return forecasts


def _recent(values, rows, columns):
    """The last ``rows`` rows of each series' ``columns``, (n_series, rows, len(columns)); NaN before a short one."""
    recent = np.full((len(values), rows, len(columns)), np.nan, dtype=values[0].dtype)
    for number, series in enumerate(values):
        kept = series[-rows:, columns]
        recent[number, rows - len(kept) :] = kept
    return recent
