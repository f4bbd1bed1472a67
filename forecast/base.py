"""What every series-level forecaster shares: input checks, the stored context, future timestamps.

A subclass says how many past rows a forecast needs (``_context_rows``), fits on
a list of ``(T_i, C)`` float arrays (``_fit_series``; one array per series) and
maps windows to forecasts (``predict_windows``). Everything about frames,
indexes and timestamps lives here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .data import infer_frequency
from .errors import DataError
from .windows import check_positive_int


class BaseForecaster(BaseEstimator):
    """Base of the series-level forecasters (scikit-learn style; see the contract in the README)."""

    def fit(self, y):
        """Fit on a series.

        Parameters
        ----------
        y : DataFrame, Series or array-like of shape (T,) or (T, C)
            A frame as `forecast.read_csv` returns (a `DatetimeIndex`, one float
            column per channel), a Series, or an array.

        Returns
        -------
        self
        """
        return self._fit_frame(as_frame(y, "y"))

    def _fit_frame(self, frame, **fit_options):
        check_positive_int(self.horizon, "horizon")
        values = frame.to_numpy(dtype=np.float64)  # (T, C)
        self._fit_series([values], **fit_options)
        self.columns_ = list(frame.columns)
        self.n_channels_ = values.shape[1]
        self.freq_ = _frequency_of(frame.index)
        self.context_ = values[-self._context_rows() :].copy()  # (context rows, C)
        self.last_index_ = frame.index[-1]
        self.index_name_ = frame.index.name
        return self

    def predict(self, y=None):
        """Forecast the ``horizon`` steps after the end of ``y``, or of the fit data when ``y`` is None.

        Parameters
        ----------
        y : DataFrame, Series or array-like, optional
            Recent history with the fitted columns; only its last rows are used.

        Returns
        -------
        DataFrame of shape (horizon, C)
            Indexed by the future timestamps (a `RangeIndex` continuation for
            input without dates), with the fit data's column names.
        """
        check_is_fitted(self)
        if y is None:
            context, last_index, freq = self.context_, self.last_index_, self.freq_
        else:
            frame = self._check_columns(as_frame(y, "y"))
            context, last_index = frame.to_numpy(dtype=np.float64), frame.index[-1]
            freq = _frequency_of(frame.index) or self.freq_
        rows = self._context_rows()
        if len(context) < rows:
            raise DataError(f"predict needs at least {rows} rows of history, got {len(context)}")
        forecast = self.predict_windows(context[None, -rows:])[0]  # (H, C)
        index = future_index(last_index, freq, len(forecast)).rename(self.index_name_)
        return pd.DataFrame(forecast, index=index, columns=self.columns_)

    def save(self, path):
        """Write the fitted forecaster to one file; read it back with `forecast.load`. No pickle."""
        from .io import save

        check_is_fitted(self)
        save(self, path)

    def _context_rows(self):
        return self.lookback

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
        """``X`` as a float64 array (n, L, C) with the fitted channel count and at least the needed rows."""
        check_is_fitted(self)
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 2 and self.n_channels_ == 1:
            X = X[:, :, None]
        if X.ndim != 3 or X.shape[2] != self.n_channels_ or X.shape[1] < self._context_rows():
            raise DataError(
                f"windows must have shape (n, {self._context_rows()}, {self.n_channels_}), not {X.shape}"
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
        frame = y.astype(np.float64)
        if not isinstance(frame.index, pd.DatetimeIndex):
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


def future_index(last_index, freq, horizon):
    """The ``horizon`` index labels after ``last_index``: timestamps at ``freq``, or integers."""
    if isinstance(last_index, pd.Timestamp):
        if freq is None:
            raise DataError("the data's dates have no regular frequency, so future dates are unknown; "
                            "pass a frame from read_csv or one whose index has a freq")
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
