"""Read a CSV of time series into a validated frame with a regular DatetimeIndex.

pandas and numpy only: nothing here imports torch, so the command line can load
and check a file before paying for the deep-learning import.
"""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError

# Column names taken as the date column without looking at the values (lower case).
DATE_COLUMN_NAMES = ("ds", "date", "datetime", "timestamp", "time", "period", "month", "week", "day", "year")
FILL_POLICIES = ("interpolate", "ffill")
# How many leading values are parsed to decide whether a column holds dates.
_DATE_SNIFF_ROWS = 20
# Files larger than this are parsed by pyarrow, when it is installed.
_LARGE_FILE_BYTES = 64 * 1024 * 1024


def read_csv(path, *, date_col=None, targets=None, freq=None, fill=None, id_col=None, dtype="float64"):
    """Read a time-series CSV into a float frame indexed by sorted, unique timestamps.

    Parameters
    ----------
    path : str or path-like
        A CSV file with a header row, a date column and numeric columns.
    date_col : str, optional
        The date column. By default the first column named like a date
        (``date``, ``ds``, ``timestamp``, ...) or else the first non-numeric
        column whose values parse as dates.
    targets : str or list of str, optional
        Columns to forecast. By default every numeric column but the date (and id).
    freq : str, optional
        A pandas frequency alias (``"h"``, ``"D"``, ``"MS"``...). By default it is
        inferred from the dates, gaps allowed.
    fill : {None, "interpolate", "ffill"}
        What to do with missing values and missing timestamps. ``None`` (the
        default) refuses them with a `DataError` that says where they are;
        ``"interpolate"`` fills linearly in time, ``"ffill"`` repeats the last
        value. Leading gaps take the first observed value in both cases.
    id_col : str, optional
        Long format: the column naming the series (``unique_id`` by convention).
        The result is then indexed by an ``(id, timestamp)`` MultiIndex and every
        series is validated on its own; all must share one frequency.
    dtype : {"float64", "float32"}
        The value columns' type; float32 halves the memory of large files.
        Files over 64 MiB are parsed with pandas' pyarrow engine when pyarrow
        is installed.

    Returns
    -------
    pandas.DataFrame
        Shape ``(T, C)``, one float column per target. The index is a
        `DatetimeIndex` whose ``freq`` is set (or a MultiIndex with ``id_col``).

    Raises
    ------
    DataError
        The message names the file and the column and says how to fix it.

    Examples
    --------
    >>> frame = read_csv("datasets/airline.csv")
    >>> frame.shape, frame.index.freqstr
    ((144, 1), 'MS')
    """
    path = Path(path)
    if fill not in (None, *FILL_POLICIES):
        raise DataError(f"fill={fill!r} is not a fill policy; use None, 'interpolate' or 'ffill'")
    raw = _read_table(path)
    if id_col is not None and id_col not in raw.columns:
        raise DataError(f"{path}: no id column {id_col!r}; available columns: {_names(raw.columns)}")
    excluded = [] if id_col is None else [id_col]
    date_col = date_col if date_col is not None else _detect_date_column(raw, path, excluded)
    if date_col not in raw.columns:
        raise DataError(f"{path}: no date column {date_col!r}; available columns: {_names(raw.columns)}")
    timestamps = _parse_dates(raw[date_col], path, date_col)
    target_names = _select_targets(raw, path, [date_col, *excluded], targets)
    if dtype not in ("float64", "float32"):
        raise DataError(f"dtype={dtype!r} is not supported; use 'float64' or 'float32'")
    values = {name: _to_float(raw[name], path, name).astype(dtype, copy=False) for name in target_names}
    # One resolution whatever the parser: microseconds span years 1 to 9999.
    frame = pd.DataFrame(values, index=pd.DatetimeIndex(timestamps, name=date_col).as_unit("us"))
    if id_col is None:
        return _regularise(frame, path, freq, fill, series_label="")
    ids = raw[id_col].astype(str).to_numpy()
    return _regularise_each_series(frame, ids, id_col, path, freq, fill)


def infer_frequency(index):
    """Infer the frequency alias of a DatetimeIndex that may have gaps, or None.

    pandas' `infer_freq` needs a gap-free index; when it gives up, runs of three
    timestamps vote, then the most common step between timestamps, and the
    first candidate whose grid holds every timestamp wins.
    """
    index = pd.DatetimeIndex(index)
    if len(index) < 2:
        return None
    if len(index) >= 3 and (freq := _infer_freq_or_none(index)) is not None:
        return freq
    starts = np.unique(np.linspace(0, len(index) - 3, num=max(min(len(index) - 2, 200), 0)).astype(int))
    votes = Counter(_infer_freq_or_none(index[start : start + 3]) for start in starts)
    votes.pop(None, None)
    step = pd.Series(index[1:] - index[:-1]).mode().iloc[0]  # most common step, a Timedelta
    candidates = [freq for freq, _ in votes.most_common()]
    candidates.append(_infer_freq_or_none(pd.DatetimeIndex([index[0], index[0] + step, index[0] + 2 * step])))
    for candidate in filter(None, candidates):
        if index.isin(pd.date_range(index[0], index[-1], freq=candidate)).all():
            return candidate
    return None


def _infer_freq_or_none(index):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3 announces that infer_freq will return offsets
        try:
            freq = pd.infer_freq(index)
        except (TypeError, ValueError):
            return None
    return None if freq is None else pd.tseries.frequencies.to_offset(freq).freqstr


def _read_table(path):
    if not path.exists():
        raise DataError(f"{path}: no such file; check the path")
    if not path.is_file():
        raise DataError(f"{path}: not a file; pass the path of a CSV file")
    with open(path, "rb") as handle:
        head = handle.read(64 * 1024)
    if b"\x00" in head:
        raise DataError(f"{path}: not a text CSV file (it holds binary data); pass a CSV file")
    if path.stat().st_size > _LARGE_FILE_BYTES and _has_pyarrow():
        options = {"engine": "pyarrow"}
    else:
        # index_col=False: a row with an extra field is an error, never a silent index.
        options = {"index_col": False, "skipinitialspace": True}
    try:
        raw = pd.read_csv(path, sep=_delimiter(head), **options)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: the file is empty; expected a header row, then one row per timestamp") from None
    except pd.errors.ParserError as error:
        detail = str(error).strip().splitlines()[-1].removeprefix("Error tokenizing data. C error: ")
        raise DataError(
            f"{path}: not a well-formed CSV ({detail}); every row needs as many fields as the header"
        ) from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not a text CSV file (cannot decode it as UTF-8)") from None
    if raw.empty:
        raise DataError(f"{path}: the file has a header but no data rows; add one row per timestamp")
    return raw


def _has_pyarrow():
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _delimiter(head):
    """The field separator: a comma, unless the header line has none but has a semicolon, tab or bar."""
    header = head.split(b"\n", 1)[0]
    if b"," in header:
        return ","
    return next((sep for sep in (";", "\t", "|") if sep.encode() in header), ",")


def _detect_date_column(raw, path, excluded):
    candidates = [name for name in raw.columns if name not in excluded]
    for name in candidates:
        if str(name).strip().lower() in DATE_COLUMN_NAMES:
            return name
    for name in candidates:
        column = raw[name]
        if pd.api.types.is_numeric_dtype(column):
            continue
        sample = column.dropna().head(_DATE_SNIFF_ROWS)
        if len(sample) and _quiet_to_datetime(sample).notna().all():
            return name
    raise DataError(
        f"{path}: no date column found among {_names(raw.columns)}; "
        "name it with date_col= (--date-col on the command line)"
    )


def _quiet_to_datetime(values, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return pd.to_datetime(values, errors="coerce", **options)
        except (ValueError, TypeError, OverflowError):
            # Mixed time-zone offsets: compare them on one clock.
            return pd.to_datetime(values, errors="coerce", utc=True, **options)


def _parse_dates(column, path, name):
    if column.isna().any():
        row = int(np.flatnonzero(column.isna().to_numpy())[0]) + 1
        raise DataError(f"{path}: column {name!r} has no date in data row {row}; fill it in or remove the row")
    if pd.api.types.is_integer_dtype(column):
        # Four-digit whole numbers are years (1700, 1701, ...); other numbers are not dates.
        if not column.between(1000, 9999).all():
            raise DataError(f"{path}: column {name!r} holds numbers, not dates; pass the date column with date_col=")
        return _quiet_to_datetime(column.astype(str), format="%Y")
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        raise DataError(f"{path}: column {name!r} holds numbers, not dates; pass the date column with date_col=")
    parsed = _quiet_to_datetime(column)
    if parsed.isna().any():
        parsed = _quiet_to_datetime(column, format="mixed")
    if parsed.isna().any():
        row = int(np.flatnonzero(parsed.isna().to_numpy())[0])
        raise DataError(
            f"{path}: column {name!r} has a value that is not a date, {column.iloc[row]!r} in data row {row + 1}; "
            "fix or remove that row, or pass the right column with date_col="
        )
    return parsed


def _select_targets(raw, path, excluded, targets):
    if targets is not None:
        targets = [targets] if isinstance(targets, str) else list(targets)
        if not targets:
            raise DataError(f"{path}: no target columns given; name at least one numeric column")
        for name in targets:
            if name not in raw.columns:
                raise DataError(f"{path}: no column {name!r}; available columns: {_names(raw.columns)}")
            if name in excluded:
                raise DataError(f"{path}: column {name!r} is the date or id column and cannot be a target")
        return targets
    # A column with at least one number is a target (and must then be all numbers);
    # a column with no number at all (labels, notes) is left out.
    chosen = [
        name for name in raw.columns if name not in excluded and pd.to_numeric(raw[name], errors="coerce").notna().any()
    ]
    if not chosen:
        filled = [name for name in raw.columns if name not in excluded and raw[name].notna().any()]
        example = f" (column {filled[0]!r} holds {raw[filled[0]].dropna().iloc[0]!r})" if filled else ""
        raise DataError(
            f"{path}: no numeric column besides {_names(excluded)}{example}; add a column of plain numbers "
            "('.' as the decimal point, no thousands separators)"
        )
    return chosen


def _to_float(column, path, name):
    if pd.api.types.is_bool_dtype(column):
        raise DataError(f"{path}: column {name!r} holds true/false values; forecast needs numbers")
    if not pd.api.types.is_numeric_dtype(column):
        numeric = pd.to_numeric(column, errors="coerce")
        bad = numeric.isna() & column.notna() & (column.astype(str).str.strip() != "")
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(
                f"{path}: column {name!r} has a non-numeric value {column.iloc[row]!r} in data row {row + 1}; "
                "fix it, or leave the cell empty and pass fill= to fill it"
            )
        column = numeric
    values = column.to_numpy(dtype=np.float64)
    if np.isinf(values).any():
        row = int(np.flatnonzero(np.isinf(values))[0])
        raise DataError(f"{path}: column {name!r} has an infinite value in data row {row + 1}; fix or remove it")
    return values


def _regularise(frame, path, freq, fill, series_label):
    """Sort, refuse duplicates, put the rows on one regular grid, then fill or refuse gaps."""
    where = f"{path}{series_label}"
    frame = frame.sort_index(kind="stable")
    duplicated = frame.index.duplicated()
    if duplicated.any():
        raise DataError(
            f"{where}: {int(duplicated.sum())} duplicate timestamp(s) in column {frame.index.name!r}, "
            f"first {frame.index[duplicated][0]}; keep one row per timestamp"
        )
    if freq is None:
        freq = infer_frequency(frame.index)
    if freq is None:
        if len(frame) >= 3:
            raise DataError(
                f"{where}: cannot infer a regular frequency from column {frame.index.name!r}; "
                "pass freq= (--freq), for example 'h', 'D' or 'MS'"
            )
        return frame
    try:
        grid = pd.date_range(frame.index[0], frame.index[-1], freq=freq, name=frame.index.name)
    except ValueError:
        raise DataError(f"freq={freq!r} is not a pandas frequency; use an alias such as 'h', 'D' or 'MS'") from None
    off_grid = ~frame.index.isin(grid)
    if off_grid.any():
        raise DataError(
            f"{where}: timestamp {frame.index[off_grid][0]} is off the regular {grid.freqstr!r} grid "
            f"that starts at {grid[0]}; fix the date or pass the right freq="
        )
    n_missing_timestamps = len(grid) - len(frame)
    frame = frame.reindex(grid)
    missing = frame.isna()
    if missing.to_numpy().any():
        if fill is None:
            column = missing.any().idxmax()
            first = frame.index[missing[column].to_numpy()][0]
            raise DataError(
                f"{where}: {int(missing.to_numpy().sum())} missing value(s), first in column {column!r} at {first} "
                f"({n_missing_timestamps} missing timestamp(s) at frequency {grid.freqstr!r}); "
                "pass fill='interpolate' or fill='ffill' (--fill) to fill them, or fix the file"
            )
        frame = _fill(frame, fill)
        empty = frame.columns[frame.isna().any()]
        if len(empty):
            raise DataError(f"{where}: column {empty[0]!r} has no values to fill from; drop it or add values")
    return frame


def _fill(frame, fill):
    if fill == "interpolate":
        return frame.interpolate(method="time", limit_direction="both")
    return frame.ffill().bfill()


def _regularise_each_series(frame, ids, id_col, path, freq, fill):
    pieces = {}
    for series_id, rows in pd.Series(np.arange(len(ids))).groupby(ids, sort=False):
        pieces[series_id] = _regularise(frame.iloc[rows.to_numpy()], path, freq, fill, f" (series {series_id!r})")
    freqs = {piece.index.freqstr for piece in pieces.values() if piece.index.freq is not None}
    if len(freqs) > 1:
        raise DataError(
            f"{path}: the series have different frequencies ({', '.join(sorted(freqs))}); "
            "pass freq= to put them all on one grid"
        )
    panel = pd.concat(pieces, names=[id_col, frame.index.name])
    return panel


def _names(columns):
    return ", ".join(repr(str(name)) for name in columns)


# Seasonal period of the common pandas frequencies, in steps of that frequency.
_SEASON_LENGTHS = {"s": 60, "min": 60, "h": 24, "D": 7, "B": 5, "W": 52, "SM": 24, "M": 12, "Q": 4, "Y": 1}


def season_length_for(freq):
    """The usual seasonal period for a frequency alias: 24 for hourly, 7 daily, 12 monthly, 4 quarterly.

    Multiples divide the period when they can (``"2h"`` gives 12); anything
    else, yearly data included, gives 1, which makes a seasonal naive forecast
    a plain naive one.

    >>> season_length_for("MS"), season_length_for("h"), season_length_for("YS-JAN")
    (12, 24, 1)
    """
    if freq is None:
        return 1
    offset = pd.tseries.frequencies.to_offset(freq)
    base = offset.rule_code.split("-")[0]
    if base not in _SEASON_LENGTHS and base[:-1] in _SEASON_LENGTHS and base[-1] in "SE":
        base = base[:-1]  # "MS", "ME", "QS", "YE", "BMS"... name their period by its start or end
    period = _SEASON_LENGTHS.get(base, 1)
    return period // offset.n if offset.n > 0 and period % offset.n == 0 else 1
