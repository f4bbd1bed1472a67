"""Read a CSV of time series into a validated frame with a regular DatetimeIndex.

pandas and numpy only: nothing here imports torch, so the command line can load
and check a file before paying for the deep-learning import.
"""

from __future__ import annotations

import csv
import re
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from .calendar import ObservedCalendar
from .dates import integer_dates_or_none, is_time_of_day, looks_like_dates, parse_date_column, parse_times_of_day
from .errors import DataError
from .numbers import holds_numbers, is_number_text, parse_number_column
from .textfile import open_csv_text

# Column names taken as the date column without looking at the values (lower case).
DATE_COLUMN_NAMES = ("ds", "date", "datetime", "timestamp", "time", "period", "month", "week", "day", "year")
FILL_POLICIES = ("interpolate", "ffill")
# Words in the name of a column of whole numbers that may hold epoch times or yyyymmdd dates.
_DATE_NAME_WORDS = ("date", "time", "epoch", "unix", "datum", "zeit", "fecha")
_WEEK = pd.Timedelta(weeks=1)
_OBSERVED_ADVICE = (
    "the rows of column {name!r} follow a weekly calendar ({calendar}): pass freq='observed' (--freq observed) "
    "to take them as consecutive observed steps, with forecasts on the same calendar"
)
# How many leading values are parsed to decide whether a column holds dates.
_DATE_SNIFF_ROWS = 20
# Files larger than this are parsed by pyarrow, when it is installed.
_LARGE_FILE_BYTES = 64 * 1024 * 1024
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
    fill : {None, "interpolate", "ffill"}
        What to do with missing values and missing timestamps. ``None`` (the
        default) refuses them with a `DataError` that says where they are;
        ``"interpolate"`` fills linearly in time, ``"ffill"`` repeats the last
        value. Leading gaps take the first observed value in both cases.
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

    Returns
    -------
    pandas.DataFrame
        Shape ``(T, C)``, one float column per target. The index is a
        `DatetimeIndex` whose ``freq`` is set (or a MultiIndex with ``id_col``),
        in microseconds unless the data holds nanoseconds. With
        ``freq="observed"`` the index has no ``freq`` and ``attrs["calendar"]``
        holds the `forecast.calendar.ObservedCalendar`.

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
    data. Column names are stripped of spaces.

    Numbers are read as spreadsheets and accounting systems write them (see
    `forecast.numbers`): decimal commas, thousands separators, currency
    symbols, percentages (``12.5%`` is 12.5), and negatives in parentheses or
    with a trailing minus, with one decimal mark for the whole column. An
    empty cell and the usual spellings of a missing value (``NA``, ``n/a``,
    ``-``, ``null``, ``#N/A``, ``NaN``, ``#DIV/0!``) are missing values; in
    the id column only an empty cell is. Rows of empty cells are dropped. A
    column without a name in the header (the index column of pandas'
    ``to_csv``) is not a target. A header that names a column twice, a first
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
    (refused or filled), and `forecast.calendar.future_timestamps` puts
    future steps on the same slots, never at night or at weekends.

    Examples
    --------
    >>> frame = read_csv("datasets/airline.csv")
    >>> frame.shape, frame.index.freqstr
    ((144, 1), 'MS')
    """
    path = Path(path)
    if fill not in (None, *FILL_POLICIES):
        raise DataError(f"fill={fill!r} is not a fill policy; use None, 'interpolate' or 'ffill'")
    raw, separator = _read_table(path, encoding, id_col)
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
    target_names = _select_targets(raw, path, [date_col, *excluded], targets)
    if dtype not in ("float64", "float32"):
        raise DataError(f"dtype={dtype!r} is not supported; use 'float64' or 'float32'")
    values = {name: _to_float(raw[name], path, name, separator).astype(dtype, copy=False) for name in target_names}
    frame = pd.DataFrame(values, index=_timestamp_index(timestamps, date_col))
    freq = _calendar_or_frequency(freq, frame.index, path)
    if id_col is None:
        used = [date_col, time_col, *target_names]
        frame = _regularise(frame, path, freq, fill, series_label="", series_hint=_series_column_hint(raw, used))
    else:
        ids = _series_ids(raw[id_col], path, id_col)
        frame = _regularise_each_series(frame, ids, id_col, path, freq, fill)
    if isinstance(freq, ObservedCalendar):
        frame.attrs["calendar"] = freq
    return frame


def infer_frequency(index):
    """Infer the frequency alias of a DatetimeIndex that may have gaps, or None.

    pandas' `infer_freq` needs a gap-free index; when it gives up, runs of three
    timestamps vote, then the most common step between timestamps, and of the
    candidates whose grid holds every timestamp the one with the fewest grid
    points wins (weekdays with a holiday missing are business days ``"B"``,
    not days with every weekend missing). None when that grid would be more
    than half empty: such rows follow no regular frequency.
    """
    freq, grid = _tightest_grid(index)
    return freq if freq is not None and len(grid) <= 2 * len(index) else None


def _tightest_grid(index):
    """The candidate frequency whose grid holds every timestamp with the fewest points, and that grid."""
    index = pd.DatetimeIndex(index)
    if len(index) < 2:
        return None, None
    if len(index) >= 3 and (freq := _infer_freq_or_none(index)) is not None:
        return freq, index
    starts = np.unique(np.linspace(0, len(index) - 3, num=max(min(len(index) - 2, 200), 0)).astype(int))
    votes = Counter(_infer_freq_or_none(index[start : start + 3]) for start in starts)
    votes.pop(None, None)
    step = pd.Series(index[1:] - index[:-1]).mode().iloc[0]  # most common step, a Timedelta
    candidates = [freq for freq, _ in votes.most_common()]
    candidates.append(_infer_freq_or_none(pd.DatetimeIndex([index[0], index[0] + step, index[0] + 2 * step])))
    fitting = []
    for candidate in dict.fromkeys(filter(None, candidates)):
        grid = pd.date_range(index[0], index[-1], freq=candidate)
        if index.isin(grid).all():
            fitting.append((len(grid), candidate, grid))
    if not fitting:
        return None, None
    _, freq, grid = min(fitting, key=lambda fit: fit[0])  # the first of the tightest, in order of votes
    return freq, grid


def _infer_freq_or_none(index):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3 announces that infer_freq will return offsets
        try:
            freq = pd.infer_freq(index)
        except (TypeError, ValueError):
            return None
    return None if freq is None else pd.tseries.frequencies.to_offset(freq).freqstr


def csv_columns(path, encoding=None):
    """The column names in the header line of the CSV file at ``path``, stripped; reads only that line.

    Raises
    ------
    DataError
        No such file, or not a text file.
    """
    text = _open_text(Path(path), encoding)
    return _header_names(text.first_line, _delimiter(text.first_line))


def require_columns(path, columns, role, encoding=None):
    """The header's column names (as `csv_columns`), refusing a file that lacks one of ``columns`` before reading it.

    ``role`` says what those columns are for, as the message tells it: "which
    the model reads", say.

    Raises
    ------
    DataError
        A column is missing (the first one is named, beside those there are).
    """
    present = csv_columns(path, encoding)
    missing = [name for name in columns if name not in present]
    if missing:
        raise DataError(
            f"{path}: no column {missing[0]!r}, {role}; available columns: {_names(present)}; add it to the file"
        )
    return present


def _open_text(path, encoding):
    """`open_csv_text` of an existing file; a missing path or a folder is a `DataError`."""
    if not path.exists():
        raise DataError(f"{path}: no such file; check the path")
    if not path.is_file():
        raise DataError(f"{path}: not a file; pass the path of a CSV file")
    return open_csv_text(path, encoding)


def _read_table(path, encoding, id_col):
    """The file's cells and its field separator.

    Cells are numbers where a whole column is plain numbers, else text; only
    an empty cell is missing (``NA`` may be a series id). Rows of empty cells,
    which spreadsheets leave after the data, are dropped.
    """
    text = _open_text(path, encoding)
    separator = _delimiter(text.first_line)
    header = _header_names(text.first_line, separator)
    _refuse_repeated_names(header, path)
    options = {
        "sep": separator,
        "encoding": text.encoding,
        "compression": text.compression,
        "keep_default_na": False,
        "na_values": [""],
    }
    large = text.source is path and path.stat().st_size > _LARGE_FILE_BYTES and _has_pyarrow()
    raw = _read_fast(path, options, id_col) if large else None
    if raw is None:
        # index_col=False: a row with an extra field is an error, never a silent index.
        ids_as_text = {header.index(id_col): str} if id_col in header else {}
        raw = _parse(text.source, path, header, index_col=False, skipinitialspace=True, dtype=ids_as_text, **options)
    raw = _without_empty_rows(raw)
    if raw.empty:
        raise DataError(f"{path}: the file has a header but no data rows; add one row per timestamp")
    # " date , value " names the columns date and value, whichever parser read it.
    raw.columns = [str(name).strip() for name in raw.columns]
    _refuse_a_header_of_values(raw.columns, path, separator)
    return raw, separator


def _read_fast(path, options, id_col):
    """The table as pyarrow parses it, or None where pyarrow refuses it (trailing separators, say).

    pyarrow turns series ids such as 007 into numbers and UTC offsets into UTC;
    such columns are read again, as text.
    """
    try:
        raw = pd.read_csv(path, engine="pyarrow", **options)  # given dtype=, pandas mistypes columns with gaps
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    again = [
        name
        for name in raw.columns
        if (str(name).strip() == id_col and not pd.api.types.is_string_dtype(raw[name]))
        or isinstance(raw[name].dtype, pd.DatetimeTZDtype)
    ]
    if again:
        raw[again] = pd.read_csv(path, engine="pyarrow", usecols=again, dtype=str, **options)
    return raw


def _without_empty_rows(raw):
    """``raw`` without the rows whose every cell is empty or blank."""
    empty = raw.isna().to_numpy().copy()
    for position, name in enumerate(raw.columns):
        if pd.api.types.is_string_dtype(raw[name]) or pd.api.types.is_object_dtype(raw[name]):
            empty[:, position] |= raw[name].astype(str).str.strip().eq("").to_numpy()
    return raw[~empty.all(axis=1)].reset_index(drop=True)


def _parse(source, path, header, **options):
    """`pandas.read_csv` of ``source`` with its C parser, its failures turned into `DataError`."""
    try:
        with warnings.catch_warnings():
            # With index_col=False, pandas drops the extra fields of a row with a warning.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(source, **options)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: the file is empty; expected a header row, then one row per timestamp") from None
    except pd.errors.ParserWarning:
        title = f"; if {header[0]!r} is a title, remove the lines above the header" if len(header) == 1 else ""
        raise DataError(
            f"{path}: a row has more fields than the {len(header)} of the header; quote the values that hold "
            f"the separator {options['sep']!r}, or name every column in the header{title}"
        ) from None
    except pd.errors.ParserError as error:
        detail = str(error).strip().splitlines()[-1].removeprefix("Error tokenizing data. C error: ")
        raise DataError(
            f"{path}: not a well-formed CSV ({detail}); every row needs as many fields as the header"
        ) from None


def _header_names(first_line, separator):
    """The column names of a header line, stripped, as the file writes them (pandas renames repeats)."""
    return [name.strip() for name in next(csv.reader([first_line], delimiter=separator), [])]


def _refuse_repeated_names(header, path):
    repeated = [name for name, count in Counter(header).items() if name and count > 1]
    if repeated:
        positions = [str(position + 1) for position, name in enumerate(header) if name == repeated[0]]
        raise DataError(
            f"{path}: the header names {len(positions)} columns {repeated[0]!r} (columns {', '.join(positions)}); "
            "give each column a name of its own"
        )


def _refuse_a_header_of_values(names, path, separator):
    """Refuse a first line of values (a file without a header), which would silently lose the first row."""
    names = pd.Series(names)
    if (is_number_text(names) | names.map(lambda name: looks_like_dates(pd.Series([name])))).all():
        values = ["value"] if len(names) == 2 else [f"value{position}" for position in range(1, len(names))]
        example = separator.join(["date", *values])
        raise DataError(
            f"{path}: the first line ({separator.join(names)}) holds values, not column names; "
            f"add a header line that names each column, such as {example}"
        )


def _has_pyarrow():
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _delimiter(header):
    """The field separator: a comma, unless the header line has none but has a semicolon, tab or bar."""
    if "," in header:
        return ","
    return next((sep for sep in (";", "\t", "|") if sep in header), ",")


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
            return f"; if the rows belong to several series named in column {name!r}, pass id_col={name!r} (--id-col)"
    return ""


def _series_ids(column, path, name):
    ids = column.astype(str).str.strip()
    missing = column.isna().to_numpy() | (ids == "").to_numpy()
    if missing.any():
        row = int(np.flatnonzero(missing)[0]) + 1
        raise DataError(
            f"{path}: column {name!r} has no series id in data row {row}; fill it in or remove the row "
            "(every row must say which series it belongs to)"
        )
    return ids.to_numpy()


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


def _calendar_or_frequency(freq, index, path):
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


def _regularise(frame, path, freq, fill, series_label, series_hint=""):
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
        freq, _ = _tightest_grid(frame.index)
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
        own_freq, own_grid = _tightest_grid(index)
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


def _regularise_each_series(frame, ids, id_col, path, freq, fill):
    pieces = {}
    for series_id, rows in pd.Series(np.arange(len(ids))).groupby(ids, sort=False):
        pieces[series_id] = _regularise(frame.iloc[rows.to_numpy()], path, freq, fill, f" (series {series_id!r})")
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


def _names(columns):
    return ", ".join(repr(str(name)) for name in columns)


# Seasonal period of the common pandas frequencies, in steps of that frequency.
_SEASON_LENGTHS = {"s": 60, "min": 60, "h": 24, "D": 7, "B": 5, "W": 52, "SM": 24, "M": 12, "Q": 4, "Y": 1}
# Data at steps under an hour takes a day as its season when a day holds at most this many steps (minutes).
_MAX_STEPS_PER_DAY = 1440


def season_length_for(freq):
    """The usual seasonal period for a frequency alias: 24 for hourly, 7 daily, 12 monthly, 4 quarterly.

    Steps under an hour that divide a day take the day (``"30min"`` gives
    48, ``"5min"`` 288, ``"min"`` 1440): sub-hourly series of demand, traffic
    or visits repeat daily, rarely hourly. Seconds take the minute. Other
    multiples divide the period when they can (``"2h"`` gives 12); anything
    else, yearly data included, gives 1, which makes a seasonal naive forecast
    a plain naive one. An `ObservedCalendar` gives its slots in one observed
    day (or in a week, when its days differ).

    >>> season_length_for("MS"), season_length_for("h"), season_length_for("30min"), season_length_for("YS-JAN")
    (12, 24, 48, 1)
    """
    if freq is None:
        return 1
    if isinstance(freq, ObservedCalendar):
        return freq.season_length
    offset = pd.tseries.frequencies.to_offset(freq)
    if offset.rule_code == "min":
        steps_per_day, remainder = divmod(24 * 60, offset.n)
        if remainder == 0 and steps_per_day <= _MAX_STEPS_PER_DAY:
            return steps_per_day
    base = offset.rule_code.split("-")[0]
    if base not in _SEASON_LENGTHS and base[:-1] in _SEASON_LENGTHS and base[-1] in "SE":
        base = base[:-1]  # "MS", "ME", "QS", "YE", "BMS"... name their period by its start or end
    period = _SEASON_LENGTHS.get(base, 1)
    return period // offset.n if offset.n > 0 and period % offset.n == 0 else 1
