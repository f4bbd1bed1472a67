"""Real-world CSV exports: each is read exactly right, or refused with one message that says how to fix it."""

import bz2
import codecs
import gzip
import io
import lzma
import os
import zipfile

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from forecast import DataError, read_csv
from forecast.cli.main import cli
from forecast.reading.calendar import ObservedCalendar, future_timestamps


def csv(header, rows):
    """The text of a CSV file: a header line, then one line per row."""
    return header + "\n" + "".join(f"{row}\n" for row in rows)


def dated(dates, name="date", date_format="%Y-%m-%d"):
    """A two-column CSV: the dates in ``date_format``, then the value 1, 2, 3, ..."""
    return csv(f"{name},value", [f"{date:{date_format}},{number}" for number, date in enumerate(dates, start=1)])


def zipped(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


DAILY = "date,value\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n"
WEEKDAYS = pd.bdate_range("2024-01-01", "2024-01-31")  # 23 business days
HOLIDAY = pd.Timestamp("2024-01-15")
WORKING_DAYS = WEEKDAYS.drop(HOLIDAY)
_HOURS = pd.date_range("2024-01-01", "2024-01-19 23:00", freq="h")  # three weeks from a Monday
OFFICE_HOURS = _HOURS[(_HOURS.day_of_week < 5) & (_HOURS.hour >= 9) & (_HOURS.hour < 12)]  # 45 rows
OFFICE_GAP = pd.Timestamp("2024-01-03 10:00")
OFFICE_CALENDAR = {
    "kind": "observed",
    "step": "0 days 01:00:00",
    "slots": [[f"{day} days 09:00:00", 3] for day in range(5)],
}
_MINUTES = pd.date_range("2024-01-01", "2024-01-21 23:55", freq="5min")
CALL_CENTRE = _MINUTES[(_MINUTES.day_of_week < 5) & (_MINUTES.hour >= 8) & (_MINUTES.hour < 18)]
_DAYS = pd.date_range("2024-01-01", "2024-01-26")
MONDAY_WEDNESDAY_FRIDAY = _DAYS[_DAYS.day_of_week.isin([0, 2, 4])]


def days(*dates):
    return [f"{date} 00:00:00" for date in dates]


# What DAILY reads as: columns, values, index, freq.
DAILY_FRAME = (["value"], [1.0, 2.0, 3.0], days("2020-01-01", "2020-01-02", "2020-01-03"), "D")


# (case, file name, file content, read_csv options, expected columns, values, index, freq)
READ = [
    (
        "day-first settled by a day over 12, applied to every row",
        "data.csv",
        csv("date,value", ["10/01/2020,1", "11/01/2020,2", "12/01/2020,3", "13/01/2020,4"]),
        {},
        ["value"],
        [1.0, 2.0, 3.0, 4.0],
        days("2020-01-10", "2020-01-11", "2020-01-12", "2020-01-13"),
        "D",
    ),
    (
        "month-first settled by a second field over 12",
        "data.csv",
        csv("date,value", ["01/11/2020,1", "01/12/2020,2", "01/13/2020,3"]),
        {},
        ["value"],
        [1.0, 2.0, 3.0],
        days("2020-01-11", "2020-01-12", "2020-01-13"),
        "D",
    ),
    (
        "undecidable day and month settled by date_format, day-first",
        "data.csv",
        csv("date,value", ["01/02/2020,1", "01/03/2020,2", "01/04/2020,3"]),
        {"date_format": "%d/%m/%Y"},
        ["value"],
        [1.0, 2.0, 3.0],
        days("2020-02-01", "2020-03-01", "2020-04-01"),
        "MS",
    ),
    (
        "undecidable day and month settled by date_format, month-first",
        "data.csv",
        csv("date,value", ["01/02/2020,1", "01/03/2020,2", "01/04/2020,3"]),
        {"date_format": "%m/%d/%Y"},
        ["value"],
        [1.0, 2.0, 3.0],
        days("2020-01-02", "2020-01-03", "2020-01-04"),
        "D",
    ),
    (
        "German dates with dots and two-digit years",
        "data.csv",
        csv("Datum;Wert", ["30.12.19;1", "31.12.19;2", "01.01.20;3"]),
        {},
        ["Wert"],
        [1.0, 2.0, 3.0],
        days("2019-12-30", "2019-12-31", "2020-01-01"),
        "D",
    ),
    (
        "day-first dates with times",
        "data.csv",
        csv("date,value", ["13/01/2020 22:00,1", "13/01/2020 23:00,2", "14/01/2020 00:00,3"]),
        {},
        ["value"],
        [1.0, 2.0, 3.0],
        ["2020-01-13 22:00:00", "2020-01-13 23:00:00", "2020-01-14 00:00:00"],
        "h",
    ),
    (
        "US dates with a 12-hour clock",
        "data.csv",
        csv("date,value", ["1/13/2020 11:00 AM,1", "1/13/2020 12:00 PM,2", "1/13/2020 1:00 PM,3"]),
        {},
        ["value"],
        [1.0, 2.0, 3.0],
        ["2020-01-13 11:00:00", "2020-01-13 12:00:00", "2020-01-13 13:00:00"],
        "h",
    ),
    (
        "epoch seconds in a column named timestamp",
        "data.csv",
        csv("timestamp,value", ["1577836800,1", "1577840400,2", "1577844000,3"]),
        {},
        ["value"],
        [1.0, 2.0, 3.0],
        ["2020-01-01 00:00:00", "2020-01-01 01:00:00", "2020-01-01 02:00:00"],
        "h",
    ),
    (
        "epoch milliseconds in a column named like a time",
        "data.csv",
        csv("value,unix_ms", ["1,1577836800000", "2,1577836860000", "3,1577836920000"]),
        {},
        ["value"],
        [1.0, 2.0, 3.0],
        ["2020-01-01 00:00:00", "2020-01-01 00:01:00", "2020-01-01 00:02:00"],
        "min",
    ),
    (
        "epoch seconds in a column named by date_col",
        "data.csv",
        csv("created,value", ["1577836800,1", "1577923200,2", "1578009600,3"]),
        {"date_col": "created"},
        *DAILY_FRAME,
    ),
    (
        "yyyymmdd whole numbers across a month end",
        "data.csv",
        csv("date,value", ["20200130,1", "20200131,2", "20200201,3"]),
        {},
        ["value"],
        [1.0, 2.0, 3.0],
        days("2020-01-30", "2020-01-31", "2020-02-01"),
        "D",
    ),
    (
        "four-digit years",
        "data.csv",
        csv("year,value", ["1999,1", "2000,2", "2001,3"]),
        {},
        ["value"],
        [1.0, 2.0, 3.0],
        days("1999-01-01", "2000-01-01", "2001-01-01"),
        "YS-JAN",
    ),
    (
        "quarters written 2020Q1, found by their values",
        "data.csv",
        csv("quarter,value", ["2020Q3,1", "2020Q4,2", "2021Q1,3"]),
        {},
        ["value"],
        [1.0, 2.0, 3.0],
        days("2020-07-01", "2020-10-01", "2021-01-01"),
        "QS-JAN",
    ),
    (
        "quarters written 2020-Q1",
        "data.csv",
        csv("period,value", ["2020-Q1,1", "2020-Q2,2", "2020-Q3,3"]),
        {},
        ["value"],
        [1.0, 2.0, 3.0],
        days("2020-01-01", "2020-04-01", "2020-07-01"),
        "QS-JAN",
    ),
    (
        "ISO weeks across a 53-week year",
        "data.csv",
        csv("week,value", ["2020-W52,1", "2020-W53,2", "2021-W01,3"]),
        {},
        ["value"],
        [1.0, 2.0, 3.0],
        days("2020-12-21", "2020-12-28", "2021-01-04"),
        "W-MON",
    ),
    (
        "ISO weeks with a weekday",
        "data.csv",
        csv("week,value", ["2020-W05-3,1", "2020-W06-3,2", "2020-W07-3,3"]),
        {},
        ["value"],
        [1.0, 2.0, 3.0],
        days("2020-01-29", "2020-02-05", "2020-02-12"),
        "W-WED",
    ),
    (
        "nanosecond timestamps keep their resolution",
        "data.csv",
        csv("date,value", [f"2020-01-01 00:00:00.00000000{n},{n}" for n in (1, 2, 3)]),
        {},
        ["value"],
        [1.0, 2.0, 3.0],
        [f"2020-01-01 00:00:00.00000000{n}" for n in (1, 2, 3)],
        "ns",
    ),
    (
        "gzip named .gz",
        "data.csv.gz",
        gzip.compress(DAILY.encode(), mtime=0),
        {},
        *DAILY_FRAME,
    ),
    (
        "gzip named .csv, told by its first bytes",
        "data.csv",
        gzip.compress(DAILY.encode(), mtime=0),
        {},
        *DAILY_FRAME,
    ),
    (
        "bz2",
        "data.csv.bz2",
        bz2.compress(DAILY.encode()),
        {},
        *DAILY_FRAME,
    ),
    (
        "xz",
        "data.csv.xz",
        lzma.compress(DAILY.encode()),
        {},
        *DAILY_FRAME,
    ),
    (
        "zip of one CSV",
        "export.zip",
        zipped({"export/data.csv": DAILY}),
        {},
        *DAILY_FRAME,
    ),
    (
        "UTF-16 LE with its byte-order mark",
        "data.csv",
        "date,température\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n".encode("utf-16"),
        {},
        ["température"],
        [1.0, 2.0, 3.0],
        days("2020-01-01", "2020-01-02", "2020-01-03"),
        "D",
    ),
    (
        "UTF-16 BE with its byte-order mark",
        "data.csv",
        codecs.BOM_UTF16_BE + "date,débit\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n".encode("utf-16-be"),
        {},
        ["débit"],
        [1.0, 2.0, 3.0],
        days("2020-01-01", "2020-01-02", "2020-01-03"),
        "D",
    ),
    (
        "UTF-8 with a byte-order mark (Excel's CSV UTF-8)",
        "data.csv",
        codecs.BOM_UTF8 + "date,débit\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n".encode(),
        {},
        ["débit"],
        [1.0, 2.0, 3.0],
        days("2020-01-01", "2020-01-02", "2020-01-03"),
        "D",
    ),
    (
        "Latin-1 read by the cp1252 fallback",
        "data.csv",
        "date,température\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n".encode("latin-1"),
        {},
        ["température"],
        [1.0, 2.0, 3.0],
        days("2020-01-01", "2020-01-02", "2020-01-03"),
        "D",
    ),
    (
        "cp1252 with a euro sign",
        "data.csv",
        "date;prix €\n2020-01-01;1\n2020-01-02;2\n2020-01-03;3\n".encode("cp1252"),
        {},
        ["prix €"],
        [1.0, 2.0, 3.0],
        days("2020-01-01", "2020-01-02", "2020-01-03"),
        "D",
    ),
    (
        "an encoding given by name",
        "data.csv",
        "date,débit\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n".encode("utf-16-le"),
        {"encoding": "utf-16-le"},
        ["débit"],
        [1.0, 2.0, 3.0],
        days("2020-01-01", "2020-01-02", "2020-01-03"),
        "D",
    ),
    (
        "comment lines before the header and between rows",
        "data.csv",
        csv(
            "# exported by the meter, 2020\n  # unit: kWh\ndate,value",
            ["2020-01-01,1", "# reset", "2020-01-02,2", "2020-01-03,3"],
        ),
        {},
        *DAILY_FRAME,
    ),
    (
        "a # inside a value is data",
        "data.csv",
        csv("date,label,value", ["2020-01-01,#1,1", "2020-01-02,lot #2,2", "2020-01-03,#3,3"]),
        {},
        *DAILY_FRAME,
    ),
    (
        "weekdays without holes are business days",
        "data.csv",
        dated(WEEKDAYS),
        {},
        ["value"],
        [float(number) for number in range(1, 24)],
        [f"{day} 00:00:00" for day in WEEKDAYS.date],
        "B",
    ),
    (
        "a holiday is a missing business day, filled when asked",
        "data.csv",
        dated(WORKING_DAYS),
        {"fill": "ffill"},
        ["value"],
        [float(number) for number in range(1, 11)] + [10.0] + [float(number) for number in range(11, 23)],
        [f"{day} 00:00:00" for day in WEEKDAYS.date],
        "B",
    ),
    (
        "office hours read as observed steps",
        "data.csv",
        dated(OFFICE_HOURS, date_format="%Y-%m-%d %H:%M"),
        {"freq": "observed"},
        ["value"],
        [float(number) for number in range(1, 46)],
        [str(stamp) for stamp in OFFICE_HOURS],
        None,
    ),
    (
        "a gap inside the observed slots is filled when asked",
        "data.csv",
        dated(OFFICE_HOURS.drop(OFFICE_GAP), date_format="%Y-%m-%d %H:%M"),
        {"freq": "observed", "fill": "interpolate"},
        ["value"],
        [float(number) for number in range(1, 8)] + [7.5] + [float(number) for number in range(8, 45)],
        [str(stamp) for stamp in OFFICE_HOURS],
        None,
    ),
]


@pytest.mark.parametrize("engine", ["c", "pyarrow"])
@pytest.mark.parametrize(
    ("name", "content", "options", "columns", "values", "index", "freq"),
    [case[1:] for case in READ],
    ids=[case[0] for case in READ],
)
def test_real_world_files_are_read_exactly(
    tmp_path, monkeypatch, engine, name, content, options, columns, values, index, freq
):
    if engine == "pyarrow":  # the parser of large files
        monkeypatch.setattr("forecast.reading.table.LARGE_FILE_BYTES", 0)
    path = tmp_path / name
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    frame = read_csv(path, **options)
    assert list(frame.columns) == columns
    assert frame.iloc[:, 0].tolist() == values
    assert [str(stamp) for stamp in frame.index] == index
    assert frame.index.freqstr == freq


def test_series_ids_padded_with_spaces_name_one_series(write_csv):
    frame = read_csv(
        write_csv(csv("unique_id,ds,y", [" 7,2020-01-01,1", "7 ,2020-01-02,2", "7,2020-01-03,3"])), id_col="unique_id"
    )
    assert frame.index.get_level_values("unique_id").tolist() == ["7", "7", "7"]
    assert frame["y"].tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(("fraction", "unit"), [(".000001", "us"), (".000000001", "ns"), ("", "us")])
def test_nanoseconds_only_when_the_data_has_them(write_csv, fraction, unit):
    text = csv("date,value", [f"2020-01-01 00:00:0{second}{fraction},{second}" for second in (1, 2, 3)])
    assert read_csv(write_csv(text)).index.unit == unit


def test_a_hash_inside_a_value_is_data(write_csv):
    text = csv("ds,unique_id,y", ["2020-01-01,#1,1", "2020-01-02,#1,2", "2020-01-01,lot #2,3", "2020-01-02,lot #2,4"])
    frame = read_csv(write_csv(text), id_col="unique_id")
    assert frame.index.get_level_values("unique_id").tolist() == ["#1", "#1", "lot #2", "lot #2"]
    assert frame["y"].tolist() == [1.0, 2.0, 3.0, 4.0]


@pytest.mark.parametrize("engine", ["c", "pyarrow"])
def test_headers_and_values_padded_with_spaces_read_alike_by_both_parsers(write_csv, monkeypatch, engine):
    if engine == "pyarrow":
        monkeypatch.setattr("forecast.reading.table.LARGE_FILE_BYTES", 0)
    frame = read_csv(write_csv(" date , value \n 2020-01-01 , 1 \n2020-01-02,2\n 2020-01-03,3 \n"))
    assert list(frame.columns) == ["value"] and frame.index.name == "date"
    assert frame["value"].tolist() == [1.0, 2.0, 3.0]
    assert [str(day.date()) for day in frame.index] == ["2020-01-01", "2020-01-02", "2020-01-03"]


@pytest.mark.parametrize("blank", ["", " "])
def test_a_column_without_a_name_that_holds_values_is_refused_by_its_position(tmp_path, monkeypatch, blank):
    rows = ["2020-01-01,5,1", "2020-01-02,6,2", "2020-01-03,7,3"]
    (tmp_path / "data.csv").write_text(csv(f"date,{blank},sales", rows))
    with pytest.raises(DataError, match=r"column 2 has no name in the header but holds values \('5' first\); name it"):
        read_csv(tmp_path / "data.csv")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["fit", "data.csv", "--model", "naive", "-o", "model.npz"])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: data.csv: column 2 has no name") and result.stderr.count("\n") == 1
    assert sorted(os.listdir(tmp_path)) == ["data.csv"]


@pytest.mark.parametrize(
    "text",
    [
        csv(",date,sales", ["0,2020-01-01,1", "1,2020-01-02,2", "2,2020-01-03,3"]),  # to_csv's row numbers
        csv(",sales", ["2020-01-01,1", "2020-01-02,2", "2020-01-03,3"]),  # to_csv's index of dates
        csv("date,sales,", ["2020-01-01,1,", "2020-01-02,2,", "2020-01-03,3,"]),  # a trailing separator
    ],
    ids=["row numbers", "dates", "trailing separator"],
)
def test_a_column_without_a_name_is_no_data_as_an_index_or_empty(write_csv, text):
    frame = read_csv(write_csv(text))
    assert list(frame.columns) == ["sales"] and frame["sales"].tolist() == [1.0, 2.0, 3.0]


def test_names_padded_with_spaces_are_matched_with_or_without_them(tmp_path, monkeypatch):
    (tmp_path / "data.csv").write_text(
        csv(" date , sales ,promo", [f"2020-01-{day:02d},{day},{day % 2}" for day in range(1, 29)])
    )
    for date_col, target in ((" date ", " sales "), ("date", "sales")):
        frame = read_csv(tmp_path / "data.csv", date_col=date_col, targets=[target])
        assert list(frame.columns) == ["sales"] and frame.index.name == "date"
    monkeypatch.chdir(tmp_path)
    options = ["--date-col", " date ", "--target", " sales ", "--past-covariate", " promo ", "--model", "naive"]
    fitted = CliRunner().invoke(cli, ["fit", "data.csv", *options, "--lookback", "7", "--horizon", "2"])
    assert fitted.exit_code == 0, fitted.output
    predicted = CliRunner().invoke(cli, ["predict", "data.csv", "--date-col", " date ", "-o", "next.csv"])
    assert predicted.exit_code == 0, predicted.output
    assert (tmp_path / "next.csv").read_text().splitlines()[0] == "date,sales"


def test_observed_steps_learn_the_calendar_and_forecast_on_it(write_csv):
    frame = read_csv(write_csv(dated(OFFICE_HOURS, date_format="%Y-%m-%d %H:%M")), freq="observed")
    calendar = frame.attrs["calendar"]
    assert calendar.to_dict() == OFFICE_CALENDAR
    assert ObservedCalendar.from_dict(calendar.to_dict()) == calendar
    assert calendar.season_length == 3
    # Friday 11:00 is followed by Monday 09:00: no nights, no weekend.
    future = future_timestamps(frame.index[-1], calendar, 4)
    assert [str(stamp) for stamp in future] == [
        "2024-01-22 09:00:00",
        "2024-01-22 10:00:00",
        "2024-01-22 11:00:00",
        "2024-01-23 09:00:00",
    ]
    assert future_timestamps(frame.index[-1], OFFICE_CALENDAR, 4).equals(future)


def test_a_stored_calendar_reads_new_rows_on_the_same_slots(write_csv):
    frame = read_csv(write_csv(dated(OFFICE_HOURS[:6], date_format="%Y-%m-%d %H:%M")), freq=OFFICE_CALENDAR)
    assert frame.index.equals(pd.DatetimeIndex(OFFICE_HOURS[:6], name="date"))
    with pytest.raises(DataError, match="timestamp 2024-01-06 09:00:00 is off the weekly calendar"):
        read_csv(write_csv(csv("date,value", ["2024-01-05 09:00,1", "2024-01-06 09:00,2"])), freq=OFFICE_CALENDAR)


@pytest.mark.parametrize(
    ("freq", "expected"),
    [
        ("B", ["2024-01-08", "2024-01-09", "2024-01-10"]),  # from a Friday
        ("D", ["2024-01-06", "2024-01-07", "2024-01-08"]),
        ("MS", ["2024-02-01", "2024-03-01", "2024-04-01"]),
    ],
)
def test_future_timestamps_at_pandas_frequencies(freq, expected):
    future = future_timestamps(pd.Timestamp("2024-01-05"), freq, 3)
    assert [str(day.date()) for day in future] == expected


def test_future_timestamps_need_a_frequency():
    with pytest.raises(DataError, match="attrs\\['calendar'\\]"):
        future_timestamps(pd.Timestamp("2024-01-05"), "observed", 3)


# (case, file name, file content, read_csv options, fragments the message must hold, fragments it must not)
REFUSED = [
    (
        "day and month that no value settles",
        "data.csv",
        csv("date,value", ["01/02/2020,1", "01/03/2020,2", "01/04/2020,3"]),
        {},
        [
            "column 'date'",
            "'01/02/2020' reads as 2020-01-02 month-first or 2020-02-01 day-first",
            "date_format='%d/%m/%Y' or '%m/%d/%Y'",
            "--date-format",
        ],
        [],
    ),
    (
        "dates in both orders",
        "data.csv",
        csv("date,value", ["13/01/2020,1", "01/14/2020,2"]),
        {},
        ["column 'date'", "'13/01/2020' (data row 1) is day-first", "'01/14/2020' (data row 2) month-first"],
        [],
    ),
    (
        "a time of day without a date",
        "data.csv",
        csv("time,value", ["12:30,1", "12:31,2", "12:32,3"]),
        {},
        ["column 'time'", "time of day without a date, '12:30' in data row 1", "date_col="],
        [],
    ),
    (
        "a time with seconds in a named date column",
        "data.csv",
        csv("date,value", ["08:00:00,1", "09:00:00,2"]),
        {},
        ["column 'date'", "'08:00:00' in data row 1"],
        [],
    ),
    (
        "one row with only a time",
        "data.csv",
        csv("date,value", ["2020-01-01 10:00,1", "11:00,2", "2020-01-01 12:00,3"]),
        {},
        ["column 'date'", "'11:00' in data row 2"],
        [],
    ),
    (
        "whole numbers that are no dates",
        "data.csv",
        csv("timestamp,value", ["5,1", "6,2", "7,3"]),
        {},
        ["column 'timestamp' holds numbers, not dates", "epoch seconds", "date_col="],
        [],
    ),
    (
        "a yyyymmdd number that is no day",
        "data.csv",
        csv("date,value", ["20200228,1", "20200230,2"]),
        {},
        ["column 'date'", "20200230 in data row 2", "yyyymmdd"],
        [],
    ),
    (
        "a week that the year does not have",
        "data.csv",
        csv("week,value", ["2021-W52,1", "2021-W53,2"]),
        {},
        ["column 'week'", "'2021-W53' in data row 2"],
        [],
    ),
    (
        "a date that does not match date_format",
        "data.csv",
        DAILY,
        {"date_format": "%d/%m/%Y"},
        ["column 'date'", "not a date in the format '%d/%m/%Y', '2020-01-01' in data row 1"],
        [],
    ),
    (
        "a date_format without a year",
        "data.csv",
        DAILY,
        {"date_format": "%H:%M"},
        ["date_format='%H:%M' has no year"],
        [],
    ),
    (
        "a holiday among weekdays",
        "data.csv",
        dated(WORKING_DAYS),
        {},
        ["1 missing timestamp(s) on the 'B' grid of business days", "first 2024-01-15", "fill='interpolate'"],
        [],
    ),
    (
        "office hours on an inferred hourly grid",
        "data.csv",
        dated(OFFICE_HOURS, date_format="%Y-%m-%d %H:%M"),
        {},
        ["column 'date'", "weekly calendar", "Mon, Tue, Wed, Thu, Fri", "freq='observed'", "--freq observed"],
        ["fill"],
    ),
    (
        "call-centre hours, even with fill asked for",
        "data.csv",
        dated(CALL_CENTRE, date_format="%Y-%m-%d %H:%M"),
        {"fill": "ffill"},
        ["column 'date'", "from 08:00 to 17:55", "freq='observed'"],
        ["fill"],
    ),
    (
        "call-centre hours on an explicit grid",
        "data.csv",
        dated(CALL_CENTRE, date_format="%Y-%m-%d %H:%M"),
        {"freq": "5min"},
        ["'5min' grid", "freq='observed'"],
        ["fill"],
    ),
    (
        "Monday, Wednesday and Friday",
        "data.csv",
        dated(MONDAY_WEDNESDAY_FRIDAY),
        {},
        ["cannot infer a regular frequency from column 'date'", "on Mon, Wed, Fri", "freq='observed'"],
        ["fill"],
    ),
    (
        "scattered hours",
        "data.csv",
        dated(
            pd.Timestamp("2024-01-01") + pd.to_timedelta([0, 1, 2, 5, 9, 10, 17, 30, 31, 50], unit="h"),
            "date",
            "%Y-%m-%d %H:%M",
        ),
        {},
        ["column 'date' do not follow one frequency", "41 of the 51 'h' grid steps", "freq="],
        ["fill"],
    ),
    (
        "observed steps from less than a week",
        "data.csv",
        dated(OFFICE_HOURS[:9], date_format="%Y-%m-%d %H:%M"),
        {"freq": "observed"},
        ["column 'date' spans only 2 days 03:00:00", "at least one full week"],
        [],
    ),
    (
        "a gap inside the observed slots",
        "data.csv",
        dated(OFFICE_HOURS.drop(OFFICE_GAP), date_format="%Y-%m-%d %H:%M"),
        {"freq": "observed"},
        ["1 missing timestamp(s) on the weekly calendar", "first 2024-01-03 10:00:00", "fill="],
        [],
    ),
    (
        "a blank series id",
        "data.csv",
        csv("unique_id,ds,y", ["A,2020-01-01,1", "A,2020-01-02,2", " ,2020-01-03,3"]),
        {"id_col": "unique_id"},
        ["column 'unique_id' has no series id in data row 3", "fill it in or remove the row"],
        [],
    ),
    (
        "a missing series id",
        "data.csv",
        csv("unique_id,ds,y", ["A,2020-01-01,1", ",2020-01-02,2", "A,2020-01-03,3"]),
        {"id_col": "unique_id"},
        ["column 'unique_id' has no series id in data row 2"],
        [],
    ),
    (
        "UTF-16 without a byte-order mark",
        "data.csv",
        DAILY.encode("utf-16-le"),
        {},
        ["not a text CSV file", "encoding='utf-16-le'", "--encoding"],
        [],
    ),
    (
        "an unknown encoding",
        "data.csv",
        DAILY,
        {"encoding": "klingon"},
        ["encoding='klingon' is not a known text encoding"],
        [],
    ),
    (
        "a Latin-1 file declared UTF-8",
        "data.csv",
        "date,température\n2020-01-01,1\n".encode("latin-1"),
        {"encoding": "utf-8"},
        ["cannot decode it as utf-8", "encoding=", "--encoding"],
        [],
    ),
    (
        "a truncated gzip file",
        "data.csv.gz",
        gzip.compress(DAILY.encode() * 50, mtime=0)[:40],
        {},
        ["cannot decompress this gzip file", "check that it is complete"],
        [],
    ),
    (
        "a zip of two files",
        "export.zip",
        zipped({"a.csv": DAILY, "b.csv": DAILY}),
        {},
        ["a zip archive of 2 files (a.csv, b.csv)", "exactly one CSV file"],
        [],
    ),
    (
        "binary data inside gzip",
        "data.csv.gz",
        gzip.compress(b"\x00\x01\x02\x03binary", mtime=0),
        {},
        ["not a text CSV file (it holds binary data)"],
        [],
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "options", "fragments", "absent"),
    [case[1:] for case in REFUSED],
    ids=[case[0] for case in REFUSED],
)
def test_real_world_files_are_refused_with_the_fix(tmp_path, name, content, options, fragments, absent):
    path = tmp_path / name
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    with pytest.raises(DataError) as caught:
        read_csv(path, **options)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message
    for fragment in absent:
        assert fragment not in message
    if not any(option in options for option in ("date_format", "encoding")):
        assert str(path) in message


# (case in REFUSED, extra command-line options)
CLI_REFUSED = [
    ("day and month that no value settles", []),
    ("a time of day without a date", []),
    ("a holiday among weekdays", []),
    ("office hours on an inferred hourly grid", []),
    ("a blank series id", ["--id-col", "unique_id"]),
    ("UTF-16 without a byte-order mark", []),
    ("a Latin-1 file declared UTF-8", ["--encoding", "utf-8"]),
]


@pytest.mark.parametrize(("case", "options"), CLI_REFUSED, ids=[case for case, _ in CLI_REFUSED])
def test_the_command_line_refuses_them_in_one_line(tmp_path, monkeypatch, case, options):
    _, name, content, _, fragments, _ = next(refused for refused in REFUSED if refused[0] == case)
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    before = sorted(os.listdir(tmp_path))
    result = CliRunner().invoke(cli, ["fit", name, "--model", "naive", "-o", "model.npz", *options])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.output
    assert sorted(os.listdir(tmp_path)) == before


def test_the_command_line_passes_date_format_encoding_and_observed_through(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "monthly.csv").write_bytes(
        csv("date,débit", [f"01/{month:02d}/2020,{month}" for month in range(1, 13)]).encode("latin-1")
    )
    fitted = CliRunner().invoke(
        cli, ["fit", "monthly.csv", "--model", "naive", "--date-format", "%d/%m/%Y", "--encoding", "latin-1"]
    )
    assert fitted.exit_code == 0, fitted.output
    assert "12 rows × 1 column(s) (débit), frequency MS" in fitted.stdout
    predicted = CliRunner().invoke(cli, ["predict", "monthly.csv", "--date-format", "%d/%m/%Y", "-o", "next.csv"])
    assert predicted.exit_code == 0, predicted.output
    assert pd.read_csv(tmp_path / "next.csv")["date"].iloc[0] == "2021-01-01"
    (tmp_path / "office.csv").write_text(dated(OFFICE_HOURS, date_format="%Y-%m-%d %H:%M"))
    observed = CliRunner().invoke(cli, ["fit", "office.csv", "--model", "naive", "--freq", "observed"])
    assert observed.exit_code == 0, observed.output
    assert "45 rows × 1 column(s) (value), frequency observed: 15 slots a week at steps of h" in observed.stdout
    assert np.isfinite(float(observed.stdout.split("MASE ")[-1].split()[0]))
