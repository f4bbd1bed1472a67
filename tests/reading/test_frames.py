"""Frames in: `forecast.reading.frames` checks any frame, Series or array as `read_csv` checks a file."""

import numpy as np
import pandas as pd
import pytest

from forecast import DataError
from forecast.reading.frames import as_frame, check_timestamps, frequency_of, future_index, split_series


def daily(values, start="2024-01-01"):
    return pd.DataFrame({"y": values}, index=pd.date_range(start, periods=len(values), freq="D"))


def test_series_and_arrays_become_float_frames():
    assert as_frame(pd.Series([1, 2], name="sales"), "y").columns.tolist() == ["sales"]
    frame = as_frame(np.arange(6).reshape(3, 2), "y")
    assert frame.shape == (3, 2) and frame.dtypes.eq(np.float64).all()
    assert isinstance(frame.index, pd.RangeIndex)


def test_unsorted_timestamps_are_sorted_and_iso_text_is_parsed():
    frame = daily([1.0, 2.0, 3.0]).iloc[::-1]
    assert as_frame(frame, "y")["y"].tolist() == [1.0, 2.0, 3.0]
    text = pd.DataFrame({"y": [1.0, 2.0]}, index=["2024-01-01", "2024-01-02"])
    assert isinstance(as_frame(text, "y").index, pd.DatetimeIndex)


@pytest.mark.parametrize(
    "frame, message",
    [
        (pd.DataFrame({"y": [1.0, np.nan]}), "missing or infinite"),
        (pd.DataFrame({"y": ["a", "b"]}), "non-numeric"),
        (pd.DataFrame({"y": [1.0, 2.0]}, index=pd.to_datetime(["2024-01-01", "2024-01-01"])), "repeated timestamps"),
        (pd.DataFrame({"y": []}, dtype=float), "empty"),
        (pd.DataFrame({"y": [1.0]}, index=["not a date"]), "ISO 8601"),
    ],
)
def test_bad_frames_are_refused_with_what_to_do(frame, message):
    with pytest.raises(DataError, match=message):
        as_frame(frame, "y")


def test_split_series_and_frequency_of_a_long_frame():
    frame = pd.concat({"short": daily([1.0]), "long": daily([1.0, 2.0, 3.0])}, names=["id", "date"])
    pieces = split_series(frame)
    assert [series_id for series_id, _ in pieces] == ["short", "long"]
    assert frequency_of(frame) == "D"  # from the longest series: one row has no frequency
    assert split_series(daily([1.0]))[0][0] is None


def test_check_timestamps_refuses_a_skipped_step_with_the_fix():
    gappy = daily([1.0, 2.0, 3.0]).drop(pd.Timestamp("2024-01-02"))
    with pytest.raises(DataError, match=r"skip 2024-01-02.*interpolate"):
        check_timestamps([(None, gappy)], "D")
    check_timestamps([(None, daily([1.0, 2.0]))], "D")


def test_future_index_follows_the_frequency_or_counts_on():
    assert list(future_index(pd.Timestamp("2024-01-31"), "MS", 2)) == [
        pd.Timestamp("2024-02-01"),
        pd.Timestamp("2024-03-01"),
    ]
    assert list(future_index(9, None, 2)) == [10, 11]
    with pytest.raises(DataError, match="no regular frequency"):
        future_index(pd.Timestamp("2024-01-31"), None, 2)
