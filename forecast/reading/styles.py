"""How the data writes its dates and values, so that forecasts can be written back the same way.

`read_csv` records the style of the date column (``attrs["date_style"]``);
a forecaster keeps it and the data's decimals at fit (``date_style_``,
``value_decimals_``), and the command line writes forecasts with
`format_timestamps` and `output_decimals`. pandas only: nothing here imports torch.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# A date style, the shape of the values written in it, and how a timestamp is written in it.
_STYLES = {
    "quarter": re.compile(r"\d{4}[- /]?[Qq][1-4]|[Qq][1-4][- /]?\d{4}"),
    "week": re.compile(r"\d{4}-?W\d{2}"),
    "month": re.compile(r"\d{4}-\d{2}"),
    "year": re.compile(r"\d{4}"),
}
DATE_STYLES = tuple(_STYLES)
_SAMPLE = 50
# Decimals looked for in the data's values; data with more is written with significant digits.
_MAX_DECIMALS = 6
_SIGNIFICANT_DIGITS = 7


def date_style(column):
    """The style a date column is written in: one of `DATE_STYLES`, or None for dates (ISO when written).

    >>> date_style(pd.Series(["1998Q1", "1998Q2"])), date_style(pd.Series(["2020-01-03"]))
    ('quarter', None)
    """
    sample = column.dropna().head(_SAMPLE)
    if sample.empty:
        return None
    text = sample.astype(str).str.strip()
    for style, shape in _STYLES.items():
        if text.map(lambda value, shape=shape: bool(shape.fullmatch(value))).all():
            return style
    return None


def format_timestamps(index, style):
    """The timestamps of ``index`` as text in ``style`` (None: ISO dates, without a time where every one is midnight).

    >>> list(format_timestamps(pd.DatetimeIndex(["2016-01-01", "2016-04-01"]), "quarter"))
    ['2016Q1', '2016Q2']
    """
    index = pd.DatetimeIndex(index)
    if style == "quarter":
        return pd.Index([f"{stamp.year}Q{stamp.quarter}" for stamp in index], name=index.name)
    if style == "week":
        return pd.Index([f"{stamp.isocalendar()[0]}-W{stamp.isocalendar()[1]:02d}" for stamp in index], name=index.name)
    if style == "month":
        return pd.Index(index.strftime("%Y-%m"), name=index.name)
    if style == "year":
        return pd.Index(index.strftime("%Y"), name=index.name)
    midnight = len(index) and (index == index.normalize()).all() and index.tz is None
    return pd.Index(index.strftime("%Y-%m-%d") if midnight else index.map(str), name=index.name)


def value_decimals(values):
    """The decimals the data's values are written with (``12.50`` has 1), or None beyond six (measured values,
    and values too small for six decimals, such as ``3.2e-10``).

    >>> value_decimals(np.array([1.0, 2.5, 3.25])), value_decimals(np.array([np.pi])), value_decimals([3.2e-10])
    (2, None, None)
    """
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    tolerance = 1e-9 * np.abs(values)  # float64 rounding, relative; float32 data gets significant digits
    for decimals in range(_MAX_DECIMALS + 1):
        scaled = values * 10.0**decimals
        if np.all(np.abs(scaled - np.round(scaled)) <= tolerance * 10.0**decimals):
            return decimals
    return None


def output_decimals(data_decimals):
    """The decimals forecasts are written with: as many as the data has, and one at least (counts get one).

    None (values measured to more than six decimals) writes seven significant digits instead; see `float_format`.
    """
    return None if data_decimals is None else max(data_decimals, 1)


def float_format(decimals):
    """A `DataFrame.to_csv` float_format for ``decimals`` (None: seven significant digits)."""
    return f"%.{_SIGNIFICANT_DIGITS}g" if decimals is None else f"%.{decimals}f"
