import warnings

import numpy as np
import pandas as pd
import pytest

from forecast import DataError, from_long
from forecast.reading.panel import as_panel, is_flat_long


def flat_frame():
    """Two series, rows shuffled, timestamps as strings, values as integers."""
    return pd.DataFrame(
        {
            "unique_id": ["b", "a", "b", "a", "a"],
            "ds": ["2024-01-02", "2024-01-03", "2024-01-01", "2024-01-01", "2024-01-02"],
            "y": [20, 3, 10, 1, 2],
            "price": [2.5, 1.0, 2.0, 0.5, 0.75],
        }
    )


def test_from_long_indexes_by_id_and_time_in_order():
    long = from_long(flat_frame())
    assert long.index.names == ["unique_id", "ds"]
    assert list(long.columns) == ["y", "price"]
    assert long.dtypes.tolist() == [np.float64, np.float64]
    assert list(long.index) == [
        ("a", pd.Timestamp("2024-01-01")),
        ("a", pd.Timestamp("2024-01-02")),
        ("a", pd.Timestamp("2024-01-03")),
        ("b", pd.Timestamp("2024-01-01")),
        ("b", pd.Timestamp("2024-01-02")),
    ]
    assert long["y"].tolist() == [1.0, 2.0, 3.0, 10.0, 20.0]


def test_from_long_takes_other_column_names_and_value_columns():
    flat = flat_frame().rename(columns={"unique_id": "store", "ds": "day"})
    long = from_long(flat, id_col="store", time_col="day", value_cols=["price"])
    assert long.index.names == ["store", "day"]
    assert list(long.columns) == ["price"]


@pytest.mark.parametrize(
    "quarters",
    [["2016Q1", "2016Q2", "2016Q3"], ["2016 Q1", "2016 Q2", "2016 Q3"], ["Q1 2016", "Q2 2016", "Q3 2016"]],
)
def test_from_long_reads_quarters_as_read_csv_does_without_a_warning(quarters):
    flat = pd.DataFrame({"unique_id": ["a"] * 3 + ["b"] * 3, "ds": quarters * 2, "y": np.arange(6.0)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        long = from_long(flat)
    expected = pd.DatetimeIndex(["2016-01-01", "2016-04-01", "2016-07-01"] * 2)
    assert (long.index.get_level_values("ds") == expected).all()


def test_from_long_keeps_whole_number_time_steps():
    flat = pd.DataFrame({"unique_id": ["a", "a", "a"], "ds": [3, 1, 2], "y": [3.0, 1.0, 2.0]})
    long = from_long(flat)
    assert long.index.get_level_values("ds").tolist() == [1, 2, 3]
    assert long["y"].tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("unique_id", " ", r"column 'unique_id' has no series name in row 3; name the series"),
        ("unique_id", None, r"column 'unique_id' has no series name in row 3"),
        ("ds", "soon", r"column 'ds' has 'soon' in row 3, which is not a timestamp; fix it"),
        ("ds", "2024-01-02", r"series 'a' has timestamp 2024-01-02 00:00:00 twice \(column 'ds', row 4\)"),
        ("y", "lots", r"column 'y' has the non-numeric value 'lots' in row 3; fix it"),
    ],
)
def test_from_long_names_the_bad_row(column, value, message):
    flat = flat_frame().astype({column: object})
    flat.loc[3, column] = value
    with pytest.raises(DataError, match=message):
        from_long(flat)


def test_from_long_names_a_missing_column_and_the_fix():
    with pytest.raises(DataError, match=r"no column 'unique_id'; its columns are 'id', 'ds', 'y' .*id_col="):
        from_long(pd.DataFrame({"id": ["a"], "ds": ["2024-01-01"], "y": [1.0]}))
    with pytest.raises(DataError, match="no value column"):
        from_long(pd.DataFrame({"unique_id": ["a"], "ds": ["2024-01-01"]}))


def test_is_flat_long_needs_both_columns_and_a_flat_index():
    assert is_flat_long(flat_frame())
    assert not is_flat_long(flat_frame().drop(columns="ds"))
    assert not is_flat_long(from_long(flat_frame()))
    assert not is_flat_long(flat_frame().set_index(["unique_id", "ds"], drop=False))
    assert not is_flat_long(np.zeros((3, 2)))


def test_as_panel_groups_interleaved_series_and_finds_their_rows():
    index = pd.MultiIndex.from_arrays(
        [
            ["a", "b", "a", "b", "b"],
            pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02", "2024-01-03"]),
        ]
    )
    panel = as_panel(pd.DataFrame({"y": [1.0, 10.0, 2.0, 20.0, 30.0]}, index=index))
    assert panel.ids == ["a", "b"]
    assert panel.starts.tolist() == [0, 2] and panel.lengths.tolist() == [2, 3]
    assert (panel.id_name, panel.time_name) == ("unique_id", "ds")
    assert panel.values[:, 0].tolist() == [1.0, 2.0, 10.0, 20.0, 30.0]
    assert panel.cut(np.array([1, 2]))["y"].tolist() == [1.0, 10.0, 20.0]
    # The 2 rows before cutoffs 2 and 3 of series b: rows 0-1, then 1-2.
    assert panel.windows(np.array([[2, 2], [2, 3]]), rows=2)[2:, :, 0].tolist() == [[10.0, 20.0], [20.0, 30.0]]
    assert list(panel.timestamps([4])) == [pd.Timestamp("2024-01-03")]


def test_as_panel_of_one_series_keeps_the_index_name_or_calls_it_ds():
    series = pd.Series([1.0, 2.0], index=pd.date_range("2024-01-01", periods=2, name="when"))
    assert as_panel(series).time_name == "when"
    panel = as_panel(np.arange(4.0))
    assert (panel.ids, panel.time_name, panel.values.shape) == (None, "ds", (4, 1))
    with pytest.raises(DataError, match=r"shape \(T,\) or \(T, C\)"):
        as_panel(np.zeros((2, 2, 2)))


def test_from_long_refuses_complex_values():
    flat = flat_frame().assign(y=lambda frame: frame["y"] + 1j)
    with pytest.raises(DataError, match="column 'y' holds complex numbers"):
        from_long(flat)


def test_from_long_needs_a_frame_and_takes_one_value_column_by_its_name():
    with pytest.raises(DataError, match="from_long takes a DataFrame .*not a ndarray"):
        from_long(np.ones((3, 3)))
    long = from_long(flat_frame(), value_cols="price")
    assert list(long.columns) == ["price"]
