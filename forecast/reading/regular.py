"""Rows on one regular grid: sort, refuse duplicates and off-grid timestamps, fill or refuse the gaps.

`read_csv` calls `regularise` on a one-series file and `regularise_each_series`
on a long file; a grid is a pandas frequency or an `ObservedCalendar` of weekly
slots. pandas only: nothing here imports torch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from .calendar import ObservedCalendar
from .frequency import tightest_grid

FILL_POLICIES = ("interpolate", "ffill")
_WEEK = pd.Timedelta(weeks=1)
_OBSERVED_ADVICE = (
    "the rows of column {name!r} follow a weekly calendar ({calendar}): pass freq='observed' (--freq observed) "
    "to take them as consecutive observed steps, with forecasts on the same calendar"
)


def calendar_or_frequency(freq, index, path):
    """``freq`` as `_regularise` takes it: None, a pandas frequency, or an `ObservedCalendar`."""
    if isinstance(freq, dict):
        return ObservedCalendar.from_dict(freq)
    if not (isinstance(freq, str) and freq == "observed"):
        return freq
    try:
        calendar = ObservedCalendar.infer(index)
    except DataError as error:
        raise DataError(f"{path}: column {index.name!r} cannot be read with freq='observed': {error}") from None
    span = index.max() - index.min() + calendar.step
    if span < _WEEK:
        raise DataError(
            f"{path}: freq='observed' learns the weekly slots the rows fall on, but column {index.name!r} "
            f"spans only {span}; give it at least one full week of rows, or pass a pandas frequency"
        )
    return calendar


def regularise(frame, path, freq, fill, series_label, series_hint=""):
    """Sort, refuse duplicates, put the rows on one regular grid, then fill or refuse gaps."""
    where = f"{path}{series_label}"
    frame = frame.sort_index(kind="stable")
    duplicated = frame.index.duplicated()
    if duplicated.any():
        raise DataError(
            f"{where}: {int(duplicated.sum())} duplicate timestamp(s) in column {frame.index.name!r}, "
            f"first {frame.index[duplicated][0]}; keep one row per timestamp{series_hint}"
        )
    inferred = freq is None
    if inferred:
        freq, _ = tightest_grid(frame.index)
    if freq is None:
        if len(frame) == 1 and not series_label:
            raise DataError(
                f"{where}: one row has no frequency to infer future timestamps from; add rows, "
                "or pass the data's frequency with freq= (--freq)"
            )
        if len(frame) >= 3:
            calendar = _weekly_calendar_or_none(frame.index, len(frame))
            raise DataError(
                f"{where}: cannot infer a regular frequency from column {frame.index.name!r}; "
                + (
                    "pass freq= (--freq), for example 'h', 'D' or 'MS'"
                    if calendar is None
                    else _OBSERVED_ADVICE.format(calendar=calendar, name=frame.index.name)
                )
            )
        return frame
    grid = _grid(frame.index, freq)
    off_grid = ~frame.index.isin(grid)
    if off_grid.any():
        raise DataError(
            f"{where}: timestamp {frame.index[off_grid][0]} is off the {_describe_frequency(freq)} "
            f"that starts at {grid[0]}; fix the date or pass the right freq= (--freq)"
        )
    n_missing_timestamps = len(grid) - len(frame)
    if n_missing_timestamps and not isinstance(freq, ObservedCalendar) and (inferred or fill is None):
        _refuse_a_frequency_the_rows_do_not_follow(frame.index, grid, freq, where)
    first_missing_timestamp = grid[~grid.isin(frame.index)][0] if n_missing_timestamps else None
    frame = frame.reindex(grid)
    missing = frame.isna()
    if missing.to_numpy().any():
        if fill is None:
            column = missing.any().idxmax()
            first = frame.index[missing[column].to_numpy()][0]
            timestamps = f", first {first_missing_timestamp}" if n_missing_timestamps else ""
            raise DataError(
                f"{where}: {int(missing.to_numpy().sum())} missing value(s), first in column {column!r} at {first} "
                f"({n_missing_timestamps} missing timestamp(s) on the {_describe_frequency(freq)}{timestamps}); "
                "pass fill='interpolate' or fill='ffill' (--fill) to fill them, or fix the file"
            )
        frame = _fill(frame, fill)
        empty = frame.columns[frame.isna().any()]
        if len(empty):
            raise DataError(f"{where}: column {empty[0]!r} has no values to fill from; drop it or add values")
    return frame


def _grid(index, freq):
    """Every timestamp from the first to the last of ``index`` at ``freq`` (or on its calendar)."""
    if isinstance(freq, ObservedCalendar):
        return freq.between(index[0], index[-1]).rename(index.name)
    try:
        return pd.date_range(index[0], index[-1], freq=freq, name=index.name)
    except ValueError:
        raise DataError(
            f"freq={freq!r} is not a pandas frequency; use an alias such as 'h', 'D', 'B' or 'MS', or 'observed'"
        ) from None


def _describe_frequency(freq):
    if isinstance(freq, ObservedCalendar):
        return f"weekly calendar ({freq})"
    alias = pd.tseries.frequencies.to_offset(freq).freqstr
    return f"{alias!r} grid" + (" of business days (weekends are not missing)" if alias == "B" else "")


def _refuse_a_frequency_the_rows_do_not_follow(index, grid, freq, where):
    """Refuse a grid the rows do not fill: filling it would make up the rows of nights, weekends or most steps."""
    n_absent = len(grid) - len(index)
    if n_absent > len(index):
        own_freq, own_grid = tightest_grid(index)
        if own_freq is not None and len(own_grid) == len(index):  # monthly rows read at a daily frequency, say
            raise DataError(
                f"{where}: the rows of column {index.name!r} are at frequency {own_freq!r}, not on the "
                f"{_describe_frequency(freq)}; pass data at that frequency, or freq={own_freq!r} (--freq {own_freq})"
            )
    span = f"{n_absent} of the {len(grid)} {_describe_frequency(freq)} steps from {grid[0]} to {grid[-1]} have no row"
    calendar = _weekly_calendar_or_none(index, n_absent)
    if calendar is not None:
        raise DataError(f"{where}: {span}; {_OBSERVED_ADVICE.format(calendar=calendar, name=index.name)}")
    if n_absent > len(index):
        raise DataError(
            f"{where}: the rows of column {index.name!r} do not follow one frequency: {span}; "
            "pass the data's frequency with freq= (--freq)"
        )


def _weekly_calendar_or_none(index, n_absent_from_grid):
    """The weekly calendar of the slots the rows fall on, when it explains the steps absent from a grid.

    It must rest on at least two weeks of rows and miss at most a quarter as
    many steps as the grid does (a quarter of the rows when there is no grid).
    """
    if index[-1] - index[0] < 2 * _WEEK:
        return None
    try:
        calendar = ObservedCalendar.infer(index)
    except DataError:  # rows a week or more apart follow no weekly calendar
        return None
    n_weeks = (index[-1] - index[0]) / _WEEK + 1
    if n_weeks * len(calendar.slots) > 2 * len(index):  # a calendar of scattered slots, mostly empty
        return None
    n_absent_from_calendar = len(calendar.between(index[0], index[-1])) - len(index)
    return calendar if 4 * n_absent_from_calendar <= n_absent_from_grid else None


def _fill(frame, fill):
    if fill == "interpolate":
        return frame.interpolate(method="time", limit_direction="both")
    return frame.ffill().bfill()


def regularise_each_series(frame, ids, id_col, path, freq, fill):
    pieces = {}
    for series_id, rows in pd.Series(np.arange(len(ids))).groupby(ids, sort=False):
        pieces[series_id] = regularise(frame.iloc[rows.to_numpy()], path, freq, fill, f" (series {series_id!r})")
    freqs = {piece.index.freqstr for piece in pieces.values() if piece.index.freq is not None}
    if freq is None and not freqs:  # one row of a series has no step; a panel of them has no future dates
        longest = max(len(piece) for piece in pieces.values())
        raise DataError(
            f"{path}: no series has the rows to infer a frequency from (the longest has {longest} row(s)); "
            "add rows, or pass the data's frequency with freq= (--freq)"
        )
    if len(freqs) > 1:
        raise DataError(
            f"{path}: the series have different frequencies ({', '.join(sorted(freqs))}); "
            "pass freq= (--freq) to put them all on one grid"
        )
    panel = pd.concat(pieces, names=[id_col, frame.index.name])
    return panel
