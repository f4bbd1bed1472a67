"""The cells of a CSV file: opened as text, its separator found, its header checked, its rows parsed.

pandas' C parser reads the file; pyarrow's (when installed) reads files over
`LARGE_FILE_BYTES`, several times faster. Which columns are dates, ids and
targets is `forecast.reading.csvfile`'s job.
"""

from __future__ import annotations

import csv
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .dates import looks_like_dates
from .numbers import is_number_text
from .textfile import open_csv_text

# Files larger than this are parsed by pyarrow, when it is installed.
LARGE_FILE_BYTES = 64 * 1024 * 1024


def csv_columns(path, encoding=None):
    """The column names in the header line of the CSV file at ``path``, stripped; reads only that line.

    Raises
    ------
    DataError
        No such file, not a text file, or an empty one.
    """
    text = _open_text(Path(path), encoding)
    if not text.first_line:  # as `read_table` refuses it
        raise _empty_file(path)
    return _header_names(text.first_line, _delimiter(text.first_line))


def _open_text(path, encoding):
    """`open_csv_text` of an existing file; a missing path or a folder is a `DataError`."""
    if not path.exists():
        raise DataError(f"{path}: no such file; check the path")
    if not path.is_file():
        raise DataError(f"{path}: not a file; pass the path of a CSV file")
    return open_csv_text(path, encoding)


def read_table(path, encoding, id_col):
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
    large = text.source is path and path.stat().st_size > LARGE_FILE_BYTES and _has_pyarrow()
    raw = _read_fast(path, options, id_col) if large else None
    if raw is None:
        # index_col=False: a row with an extra field is an error, never a silent index.
        ids_as_text = {header.index(id_col): str} if id_col in header else {}
        raw = _parse(text.source, path, header, index_col=False, skipinitialspace=True, dtype=ids_as_text, **options)
    raw = _without_empty_rows(raw)
    if raw.empty:
        raise DataError(f"{path}: the file has a header but no data rows; add one row per timestamp")
    # " date , value " names the columns date and value, whichever parser read it; a blank name is no name.
    raw.columns = [str(name).strip() or f"Unnamed: {position}" for position, name in enumerate(raw.columns)]
    _refuse_a_header_of_values(raw.columns, path, separator)
    return raw, separator


def _read_fast(path, options, id_col):
    """The table as pyarrow parses it, or None where pyarrow refuses it (trailing separators, say).

    pyarrow turns series ids such as 007 into numbers and UTC offsets into UTC;
    such columns are read again, as text. Columns pyarrow reads as dates or
    timestamps without a zone become datetime64 at once, never ten million
    Python date objects (which took 43 s to turn back into text on a file of
    10 million rows, against 5 s for the whole read).
    """
    try:
        # Arrow-backed columns, so that dates stay dates; given dtype=, pandas mistypes columns with gaps.
        arrow = pd.read_csv(path, engine="pyarrow", dtype_backend="pyarrow", **options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    raw = pd.DataFrame({name: _from_arrow(arrow[name]) for name in arrow.columns}, columns=arrow.columns)
    again = [
        name
        for name in raw.columns
        if (str(name).strip() == id_col and not pd.api.types.is_string_dtype(raw[name]))
        or isinstance(raw[name].dtype, pd.DatetimeTZDtype)
    ]
    if again:
        raw[again] = pd.read_csv(path, engine="pyarrow", usecols=again, dtype=str, **options)
    return raw


def _from_arrow(column):
    """An arrow-backed column as pandas' pyarrow engine returns it, but dates as datetime64, not objects."""
    import pyarrow as pa

    values = column.array.__arrow_array__()  # a pyarrow (Chunked)Array
    if pa.types.is_date(values.type) or (pa.types.is_timestamp(values.type) and values.type.tz is None):
        return pd.Series(values.to_pandas(date_as_object=False))
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return column.astype(pd.StringDtype(na_value=np.nan))
    return pd.Series(values.to_pandas())


def _without_empty_rows(raw):
    """``raw`` without the rows whose every cell is empty or blank.

    Text is checked once per distinct value (a long file repeats its ids and dates).
    """
    empty = raw.isna().to_numpy().copy()
    for position, name in enumerate(raw.columns):
        if pd.api.types.is_string_dtype(raw[name]) or pd.api.types.is_object_dtype(raw[name]):
            codes, distinct = pd.factorize(raw[name])  # codes -1 where missing, already counted as empty
            blank = pd.Series(distinct).astype(str).str.strip().eq("").to_numpy()
            empty[:, position] |= np.append(blank, True)[codes]
    if not empty.all(axis=1).any():
        return raw
    return raw[~empty.all(axis=1)].reset_index(drop=True)


def _parse(source, path, header, **options):
    """`pandas.read_csv` of ``source`` with its C parser, its failures turned into `DataError`."""
    try:
        with warnings.catch_warnings():
            # With index_col=False, pandas drops the extra fields of a row with a warning.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(source, **options)
    except pd.errors.EmptyDataError:
        raise _empty_file(path) from None
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


def _empty_file(path):
    return DataError(f"{path}: the file is empty; expected a header row, then one row per timestamp")


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
