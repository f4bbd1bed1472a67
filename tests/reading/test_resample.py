import pytest

from forecast import DataError, read_csv
from forecast.cli.options import AGG_CHOICES
from forecast.reading.resample import AGGREGATIONS

ORDERS = (
    "time,amount,pizza\n"
    "2024-01-01 10:05,3,margherita\n"
    "2024-01-01 10:05,2,funghi\n"
    "2024-01-01 10:40,4,margherita\n"
    "2024-01-01 13:10,1,diavola\n"
)


def test_an_order_log_is_refused_with_advice_to_resample(write_csv):
    with pytest.raises(DataError, match=r"duplicate timestamp.*resample='h', agg='sum' \(--resample h --agg sum\)"):
        read_csv(write_csv(ORDERS))


@pytest.mark.parametrize(
    ("agg", "expected"),
    [
        ("sum", [9.0, 0.0, 0.0, 1.0]),  # hours without orders sold nothing
        ("count", [3.0, 0.0, 0.0, 1.0]),
        ("max", [4.0, None, None, 1.0]),
    ],
)
def test_events_are_summarised_per_step(write_csv, agg, expected):
    path = write_csv(ORDERS)
    if None in expected:
        with pytest.raises(DataError, match="2 missing value"):
            read_csv(path, resample="h", agg=agg)
        with pytest.warns(UserWarning, match="50% of the values were missing and are filled"):
            frame = read_csv(path, resample="h", agg=agg, fill="zero")
        expected = [0.0 if value is None else value for value in expected]
    else:
        frame = read_csv(path, resample="h", agg=agg)
    assert frame["amount"].tolist() == expected
    assert frame.index.freqstr == "h"
    assert str(frame.index[0]) == "2024-01-01 10:00:00"


def test_each_series_of_a_long_log_is_resampled_on_its_own_span(write_csv):
    path = write_csv("shop,day,sales\na,2024-01-01,1\na,2024-01-01,2\na,2024-01-03,5\nb,2024-01-02,7\n")
    frame = read_csv(path, id_col="shop", resample="D", agg="sum")
    assert frame.loc["a", "sales"].tolist() == [3.0, 0.0, 5.0]
    assert frame.loc["b", "sales"].tolist() == [7.0]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"resample": "h"}, "resample='h' needs to know how a step's rows make its value, and no agg= "),
        ({"resample": "h", "agg": "median"}, "agg='median' is not an aggregation"),
        ({"agg": "sum"}, "agg='sum' summarises the rows of each step of resample="),
        ({"resample": "h", "agg": "sum", "freq": "D"}, "leave freq out"),
        ({"resample": "0h", "agg": "sum"}, "resample='0h' is not a pandas frequency of a positive step"),
        ({"resample": "fortnight", "agg": "sum"}, "resample='fortnight' is not a pandas frequency"),
    ],
)
def test_resample_options_are_checked(write_csv, options, message):
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace("?", r"\?")):
        read_csv(write_csv(ORDERS), **options)


def test_the_command_line_offers_every_aggregation():
    assert AGG_CHOICES == AGGREGATIONS
