"""Turn a CSV column of numbers written as text into floats, with one rule for the whole column.

Spreadsheets, accounting systems and databases write numbers in many ways:
``1,5`` with a decimal comma, ``1.234,5``, ``1,234.5`` or ``1 234,5`` with
thousands separators, ``$12.50`` or ``12,50 €`` with a currency symbol,
``12.5%``, ``(12.50)`` and ``12.50-`` for negative amounts, and ``NA``,
``n/a``, ``-``, ``null``, ``#N/A`` or ``#DIV/0!`` for a missing value. The
decimal mark is chosen once for the whole column, never value by value, so
that ``1,500`` cannot be 1.5 in one row and 1500 in the next. pandas and
numpy only; no torch.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import DataError

# Cells that mean "no value" (compared in lower case): pandas' own spellings, a dash, and spreadsheet errors.
MISSING_VALUES = frozenset(
    {
        "",
        "na",
        "n/a",
        "n.a.",
        "nan",
        "-nan",
        "null",
        "none",
        "<na>",
        "#na",
        "#n/a",
        "#n/a n/a",
        "1.#ind",
        "-1.#ind",
        "1.#qnan",
        "-1.#qnan",
        "-",
        "--",
        "?",
        "#div/0!",
        "#value!",
        "#ref!",
        "#num!",
        "#name?",
        "#null!",
    }
)
_CURRENCIES = "$€£¥₹"
_GROUP_SEPARATORS = " '\u00a0\u202f"  # spaces (also no-break and narrow ones) and the Swiss apostrophe
# The digits of a number: plain, with one decimal mark, or in groups of three with an optional decimal part.
_DIGITS = rf"\d+|\d*[.,]\d+|\d{{1,3}}(?P<group>[.,{_GROUP_SEPARATORS}])\d{{3}}(?:(?P=group)\d{{3}})*(?:[.,]\d+)?"
_NUMBER = re.compile(
    rf"^(?P<open>\()?(?P<sign>[-+\u2212])?(?P<prefix>[{_CURRENCIES}])?\s*(?P<inner_sign>[-+\u2212])?"
    rf"(?P<body>(?:{_DIGITS})(?:[eE][-+]?\d+)?)\s*(?P<suffix>[{_CURRENCIES}%])?(?P<trailing_minus>-)?(?P<close>\))?$"
)
_MINUS = ("-", "\u2212")
_AMBIGUOUS = {",": re.compile(r"\d{1,3},\d{3}"), ".": re.compile(r"\d{1,3}\.\d{3}")}


def is_number_text(column):
    """Whether each value of a text ``column`` is written as a number, in any of the forms this module reads."""
    return _text(column).str.fullmatch(_NUMBER).fillna(False).astype(bool)


def holds_numbers(column):
    """Whether any value of a text ``column`` is written as a number."""
    return bool(is_number_text(column).any())


def parse_number_column(column, where, field_separator=","):
    """The values of a column of number text as float64, NaN where a cell is missing.

    Parameters
    ----------
    column : Series
        Text as read from the file.
    where : str
        The file and column, for messages: ``"data.csv: column 'price'"``.
    field_separator : str
        The file's field separator. A decimal mark is told by the values that
        show it (``1,5``, ``1.234,5``, ``1,234.5``, ``0.25``); a point alone
        before three digits (``1.500``) is a decimal point, as pandas reads
        it. A column whose only commas stand before exactly three digits
        (``1,500``) is settled by the separator: in a file separated by ``;``
        the comma is a decimal comma (1.5); in one separated by ``,``, where
        such a value must be quoted, it separates thousands (1500); in any
        other file it is refused.

    Returns
    -------
    ndarray of float64

    Raises
    ------
    DataError
        A value is not a number, the column mixes decimal conventions or
        units, or its commas cannot be told apart.
    """
    text = _text(column)
    present = ~(column.isna().to_numpy() | text.str.lower().isin(MISSING_VALUES).to_numpy())
    parts = text.str.extract(_NUMBER.pattern)  # NaN parts where a value is not a number
    minus_signs = (
        parts["sign"].isin(_MINUS).astype(int)
        + parts["inner_sign"].isin(_MINUS).astype(int)
        + parts["trailing_minus"].notna().astype(int)
        + parts["open"].notna().astype(int)
    ).to_numpy()
    unbalanced = (parts["open"].isna() != parts["close"].isna()).to_numpy()
    _refuse_non_numbers(text, (parts["body"].isna().to_numpy() | (minus_signs > 1) | unbalanced) & present, where)
    _refuse_mixed_units(text, parts, present, where)
    body = parts["body"].where(present)
    decimal = _decimal_mark(text, body, where, field_separator)
    thousands = "," if decimal == "." else "."
    plain = body.str.replace(f"[{re.escape(thousands)}{_GROUP_SEPARATORS}]", "", regex=True).str.replace(decimal, ".")
    values = pd.to_numeric(plain, errors="coerce").to_numpy(dtype=np.float64)
    _refuse_non_numbers(text, np.isnan(values) & present, where)
    return np.where(minus_signs == 1, -values, values)


def _text(column):
    """The values as stripped text, indexed by position."""
    return column.astype(str).str.strip().reset_index(drop=True)


def _refuse_non_numbers(text, bad, where):
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{where} has a non-numeric value {text.iloc[row]!r} in data row {row + 1}; "
            "fix it, or leave the cell empty and pass fill= (--fill) to fill it"
        )


def _refuse_mixed_units(text, parts, present, where):
    """Refuse two units in one column, or percentages beside plain numbers; a currency symbol may be left out."""
    units = parts["prefix"].fillna(parts["suffix"]).where(present)
    used = units.dropna()
    if used.nunique() > 1:
        first, other = used.index[0], used.index[used != used.iloc[0]][0]
        raise DataError(
            f"{where} mixes units: {text.iloc[first]!r} in data row {first + 1} and {text.iloc[other]!r} in data "
            f"row {other + 1}; convert the column to one unit"
        )
    without_unit = units.isna().to_numpy() & present
    if (used == "%").any() and without_unit.any():
        percent, plain = used.index[0], int(np.flatnonzero(without_unit)[0])
        raise DataError(
            f"{where} has percentages such as {text.iloc[percent]!r} (data row {percent + 1}) beside plain numbers "
            f"such as {text.iloc[plain]!r} (data row {plain + 1}); write every value the same way"
        )


def _decimal_mark(text, body, where, field_separator):
    """The column's decimal mark, from the values that show it; see `parse_number_column`."""
    shown = {}
    for mark, other in ((",", "."), (".", ",")):
        # A mark is shown decimal where it comes once, last, and not before exactly three digits,
        # or where the other mark comes twice (1.234.567,5) and so separates thousands.
        once_last = body.str.fullmatch(rf"[^{re.escape(mark)}]*{re.escape(mark)}\d+") & ~body.str.fullmatch(
            _AMBIGUOUS[mark]
        )
        shown[mark] = (once_last | (body.str.count(re.escape(other)) >= 2)).fillna(False).to_numpy(dtype=bool)
    if shown[","].any() and shown["."].any():
        comma, point = int(np.flatnonzero(shown[","])[0]), int(np.flatnonzero(shown["."])[0])
        raise DataError(
            f"{where} writes numbers two ways: {text.iloc[comma]!r} (data row {comma + 1}) with a decimal comma, "
            f"{text.iloc[point]!r} (data row {point + 1}) with a decimal point; write every number the same way"
        )
    if shown[","].any():
        return ","
    ambiguous = body.str.fullmatch(_AMBIGUOUS[","]).fillna(False).to_numpy(dtype=bool)
    if shown["."].any() or not ambiguous.any() or field_separator == ",":
        return "."
    if field_separator == ";":
        return ","
    row = int(np.flatnonzero(ambiguous)[0])
    value = body.iloc[row]
    raise DataError(
        f"{where} has numbers whose comma may be a decimal comma or a thousands separator: {text.iloc[row]!r} "
        f"(data row {row + 1}) reads as {value.replace(',', '.')} or {value.replace(',', '')}; write the numbers "
        "without thousands separators and with '.' as the decimal point"
    )
