"""Frames in: a DataFrame, Series or array to a checked float frame; its series, frequency and future timestamps.

Every forecaster, `forecast.backtest` and `forecast.evaluate` read their data
through `as_frame`, so a frame built in Python is checked as `read_csv` checks
a file: numeric columns, no missing values, sorted unique timestamps, and for
many series an ``(id, timestamp)`` index whose series share one frequency.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import DataError
from ..inputs.windows import float_array
from .calendar import ObservedCalendar, future_timestamps
from .frequency import infer_frequency
from .panel import from_long, is_flat_long


def as_frame(y, name):
    """Turn a DataFrame, Series or array of shape (T,) or (T, C) into a checked float frame.

    A `DatetimeIndex` out of order is sorted; repeated timestamps are refused.
    An index of date strings is parsed (ISO 8601) or refused. A flat long
    frame (``unique_id`` and ``ds`` columns, see `forecast.reading.panel.from_long`)
    becomes the ``(id, timestamp)``-indexed frame of many series.
    """
    if is_flat_long(y):
        y = from_long(y)
    if isinstance(y, pd.Series):
        y = y.to_frame(name=0 if y.name is None else y.name)
    if isinstance(y, pd.DataFrame):
        repeated = y.columns[y.columns.duplicated()]
        if len(repeated):
            raise DataError(f"{name} has the column {repeated[0]!r} twice; keep one column of each name")
        non_numeric = [column for column in y.columns if not _real_dtype(y[column].dtype)]
        if non_numeric:
            raise DataError(f"{name} has non-numeric column(s) {', '.join(map(repr, non_numeric))}; pass numbers only")
        frame = y if all(y.dtypes == np.float32) else y.astype(np.float64)  # float32 stays: large data
        if not isinstance(frame.index, (pd.DatetimeIndex, pd.MultiIndex)):
            frame = _with_index(frame, _time_index(frame.index, name))
        _refuse_missing_labels(frame.index, name)
        if isinstance(frame.index, pd.DatetimeIndex):
            frame = _sorted_by_time(frame, name)
    else:
        values = float_array(y, name)
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


def _real_dtype(dtype):
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)


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


def frequency_of(frame):
    """The frequency alias of a frame's timestamps, its calendar, or None.

    ``read_csv`` sets the index's ``freq``, or with ``freq="observed"`` the
    frame's ``attrs["calendar"]``, which are read as they are; otherwise the
    frequency is inferred once from the timestamps, of a long frame's longest
    series (the first of them on a tie): a series of a row or two tells no
    frequency, or a wrong one.
    """
    if frame.attrs.get("calendar") is not None:
        return frame.attrs["calendar"]
    index = frame.index
    if isinstance(index, pd.MultiIndex):
        ids = index.get_level_values(0)
        index = index[ids == ids.value_counts(sort=False).idxmax()].droplevel(0)
    if not isinstance(index, pd.DatetimeIndex):
        return None
    return index.freqstr if index.freq is not None else infer_frequency(index)


def check_timestamps(pieces, freq):
    """Refuse series ``[(series_id, frame)]`` whose timestamps leave ``freq`` (the longest series') or skip a step.

    A series follows it when its timestamps lie on the ``freq`` grid from its
    first one; otherwise its forecasts would be dated at the wrong steps. A
    step skipped would make a window join rows that are not consecutive, and
    every lag across the gap off by the steps missing: `forecast.read_csv`
    refuses such files unless asked to fill them, and so does fitting a frame.
    """
    if freq is None or isinstance(freq, ObservedCalendar):
        return
    step = pd.tseries.frequencies.to_offset(freq)
    reference = max(range(len(pieces)), key=lambda number: len(pieces[number][1]))  # as `frequency_of` picks it
    for number, (series_id, piece) in enumerate(pieces):
        index = piece.index
        if not isinstance(index, pd.DatetimeIndex) or len(index) < 2:
            continue
        with warnings.catch_warnings():  # offsets that pandas applies row by row say so
            warnings.simplefilter("ignore", pd.errors.PerformanceWarning)
            if (index[:-1] + step).equals(index[1:]):  # each row one step after the last: the common case, fast
                continue
        grid = pd.date_range(index[0], index[-1], freq=freq)
        if len(grid) == len(index) and (number == reference or index.equals(grid)):
            continue
        if number != reference and (len(grid) > 2 * len(index) or not index.isin(grid).all()):
            own = infer_frequency(index)
            raise DataError(
                f"series {series_id!r} does not follow the frequency {freq!r} of series {pieces[reference][0]!r}"
                f"{'' if own is None else f' (its own is {own!r})'}; give every series the same frequency "
                "(resample them, or read the file with forecast.read_csv(..., freq=...))"
            )
        missing = grid.difference(index)
        if len(missing):
            where = "" if series_id is None else f"series {series_id!r}: "
            more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
            raise DataError(
                f"{where}the timestamps skip {missing[0]}{more} at frequency {freq!r}, so windows would join rows "
                "that are not consecutive; fill the gaps first (frame.asfreq(freq).interpolate()), or read the "
                "file with forecast.read_csv(..., fill='interpolate')"
            )


def future_index(last_index, freq, horizon):
    """The ``horizon`` index labels after ``last_index``: timestamps at ``freq`` (or on its calendar), or integers."""
    if isinstance(last_index, pd.Timestamp):
        if freq is None:
            raise DataError(
                "the data's dates have no regular frequency, so future dates are unknown; "
                "pass a frame from read_csv or one whose index has a freq"
            )
        return future_timestamps(last_index, freq, horizon)
    return pd.RangeIndex(int(last_index) + 1, int(last_index) + 1 + horizon)


def time_span(pieces):
    """The longest time any of the ``(id, frame)`` pieces covers, or None without timestamps."""
    spans = [piece.index[-1] - piece.index[0] for _, piece in pieces if isinstance(piece.index, pd.DatetimeIndex)]
    return max(spans) if spans else None


def same_frequency(first, second):
    if isinstance(first, ObservedCalendar) or isinstance(second, ObservedCalendar):
        return first == second
    return pd.tseries.frequencies.to_offset(first) == pd.tseries.frequencies.to_offset(second)


def _time_index(index, name):
    """A `DatetimeIndex` parsed from ISO date strings, or a positional `RangeIndex` for any other index."""
    if pd.api.types.is_object_dtype(index) or pd.api.types.is_string_dtype(index):
        try:
            return pd.DatetimeIndex(pd.to_datetime(index, format="ISO8601"), name=index.name)
        except (ValueError, TypeError):
            raise DataError(
                f"{name}'s index holds text that is not ISO 8601 dates (first {index[0]!r}); "
                "parse it with pandas.to_datetime(..., format=...) or read the file with forecast.read_csv"
            ) from None
    return _positional_index(index)


def _refuse_missing_labels(index, name):
    """Refuse a row whose timestamp or series id is missing: pandas would sort it first or drop its series."""
    if isinstance(index, pd.MultiIndex):
        missing, what = (np.asarray(index.codes) == -1).any(axis=0), "series id or timestamp"
    else:
        missing, what = np.asarray(index.isna()), "timestamp"
    if missing.any():
        raise DataError(
            f"{name} has no {what} in row {int(np.argmax(missing))} of its index (NaN or NaT); "
            "drop that row or give it its label"
        )


def _sorted_by_time(frame, name):
    if not frame.index.is_unique:
        first = frame.index[frame.index.duplicated()][0]
        raise DataError(f"{name} has repeated timestamps, first {first}; keep one row per timestamp")
    return frame if frame.index.is_monotonic_increasing else frame.sort_index()


def _with_index(frame, index):
    frame = frame.copy(deep=False)
    frame.index = index
    return frame


def _positional_index(index):
    if pd.api.types.is_integer_dtype(index) and (len(index) < 2 or (np.diff(index.to_numpy()) == 1).all()):
        return pd.RangeIndex(index[0], index[0] + len(index)) if len(index) else pd.RangeIndex(0)
    return pd.RangeIndex(len(index))
