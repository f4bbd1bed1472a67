import warnings

import numpy as np
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


@pytest.mark.parametrize("step", ["D", "h"])
def test_a_panel_of_plain_runs_of_steps_is_put_in_order_at_once_as_the_series_loop_would(tmp_path, monkeypatch, step):
    from forecast.reading import regular

    rng = np.random.default_rng(0)
    pieces = [
        pd.DataFrame(
            {"unique_id": name, "ds": pd.date_range(start, periods=rows, freq=step), "y": rng.normal(size=rows)}
        )
        for name, start, rows in [("s0", "2021-01-03", 200), ("007", "2021-01-01", 250), ("s2", "2021-01-08", 190)]
    ]
    path = tmp_path / "panel.csv"
    pd.concat(pieces).sample(frac=1, random_state=0).to_csv(path, index=False)  # rows in any order
    taken, at_once = [], regular._consecutive_panel_or_none

    def recorded(*args):
        taken.append(at_once(*args) is not None)
        return at_once(*args)

    monkeypatch.setattr(regular, "_consecutive_panel_or_none", recorded)
    fast = read_csv(path, id_col="unique_id")
    monkeypatch.setattr(regular, "_consecutive_panel_or_none", lambda *args: None)
    looped = read_csv(path, id_col="unique_id")
    assert taken == [True]
    pd.testing.assert_frame_equal(fast, looped)
    assert fast.attrs == looped.attrs and sorted(fast.index.unique(0)) == ["007", "s0", "s2"]


def test_a_panel_with_a_gap_or_a_missing_value_is_checked_series_by_series():
    from forecast.reading.regular import _consecutive_panel_or_none

    index = pd.DatetimeIndex(list(pd.date_range("2021-01-01", periods=20)) * 2, name="ds")
    ids = np.repeat(["a", "b"], 20)
    frame = pd.DataFrame({"y": np.arange(40.0)}, index=index)
    assert _consecutive_panel_or_none(frame, ids, "unique_id", "x.csv", None) is not None
    kept = np.arange(40) != 5  # series a lacks its sixth day
    assert _consecutive_panel_or_none(frame[kept], ids[kept], "unique_id", "x.csv", None) is None
    missing = frame.assign(y=np.where(np.arange(40) == 3, np.nan, frame.y))
    assert _consecutive_panel_or_none(missing, ids, "unique_id", "x.csv", None) is None
