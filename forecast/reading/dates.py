"""Turn a CSV column into timestamps with one rule for the whole column.

A column is parsed by one format chosen from its values, never value by
value: ``01/02/2020`` must not be February in one row and January in the
next. Only a column that mixes formats pandas recognises, with no
day/month/year value and no lone time of day among them, is parsed value by
value. pandas and numpy only; no torch.
"""

from __future__ import annotations

import re
import warnings
from datetime import datetime

import numpy as np
import pandas as pd
from dateutil import parser as dateutil_parser
from pandas.tseries.api import guess_datetime_format

from ..errors import DataError

# Whole numbers that are dates, by range: (name, lowest, highest, how to parse). The first kind whose
# range holds every value and that reads every value is taken: 2020010100 is a yyyymmddhh hour (weather
# services write those), 1577836800 epoch seconds.
_INTEGER_DATES = (
    ("years", 1000, 9999, {"format": "%Y"}),
    ("yyyymm months", 100001, 999912, {"format": "%Y%m"}),
    ("yyyymmdd dates", 10000101, 99991231, {"format": "%Y%m%d"}),
    ("yyyymmddhh hours", 1000010100, 9999123123, {"format": "%Y%m%d%H"}),
    ("yyyymmddhhmm times", 100001010000, 999912312359, {"format": "%Y%m%d%H%M"}),
    ("yyyymmddhhmmss times", 10000101000000, 99991231235959, {"format": "%Y%m%d%H%M%S"}),
    ("epoch seconds", 10**8, 5 * 10**9, {"unit": "s"}),  # 1973 to 2128
    ("epoch milliseconds", 10**11, 5 * 10**12, {"unit": "ms"}),
)
_WHOLE_NUMBER = re.compile(r"-?\d+")
# Quarters, year first (2020Q1, 2020-Q1, 2020 Q1) or quarter first (Q1 2020, Q1/2020), with their normal form.
_QUARTERS = (
    (re.compile(r"(\d{4})[- /]?[Qq]([1-4])"), r"\1Q\2"),
    (re.compile(r"[Qq]([1-4])[- /]?(\d{4})"), r"\2Q\1"),
)
_MONTH_NAMES = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    "|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# A month and its year: Jan 2020, January 2020, Jan-20 (Excel's mmm-yy). "Jan 20" is refused: it may be a day.
_MONTH_YEAR = re.compile(
    rf"(?P<month>{_MONTH_NAMES})\.?(?:[- /]*(?P<year>\d{{4}})|[-/'’](?P<short_year>\d{{2}}))", re.IGNORECASE
)
# Two defaults that differ in every field: a value parsed alike under both has written that field.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2004, 2, 2))
_ISO_WEEK = re.compile(r"(\d{4})-?W(\d{2})(?:-?([1-7]))?")
# Day and month in either order, then the year: 01/02/2020, 1.2.20, 01-02-2020 13:45.
_DAY_MONTH = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?:([ T]+)(.+))?")
_TIME_ONLY = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?")
_AM_PM = re.compile(r"\s*[AaPp][Mm]$")
_YEAR_DIRECTIVES = ("%Y", "%y", "%G")
_SNIFF = 20


def parse_date_column(column, where, date_format=None):
    """The timestamps of a date column, parsed by one format for every row.

    Parameters
    ----------
    column : Series
        The column as read.
    where : str
        The file and column, for messages: ``"data.csv: column 'date'"``.
    date_format : str, optional
        A strftime format that every value must match.

    Returns
    -------
    DatetimeIndex
    """
    _refuse_missing_dates(column.isna(), where)
    if pd.api.types.is_datetime64_any_dtype(column):
        return pd.DatetimeIndex(column)
    if pd.api.types.is_integer_dtype(column):
        return _parse_integer_dates(column, where)
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        raise DataError(f"{where} holds numbers, not dates; pass the date column with date_col= (--date-col)")
    text = column.astype(str).str.strip()
    _refuse_missing_dates(text == "", where)
    if date_format is not None:
        return _parse_with_format(text, where, date_format)
    # The first value shows the column's shape; every value must then have it.
    first = text.iloc[0]
    if _TIME_ONLY.fullmatch(first):
        _refuse_times_of_day(text, where)
    if _WHOLE_NUMBER.fullmatch(first):
        return _parse_integer_dates(pd.to_numeric(_of_one_shape(text, _WHOLE_NUMBER, where)), where)
    for shape, normal_form in _QUARTERS:
        if shape.fullmatch(first):
            return _parse_quarters(_of_one_shape(text, shape, where), shape, normal_form)
    if _ISO_WEEK.fullmatch(first):
        return _parse_iso_weeks(_of_one_shape(text, _ISO_WEEK, where), where)
    if _MONTH_YEAR.fullmatch(first):
        return _parse_month_years(_of_one_shape(text, _MONTH_YEAR, where), where)
    if _DAY_MONTH.fullmatch(first):
        text = _of_one_shape(text, _DAY_MONTH, where)
        return _parse_with_format(text, where, _day_month_format(text, where))
    guessed = guess_datetime_format(first)
    if guessed is None or not any(directive in guessed for directive in _YEAR_DIRECTIVES):
        _refuse_dates_without_a_year(text, where)
    parsed = _quiet_to_datetime(text)  # one format, guessed by pandas from the first value
    if parsed.notna().all():
        return pd.DatetimeIndex(parsed)
    # Values in other formats: refuse those that parsing value by value would misread.
    _refuse_times_of_day(text, where)
    day_month = text.str.fullmatch(_DAY_MONTH)
    if day_month.any():
        _refuse_mixed_shapes(text, ~day_month, where)
    _refuse_dates_without_a_year(text, where)
    return _parse_inferred(column, text, where)


def _refuse_missing_dates(missing, where):
    if missing.any():
        row = int(np.flatnonzero(missing.to_numpy())[0]) + 1
        raise DataError(f"{where} has no date in data row {row}; fill it in or remove the row")


def _of_one_shape(text, shape, where):
    """``text``, once every value is checked to have ``shape``."""
    matches = text.str.fullmatch(shape)
    if not matches.all():
        _refuse_mixed_shapes(text, matches, where)
    return text


def _refuse_mixed_shapes(text, matches, where):
    """Refuse a column whose values have two shapes; ``matches`` holds the shape of the first value."""
    other = int(np.flatnonzero(~matches.to_numpy())[0])
    raise DataError(
        f"{where} mixes date formats: {text.iloc[0]!r} in data row 1 and {text.iloc[other]!r} in data row "
        f"{other + 1}; write every date in one format, or pass date_format= (--date-format)"
    )


def integer_dates_or_none(column):
    """``column`` read as years, yyyymmdd dates or times, or epoch seconds or milliseconds; None if none of them."""
    reading = _integer_reading(column)
    return None if reading is None or reading[1].isna().any() else pd.DatetimeIndex(reading[1])


def _integer_reading(column):
    """``(kind name, timestamps)`` by the first kind of `_INTEGER_DATES` that reads every value.

    When none does, the first kind whose range holds every value, with NaT where it fails; None when no range does.
    """
    first = None
    for kind in _INTEGER_DATES:
        if column.between(kind[1], kind[2]).all():
            parsed = _parse_integers(column, kind)
            if parsed.notna().all():
                return kind[0], parsed
            first = first or (kind[0], parsed)
    return first


def _parse_integers(column, kind):
    options = kind[3]
    return _quiet_to_datetime(column.astype(str) if "format" in options else column, **options)


def looks_like_dates(column):
    """Whether the text values of ``column`` read as dates (times of day alone do not)."""
    text = column.astype(str).str.strip()
    if text.str.fullmatch(_TIME_ONLY).any():
        return False
    shapes = (*(shape for shape, _ in _QUARTERS), _ISO_WEEK, _MONTH_YEAR, _DAY_MONTH)
    if any(text.str.fullmatch(shape).all() for shape in shapes):
        return True
    return bool(_quiet_to_datetime(text).notna().all())


def is_time_of_day(column):
    """Whether every value of ``column`` is a time of day without a date (``13:45``, ``1:45 PM``)."""
    if (
        pd.api.types.is_numeric_dtype(column)
        or pd.api.types.is_bool_dtype(column)
        or pd.api.types.is_datetime64_any_dtype(column)
    ):
        return False
    text = column.dropna().astype(str).str.strip()
    # The first values decide cheaply for most columns; the whole column must agree.
    return len(text) > 0 and all(part.str.fullmatch(_TIME_ONLY).all() for part in (text.head(_SNIFF), text))


def parse_times_of_day(column, where):
    """The times of day of ``column`` (``13:45``, ``1:45 PM``) as offsets from midnight, a `TimedeltaIndex`."""
    _refuse_missing_dates(column.isna(), where)
    text = column.astype(str).str.strip()
    clock = pd.Series(_checked(_quiet_to_datetime(text), text, where, " (a time of day)"))
    return pd.TimedeltaIndex(clock - clock.dt.normalize())


def _parse_integer_dates(column, where):
    reading = _integer_reading(column)
    if reading is None:
        kinds = ", ".join(f"{name} ({lowest} to {highest})" for name, lowest, highest, _ in _INTEGER_DATES)
        raise DataError(
            f"{where} holds numbers, not dates (whole numbers are read as {kinds}); "
            "pass the date column with date_col= (--date-col)"
        )
    name, parsed = reading
    return _checked(parsed, column, where, f" (read as {name})")


def _refuse_times_of_day(text, where):
    times = text.str.fullmatch(_TIME_ONLY)
    if times.any():
        row = int(np.flatnonzero(times.to_numpy())[0])
        raise DataError(
            f"{where} holds a time of day without a date, {text.iloc[row]!r} in data row {row + 1}; "
            "write the date with each time (2020-01-31 12:30), or pass the date column with date_col= (--date-col)"
        )


def _parse_quarters(text, shape, normal_form):
    normalised = text.str.replace(shape, normal_form, regex=True)
    return pd.PeriodIndex(normalised, freq="Q").to_timestamp()


def _parse_month_years(text, where):
    """Month names with a year (Jan 2020, January 2020, Jan-20), read as the first day of the month."""
    parts = text.str.extract(_MONTH_YEAR)
    four_digits = parts["year"].notna()
    if four_digits.any() and not four_digits.all():
        _refuse_mixed_shapes(text, four_digits == four_digits.iloc[0], where)
    year_format = "%Y" if four_digits.iloc[0] else "%y"
    normalised = parts["month"].str[:3] + " " + parts["year"].fillna(parts["short_year"])
    return _parse_with_format(normalised, where, f"%b {year_format}", shown=text)


def _refuse_dates_without_a_year(text, where):
    """Refuse values that name no year (``March``, ``18-Jan``): parsing them would make the year up."""
    for row, value in text.reset_index(drop=True).drop_duplicates().items():
        if _year_is_made_up(value):
            raise DataError(
                f"{where} has a date without a year, {value!r} in data row {row + 1}; write the year in every date "
                "(2020-01-18), or pass the right column with date_col= (--date-col)"
            )


def _year_is_made_up(value):
    """Whether dateutil, which pandas falls back on, takes the year of ``value`` from its default."""
    try:
        first, second = (dateutil_parser.parse(value, default=default) for default in _DEFAULTS)
    except (ValueError, OverflowError):
        return False
    return first.year != second.year


def _parse_iso_weeks(text, where):
    parts = text.str.extract(_ISO_WEEK)
    normalised = parts[0] + "-W" + parts[1] + "-" + parts[2].fillna("1")
    return _parse_with_format(normalised, where, "%G-W%V-%u", shown=text)


def _day_month_format(text, where):
    """The one format of a column of day/month/year dates, in whichever order the values settle."""
    parts = text.str.extract(_DAY_MONTH)
    first, second = parts[0].astype(int), parts[2].astype(int)
    day_first = (first > 12).to_numpy()
    month_first = (second > 12).to_numpy()
    if day_first.any() and month_first.any():
        row_day, row_month = int(np.flatnonzero(day_first)[0]), int(np.flatnonzero(month_first)[0])
        raise DataError(
            f"{where} has dates in both orders: {text.iloc[row_day]!r} (data row {row_day + 1}) is day-first, "
            f"{text.iloc[row_month]!r} (data row {row_month + 1}) month-first; write every date in one order"
        )
    separator = parts[1].iloc[0]
    year = "%Y" if len(parts[3].iloc[0]) == 4 else "%y"
    day_first_format = f"%d{separator}%m{separator}{year}"
    month_first_format = f"%m{separator}%d{separator}{year}"
    time_format = _time_format(parts[4].iloc[0], parts[5].iloc[0], where)
    if day_first.any():
        return day_first_format + time_format
    if month_first.any() or (first == second).all():
        return month_first_format + time_format
    row = int(np.flatnonzero((first != second).to_numpy())[0])
    value = text.iloc[row]
    shown = "%Y-%m-%d %H:%M:%S" if time_format else "%Y-%m-%d"
    month_first_reading = pd.to_datetime(value, format=month_first_format + time_format).strftime(shown)
    day_first_reading = pd.to_datetime(value, format=day_first_format + time_format).strftime(shown)
    raise DataError(
        f"{where} has dates whose day and month cannot be told apart (no day above 12): "
        f"{value!r} reads as {month_first_reading} month-first or {day_first_reading} day-first; "
        f"pass date_format={day_first_format + time_format!r} or {month_first_format + time_format!r} "
        "(--date-format on the command line)"
    )


def _time_format(separator, time, where):
    """The strptime format of the time after a date (``"13:45"`` gives ``" %H:%M"``), or ``""`` for none."""
    if not isinstance(time, str):
        return ""
    twelve_hour = _AM_PM.search(time)
    clock = time[: twelve_hour.start()] if twelve_hour else time
    guessed = guess_datetime_format(f"2000-01-01T{clock}")
    if guessed is None:
        raise DataError(f"{where} has a time, {time!r}, in a format not recognised; pass date_format= (--date-format)")
    clock_format = guessed.removeprefix("%Y-%m-%dT")
    if twelve_hour:
        # pandas guesses 24-hour clocks only: "01:02 PM" is %I:%M %p.
        clock_format = clock_format.replace("%H", "%I") + twelve_hour.group()[:-2] + "%p"
    return separator + clock_format


def _parse_with_format(text, where, date_format, shown=None):
    if not any(directive in date_format for directive in _YEAR_DIRECTIVES):
        raise DataError(
            f"date_format={date_format!r} has no year (%Y, %y or %G), so it would make up the date; "
            "give a format with the full date"
        )
    try:
        parsed = _quiet_to_datetime(text, format=date_format)
    except ValueError as error:
        raise DataError(f"date_format={date_format!r} is not a strftime format ({error})") from None
    return _checked(parsed, shown if shown is not None else text, where, f" in the format {date_format!r}")


def _parse_inferred(column, text, where):
    """Dates in formats pandas recognises: ISO 8601 throughout, else each value on its own."""
    parsed = _quiet_to_datetime(text, format="ISO8601")
    if parsed.isna().any():
        parsed = _quiet_to_datetime(text, format="mixed")
    return _checked(parsed, column, where, "")


def _checked(parsed, values, where, in_format):
    if parsed.isna().any():
        row = int(np.flatnonzero(parsed.isna().to_numpy())[0])
        value = values.iloc[row]
        shown = repr(value) if isinstance(value, str) else str(value)
        raise DataError(
            f"{where} has a value that is not a date{in_format}, {shown} in data row {row + 1}; "
            "fix or remove that row, or pass the right column with date_col= (--date-col)"
        )
    return pd.DatetimeIndex(parsed)


def _quiet_to_datetime(values, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return pd.to_datetime(values, errors="coerce", **options)
        except (ValueError, TypeError, OverflowError):
            # Mixed time-zone offsets: compare them on one clock.
            return pd.to_datetime(values, errors="coerce", utc=True, **options)
