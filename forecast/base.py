"""What every series-level forecaster shares: input checks, stored context, scaling, future timestamps.

A forecaster fits on a list of series, each a ``(T_i, C)`` float array: one
for a plain frame, one per id for a long-format frame indexed by
``(id, timestamp)`` (one global model across all series). A subclass says how
many past rows a forecast needs (``_context_rows``), fits (``_fit_series``,
which sets per-series ``scale_mean_`` and ``scale_std_`` of shape
``(n_series, C)`` if it scales the data) and maps windows to forecasts given
each window's scaling (``_forecast``). Frames, ids, indexes and timestamps are
handled here.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .data import infer_frequency
from .errors import DataError
from .windows import check_positive_int, fit_scaling


class BaseForecaster(BaseEstimator):
    """Base of the series-level forecasters (scikit-learn style; see the README)."""

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
        """
        return self._fit_frame(as_frame(y, "y"))

    def _fit_frame(self, frame, **fit_options):
        check_positive_int(self.horizon, "horizon")
        pieces = split_series(frame)
        self.freq_ = _frequency_of(pieces[0][1].index)
        if len(pieces) > 1 or pieces[0][0] is not None:
            pieces = self._drop_short_series(pieces)
        values = [piece.to_numpy() for _, piece in pieces]  # each (T_i, C), float64 or float32
        self._fit_series(values, **fit_options)
        self.columns_ = list(frame.columns)
        self.n_channels_ = frame.shape[1]
        self.series_ids_ = None if pieces[0][0] is None else [series_id for series_id, _ in pieces]
        self.id_name_ = frame.index.names[0] if self.series_ids_ is not None else None
        self.index_name_ = pieces[0][1].index.name
        rows = self._context_rows()
        self.context_ = np.stack([series[-rows:] for series in values])  # (n_series, rows, C)
        self.last_index_ = [piece.index[-1] for _, piece in pieces]
        return self

    def predict(self, y=None):
        """Forecast the ``horizon`` steps after the end of ``y``, or of the fit data when ``y`` is None.

        Parameters
        ----------
        y : DataFrame, Series or array-like, optional
            Recent history with the fitted columns; only its last rows are
            used. With an ``(id, timestamp)`` MultiIndex, every series in it is
            forecast (a series unseen at fit time is scaled by its own history).

        Returns
        -------
        DataFrame of shape (horizon, C), or (n_series * horizon, C)
            Indexed by the future timestamps (a `RangeIndex` continuation for
            input without dates), or by ``(id, timestamp)`` for many series,
            with the fit data's column names.
        """
        check_is_fitted(self)
        if y is None:
            ids, windows, last_index, freq = self.series_ids_, self.context_, self.last_index_, self.freq_
            mean, std = self._stored_scaling([None] if ids is None else ids)
        else:
            pieces = split_series(self._check_columns(as_frame(y, "y")))
            ids = None if pieces[0][0] is None else [series_id for series_id, _ in pieces]
            histories = [piece.to_numpy(dtype=np.float64) for _, piece in pieces]
            windows = np.stack(
                [self._last_rows(history, series_id) for (series_id, _), history in zip(pieces, histories)]
            )
            last_index = [piece.index[-1] for _, piece in pieces]
            freq = _frequency_of(pieces[0][1].index) or self.freq_
            mean, std = self._scaling_for(ids, histories)
        forecasts = self._forecast(windows, mean, std)  # (n_series, H, C)
        return self._forecast_frame(ids, last_index, freq, forecasts)

    def predict_windows(self, X, series_ids=None):
        """Forecast each window.

        Parameters
        ----------
        X : array-like of shape (n, lookback, C)
            Windows in the data's own units (longer windows are cut to their
            last rows).
        series_ids : sequence of length n, optional
            For a model fitted on many series: the series each window comes
            from, whose scaling it then gets. Without it, a many-series model
            scales each window by its own mean and standard deviation.

        Returns
        -------
        ndarray of shape (n, horizon, C)
            In the data's own units.
        """
        X = self._check_windows(X)
        if series_ids is not None:
            mean, std = self._stored_scaling(list(series_ids))
        elif self.series_ids_ is None:
            mean, std = self._stored_scaling([None] * len(X))
        else:
            mean, std = fit_scaling(X, axis=1)  # each window's own, (n, C)
        return self._forecast(X, mean, std)

    def save(self, path):
        """Write the fitted forecaster to one file; read it back with `forecast.load`. No pickle.

        Under ``torchrun`` only rank 0 writes; the other processes return at once.
        """
        from .distributed import is_primary
        from .io import save

        check_is_fitted(self)
        if is_primary():
            save(self, path)

    def _context_rows(self):
        return self.lookback

    def _min_rows(self):
        """Rows a series needs to give one training window."""
        return self._context_rows() + self.horizon

    def _forecast(self, windows, mean, std):
        """Forecasts (n, H, C) for windows (n, rows, C) whose series have scaling ``mean``, ``std`` (n, C)."""
        raise NotImplementedError

    def _drop_short_series(self, pieces):
        needed = self._min_rows()
        short = [str(series_id) for series_id, piece in pieces if len(piece) < needed]
        if len(short) == len(pieces):
            raise DataError(
                f"every series is shorter than the {needed} rows one training window needs "
                f"(lookback + horizon); use a shorter lookback or horizon"
            )
        if short:
            shown = ", ".join(map(repr, short[:5])) + (f" and {len(short) - 5} more" if len(short) > 5 else "")
            warnings.warn(
                f"skipping {len(short)} series shorter than {needed} rows (lookback + horizon): {shown}", stacklevel=4
            )
        return [(series_id, piece) for series_id, piece in pieces if len(piece) >= needed]

    def _last_rows(self, history, series_id):
        rows = self._context_rows()
        if len(history) < rows:
            where = "" if series_id is None else f" of series {series_id!r}"
            raise DataError(
                f"predict needs at least {rows} rows of history{where} (the model's input window), got {len(history)}; "
                "pass a longer stretch of the series"
            )
        return history[-rows:]

    def _stored_scaling(self, ids):
        """Fitted (mean, std), each (len(ids), C), for the given series ids (None: the single series)."""
        if not hasattr(self, "scale_mean_"):
            return np.zeros((len(ids), self.n_channels_)), np.ones((len(ids), self.n_channels_))
        if self.series_ids_ is None:
            rows = np.zeros(len(ids), dtype=int)
        else:
            position = {series_id: row for row, series_id in enumerate(self.series_ids_)}
            unknown = [series_id for series_id in ids if series_id not in position]
            if unknown:
                raise DataError(f"series {unknown[0]!r} was not seen at fit time; pass its history to predict instead")
            rows = np.array([position[series_id] for series_id in ids])
        return self.scale_mean_[rows], self.scale_std_[rows]

    def _scaling_for(self, ids, histories):
        """Scaling for predict's series: the fitted one where known, else fitted on the history given."""
        if ids is None or not hasattr(self, "scale_mean_"):
            return self._stored_scaling([None] * len(histories) if ids is None else ids)
        known = set(self.series_ids_)
        pairs = [
            self._stored_scaling([series_id]) if series_id in known else fit_scaling(history)
            for series_id, history in zip(ids, histories)
        ]
        return np.vstack([mean for mean, _ in pairs]), np.vstack([std for _, std in pairs])

    def _forecast_frame(self, ids, last_index, freq, forecasts):
        def frame(position):
            index = future_index(last_index[position], freq, forecasts.shape[1]).rename(self.index_name_)
            return pd.DataFrame(forecasts[position], index=index, columns=self.columns_)

        if ids is None:
            return frame(0)
        return pd.concat(
            {series_id: frame(position) for position, series_id in enumerate(ids)},
            names=[self.id_name_, self.index_name_],
        )

    def _check_columns(self, frame):
        if list(frame.columns) == self.columns_:
            return frame
        missing = [name for name in self.columns_ if name not in frame.columns]
        if missing:
            raise DataError(
                f"the data lacks the trained column(s) {', '.join(map(repr, missing))}; "
                f"pass data with the columns {', '.join(map(repr, self.columns_))}"
            )
        return frame[self.columns_]

    def _check_windows(self, X):
        """``X`` as a float64 array (n, rows, C) with the fitted channel count and at least the needed rows."""
        check_is_fitted(self)
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 2 and self.n_channels_ == 1:
            X = X[:, :, None]
        if X.ndim != 3 or X.shape[2] != self.n_channels_ or X.shape[1] < self._context_rows():
            raise DataError(
                f"windows must have shape (n, rows, {self.n_channels_}) with at least {self._context_rows()} rows, "
                f"not {X.shape}"
            )
        if not np.isfinite(X).all():
            raise DataError("the windows contain NaN or infinite values; fill them first")
        return X[:, -self._context_rows() :]


def as_frame(y, name):
    """Turn a DataFrame, Series or array of shape (T,) or (T, C) into a checked float frame."""
    if isinstance(y, pd.Series):
        y = y.to_frame(name=0 if y.name is None else y.name)
    if isinstance(y, pd.DataFrame):
        non_numeric = [column for column in y.columns if not pd.api.types.is_numeric_dtype(y[column])]
        if non_numeric:
            raise DataError(f"{name} has non-numeric column(s) {', '.join(map(repr, non_numeric))}; pass numbers only")
        frame = y if all(y.dtypes == np.float32) else y.astype(np.float64)  # float32 stays: large data
        if not isinstance(frame.index, (pd.DatetimeIndex, pd.MultiIndex)):
            frame.index = _positional_index(frame.index)
    else:
        values = np.asarray(y, dtype=np.float64)
        if values.ndim == 1:
            values = values[:, None]
        if values.ndim != 2:
            raise DataError(f"{name} must have shape (T,) or (T, C), not {values.shape}")
        frame = pd.DataFrame(values)
    if frame.empty:
        raise DataError(f"{name} is empty; pass at least one row")
    finite = np.isfinite(frame.to_numpy())
    if not finite.all():
        row = int(np.flatnonzero(~finite.all(axis=1))[0])
        raise DataError(
            f"{name} has {int((~finite).sum())} missing or infinite value(s), first at {frame.index[row]}; "
            "fill them first, for example with read_csv(..., fill='interpolate')"
        )
    return frame


def split_series(frame):
    """``[(series_id, frame)]``: one entry with id None for a plain frame, one per id for ``(id, time)`` rows."""
    if not isinstance(frame.index, pd.MultiIndex):
        return [(None, frame)]
    if frame.index.nlevels != 2:
        raise DataError(f"a many-series frame needs an (id, timestamp) index, not {frame.index.nlevels} levels")
    pieces = []
    for series_id, piece in frame.groupby(level=0, sort=False):
        piece = piece.droplevel(0)
        if not isinstance(piece.index, pd.DatetimeIndex):
            piece.index = _positional_index(piece.index)
        elif not (piece.index.is_monotonic_increasing and piece.index.is_unique):
            raise DataError(
                f"series {series_id!r} has unsorted or repeated timestamps; sort them and keep one per time"
            )
        pieces.append((series_id, piece))
    return pieces


def future_index(last_index, freq, horizon):
    """The ``horizon`` index labels after ``last_index``: timestamps at ``freq``, or integers."""
    if isinstance(last_index, pd.Timestamp):
        if freq is None:
            raise DataError(
                "the data's dates have no regular frequency, so future dates are unknown; "
                "pass a frame from read_csv or one whose index has a freq"
            )
        return pd.date_range(last_index, periods=horizon + 1, freq=freq)[1:]
    return pd.RangeIndex(int(last_index) + 1, int(last_index) + 1 + horizon)


def _frequency_of(index):
    if not isinstance(index, pd.DatetimeIndex):
        return None
    return index.freqstr if index.freq is not None else infer_frequency(index)


def _positional_index(index):
    if pd.api.types.is_integer_dtype(index) and (len(index) < 2 or (np.diff(index.to_numpy()) == 1).all()):
        return pd.RangeIndex(index[0], index[0] + len(index)) if len(index) else pd.RangeIndex(0)
    return pd.RangeIndex(len(index))
