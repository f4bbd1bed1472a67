"""One format per date column: `forecast.reading.dates` on columns as pandas reads them."""

import pandas as pd
import pytest

from forecast import DataError
from forecast.reading.dates import (
    integer_dates_or_none,
    is_time_of_day,
    looks_like_dates,
    parse_date_column,
    parse_times_of_day,
)

WHERE = "data.csv: column 'date'"


def parse(values, **options):
    return parse_date_column(pd.Series(values), WHERE, **options)


def test_day_first_is_settled_by_a_day_over_twelve():
    assert list(parse(["01/02/2020", "13/02/2020"])) == [pd.Timestamp("2020-02-01"), pd.Timestamp("2020-02-13")]
    assert list(parse(["02/01/2020", "02/13/2020"])) == [pd.Timestamp("2020-02-01"), pd.Timestamp("2020-02-13")]


def test_a_column_that_never_settles_day_and_month_is_refused_with_both_readings():
    with pytest.raises(DataError, match="date_format"):
        parse(["01/02/2020", "03/04/2020"])
    assert list(parse(["01/02/2020", "03/04/2020"], date_format="%d/%m/%Y")) == [
        pd.Timestamp("2020-02-01"),
        pd.Timestamp("2020-04-03"),
    ]


@pytest.mark.parametrize(
    "values, expected",
    [
        (["2020Q1", "2020Q2"], ["2020-01-01", "2020-04-01"]),
        (["Q3 2021", "Q4 2021"], ["2021-07-01", "2021-10-01"]),
        (["2020-W05", "2020-W06"], ["2020-01-27", "2020-02-03"]),
        (["Jan 2020", "Feb 2020"], ["2020-01-01", "2020-02-01"]),
        (["2016-07-01 00:00:00", "2016-07-01 01:00:00"], ["2016-07-01 00:00", "2016-07-01 01:00"]),
    ],
)
def test_text_shapes_parse_by_one_rule(values, expected):
    assert list(parse(values)) == [pd.Timestamp(value) for value in expected]


@pytest.mark.parametrize(
    "values, expected",
    [
        ([2019, 2020], ["2019-01-01", "2020-01-01"]),
        ([20200131, 20200201], ["2020-01-31", "2020-02-01"]),
        ([1577836800, 1577840400], ["2020-01-01 00:00", "2020-01-01 01:00"]),
    ],
)
def test_whole_numbers_are_years_yyyymmdd_or_epochs_by_range(values, expected):
    assert list(integer_dates_or_none(pd.Series(values))) == [pd.Timestamp(value) for value in expected]
    assert list(parse(values)) == [pd.Timestamp(value) for value in expected]


def test_whole_numbers_that_are_no_dates_give_none():
    assert integer_dates_or_none(pd.Series([1, 2, 3])) is None


def test_mixed_shapes_name_both_rows():
    with pytest.raises(DataError, match=r"mixes date formats: '2020Q1' in data row 1 and '2020-03-01' in data row 2"):
        parse(["2020Q1", "2020-03-01"])


def test_missing_dates_name_their_row():
    with pytest.raises(DataError, match="no date in data row 2"):
        parse(["2020-01-01", None, "2020-01-03"])


def test_numbers_are_not_dates_and_times_of_day_get_no_date():
    with pytest.raises(DataError, match="holds numbers, not dates"):
        parse([1.5, 2.5])
    with pytest.raises(DataError):
        parse(["13:45", "14:00"])


def test_looks_like_dates_and_times_of_day():
    assert looks_like_dates(pd.Series(["2020-01-01", "2020-01-02"]))
    assert not looks_like_dates(pd.Series(["apple", "pear"]))
    assert not looks_like_dates(pd.Series(["13:45", "14:00"]))
    assert is_time_of_day(pd.Series(["13:45", "1:45 PM"]))
    assert not is_time_of_day(pd.Series(["2020-01-01 13:45"]))
    offsets = parse_times_of_day(pd.Series(["13:45", "1:50 PM"]), WHERE)
    assert list(offsets) == [pd.Timedelta(hours=13, minutes=45), pd.Timedelta(hours=13, minutes=50)]
