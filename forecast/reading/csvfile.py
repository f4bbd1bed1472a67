"""Read a CSV of time series into a validated frame with a regular DatetimeIndex.

pandas and numpy only: nothing here imports torch, so the command line can load
and check a file before paying for the deep-learning import.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .calendar import ObservedCalendar
from .dates import integer_dates_or_none, is_time_of_day, looks_like_dates, parse_date_column, parse_times_of_day
from .numbers import holds_numbers, is_number_text, parse_number_column
from .regular import FILL_POLICIES, FILL_WARNING_SHARE, calendar_or_frequency, regularise, regularise_each_series
from .resample import check_resample, positive_frequency, resample_rows
from .styles import date_style
from .table import csv_columns, read_table

# Column names taken as the date column without looking at the values (lower case).
DATE_COLUMN_NAMES = ("ds", "date", "datetime", "timestamp", "time", "period", "month", "week", "day", "year")
# Words in the name of a column of whole numbers that may hold epoch times or yyyymmdd dates.
_DATE_NAME_WORDS = ("date", "time", "epoch", "unix", "datum", "zeit", "fecha")
_WEEK = pd.Timedelta(weeks=1)
# How many leading values are parsed to decide whether a column holds dates.
_DATE_SNIFF_ROWS = 20
# pandas' name for a column whose header cell is empty, such as the index column of `DataFrame.to_csv`.
_UNNAMED = re.compile(r"Unnamed: \d+")
# The name of a column that may name series: "id", "unique_id", "store_id", "SensorID".
_ID_NAME = re.compile(r"(?:^|[^A-Za-z])[Ii][Dd]$|ID$")


def read_csv(
    path,
    *,
    date_col=None,
    targets=None,
    freq=None,
    fill=None,
    id_col=None,
    dtype="float64",
    date_format=None,
    encoding=None,
    resample=None,
    agg=None,
):
    """Read a time-series CSV into a float frame indexed by sorted, unique timestamps.

    Parameters
    ----------
    path : str or path-like
        A CSV file with a header row, a date column and numeric columns;
        gzip, bz2, xz or zip compressed or not (told by the file's first bytes).
    date_col : str, optional
        The date column. By default the first column named like a date
        (``date``, ``ds``, ``timestamp``, ...), else the first non-numeric
        column whose values parse as dates, else a column of whole numbers
        named like a date or time (``unix_time``) that holds epoch times.
    targets : str or list of str, optional
        Columns to forecast. By default every numeric column but the date (and id).
    freq : str, optional
        A pandas frequency alias (``"h"``, ``"D"``, ``"B"``, ``"MS"``...), or
        ``"observed"`` (see Notes). By default it is inferred from the dates,
        gaps allowed. A calendar from ``attrs["calendar"]`` (or its ``to_dict()``)
        reads new rows on that calendar.
    fill : {None, "interpolate", "ffill", "zero"}
        What to do with missing values and missing timestamps. ``None`` (the
        default) refuses them with a `DataError` that says where they are;
        ``"interpolate"`` fills linearly in time, ``"ffill"`` repeats the last
        value, ``"zero"`` writes 0 (a shop closed that day sold nothing).
        Leading gaps take the first observed value with interpolate and ffill.
        What was filled is in ``attrs["filled"]``, and a series with more than
        10% of its values filled is warned about (see Notes).
    id_col : str, optional
        Long format: the column naming the series (``unique_id`` by convention).
        The result is then indexed by an ``(id, timestamp)`` MultiIndex and every
        series is validated on its own; all must share one frequency. A row
        without an id is refused.
    dtype : {"float64", "float32"}
        The value columns' type; float32 halves the memory of large files.
        Files over 64 MiB are parsed with pandas' pyarrow engine when pyarrow
        is installed.
    date_format : str, optional
        A strftime format every date must match (``"%d/%m/%Y"``). By default
        one format is chosen for the whole column (see Notes).
    encoding : str, optional
        The text encoding. By default a byte-order mark decides (UTF-8,
        UTF-16 LE or BE), else UTF-8, else cp1252 (Windows' Western European
        code page, which reads Latin-1 text too).
    resample : str, optional
        A pandas frequency (``"h"``, ``"D"``, ``"W"``, ``"MS"``) to which the
        rows are summarised before anything else, with ``agg``: an event log
        (one row per order) becomes a regular series of totals. Repeated
        timestamps are then events, not errors. Excludes ``freq``.
    agg : {"sum", "mean", "last", "min", "max", "count"}
        How the rows of one step become its value, with ``resample``. A step
        without rows is 0 for ``"sum"`` and ``"count"`` and missing otherwise
        (``fill`` decides).

    Returns
    -------
    pandas.DataFrame
        Shape ``(T, C)``, one float column per target. The index is a
        `DatetimeIndex` whose ``freq`` is set (or a MultiIndex with ``id_col``),
        in microseconds unless the data holds nanoseconds. With
        ``freq="observed"`` the index has no ``freq`` and ``attrs["calendar"]``
        holds the `forecast.reading.calendar.ObservedCalendar`.

    Raises
    ------
    DataError
        The message names the file and the column and says how to fix it.

    Notes
    -----
    Dates are parsed by one rule for the whole column, never row by row:
    ``dd/mm/yyyy`` against ``mm/dd/yyyy`` is settled by any first field over
    12 (day-first) or second field over 12 (month-first); a column where
    neither happens and the two readings differ is refused, naming both, until
    ``date_format`` settles it. Whole numbers are years (1000 to 9999),
    ``yyyymm`` months, ``yyyymmdd`` dates, ``yyyymmddhh[mm[ss]]`` times, or
    epoch seconds or milliseconds (1973 to 2128); ``2020Q1``, ``2020 Q1`` and
    ``Q1 2020`` are quarters, ``Jan 2020`` and ``Jan-20`` months, and
    ``2020-W05``/``2020-W05-1`` ISO weeks, all read as their first day. A
    time of day without a date, or a date without a year (``March``,
    ``18-Jan``), is refused rather than given a made-up date; a column of
    times of day beside a date column whose dates repeat gives each date its
    time. Lines starting with ``#`` are comments; a ``#`` inside a value is
    data. Column names are stripped of spaces, and so are the names given to
    ``date_col``, ``targets`` and ``id_col``: ``" sales "`` and ``"sales"``
    both name the column whose header reads `` sales ``.

    ``attrs["filled"]`` maps each series whose gaps were filled (the key
    None for a file of one series, else the series id) to a dict of the
    ``values`` filled, their ``share`` of its values, the ``longest_gap`` in
    steps and its first timestamp ``gap_start``; a `UserWarning` names the
    series more than `forecast.reading.regular.FILL_WARNING_SHARE` (10%)
    filled. In a long file, rows of a series before its first value and
    after its last (every target empty: a series that starts late) are
    trimmed, never filled; ``attrs["trimmed"]`` maps each such series id to
    ``(rows before, rows after)``.

    Numbers are read as spreadsheets and accounting systems write them (see
    `forecast.reading.numbers`): decimal commas, thousands separators, currency
    symbols, percentages (``12.5%`` is 12.5), and negatives in parentheses or
    with a trailing minus, with one decimal mark for the whole column. An
    empty cell and the usual spellings of a missing value (``NA``, ``n/a``,
    ``-``, ``null``, ``#N/A``, ``NaN``, ``#DIV/0!``) are missing values; in
    the id column only an empty cell is. Rows of empty cells are dropped. A
    column without a name in the header is refused when it holds values,
    since it cannot be named as a target, unless it is the first column and
    holds the dates or row numbers (the index column of pandas' ``to_csv``);
    a column without a name or values (a trailing separator) is ignored. A header that names a column twice, a first
    line of values (no header), and values whose difference overflows
    float64 are refused.

    Rows are put on a regular grid. Of the frequencies that hold every
    timestamp, the one with the fewest steps is taken, so weekdays are
    business days (``"B"``) and a missing holiday is a missing business day.
    ``fill`` is advised only for a grid the rows follow. A grid is not
    followed when more than half its steps have no row, or when the rows
    fall on a weekly calendar (business hours on weekdays, say) that
    explains most of the absent steps; such a grid is refused, pointing to
    ``freq="observed"`` for a calendar, even with ``fill`` when the frequency
    was inferred (an explicit ``freq`` with ``fill`` fills every step).
    With ``freq="observed"`` the rows are consecutive steps: the calendar of
    (weekday, time of day) slots seen is learned from at least a week of
    rows, a step absent from a slot seen elsewhere is a missing value
    (refused or filled), and `forecast.reading.calendar.future_timestamps` puts
    future steps on the same slots, never at night or at weekends.

    Examples
    --------
    >>> frame = read_csv("datasets/airline.csv")
    >>> frame.shape, frame.index.freqstr
    ((144, 1), 'MS')
    """
    path = Path(path)
    # Names are matched as the header's are read, stripped: " sales " and "sales" name one column.
    date_col, id_col = _column_name(date_col), _column_name(id_col)
    if targets is not None:
        targets = [_column_name(name) for name in ([targets] if isinstance(targets, str) else targets)]
    if fill not in (None, *FILL_POLICIES):
        raise DataError(f"fill={fill!r} is not a fill policy; use None, 'interpolate', 'ffill' or 'zero'")
    if isinstance(freq, str) and freq != "observed":
        positive_frequency(freq, "freq", "--freq")
    resample = check_resample(resample, agg, freq)
    raw, separator = read_table(path, encoding, id_col)
    if id_col is not None and id_col not in raw.columns:
        raise DataError(
            f"{path}: no id column {id_col!r}; available columns: {_names(raw.columns)}; "
            "name one of them with id_col= (--id-col)"
        )
    excluded = [] if id_col is None else [id_col]
    date_col = date_col if date_col is not None else _detect_date_column(raw, path, excluded)
    if date_col not in raw.columns:
        raise DataError(
            f"{path}: no date column {date_col!r}; available columns: {_names(raw.columns)}; "
            "name one of them with date_col= (--date-col)"
        )
    timestamps = parse_date_column(raw[date_col], f"{path}: column {date_col!r}", date_format)
    # Loggers and ERP exports often write the date and the time of day in columns of their own.
    time_col = _time_of_day_column(raw, [date_col, *excluded]) if _repeated_days(timestamps) else None
    if time_col is not None:
        timestamps = timestamps + parse_times_of_day(raw[time_col], f"{path}: column {time_col!r}")
    if targets is None:
        _refuse_unnamed_values(raw, path, date_col)
    target_names = _select_targets(raw, path, [date_col, *excluded], targets)
    if dtype not in ("float64", "float32"):
        raise DataError(f"dtype={dtype!r} is not supported; use 'float64' or 'float32'")
    values = {name: _to_float(raw[name], path, name, separator).astype(dtype, copy=False) for name in target_names}
    frame = pd.DataFrame(values, index=_timestamp_index(timestamps, date_col))
    freq = calendar_or_frequency(freq, frame.index, path)
    if resample is not None:
        freq = resample
    if id_col is None:
        used = [date_col, time_col, *target_names]
        if resample is not None:
            frame = resample_rows(frame, resample, agg)
        frame = regularise(frame, path, freq, fill, series_label="", series_hint=_series_column_hint(raw, used))
        frame.attrs = {"filled": {None: frame.attrs["filled"]}} if "filled" in frame.attrs else {}
    else:
        ids = _series_ids(raw[id_col], path, id_col)
        by_step = None if resample is None else (lambda rows, label: resample_rows(rows, resample, agg))
        frame = regularise_each_series(frame, ids, id_col, path, freq, fill, resample=by_step)
    _warn_of_filled_series(frame.attrs.get("filled", {}), path)
    if isinstance(freq, ObservedCalendar):
        frame.attrs["calendar"] = freq
    style = date_style(raw[date_col])
    if style is not None:
        frame.attrs["date_style"] = style
    return frame


def _warn_of_filled_series(filled, path):
    """Warn of the series more than `FILL_WARNING_SHARE` filled: their forecasts rest on values made up."""
    heavy = {series_id: record for series_id, record in filled.items() if record["share"] > FILL_WARNING_SHARE}
    if not heavy:
        return
    series_id, record = next(iter(heavy.items()))
    which = "" if series_id is None else f"series {series_id!r}: "
    others = f" ({len(heavy)} series are over {FILL_WARNING_SHARE:.0%})" if len(heavy) > 1 else ""
    warnings.warn(
        f"{path}: {which}{record['share']:.0%} of the values were missing and are filled, the longest gap "
        f"{record['longest_gap']} step(s) from {record['gap_start']}{others}; forecasts rest on those made-up "
        "values: check the gaps, or shorten the data to after them",
        stacklevel=2,
    )


def require_columns(path, columns, role, encoding=None, fix="add it to the file"):
    """The header's column names (as `csv_columns`), refusing a file that lacks one of ``columns`` before reading it.

    ``role`` says what those columns are for, as the message tells it: "which
    the model reads", say; ``fix`` what to do about a missing one.

    Raises
    ------
    DataError
        A column is missing (the first one is named, beside those there are).
    """
    present = csv_columns(path, encoding)
    missing = [name for name in columns if _column_name(name) not in present]
    if missing:
        raise DataError(f"{path}: no column {missing[0]!r}, {role}; available columns: {_names(present)}; {fix}")
    return present


def _column_name(name):
    """A column name as given by the caller, stripped of spaces as the header's names are; None stays None."""
    return name.strip() if isinstance(name, str) else name


def _refuse_unnamed_values(raw, path, date_col):
    """Refuse a column with values but no name in the header, which would otherwise be left out unseen.

    The first column may lack a name where it is the index that pandas' ``to_csv`` writes: the dates
    (then the date column) or row numbers (whole numbers, each once), which are no data.
    """
    for position, name in enumerate(raw.columns):
        column = raw[name]
        if not _UNNAMED.fullmatch(name) or name == date_col or column.isna().all():
            continue
        if position == 0 and pd.api.types.is_integer_dtype(column) and column.is_unique:
            continue
        first = str(column.dropna().iloc[0])
        raise DataError(
            f"{path}: column {position + 1} has no name in the header but holds values ({first!r} first); "
            "name it in the header line, or remove the column from the file"
        )


def _detect_date_column(raw, path, excluded):
    candidates = [name for name in raw.columns if name not in excluded]
    named = [name for name in candidates if str(name).strip().lower() in DATE_COLUMN_NAMES]
    # A "time" column of times of day goes with a "date" column; alone, it is refused by parse_date_column.
    dated = [name for name in named if not is_time_of_day(raw[name])]
    if named:
        return (dated or named)[0]
    for name in candidates:
        column = raw[name]
        if pd.api.types.is_numeric_dtype(column):
            continue
        sample = column.dropna().head(_DATE_SNIFF_ROWS)
        if len(sample) and not is_number_text(sample).all() and looks_like_dates(sample):
            return name
    for name in candidates:
        # Whole numbers are dates only under a date-like name: epoch times, yyyymmdd.
        column = raw[name]
        named_like_a_date = any(word in str(name).lower() for word in _DATE_NAME_WORDS)
        if named_like_a_date and pd.api.types.is_integer_dtype(column) and integer_dates_or_none(column) is not None:
            return name
    raise DataError(
        f"{path}: no date column found among {_names(raw.columns)}; "
        "name it with date_col= (--date-col on the command line)"
    )


def _timestamp_index(timestamps, name):
    """Microseconds (years 1 to 9999) whatever the parser, nanoseconds only when the data has them."""
    index = pd.DatetimeIndex(timestamps, name=name)
    needs_nanoseconds = index.unit == "ns" and bool((index.asi8 % 1000 != 0).any())
    return index.as_unit("ns" if needs_nanoseconds else "us")


def _repeated_days(timestamps):
    """Whether ``timestamps`` are dates without a time (midnights) that repeat: their times are elsewhere."""
    return timestamps.has_duplicates and bool((timestamps == timestamps.normalize()).all())


def _time_of_day_column(raw, excluded):
    """The one column, besides ``excluded``, that holds only times of day (``13:45``), or None."""
    times = [name for name in raw.columns if name not in excluded and is_time_of_day(raw[name])]
    return times[0] if len(times) == 1 else None


def _series_column_hint(raw, used):
    """For repeated timestamps: a column whose repeated values may name series, as advice, or ``""``.

    A text column, or a column of numbers named like an id (``store_id``, ``SensorID``).
    """
    for name in raw.columns:
        column = raw[name]
        named_like_an_id = bool(_ID_NAME.search(name))
        if _UNNAMED.fullmatch(name) or (name in used and not named_like_an_id):
            continue
        if (named_like_an_id or not pd.api.types.is_numeric_dtype(column)) and column.nunique() < len(column):
            return (
                f"; if the rows belong to several series named in column {name!r}, read and fit them with "
                f"id_col={name!r} (--id-col of fit, compare and backtest)"
            )
    return ""


def _series_ids(column, path, name):
    """The ids as stripped text, an object array; each distinct id is stripped once."""
    codes, distinct = pd.factorize(column)  # -1 where missing
    stripped = pd.Series(distinct).astype(str).str.strip().to_numpy(dtype=object)
    ids = np.append(stripped, "")[codes]
    missing = ids == ""
    if missing.any():
        row = int(np.flatnonzero(missing)[0]) + 1
        raise DataError(
            f"{path}: column {name!r} has no series id in data row {row}; fill it in or remove the row "
            "(every row must say which series it belongs to)"
        )
    return ids


def _select_targets(raw, path, excluded, targets):
    if targets is not None:
        targets = [targets] if isinstance(targets, str) else list(targets)
        if not targets:
            raise DataError(f"{path}: no target columns given; name at least one numeric column")
        for name in targets:
            if name not in raw.columns:
                raise DataError(
                    f"{path}: no column {name!r}; available columns: {_names(raw.columns)}; "
                    "name targets among them (--target), or add the column to the file"
                )
            if name in excluded:
                raise DataError(f"{path}: column {name!r} is the date or id column and cannot be a target")
        return targets
    # A column with at least one number is a target (and must then be all numbers); a column with
    # no number at all (labels, notes) is left out, as is one without a name (a row number).
    chosen = [
        name
        for name in raw.columns
        if name not in excluded and not _UNNAMED.fullmatch(name) and _has_numbers(raw[name])
    ]
    if not chosen:
        filled = [name for name in raw.columns if name not in excluded and raw[name].notna().any()]
        example = f" (column {filled[0]!r} holds {raw[filled[0]].dropna().iloc[0]!r})" if filled else ""
        raise DataError(
            f"{path}: no numeric column besides {_names(excluded)}{example}; add a column of numbers "
            "with a name in the header"
        )
    return chosen


def _has_numbers(column):
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return bool(column.notna().any())
    return holds_numbers(column)


def _to_float(column, path, name, separator):
    if pd.api.types.is_bool_dtype(column):
        raise DataError(f"{path}: column {name!r} holds true/false values; forecast needs numbers")
    if pd.api.types.is_numeric_dtype(column):
        values = column.to_numpy(dtype=np.float64)
    else:
        values = parse_number_column(column, f"{path}: column {name!r}", separator)
    if np.isinf(values).any():
        row = int(np.flatnonzero(np.isinf(values))[0])
        raise DataError(f"{path}: column {name!r} has an infinite value in data row {row + 1}; fix or remove it")
    with np.errstate(over="ignore"):
        span = np.nanmax(values) - np.nanmin(values) if not np.isnan(values).all() else 0.0
    if not np.isfinite(span):
        raise DataError(
            f"{path}: column {name!r} has values too far apart to compute with ({np.nanmin(values):g} to "
            f"{np.nanmax(values):g}: their difference overflows float64); divide the column by a power of ten"
        )
    return values


def _names(columns):
    return ", ".join(repr(str(name)) for name in columns)
