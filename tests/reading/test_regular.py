import warnings

import pandas as pd
import pytest

from forecast import DataError, read_csv


def days(values, start="2024-01-01"):
    """Lines ``date,value`` of consecutive days; None leaves the row out, "" leaves the value empty."""
    stamps = pd.date_range(start, periods=len(values), freq="D")
    return [f"{stamp:%Y-%m-%d},{value}" for stamp, value in zip(stamps, values) if value is not None]


def test_zero_fill_writes_zero_and_the_record_says_what_was_filled(write_csv):
    values = [5] * 30 + [None, None, ""] + [6] * 7  # a shop closed three days: two rows absent, one empty
    path = write_csv("date,sales\n" + "\n".join(days(values)) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 3 of 40 values is under the warning's 10%
        frame = read_csv(path, fill="zero")
    assert frame["sales"].iloc[30:33].tolist() == [0.0, 0.0, 0.0]
    record = frame.attrs["filled"][None]
    assert (record["values"], record["longest_gap"]) == (3, 3)
    assert record["share"] == pytest.approx(3 / 40)
    assert record["gap_start"] == pd.Timestamp("2024-01-31")


def test_a_long_gap_is_filled_with_a_warning(write_csv):
    values = [1] * 20 + [None] * 69 + [2] * 200
    path = write_csv("date,temperature\n" + "\n".join(days(values)) + "\n")
    with pytest.warns(UserWarning, match=r"24% of the values were missing and are filled, the longest gap 69 step"):
        read_csv(path, fill="interpolate")


def test_a_series_that_starts_late_in_a_long_file_is_trimmed_not_filled(write_csv):
    late = [f"b,{line}" for line in days([""] * 116 + [3, 4, 5])]
    early = [f"a,{line}" for line in days(list(range(1, 120)))]
    path = write_csv("id,date,value\n" + "\n".join(early + late) + "\n")
    frame = read_csv(path, id_col="id", fill="ffill")
    assert frame.loc["b", "value"].tolist() == [3.0, 4.0, 5.0]
    assert frame.loc["b"].index[0] == pd.Timestamp("2024-01-01") + pd.Timedelta(days=116)
    assert frame.attrs["trimmed"] == {"b": (116, 0)}
    assert frame.attrs["filled"] == {}


def test_a_series_without_any_value_is_refused(write_csv):
    path = write_csv("id,date,value\na,2024-01-01,1\na,2024-01-02,2\nb,2024-01-01,\n")
    with pytest.raises(DataError, match=r"\(series 'b'\): no values in any row; add values or remove its rows"):
        read_csv(path, id_col="id")


def test_a_refusal_counts_every_series_and_names_the_first_few(write_csv):
    lines = [f"{name},{line}" for name in "abcdefgh" for line in days([1, 2, "", 4])]
    path = write_csv("id,date,value\n" + "\n".join(lines) + "\n")
    with pytest.raises(DataError) as refusal:
        read_csv(path, id_col="id")
    message = str(refusal.value)
    assert "(series 'a'): 1 missing value(s)" in message
    assert "(8 of 8 series are refused: this one, 'b', 'c', 'd', 'e' and 3 more)" in message
    assert "fill='interpolate', 'ffill' or 'zero'" in message


def test_irregular_events_without_repeats_are_pointed_to_resampling(write_csv):
    path = write_csv("time,amount\n2024-01-01 10:05,3\n2024-01-01 10:07,2\n2024-01-01 12:31,4\n2024-01-02 09:00,1\n")
    with pytest.raises(DataError, match=r"cannot infer a regular frequency.*--resample h --agg sum"):
        read_csv(path)


def test_repeated_days_of_a_regular_panel_are_not_called_events(write_csv):
    path = write_csv(
        "date,store,value\n" + "\n".join(f"{line.split(',')[0]},{s},1" for s in "ab" for line in days([1] * 5))
    )
    with pytest.raises(DataError) as refusal:
        read_csv(path)
    assert "resample" not in str(refusal.value)
    assert "id_col='store'" in str(refusal.value)


@pytest.mark.parametrize("freq", ["0D", "-1D", "0h"])
def test_a_frequency_of_no_step_or_a_negative_one_is_refused(write_csv, freq):
    path = write_csv("date,value\n" + "\n".join(days([1, 2, 3])) + "\n")
    with pytest.raises(DataError, match=f"freq='{freq}' is not a pandas frequency of a positive step"):
        read_csv(path, freq=freq)
