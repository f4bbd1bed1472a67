import numpy as np
import pandas as pd
import pytest

from forecast import DataError, infer_frequency, read_csv
from forecast.reading.frequency import season_length_for


def test_reads_bundled_datasets(datasets):
    airline = read_csv(datasets / "airline.csv")
    assert airline.shape == (144, 1)
    assert list(airline.columns) == ["passengers"]
    assert airline.index.freqstr == "MS"
    assert airline.index.is_monotonic_increasing and airline.index.is_unique
    assert airline.dtypes.iloc[0] == np.float64
    etth1 = read_csv(datasets / "ETTh1.csv")
    assert etth1.shape == (17420, 7)
    assert etth1.index.freqstr == "h"
    assert read_csv(datasets / "sunspots.csv").index.freqstr.startswith("YS")


def test_detects_date_column_by_values_and_sorts(write_csv):
    path = write_csv("value,when,label\n3,2020-01-03,a\n1,2020-01-01,b\n2,2020-01-02,c\n")
    frame = read_csv(path)
    assert frame.index.name == "when"
    assert list(frame.columns) == ["value"]  # the text column "label" is not a target
    assert frame["value"].tolist() == [1.0, 2.0, 3.0]
    assert frame.index.freqstr == "D"


def test_explicit_date_column_and_targets(write_csv):
    path = write_csv("a,b,stamp\n1,10,2021-01-01\n2,20,2021-01-02\n3,30,2021-01-03\n")
    frame = read_csv(path, date_col="stamp", targets="b")
    assert list(frame.columns) == ["b"]
    assert frame["b"].tolist() == [10.0, 20.0, 30.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("date,value\n", "no data rows"),
        ("date,value\n2020-01-01,1\n2020-01-02,2,7\n2020-01-03,3\n", "every row needs as many fields"),
        ("date,value\n2020-01-01,1\n2020-01-02,abc\n2020-01-03,3\n", "non-numeric value 'abc' in data row 2"),
        ("date,value\n2020-01-01,1\nnot a date,2\n2020-01-03,3\n", "not a date, 'not a date' in data row 2"),
        ("date,value\n2020-01-01,1\n2020-01-01,2\n2020-01-02,3\n", "duplicate timestamp"),
        ("date,value\n2020-01-01,1\n2020-01-02,inf\n2020-01-03,3\n", "infinite value in data row 2"),
        ("date,value\n2020-01-01,1\n2020-01-02,\n2020-01-03,3\n", "1 missing value(s)"),
        ("date,value\n2020-01-01,1\n2020-01-02,2\n2020-01-04,4\n2020-01-05,5\n", "1 missing timestamp(s)"),
        ("value,other\n1,2\n3,4\n", "no date column found"),
        ("date,label\n2020-01-01,a\n2020-01-02,b\n", "no numeric column besides 'date' (column 'label' holds 'a')"),
        ('date,value\n2020-01-01,"1,5"\n2020-01-02,"1.5"\n', "writes numbers two ways: '1,5' (data row 1)"),
        ("date\n2020-01-01\n2020-01-02\n", "no numeric column besides 'date'; add"),
        ("date,value\n2020-01-01,\n2020-01-02,\n", "no numeric column besides 'date'; add"),
        (
            "date,value\n2020-01-01 00:00,1\n2020-01-01 00:07,2\n2020-01-01 00:19,3\n2020-01-01 00:30,4\n",
            "cannot infer a regular frequency",
        ),
        ("date,value\n2020-01-01,true\n2020-01-02,false\n", "true/false"),
    ],
)
def test_bad_files_raise_data_error_naming_the_file(write_csv, text, message):
    path = write_csv(text)
    with pytest.raises(DataError) as caught:
        read_csv(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_semicolon_and_tab_separated_files(write_csv):
    assert read_csv(write_csv("date;value\n2020-01-01;1\n2020-01-02;2\n")).shape == (2, 1)
    assert read_csv(write_csv("date\tvalue\n2020-01-01\t1\n2020-01-02\t2\n")).shape == (2, 1)


def test_binary_file_is_not_a_csv(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"\x00\x01garbage")
    with pytest.raises(DataError, match="not a text CSV file"):
        read_csv(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_csv(tmp_path / "absent.csv")
    with pytest.raises(DataError, match="not a file"):
        read_csv(tmp_path)


def test_unknown_columns_are_named(write_csv):
    path = write_csv("date,value\n2020-01-01,1\n2020-01-02,2\n")
    with pytest.raises(DataError, match="no column 'price'; available columns: 'date', 'value'"):
        read_csv(path, targets=["price"])
    with pytest.raises(DataError, match="no date column 'day'"):
        read_csv(path, date_col="day")
    with pytest.raises(DataError, match="date or id column"):
        read_csv(path, targets="date")


def test_explicit_non_numeric_target_is_refused(write_csv):
    path = write_csv("date,value,label\n2020-01-01,1,a\n2020-01-02,2,b\n")
    with pytest.raises(DataError, match="column 'label' has a non-numeric value 'a'"):
        read_csv(path, targets=["value", "label"])


@pytest.mark.parametrize(
    ("fill", "expected"),
    [
        ("interpolate", [1.0, 2.0, 3.0, 4.0, 5.0]),
        ("ffill", [1.0, 2.0, 2.0, 2.0, 5.0]),
        ("zero", [1.0, 2.0, 0.0, 0.0, 5.0]),
    ],
)
def test_fill_policies_fill_missing_values_and_timestamps(write_csv, fill, expected):
    path = write_csv("date,value\n2020-01-01,1\n2020-01-02,2\n2020-01-03,\n2020-01-05,5\n")
    with pytest.warns(UserWarning, match="40% of the values were missing"):
        frame = read_csv(path, fill=fill)
    assert frame["value"].tolist() == expected
    assert frame.index.freqstr == "D"
    assert len(frame) == 5


def test_fill_policy_is_checked(write_csv):
    with pytest.raises(
        DataError, match="fill='bfill' is not a fill policy; use None, 'interpolate', 'ffill' or 'zero'"
    ):
        read_csv(write_csv("date,value\n2020-01-01,1\n"), fill="bfill")


def test_explicit_frequency_reveals_gaps(write_csv):
    path = write_csv("date,value\n2020-01-01,1\n2020-01-03,3\n2020-01-05,5\n")
    assert read_csv(path).index.freqstr == "2D"
    with pytest.raises(DataError, match="2 missing timestamp"):
        read_csv(path, freq="D")


def test_year_integers_are_dates(write_csv):
    frame = read_csv(write_csv("year,value\n1700,5\n1701,11\n1702,16\n"))
    assert frame.index[0] == pd.Timestamp("1700-01-01")
    assert frame.index.freqstr.startswith("YS")


def test_long_format_gives_a_multiindex_per_series(write_csv):
    path = write_csv(
        "unique_id,ds,y\nA,2020-01-01,1\nA,2020-01-02,2\nA,2020-01-03,3\nB,2020-01-02,5\nB,2020-01-03,6\nB,2020-01-04,7\n"
    )
    frame = read_csv(path, id_col="unique_id")
    assert frame.index.names == ["unique_id", "ds"]
    assert frame.loc["B", "y"].tolist() == [5.0, 6.0, 7.0]


def test_long_format_errors_name_the_series(write_csv):
    path = write_csv("unique_id,ds,y\nA,2020-01-01,1\nA,2020-01-02,2\nB,2020-01-02,5\nB,2020-01-02,6\n")
    with pytest.raises(DataError, match="series 'B'.*duplicate timestamp"):
        read_csv(path, id_col="unique_id")


def test_infer_frequency_tolerates_gaps():
    index = pd.date_range("2020-01-01", periods=50, freq="MS").delete([10, 11, 30])
    assert pd.infer_freq(index) is None
    assert infer_frequency(index) == "MS"
    assert infer_frequency(pd.DatetimeIndex(["2020-01-01", "2020-01-02"])) == "D"


@pytest.mark.parametrize(
    ("freq", "season"),
    [
        ("h", 24),
        ("2h", 12),
        ("30min", 48),
        ("15min", 96),
        ("min", 1440),
        ("7min", 1),
        ("s", 60),
        ("D", 7),
        ("W-SUN", 52),
        ("MS", 12),
        ("ME", 12),
        ("QS-JAN", 4),
        ("YS-JAN", 1),
        (None, 1),
    ],
)
def test_season_length_for_common_frequencies(freq, season):
    assert season_length_for(freq) == season


def test_float32_storage(write_csv):
    frame = read_csv(write_csv("date,value\n2020-01-01,1.5\n2020-01-02,2.5\n2020-01-03,3.5\n"), dtype="float32")
    assert frame["value"].dtype == np.float32
    with pytest.raises(DataError, match="dtype='int8' is not supported"):
        read_csv(write_csv("date,value\n2020-01-01,1\n"), dtype="int8")


def test_large_files_are_parsed_by_pyarrow_with_the_same_result_and_errors(write_csv, monkeypatch):
    text = "unique_id,ds,y\n" + "".join(f"{s},2020-01-{d:02d},{d * (s + 1)}\n" for s in range(3) for d in range(1, 11))
    path = write_csv(text)
    expected = read_csv(path, id_col="unique_id")
    monkeypatch.setattr("forecast.reading.table.LARGE_FILE_BYTES", 0)
    pd.testing.assert_frame_equal(read_csv(path, id_col="unique_id"), expected)
    ragged = write_csv("date,value\n2020-01-01,1\n2020-01-02,2,3\n", name="ragged.csv")
    with pytest.raises(DataError, match="every row needs as many fields as the header"):
        read_csv(ragged)


def test_infer_frequency_takes_the_tightest_grid_and_no_mostly_empty_one():
    weekdays = pd.bdate_range("2024-01-01", "2024-02-29")
    assert infer_frequency(weekdays.delete([10, 25])) == "B"  # two holidays, not every weekend missing
    assert infer_frequency(pd.date_range("2024-01-01", periods=60, freq="D").delete([5, 6])) == "D"
    hours = pd.date_range("2024-01-01", periods=100, freq="h")
    assert infer_frequency(hours[::3].append(hours[1:2]).sort_values()) is None  # 35 of 100 hours: too few
    assert infer_frequency(hours.delete(range(10, 40))) == "h"  # 70 of 100 hours
