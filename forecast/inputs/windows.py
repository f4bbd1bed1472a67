"""Sliding windows over a series and chronological splits of them.

A window is ``lookback`` past rows (the input) followed by ``horizon`` rows
(the target). Windows are named by the row where they start, so a split is just
three arrays of start rows into the same stored series: nothing is copied.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..errors import DataError


def make_windows(values, lookback, horizon, stride=1):
    """Cut a series into (input, target) windows, as read-only views where numpy allows.

    Parameters
    ----------
    values : array-like of shape (T,) or (T, C)
    lookback, horizon, stride : int
        Rows in, rows out, and the step between window starts.

    Returns
    -------
    X : ndarray of shape (N, lookback, C)
        ``X[i] = values[i*stride : i*stride + lookback]``.
    Y : ndarray of shape (N, horizon, C)
        The ``horizon`` rows right after ``X[i]``.
        ``N = (T - lookback - horizon) // stride + 1``.

    Examples
    --------
    >>> X, Y = make_windows(np.arange(10.0), lookback=3, horizon=2)
    >>> X.shape, Y.shape, X[1, :, 0].tolist(), Y[1, :, 0].tolist()
    ((6, 3, 1), (6, 2, 1), [1.0, 2.0, 3.0], [4.0, 5.0])
    """
    lookback = check_positive_int(lookback, "lookback")
    horizon = check_positive_int(horizon, "horizon")
    stride = check_positive_int(stride, "stride")
    values = np.asarray(values)
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        raise DataError(f"values must have shape (T,) or (T, C), not {values.shape}")
    check_length(len(values), lookback, horizon)
    windows = sliding_window_view(values, lookback + horizon, axis=0)[::stride]  # (N, C, L+H)
    windows = windows.transpose(0, 2, 1)  # (N, L+H, C)
    return windows[:, :lookback], windows[:, lookback:]


@dataclass(frozen=True)
class WindowSplit:
    """Start rows of the training, validation and test windows of one series.

    Training windows lie wholly in rows ``[0, train_rows)``; validation and test
    windows have their targets in their own rows, and their inputs may reach
    back ``lookback`` rows across the boundary, so no target is ever seen twice.
    """

    train: np.ndarray  # (n_train,) start rows
    validation: np.ndarray  # (n_validation,) start rows
    test: np.ndarray  # (n_test,) start rows
    train_rows: int  # scaling and any other statistics are fitted on rows [0, train_rows)


def chronological_split(n_rows, lookback, horizon, *, validation_size=0, test_size=0):
    """Split a series of ``n_rows`` rows in time order into train, validation and test windows.

    Parameters
    ----------
    n_rows, lookback, horizon : int
    validation_size, test_size : int or float
        Rows held out at the end, test last: an int counts rows, a float in
        ``[0, 1)`` is a fraction of ``n_rows``. A part too short to hold one
        target of ``horizon`` rows gets no windows.

    Returns
    -------
    WindowSplit

    Examples
    --------
    >>> split = chronological_split(20, lookback=4, horizon=2, test_size=4)
    >>> split.train.tolist(), split.test.tolist(), split.train_rows
    ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [12, 13, 14], 16)
    """
    lookback = check_positive_int(lookback, "lookback")
    horizon = check_positive_int(horizon, "horizon")
    test_rows = _rows(test_size, n_rows, "test_size")
    validation_rows = _rows(validation_size, n_rows, "validation_size")
    train_rows = n_rows - validation_rows - test_rows
    if validation_rows + test_rows == 0:
        check_length(n_rows, lookback, horizon)
    if train_rows < lookback + horizon:
        raise DataError(
            f"{n_rows} rows leave {train_rows} for training, fewer than lookback + horizon = "
            f"{lookback + horizon}; use more data, a shorter lookback or horizon, or a smaller hold-out"
        )

    def starts(first_target_row, end_row):
        # A window starting at s has its targets in rows [s + lookback, s + lookback + horizon).
        return np.arange(first_target_row - lookback, end_row - lookback - horizon + 1)

    validation_end = train_rows + validation_rows
    return WindowSplit(
        train=starts(lookback, train_rows),
        validation=starts(train_rows, validation_end),
        test=starts(validation_end, n_rows),
        train_rows=train_rows,
    )


def check_length(n_rows, lookback, horizon):
    """Raise `DataError` unless a series of ``n_rows`` holds at least one window."""
    if n_rows < lookback + horizon:
        raise DataError(
            f"the series has {n_rows} rows, fewer than lookback + horizon = {lookback + horizon}; "
            "use a longer series or a shorter lookback or horizon"
        )


def float_array(values, name):
    """``values`` as a float64 array; `DataError` for anything that does not hold real numbers only.

    Complex numbers and text are refused rather than cast: numpy would drop an
    imaginary part with a mere warning, and read ``"1"`` as 1.0, in an array of
    text or of objects (``DataFrame.to_numpy()`` of a frame with a text column).
    """
    try:
        array = np.asarray(values)
        if array.dtype.kind in "cUS" or (
            array.dtype.kind == "O" and any(isinstance(item, (str, bytes)) for item in array.flat)
        ):
            raise TypeError(array.dtype)
        return np.asarray(array, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(
            f"{name} must be a DataFrame, a Series or an array of numbers; this {type(values).__name__} "
            "does not hold real numbers only"
        ) from None


def check_positive_int(value, name):
    """Return ``value`` as an int, or raise `DataError` unless it is a whole number >= 1."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise DataError(f"{name} must be a whole number >= 1, not {value!r}")
    return int(value)


def _rows(size, n_rows, name):
    if isinstance(size, bool) or not isinstance(size, Real) or size < 0:
        raise DataError(f"{name} must be a row count or a fraction in [0, 1), not {size!r}")
    if isinstance(size, Integral):
        return int(size)
    if size >= 1:
        raise DataError(f"{name} as a fraction must be below 1, not {size!r}")
    return round(size * n_rows)
