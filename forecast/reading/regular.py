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

FILL_POLICIES = ("interpolate", "ffill", "zero")
# A series with more than this share of its values filled is warned about: its forecasts rest on made-up rows.
FILL_WARNING_SHARE = 0.1
# Series named in a message about many series; the rest are counted.
_NAMED_SERIES = 5
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
    """Sort, refuse duplicates, put the rows on one regular grid, then fill or refuse gaps.

    What was filled is recorded in ``frame.attrs["filled"]`` (see `fill_record`).
    """
    where = f"{path}{series_label}"
    frame = frame.sort_index(kind="stable")
    duplicated = frame.index.duplicated()
    if duplicated.any():
        raise DataError(
            f"{where}: {int(duplicated.sum())} duplicate timestamp(s) in column {frame.index.name!r}, "
            f"first {frame.index[duplicated][0]}; keep one row per timestamp{_events_hint(frame.index)}{series_hint}"
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
                    "pass freq= (--freq), for example 'h', 'D' or 'MS'" + _events_hint(frame.index)
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
                "pass fill='interpolate', 'ffill' or 'zero' (--fill) to fill them, or fix the file"
            )
        record = fill_record(missing)
        frame = _fill(frame, fill)
        empty = frame.columns[frame.isna().any()]
        if len(empty):
            raise DataError(f"{where}: column {empty[0]!r} has no values to fill from; drop it or add values")
        frame.attrs["filled"] = record
    return frame


def fill_record(missing):
    """What filling the cells marked in ``missing`` (a boolean frame on the grid) makes up.

    A dict: ``values`` filled, their ``share`` of the cells, and the
    ``longest_gap`` in steps (rows with a value missing, one after another)
    with its first timestamp ``gap_start``.
    """
    cells = missing.to_numpy()
    rows = cells.any(axis=1)
    longest, start, run = 0, None, 0
    for position, gap in enumerate(rows):
        run = run + 1 if gap else 0
        if run > longest:
            longest, start = run, missing.index[position - run + 1]
    return {
        "values": int(cells.sum()),
        "share": float(cells.mean()) if cells.size else 0.0,
        "longest_gap": longest,
        "gap_start": start,
    }


def _events_hint(index):
    """Advice for repeated timestamps that look like events (orders, readings at odd times), or ``""``.

    They look like events when the distinct timestamps follow no regular
    frequency, or when they repeat unevenly (rows of several series repeat
    every timestamp as often).
    """
    distinct = index.unique()
    freq, grid = tightest_grid(distinct) if len(distinct) >= 2 else (None, None)
    repeats = index.value_counts()
    if freq is not None and len(grid) <= 2 * len(distinct) and repeats.min() == repeats.max():
        return ""
    step = "h" if len(distinct) and distinct[-1] - distinct[0] < pd.Timedelta(days=60) else "D"
    return (
        f"; if each row is an event (an order, a sale), total them per step with resample={step!r}, agg='sum' "
        f"(--resample {step} --agg sum)"
    )


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
    if fill == "zero":
        return frame.fillna(0.0)
    return frame.ffill().bfill()


def regularise_each_series(frame, ids, id_col, path, freq, fill, resample=None):
    """`regularise` each series of a long file; ``resample`` (a function of one series' rows) goes first.

    Rows before a series' first value and after its last (every target
    empty) are trimmed, never filled, and recorded in ``attrs["trimmed"]``
    (``{series id: (rows before, rows after)}``); ``attrs["filled"]`` holds
    `fill_record` per series id. Every series is checked before a refusal,
    whose message counts the series it concerns and names the first few.
    """
    if resample is None and not isinstance(freq, ObservedCalendar):
        panel = _consecutive_panel_or_none(frame, ids, id_col, path, freq)
        if panel is not None:
            return panel
    pieces, failures, trimmed, filled = {}, {}, {}, {}
    for series_id, rows in pd.Series(np.arange(len(ids))).groupby(ids, sort=False):
        rows = frame.iloc[rows.to_numpy()].sort_index(kind="stable")
        rows, before, after = _trim_empty_ends(rows)
        label = f" (series {series_id!r})"
        if rows.empty:
            failures[series_id] = DataError(f"{path}{label}: no values in any row; add values or remove its rows")
            continue
        if before or after:
            trimmed[series_id] = (before, after)
        try:
            if resample is not None:
                rows = resample(rows, label)
            piece = regularise(rows, path, freq, fill, label)
        except DataError as error:
            failures[series_id] = error
            continue
        if "filled" in piece.attrs:
            filled[series_id] = piece.attrs.pop("filled")
        pieces[series_id] = piece
    if failures:
        _refuse_series(failures, len(pieces) + len(failures))
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
    panel.attrs = {"filled": filled, "trimmed": trimmed}
    return panel


def _consecutive_panel_or_none(frame, ids, id_col, path, freq):
    """The panel `regularise_each_series` makes, in array operations, when every series is a plain run of steps.

    That is: no missing value, and in every series timestamps one fixed step
    apart (one day, one hour), at least a week of them. Such series need no
    trimming, filling or refusal, and each would be regularised to the
    frequency the first series is (checked by regularising it alone), so one
    sort of all rows by (series, timestamp) does the work of a loop over the
    series (10,000 series × 1,000 days: ~1 s instead of ~50 s). Anything else
    gives None, and the loop checks the series one by one.
    """
    values = frame.to_numpy()
    if len(frame) == 0 or np.isnan(values).any():
        return None
    codes, distinct = pd.factorize(ids)  # in order of first appearance, as groupby(sort=False)
    stamps, unit = frame.index.asi8, frame.index.unit  # (n,) int64 in the index's own unit
    order = np.lexsort((stamps, codes))  # by series, then time
    codes, stamps = codes[order], stamps[order]
    same_series = codes[1:] == codes[:-1]
    steps = np.diff(stamps)[same_series]
    counts = np.bincount(codes)
    if len(steps) == 0 or counts.min() < 2 or (steps != steps[0]).any():
        return None
    step = pd.Timedelta(int(steps[0]), unit=unit)
    first_series = order[: counts[0]]
    if step > pd.Timedelta(days=1) or step * (counts.min() - 1) < _WEEK:  # weekly grids and short series: loop
        return None
    try:
        grid = regularise(frame.iloc[first_series], path, freq, None, "").index.freq
    except DataError:
        return None
    if grid is None or pd.Timestamp(0) + grid != pd.Timestamp(0) + step:
        return None
    index = pd.MultiIndex.from_arrays(
        [pd.Index(distinct)[codes], pd.DatetimeIndex(stamps.view(f"datetime64[{unit}]"), name=frame.index.name)],
        names=[id_col, frame.index.name],
    )
    panel = pd.DataFrame(values[order], index=index, columns=frame.columns)
    panel.attrs = {"filled": {}, "trimmed": {}}
    return panel


def _trim_empty_ends(rows):
    """``rows`` without the rows before its first value and after its last, and how many each were."""
    has_value = rows.notna().any(axis=1).to_numpy()
    if not has_value.any():
        return rows.iloc[:0], len(rows), 0
    first = int(np.argmax(has_value))
    last = len(has_value) - int(np.argmax(has_value[::-1]))
    return rows.iloc[first:last], first, len(rows) - last


def _refuse_series(failures, n_series):
    """One `DataError` for the series that failed: the first one's message, then how many and which others."""
    ids = list(failures)
    message = str(failures[ids[0]])
    if len(ids) > 1:
        others = ", ".join(map(repr, ids[1:_NAMED_SERIES]))
        more = f" and {len(ids) - _NAMED_SERIES} more" if len(ids) > _NAMED_SERIES else ""
        message += f" ({len(ids)} of {n_series} series are refused: this one, {others}{more})"
    raise DataError(message)
