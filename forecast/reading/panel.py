"""Many series in one frame: flat long frames in, and where each series' rows lie.

Many-series data usually comes flat, one row per series and timestamp, in the
columns ``unique_id``, ``ds`` and ``y`` (the convention of Nixtla's libraries).
`from_long` turns such a frame into the ``(id, timestamp)``-indexed frame the
forecasters fit on. `as_panel` describes any input a forecaster takes (one
series, or many) by the first row and length of each series, so that
backtests and their evaluation can cut, window and score every series
without copying the values.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from .dates import parse_date_column

# Column names of a flat long frame, and of results when the data's index has no names.
ID_COLUMN, TIME_COLUMN = "unique_id", "ds"


def is_flat_long(frame):
    """Whether ``frame`` is a flat long frame: ``unique_id`` and ``ds`` columns and a single-level index.

    >>> is_flat_long(pd.DataFrame({"unique_id": ["a"], "ds": ["2024-01-01"], "y": [1.0]}))
    True
    """
    return (
        isinstance(frame, pd.DataFrame)
        and not isinstance(frame.index, pd.MultiIndex)
        and {ID_COLUMN, TIME_COLUMN} <= set(frame.columns)
    )


def from_long(frame, *, id_col=ID_COLUMN, time_col=TIME_COLUMN, value_cols=None):
    """Turn a flat long frame (one row per series and timestamp) into an ``(id, timestamp)``-indexed frame.

    Parameters
    ----------
    frame : DataFrame
        One row per series and timestamp, in any order.
    id_col : str, default="unique_id"
        The column naming the series; no value may be missing or blank.
    time_col : str, default="ds"
        The timestamps: dates, text read by one rule for the whole column as
        `forecast.read_csv` reads a date column (``2016Q1`` is a quarter,
        ``2020-W05`` an ISO week), or whole numbers (time steps). Each series
        may hold a timestamp only once.
    value_cols : str or list of str, optional
        The value column or columns; by default every column but the id and
        the time. Each must hold numbers.

    Returns
    -------
    DataFrame
        Indexed by the MultiIndex ``(id_col, time_col)``, sorted by id and
        then by time, with one float column per value column.

    Raises
    ------
    DataError
        The message names the column, the row (by the frame's index label)
        and the fix.

    Examples
    --------
    >>> flat = pd.DataFrame({"unique_id": ["b", "a", "a"], "ds": ["2024-01-01", "2024-01-02", "2024-01-01"],
    ...                      "y": [3, 2, 1]})
    >>> long = from_long(flat)
    >>> long.index.names, long["y"].tolist()
    (FrozenList(['unique_id', 'ds']), [1.0, 2.0, 3.0])
    """
    value_cols = _value_columns(frame, id_col, time_col, value_cols)
    ids = _checked_ids(frame[id_col], id_col)
    times = _parsed_times(frame[time_col], time_col)
    values = {name: _numeric(frame[name], name) for name in value_cols}
    long = pd.DataFrame(values, index=pd.MultiIndex.from_arrays([ids, times], names=[id_col, time_col]))
    repeated = long.index.duplicated()
    if repeated.any():
        row = int(np.flatnonzero(repeated)[0])
        raise DataError(
            f"series {ids.iloc[row]!r} has timestamp {times[row]} twice (column {time_col!r}, row {frame.index[row]}); "
            "keep one row per series and timestamp"
        )
    return long.sort_index(kind="stable")


def first_ids(ids, shown=5):
    """The first ``shown`` of ``ids``, quoted, then how many more: ``'a', 'b' and 3 more``, for messages."""
    ids = list(ids)
    return ", ".join(map(repr, ids[:shown])) + (f" and {len(ids) - shown} more" if len(ids) > shown else "")


@dataclass(frozen=True)
class Panel:
    """One or many series in one frame, each series' rows contiguous and in time order.

    A single series has ``ids`` None. ``values`` is the frame's values,
    shared with it where pandas allows.
    """

    frame: pd.DataFrame  # (N, C)
    values: np.ndarray  # (N, C)
    ids: list | None  # (n_series,) series names, or None for a single series
    starts: np.ndarray  # (n_series,) first row of each series in frame
    lengths: np.ndarray  # (n_series,) rows of each series
    id_name: str | None  # the id column's name in results
    time_name: str  # the timestamp column's name in results

    def timestamps(self, rows):
        """The timestamps (index labels) of the given row positions, as an Index of the same size (flattened)."""
        rows = np.ravel(rows)
        index = self.frame.index
        if self.ids is None:
            return index.take(rows)
        # From the level's codes: no array of every row's timestamp is built.
        return index.levels[1].take(index.codes[1][rows])

    def cut(self, cutoffs):
        """The frame of every series' rows before its cutoff (a row count per series)."""
        if self.ids is None:
            return self.frame.iloc[: int(cutoffs[0])]
        keep = np.zeros(len(self.frame), dtype=bool)
        for start, cutoff in zip(self.starts, cutoffs):
            keep[start : start + cutoff] = True
        return self.frame[keep]

    def windows(self, cutoffs, rows, chosen=slice(None)):
        """The ``rows`` rows before each cutoff: ``cutoffs`` (n_series, k) gives (n_series * k, rows, C).

        ``chosen`` (positions among the ``n_series * k``) gathers those windows only.
        """
        return self.values[self.positions(cutoffs, np.arange(-rows, 0))[chosen]]

    def positions(self, cutoffs, offsets):
        """Row positions ``cutoff + offset`` of each series and cutoff: (n_series * k, len(offsets)).

        A position before its series' first row is that first row, as a network pads a series shorter than
        its window (one that chose a longer lookback than a backtest sized the series for), never another
        series' row.
        """
        positions = self.starts[:, None, None] + cutoffs[:, :, None] + np.asarray(offsets)  # (S, k, len(offsets))
        return np.maximum(positions, self.starts[:, None, None]).reshape(-1, len(offsets))

    def select(self, keep):
        """The panel of the series where ``keep`` (n_series,) is True; the frame is shared, not copied."""
        ids = None if self.ids is None else [series_id for series_id, kept in zip(self.ids, keep) if kept]
        return Panel(self.frame, self.values, ids, self.starts[keep], self.lengths[keep], self.id_name, self.time_name)


def as_panel(y):
    """Describe ``y`` as `fit` takes it (a frame, Series or array; a long frame, flat or indexed) as a `Panel`."""
    if is_flat_long(y):
        y = from_long(y)
    if isinstance(y, pd.Series):
        y = y.to_frame()
    if not isinstance(y, pd.DataFrame):
        values = np.asarray(y)
        if values.ndim not in (1, 2):
            raise DataError(f"y must have shape (T,) or (T, C), not {values.shape}")
        y = pd.DataFrame(values[:, None] if values.ndim == 1 else values)
    if isinstance(y.index, pd.DatetimeIndex) and not y.index.is_monotonic_increasing:
        y = y.sort_index(kind="stable")
    if not isinstance(y.index, pd.MultiIndex):
        return Panel(y, y.to_numpy(), None, np.array([0]), np.array([len(y)]), None, y.index.name or TIME_COLUMN)
    if y.index.nlevels != 2:
        raise DataError(f"a many-series frame needs an (id, timestamp) index, not {y.index.nlevels} levels")
    y = _grouped_by_series(y)
    codes = y.index.codes[0]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    lengths = np.diff(np.r_[starts, len(y)])
    ids = list(y.index.levels[0].take(codes[starts]))
    id_name, time_name = y.index.names
    return Panel(y, y.to_numpy(), ids, starts, lengths, id_name or ID_COLUMN, time_name or TIME_COLUMN)


def _grouped_by_series(frame):
    """``frame`` with each series' rows together (a stable sort by id, only when they are not already)."""
    codes = frame.index.codes[0]
    n_runs = 1 + int(np.count_nonzero(codes[1:] != codes[:-1])) if len(codes) else 0
    if n_runs == len(np.unique(codes)):
        return frame
    return frame.iloc[np.argsort(codes, kind="stable")]


def _value_columns(frame, id_col, time_col, value_cols):
    if not isinstance(frame, pd.DataFrame):
        raise DataError(
            f"from_long takes a DataFrame with one row per series and timestamp, not a {type(frame).__name__}"
        )
    if isinstance(value_cols, str):  # one column's name, not a sequence of one-letter names
        value_cols = [value_cols]
    missing = [name for name in (id_col, time_col, *(value_cols or ())) if name not in frame.columns]
    if missing:
        raise DataError(
            f"the frame has no column {missing[0]!r}; its columns are {', '.join(map(repr, map(str, frame.columns)))} "
            "(name the id, time and value columns with id_col=, time_col= and value_cols=)"
        )
    if value_cols is None:
        value_cols = [name for name in frame.columns if name not in (id_col, time_col)]
    if not value_cols:
        raise DataError(f"the frame has no value column besides {id_col!r} and {time_col!r}; add one, such as 'y'")
    return list(value_cols)


def _checked_ids(ids, id_col):
    blank = ids.isna().to_numpy() | (ids.astype(str).str.strip() == "").to_numpy()
    if blank.any():
        row = ids.index[int(np.flatnonzero(blank)[0])]
        raise DataError(f"column {id_col!r} has no series name in row {row}; name the series of every row")
    return ids.reset_index(drop=True)


def _parsed_times(times, time_col):
    if pd.api.types.is_integer_dtype(times):
        return pd.Index(times.to_numpy(), name=time_col)
    if pd.api.types.is_numeric_dtype(times) or pd.api.types.is_bool_dtype(times):
        raise DataError(
            f"column {time_col!r} holds {times.dtype} values, not timestamps; pass dates or whole-number time steps"
        )
    refusal = None
    if times.map(lambda value: isinstance(value, str)).all():
        # Text is read as read_csv reads a date column, by one rule for the column: 2016Q1 is a quarter.
        try:
            return pd.DatetimeIndex(parse_date_column(times, f"column {time_col!r}"), name=time_col)
        except DataError as error:
            refusal = str(error).split(";")[0]
    try:
        with warnings.catch_warnings():
            # Only to find the row that is no timestamp: pandas warns that it parses row by row.
            warnings.simplefilter("ignore", UserWarning)
            parsed = pd.to_datetime(times, errors="coerce")
    except (TypeError, ValueError):  # mixed time zones, or objects pandas cannot read as dates at all
        parsed = pd.Series(pd.NaT, index=times.index)
    unparsed = parsed.isna().to_numpy()
    if unparsed.any():
        position = int(np.flatnonzero(unparsed)[0])
        raise DataError(
            f"column {time_col!r} has {times.iloc[position]!r} in row {times.index[position]}, which is not a "
            "timestamp; fix it, or convert the column with pandas.to_datetime(..., format=...) first"
        )
    if refusal is not None:  # every value is a date, but not all in one format
        raise DataError(f"{refusal}; convert the column with pandas.to_datetime(..., format=...) first")
    return pd.DatetimeIndex(parsed, name=time_col)


def _numeric(column, name):
    if pd.api.types.is_bool_dtype(column):
        raise DataError(f"column {name!r} holds true/false values; pass numbers, or leave it out with value_cols=")
    if pd.api.types.is_complex_dtype(column):
        raise DataError(f"column {name!r} holds complex numbers; pass real numbers, or leave it out with value_cols=")
    numeric = pd.to_numeric(column, errors="coerce")
    bad = (numeric.isna() & column.notna()).to_numpy()
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"column {name!r} has the non-numeric value {column.iloc[position]!r} in row {column.index[position]}; "
            "fix it, or leave the column out with value_cols="
        )
    dtype = np.float32 if numeric.dtype == np.float32 else np.float64  # float32 stays: large data
    return numeric.to_numpy(dtype=dtype)
