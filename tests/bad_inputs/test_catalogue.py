"""A catalogue of real-world inputs to fit, predict, compare and the Python API.

Every case has one right outcome: the file is read with exactly the values and
dates it holds (and the command line fits on it), or the command fails with one
``Error:`` line that names the problem and its fix, a non-zero exit code, and
the folder left as it was.
"""

import io
import os
import pickle
import zipfile

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from test_outputs import assert_refused

from forecast import DataError, LinearForecaster, ModelFileError, NaiveForecaster, load, make_windows, read_csv
from forecast.cli.main import cli
from forecast.evaluation.metrics import mase


def csv(header, rows, newline="\n"):
    """The text of a CSV file: a header line, then one line per row."""
    return newline.join([header, *rows]) + newline


def stamps(n, start="2020-01-01", freq="D", fmt="%Y-%m-%d"):
    """``n`` timestamps from ``start`` at ``freq``, written in ``fmt``."""
    return [f"{stamp:{fmt}}" for stamp in pd.date_range(start, periods=n, freq=freq)]


def series(values, start="2020-01-01", freq="D", fmt="%Y-%m-%d", header="date,value", sep=","):
    """A two-column CSV: dates from ``start`` at ``freq``, then the given cells."""
    return csv(header, [f"{date}{sep}{value}" for date, value in zip(stamps(len(values), start, freq, fmt), values)])


def iso(n, start="2020-01-01", freq="D"):
    """What ``stamps`` gives, as `str` of each parsed timestamp."""
    return [str(stamp) for stamp in pd.date_range(start, periods=n, freq=freq)]


def zipped(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


ONE_TO_SIX = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
SIX_DAYS = iso(6)
PLAIN = series(range(1, 7))
_BERLIN = pd.date_range("2020-03-28 22:00", periods=6, freq="h", tz="Europe/Berlin")

# (case, file content, read_csv options, command-line options, columns, values of the first column, index, freq)
READ = [
    (
        "decimal commas, ; separated",
        series(["1,5", "2,5", "3,25"], header="date;value", sep=";"),
        {},
        [],
        ["value"],
        [1.5, 2.5, 3.25],
        iso(3),
        "D",
    ),
    (
        "thousands dots and decimal commas",
        series(["1.234,5", "12.345.678,9", "-0,5"], header="date;v", sep=";"),
        {},
        [],
        ["v"],
        [1234.5, 12345678.9, -0.5],
        iso(3),
        "D",
    ),
    (
        "quoted thousands commas, decimal points",
        series(['"1,234.5"', '"12,345"', "7.25"]),
        {},
        [],
        ["value"],
        [1234.5, 12345.0, 7.25],
        iso(3),
        "D",
    ),
    (
        "quoted 1,500 in a comma-separated file is fifteen hundred",
        series(['"1,500"', '"2,250"', '"3,000"']),
        {},
        [],
        ["value"],
        [1500.0, 2250.0, 3000.0],
        iso(3),
        "D",
    ),
    (
        "1,500 in a semicolon-separated file is one and a half",
        series(["1,500", "2,250", "3,000"], header="d;v", sep=";"),
        {},
        [],
        ["v"],
        [1.5, 2.25, 3.0],
        iso(3),
        "D",
    ),
    (
        "dollar amounts",
        series(['"$1,234.50"', "$12.00", "-$3.10"]),
        {},
        [],
        ["value"],
        [1234.5, 12.0, -3.1],
        iso(3),
        "D",
    ),
    (
        "euro amounts after the number",
        series(["12,50 €", "-3,00 €", "1.000,00 €"], header="date;eur", sep=";"),
        {},
        [],
        ["eur"],
        [12.5, -3.0, 1000.0],
        iso(3),
        "D",
    ),
    ("percentages", series(["12.5%", "-3%", "0.25%"]), {}, [], ["value"], [12.5, -3.0, 0.25], iso(3), "D"),
    (
        "accounting negatives in parentheses",
        series(['"(1,234.56)"', "(12)", "5"]),
        {},
        [],
        ["value"],
        [-1234.56, -12.0, 5.0],
        iso(3),
        "D",
    ),
    (
        "SAP trailing minus",
        series(["1.234,50-", "12,00", "3,5-"], header="date;v", sep=";"),
        {},
        [],
        ["v"],
        [-1234.5, 12.0, -3.5],
        iso(3),
        "D",
    ),
    (
        "spaces between thousands",
        series(["1 234,5", "12 345", "7"], header="date;v", sep=";"),
        {},
        [],
        ["v"],
        [1234.5, 12345.0, 7.0],
        iso(3),
        "D",
    ),
    (
        "Swiss apostrophes between thousands",
        series(["1'234.50", "12'345", "7"]),
        {},
        [],
        ["value"],
        [1234.5, 12345.0, 7.0],
        iso(3),
        "D",
    ),
    ("quoted plain numbers", series(['"1"', '"2"', '"3"']), {}, [], ["value"], [1.0, 2.0, 3.0], iso(3), "D"),
    ("scientific notation", series(["1e3", "-2.5E-2", "3E+0"]), {}, [], ["value"], [1000.0, -0.025, 3.0], iso(3), "D"),
    (
        "the index column of pandas to_csv is left out",
        csv(",date,value", [f"{k},{d},{k + 1}" for k, d in enumerate(stamps(6))]),
        {},
        [],
        ["value"],
        ONE_TO_SIX,
        SIX_DAYS,
        "D",
    ),
    (
        "a dated index written by pandas to_csv has no name",
        csv(",value", [f"{d},{k + 1}" for k, d in enumerate(stamps(6))]),
        {},
        [],
        ["value"],
        ONE_TO_SIX,
        SIX_DAYS,
        "D",
    ),
    (
        "a trailing separator on every line",
        csv("date,value,", [f"{d},{k + 1}," for k, d in enumerate(stamps(6))]),
        {},
        [],
        ["value"],
        ONE_TO_SIX,
        SIX_DAYS,
        "D",
    ),
    (
        "a trailing separator on the rows only",
        csv("date,value", [f"{d},{k + 1}," for k, d in enumerate(stamps(6))]),
        {},
        [],
        ["value"],
        ONE_TO_SIX,
        SIX_DAYS,
        "D",
    ),
    (
        "blank lines between rows",
        PLAIN.replace("\n2020-01-03", "\n\n\n2020-01-03"),
        {},
        [],
        ["value"],
        ONE_TO_SIX,
        SIX_DAYS,
        "D",
    ),
    ("empty rows a spreadsheet left at the end", PLAIN + ",\n,\n ,\n", {}, [], ["value"], ONE_TO_SIX, SIX_DAYS, "D"),
    ("Windows line endings", PLAIN.replace("\n", "\r\n"), {}, [], ["value"], ONE_TO_SIX, SIX_DAYS, "D"),
    ("classic Mac line endings", PLAIN.replace("\n", "\r"), {}, [], ["value"], ONE_TO_SIX, SIX_DAYS, "D"),
    ("tab separated", PLAIN.replace(",", "\t"), {}, [], ["value"], ONE_TO_SIX, SIX_DAYS, "D"),
    ("bar separated", PLAIN.replace(",", "|"), {}, [], ["value"], ONE_TO_SIX, SIX_DAYS, "D"),
    (
        "Excel's European CSV UTF-8: byte-order mark, semicolons, decimal commas",
        "\ufeff" + series(["1,5", "2,5", "3,5"], header="Datum;Menge", sep=";"),
        {},
        [],
        ["Menge"],
        [1.5, 2.5, 3.5],
        iso(3),
        "D",
    ),
    ("two rows", series([1, 2]), {}, [], ["value"], [1.0, 2.0], iso(2), "D"),
    (
        "a notes column is left out",
        csv("date,value,note", [f"{d},{k + 1},ok" for k, d in enumerate(stamps(6))]),
        {},
        [],
        ["value"],
        ONE_TO_SIX,
        SIX_DAYS,
        "D",
    ),
    (
        "an empty column is left out",
        csv("date,value,comment", [f"{d},{k + 1}," for k, d in enumerate(stamps(6))]),
        {},
        [],
        ["value"],
        ONE_TO_SIX,
        SIX_DAYS,
        "D",
    ),
    (
        "a wide file",
        csv(
            "date," + ",".join(f"s{j}" for j in range(300)),
            [f"{d}," + ",".join(str(k + j) for j in range(300)) for k, d in enumerate(stamps(6))],
        ),
        {},
        [],
        [f"s{j}" for j in range(300)],
        [0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
        SIX_DAYS,
        "D",
    ),
    (
        "newest first, as stock sites export",
        csv("Date,Close", [f"{d},{6 - k}" for k, d in enumerate(stamps(6)[::-1])]),
        {},
        [],
        ["Close"],
        ONE_TO_SIX,
        SIX_DAYS,
        "D",
    ),
    (
        "a constant UTC offset",
        series(range(1, 4), freq="h", fmt="%Y-%m-%dT%H:%M:%S+01:00"),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        [str(s) for s in pd.date_range("2020-01-01", periods=3, freq="h", tz="UTC+01:00")],
        "h",
    ),
    (
        "UTC written Z",
        series(range(1, 4), freq="h", fmt="%Y-%m-%dT%H:%M:%SZ"),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        [str(s) for s in pd.date_range("2020-01-01", periods=3, freq="h", tz="UTC")],
        "h",
    ),
    (
        "offsets across a daylight-saving change are one UTC clock",
        csv("date,value", [f"{t.isoformat()},{k + 1}" for k, t in enumerate(_BERLIN)]),
        {},
        [],
        ["value"],
        ONE_TO_SIX,
        [str(t) for t in _BERLIN.tz_convert("UTC")],
        "h",
    ),
    (
        "dates with times at midnight",
        series(range(1, 7), fmt="%Y-%m-%d 00:00:00"),
        {},
        [],
        ["value"],
        ONE_TO_SIX,
        SIX_DAYS,
        "D",
    ),
    (
        "month names and years",
        series(range(1, 4), freq="MS", fmt="%b %Y"),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        iso(3, freq="MS"),
        "MS",
    ),
    (
        "full month names and years",
        series(range(1, 4), start="2019-11-01", freq="MS", fmt="%B %Y"),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        iso(3, start="2019-11-01", freq="MS"),
        "MS",
    ),
    (
        "Excel's mmm-yy months",
        series(range(1, 4), start="2019-11-01", freq="MS", fmt="%b-%y"),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        iso(3, start="2019-11-01", freq="MS"),
        "MS",
    ),
    (
        "Excel's dd-mmm-yy days",
        series(range(1, 4), start="2019-12-31", fmt="%d-%b-%y"),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        iso(3, start="2019-12-31"),
        "D",
    ),
    (
        "yyyy-mm months",
        series(range(1, 4), freq="MS", fmt="%Y-%m"),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        iso(3, freq="MS"),
        "MS",
    ),
    (
        "yyyy/mm months",
        series(range(1, 4), freq="MS", fmt="%Y/%m"),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        iso(3, freq="MS"),
        "MS",
    ),
    (
        "mm/yyyy months",
        series(range(1, 4), freq="MS", fmt="%m/%Y"),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        iso(3, freq="MS"),
        "MS",
    ),
    (
        "yyyymm whole numbers",
        csv("period,value", ["201912,1", "202001,2", "202002,3"]),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        iso(3, start="2019-12-01", freq="MS"),
        "MS",
    ),
    (
        "quarters written Q1 2020",
        csv("quarter,value", ["Q4 2019,1", "Q1 2020,2", "Q2 2020,3"]),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        iso(3, start="2019-10-01", freq="QS"),
        "QS-JAN",
    ),
    (
        "quarters written 2020 Q1",
        csv("quarter,value", ["2019 Q4,1", "2020 Q1,2", "2020 Q2,3"]),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        iso(3, start="2019-10-01", freq="QS"),
        "QS-JAN",
    ),
    (
        "negative (astronomical) years in ISO 8601",
        csv("date,value", ["-0002-01-01,1", "-0001-01-01,2", "0000-01-01,3"]),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        ["-002-01-01 00:00:00", "-001-01-01 00:00:00", "0000-01-01 00:00:00"],
        "YS-JAN",
    ),
    (
        "the sixteenth century",
        series(range(1, 4), start="1500-01-01", freq="MS"),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        ["1500-01-01 00:00:00", "1500-02-01 00:00:00", "1500-03-01 00:00:00"],
        "MS",
    ),
    (
        "the twenty-fourth century",
        series(range(1, 4), start="2300-01-01", freq="MS"),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        ["2300-01-01 00:00:00", "2300-02-01 00:00:00", "2300-03-01 00:00:00"],
        "MS",
    ),
    (
        "weather-service yyyymmddhh hours",
        csv(
            "STATIONS_ID;MESS_DATUM;TT_TU;eor",
            [
                f"44;{stamp};{value};eor"
                for stamp, value in zip(stamps(3, freq="h", fmt="%Y%m%d%H"), ["1,5", "-2,0", "3,25"])
            ],
        ),
        {"targets": ["TT_TU"]},
        ["--target", "TT_TU"],
        ["TT_TU"],
        [1.5, -2.0, 3.25],
        iso(3, freq="h"),
        "h",
    ),
    (
        "logger yyyymmddhhmm times",
        csv("timestamp,value", [f"{s},{k + 1}" for k, s in enumerate(stamps(3, freq="15min", fmt="%Y%m%d%H%M"))]),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        iso(3, freq="15min"),
        "15min",
    ),
    (
        "date and time of day in two columns",
        csv(
            "date,time,value",
            [
                f"{d:%Y-%m-%d},{d:%H:%M},{k + 1}"
                for k, d in enumerate(pd.date_range("2020-01-01 22:00", periods=4, freq="h"))
            ],
        ),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0, 4.0],
        iso(4, start="2020-01-01 22:00", freq="h"),
        "h",
    ),
    (
        "a time column before the date column, 12-hour clock",
        csv(
            "Time,Date,Load",
            [
                f"{d:%I:%M %p},{d:%m/%d/%Y},{k + 1}"
                for k, d in enumerate(pd.date_range("2020-01-13 11:00", periods=3, freq="h"))
            ],
        ),
        {},
        [],
        ["Load"],
        [1.0, 2.0, 3.0],
        iso(3, start="2020-01-13 11:00", freq="h"),
        "h",
    ),
    (
        "daily rows with a time of sunrise keep their dates",
        csv("date,sunrise,value", [f"{d},07:{k:02d},{k + 1}" for k, d in enumerate(stamps(6))]),
        {},
        [],
        ["value"],
        ONE_TO_SIX,
        SIX_DAYS,
        "D",
    ),
    (
        "quoted dates holding the separator",
        csv("date,value", [f'"{d}",{k + 1}' for k, d in enumerate(stamps(3, fmt="%a, %d %b %Y"))]),
        {},
        [],
        ["value"],
        [1.0, 2.0, 3.0],
        iso(3),
        "D",
    ),
    (
        "NA filled by interpolation",
        series(["1", "NA", "3"]),
        {"fill": "interpolate"},
        ["--fill", "interpolate"],
        ["value"],
        [1.0, 2.0, 3.0],
        iso(3),
        "D",
    ),
    (
        "a dash for a missing value, filled forward",
        series(["1", "-", "3"]),
        {"fill": "ffill"},
        ["--fill", "ffill"],
        ["value"],
        [1.0, 1.0, 3.0],
        iso(3),
        "D",
    ),
    (
        "spreadsheet errors for missing values",
        series(["1", "#DIV/0!", "#N/A", "4"]),
        {"fill": "interpolate"},
        ["--fill", "interpolate"],
        ["value"],
        [1.0, 2.0, 3.0, 4.0],
        iso(4),
        "D",
    ),
    (
        "database and pandas spellings of missing",
        series(["1", "null", "NaN", "n/a", "NULL", "6"]),
        {"fill": "interpolate"},
        ["--fill", "interpolate"],
        ["value"],
        ONE_TO_SIX,
        SIX_DAYS,
        "D",
    ),
    (
        "a whole number too large for int64",
        series(["99999999999999999999", "1", "2"]),
        {},
        [],
        ["value"],
        [1e20, 1.0, 2.0],
        iso(3),
        "D",
    ),
]


@pytest.mark.parametrize("engine", ["c", "pyarrow"])
@pytest.mark.parametrize(
    ("content", "options", "columns", "values", "index", "freq"),
    [case[1:3] + case[4:] for case in READ],
    ids=[case[0] for case in READ],
)
def test_files_are_read_with_exactly_their_values_and_dates(
    tmp_path, monkeypatch, engine, content, options, columns, values, index, freq
):
    if engine == "pyarrow":  # the parser of large files
        monkeypatch.setattr("forecast.reading.table.LARGE_FILE_BYTES", 0)
    path = tmp_path / "data.csv"
    path.write_text(content, encoding="utf-8")
    frame = read_csv(path, **options)
    assert list(frame.columns) == columns
    assert frame.iloc[:, 0].tolist() == values
    assert [str(stamp) for stamp in frame.index] == index
    assert frame.index.freqstr == freq


@pytest.mark.parametrize(
    ("content", "cli_options", "columns", "values", "freq"),
    [(case[1], case[3], case[4], case[5], case[7]) for case in READ],
    ids=[case[0] for case in READ],
)
def test_the_command_line_fits_on_them(tmp_path, monkeypatch, content, cli_options, columns, values, freq):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.csv").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["fit", "data.csv", "--model", "naive", "-o", "m.npz", "-q", *cli_options])
    assert result.exit_code == 0, result.output
    # Filled files of a few rows are mostly made-up values, which a warning says.
    assert all("were missing and are filled" in line for line in result.stderr.splitlines())
    summary = f"{len(values)} rows × {len(columns)} column(s) ({', '.join(columns)}), frequency {freq};"
    assert summary in result.stdout
    assert load(tmp_path / "m.npz").columns_ == columns


def long_format(ids, n=4, header="unique_id,ds,y"):
    return csv(header, [f"{series_id},{day},{k + 1}" for series_id in ids for k, day in enumerate(stamps(n))])


# (case, file content, ids as read, the y values as read)
LONG = [
    ("ids that are numbers", long_format([1, 2], 2), ["1", "1", "2", "2"], [1.0, 2.0, 1.0, 2.0]),
    (
        "ids with leading zeros stay apart",
        long_format(["001", "01", "1"], 2),
        ["001", "001", "01", "01", "1", "1"],
        [1.0, 2.0] * 3,
    ),
    ("ids that read like missing values", long_format(["NA", "None"], 2), ["NA", "NA", "None", "None"], [1.0, 2.0] * 2),
    (
        "ids with spaces",
        long_format(["store A", "store B"], 2),
        ["store A", "store A", "store B", "store B"],
        [1.0, 2.0] * 2,
    ),
    ("one id only", long_format(["A"], 3), ["A", "A", "A"], [1.0, 2.0, 3.0]),
    ("ids that are decimal numbers", long_format(["1.50", "2.5"], 2), ["1.50", "1.50", "2.5", "2.5"], [1.0, 2.0] * 2),
]


@pytest.mark.parametrize(("content", "ids", "values"), [case[1:] for case in LONG], ids=[case[0] for case in LONG])
def test_long_format_ids_are_read_as_written(tmp_path, monkeypatch, content, ids, values):
    (tmp_path / "data.csv").write_text(content)
    frame = read_csv(tmp_path / "data.csv", id_col="unique_id")
    assert frame.index.get_level_values("unique_id").tolist() == ids
    assert frame["y"].tolist() == values
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["fit", "data.csv", "--model", "naive", "--id-col", "unique_id", "-o", "m.npz"])
    assert result.exit_code == 0, result.output
    assert f"{len(dict.fromkeys(ids))} series, {len(ids)} rows" in result.stdout
    assert load(tmp_path / "m.npz").series_ids_ == list(dict.fromkeys(ids))


TEN_DAYS = pd.DataFrame({"value": np.arange(1.0, 11.0)}, index=pd.date_range("2020-01-01", periods=10, name="date"))


def trained(model):
    """A file maker: ``model`` fitted on ten days of values 1 to 10, saved at the path given."""

    def make(path):
        model.fit(TEN_DAYS).save(path)

    return make


# Thirty days of units sold and the price, a future-known covariate, then the prices of the three days after.
SALES_FRAME = pd.DataFrame(
    {"units": [10.0 + day % 7 for day in range(30)], "price": [2.0 + day % 3 for day in range(30)]},
    index=pd.date_range("2020-01-01", periods=30, name="date"),
)
SALES = SALES_FRAME.to_csv()
NEXT_PRICES = ["2020-01-31,3", "2020-02-01,2", "2020-02-02,4"]


def priced(path):
    """A linear model of units that reads the price of the forecast days, fitted on the sales, saved at ``path``."""
    LinearForecaster(lookback=5, horizon=3, future_covariates=["price"]).fit(SALES_FRAME).save(path)


def truncated(path):
    trained(NaiveForecaster(horizon=3))(path)
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])


def folder(path):
    path.mkdir()


NAIVE = trained(NaiveForecaster(horizon=3))
LINEAR = trained(LinearForecaster(lookback=5, horizon=3))
FIT = ["fit", "data.csv", "--model", "naive", "-o", "m.npz", "-q"]
PREDICT = ["predict", "data.csv", "--model", "m.npz"]
COMPARE = ["compare", "data.csv", "--models", "naive,linear", "-q"]
LONG_DAYS = series(range(1, 31))
XLSX = zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": "<x/>"})

# (case, files in the folder, command line, exit code, fragments of the error line)
REFUSED = [
    # Files that are not CSV text, or hold no data.
    ("an empty file", {"data.csv": ""}, FIT, 1, ["data.csv: the file is empty"]),
    ("only blank lines", {"data.csv": "\n\n\r\n"}, FIT, 1, ["data.csv: the file is empty"]),
    ("a header without rows", {"data.csv": "date,value\n"}, FIT, 1, ["header but no data rows"]),
    ("a header and empty rows", {"data.csv": "date,value\n,\n,\n"}, FIT, 1, ["header but no data rows"]),
    ("binary data", {"data.csv": bytes(range(256))}, FIT, 1, ["not a text CSV file"]),
    (
        "an Excel workbook renamed .csv",
        {"data.csv": XLSX},
        FIT,
        1,
        ["data.csv: an Excel workbook (.xlsx), not a CSV file", "save or export it as CSV"],
    ),
    (
        "an old Excel workbook",
        {"data.csv": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)},
        FIT,
        1,
        ["Excel 97-2003 workbook (.xls)"],
    ),
    ("a Parquet file", {"data.csv": b"PAR1" + bytes(64)}, FIT, 1, ["a Parquet file, not a CSV file"]),
    (
        "a file without a header line",
        {"data.csv": csv("2020-01-01,1", ["2020-01-02,2", "2020-01-03,3"])},
        FIT,
        1,
        ["the first line (2020-01-01,1) holds values, not column names", "header line", "date,value"],
    ),
    (
        "the same column name twice",
        {"data.csv": csv("date,value,value", ["2020-01-01,1,2", "2020-01-02,3,4"])},
        FIT,
        1,
        ["the header names 2 columns 'value' (columns 2, 3)", "a name of its own"],
    ),
    (
        "the same column name twice but for spaces",
        {"data.csv": csv("date,value, value", ["2020-01-01,1,2"])},
        FIT,
        1,
        ["2 columns 'value'"],
    ),
    (
        "unquoted commas inside dates",
        {"data.csv": csv("date,value", [f"{d},1" for d in stamps(3, fmt="%a, %d %b %Y")])},
        FIT,
        1,
        ["a row has more fields than the 2 of the header", "quote the values"],
    ),
    (
        "a title line above the header",
        {"data.csv": "Sales report 2020\n\n" + PLAIN},
        FIT,
        1,
        ["more fields than the 1 of the header", "if 'Sales report 2020' is a title, remove the lines above"],
    ),
    (
        "a units line under the header",
        {"data.csv": PLAIN.replace("date,value\n", "date,value\n,kWh\n")},
        FIT,
        1,
        ["column 'date' has no date in data row 1"],
    ),
    (
        "a totals line at the end",
        {"data.csv": PLAIN + "Total,21\n"},
        FIT,
        1,
        ["column 'date' has a value that is not a date, 'Total' in data row 7"],
    ),
    (
        "one row with an extra field",
        {"data.csv": csv("date,value", ["2020-01-01,1", "2020-01-02,2,9", "2020-01-03,3"])},
        FIT,
        1,
        ["not a well-formed CSV", "every row needs as many fields"],
    ),
    ("a single row", {"data.csv": series([1])}, FIT, 1, ["one row has no frequency", "--freq"]),
    # Values.
    (
        "a word among numbers",
        {"data.csv": series(["1", "abc", "3"])},
        FIT,
        1,
        ["column 'value' has a non-numeric value 'abc' in data row 2"],
    ),
    (
        "a volume with a K suffix",
        {"data.csv": series(["980", "12.5K"])},
        FIT,
        1,
        ["non-numeric value '12.5K' in data row 2"],
    ),
    (
        "decimal commas and points in one column",
        {"data.csv": series(['"1,5"', "2.5"])},
        FIT,
        1,
        ["writes numbers two ways: '1,5' (data row 1) with a decimal comma, '2.5' (data row 2)"],
    ),
    ("two currencies in one column", {"data.csv": series(["$5", "€6"])}, FIT, 1, ["mixes units: '$5' in data row 1"]),
    (
        "percentages beside plain numbers",
        {"data.csv": series(["5%", "0.06"])},
        FIT,
        1,
        ["percentages such as '5%' (data row 1) beside plain numbers such as '0.06' (data row 2)"],
    ),
    (
        "commas that may be decimal or thousands, tab separated",
        {"data.csv": series(["1,500", "2,250"], sep="\t", header="date\tvalue")},
        FIT,
        1,
        ["'1,500' (data row 1) reads as 1.500 or 1500", "'.' as the decimal point"],
    ),
    (
        "NA without --fill",
        {"data.csv": series(["1", "NA", "3"])},
        FIT,
        1,
        ["1 missing value(s), first in column 'value' at 2020-01-02", "--fill"],
    ),
    ("a dash without --fill", {"data.csv": series(["1", "-", "3"])}, FIT, 1, ["1 missing value(s)", "2020-01-02"]),
    ("#N/A without --fill", {"data.csv": series(["1", "2", "#N/A"])}, FIT, 1, ["1 missing value(s)", "2020-01-03"]),
    (
        "an empty cell without --fill",
        {"data.csv": series(["1", "", "3"])},
        FIT,
        1,
        ["1 missing value(s)", "2020-01-02"],
    ),
    (
        "an infinite value",
        {"data.csv": series(["1", "inf", "3"])},
        FIT,
        1,
        ["column 'value' has an infinite value in data row 2"],
    ),
    ("a value beyond float64", {"data.csv": series(["1", "1e309", "3"])}, FIT, 1, ["infinite value in data row 2"]),
    (
        "values whose difference overflows",
        {"data.csv": series(["1e308", "-1e308", "1"])},
        FIT,
        1,
        ["column 'value' has values too far apart", "divide the column by a power of ten"],
    ),
    ("true and false", {"data.csv": series(["true", "false"])}, FIT, 1, ["column 'value' holds true/false values"]),
    ("no numeric column", {"data.csv": series(["a", "b"])}, FIT, 1, ["no numeric column besides 'date'"]),
    (
        "numbers only in a column without a name",
        {"data.csv": csv("date,", ["2020-01-01,1", "2020-01-02,2"])},
        FIT,
        1,
        ["column 2 has no name in the header but holds values ('1' first)", "name it in the header line"],
    ),
    # Dates.
    ("no date column", {"data.csv": csv("value", ["1", "2"])}, FIT, 1, ["no date column found", "--date-col"]),
    (
        "a missing date",
        {"data.csv": csv("date,value", ["2020-01-01,1", ",2", "2020-01-03,3"])},
        FIT,
        1,
        ["column 'date' has no date in data row 2"],
    ),
    (
        "day and month that no value settles, two-digit years",
        {"data.csv": series(range(3), freq="MS", fmt="%d.%m.%y")},
        FIT,
        1,
        ["'01.02.20' reads as 2020-01-02 month-first", "date_format='%d.%m.%y' or '%m.%d.%y'", "--date-format"],
    ),
    (
        "month names without a year",
        {"data.csv": series(range(3), freq="MS", fmt="%B")},
        FIT,
        1,
        ["column 'date' has a date without a year, 'January' in data row 1"],
    ),
    (
        "day and month names without a year",
        {"data.csv": series(range(3), fmt="%d-%b")},
        FIT,
        1,
        ["date without a year, '01-Jan' in data row 1"],
    ),
    (
        "a month name and a day, no year",
        {"data.csv": series(range(3), fmt="%b %d")},
        FIT,
        1,
        ["date without a year, 'Jan 01' in data row 1"],
    ),
    ("weekday names", {"data.csv": series(range(3), fmt="%A")}, FIT, 1, ["date without a year, 'Wednesday'"]),
    (
        "the 30th of February",
        {"data.csv": csv("date,value", ["2020-02-28,1", "2020-02-29,2", "2020-02-30,3"])},
        FIT,
        1,
        ["'2020-02-30' in data row 3"],
    ),
    (
        "ISO dates mixed with slashed dates",
        {"data.csv": csv("date,value", ["2020-01-01,1", "01/02/2020,2"])},
        FIT,
        1,
        ["mixes date formats: '2020-01-01' in data row 1 and '01/02/2020' in data row 2"],
    ),
    (
        "Excel serial day numbers",
        {"data.csv": csv("date,value", ["43831,1", "43832,2"])},
        FIT,
        1,
        ["column 'date' holds numbers, not dates", "--date-col"],
    ),
    (
        "fiscal quarters",
        {"data.csv": csv("date,value", ["FY2020 Q1,1", "FY2020 Q2,2"])},
        FIT,
        1,
        ["not a date, 'FY2020 Q1' in data row 1"],
    ),
    (
        "a repeated local hour when clocks go back",
        {
            "data.csv": csv(
                "date,value", ["2020-10-25 01:00,1", "2020-10-25 02:00,2", "2020-10-25 02:00,3", "2020-10-25 03:00,4"]
            )
        },
        FIT,
        1,
        ["1 duplicate timestamp(s) in column 'date', first 2020-10-25 02:00:00"],
    ),
    (
        "a skipped local hour when clocks go forward",
        {
            "data.csv": csv(
                "date,value", ["2020-03-29 00:00,1", "2020-03-29 01:00,2", "2020-03-29 03:00,3", "2020-03-29 04:00,4"]
            )
        },
        FIT,
        1,
        ["1 missing timestamp(s) on the 'h' grid, first 2020-03-29 02:00:00", "--fill"],
    ),
    (
        "long format without --id-col",
        {"data.csv": long_format(["A", "B"])},
        FIT,
        1,
        [
            "4 duplicate timestamp(s) in column 'ds'",
            "read and fit them with id_col='unique_id' (--id-col of fit, compare and backtest)",
        ],
    ),
    (
        "long format with numeric ids without --id-col",
        {"data.csv": long_format([101, 102], header="store_id,ds,y")},
        FIT,
        1,
        [
            "4 duplicate timestamp(s) in column 'ds'",
            "named in column 'store_id', read and fit them with id_col='store_id'",
        ],
    ),
    (
        "year and month in two columns",
        {"data.csv": csv("year,month,value", ["2020,1,1", "2020,2,2", "2021,1,3"])},
        FIT,
        1,
        ["1 duplicate timestamp(s) in column 'year'"],
    ),
    # Options.
    (
        "--date-col that is not there",
        {"data.csv": PLAIN},
        [*FIT, "--date-col", "when"],
        1,
        ["no date column 'when'; available columns: 'date', 'value'; name one of them with date_col= (--date-col)"],
    ),
    (
        "--date-col naming the values",
        {"data.csv": PLAIN},
        [*FIT, "--date-col", "value"],
        1,
        ["column 'value' holds numbers, not dates"],
    ),
    (
        "--target naming the date column",
        {"data.csv": PLAIN},
        [*FIT, "--target", "date"],
        1,
        ["column 'date' is the date or id column and cannot be a target"],
    ),
    (
        "--target that is not there",
        {"data.csv": PLAIN},
        [*FIT, "--target", "sales"],
        1,
        ["no column 'sales'; available columns: 'date', 'value'"],
    ),
    (
        "--target of text",
        {"data.csv": csv("date,value,note", ["2020-01-01,1,a", "2020-01-02,2,b"])},
        [*FIT, "--target", "note"],
        1,
        ["column 'note' has a non-numeric value 'a' in data row 1"],
    ),
    ("--horizon 0", {"data.csv": PLAIN}, [*FIT, "--horizon", "0"], 2, ["'--horizon': 0 is not in the range x>=1"]),
    ("--horizon -3", {"data.csv": PLAIN}, [*FIT, "--horizon", "-3"], 2, ["'--horizon'"]),
    ("--horizon that is not a number", {"data.csv": PLAIN}, [*FIT, "--horizon", "ten"], 2, ["'--horizon'", "'ten'"]),
    ("--lookback 0", {"data.csv": PLAIN}, [*FIT, "--lookback", "0"], 2, ["'--lookback'"]),
    (
        "--lookback 100000",
        {"data.csv": LONG_DAYS},
        ["fit", "data.csv", "--model", "linear", "--lookback", "100000"],
        1,
        ["the series has 30 rows, fewer than lookback + horizon = 100007"],
    ),
    ("--epochs 0", {"data.csv": PLAIN}, [*FIT, "--epochs", "0"], 2, ["'--epochs'"]),
    ("--seed -1", {"data.csv": PLAIN}, [*FIT, "--seed", "-1"], 2, ["'--seed'"]),
    ("--season-length 0", {"data.csv": PLAIN}, [*FIT, "--season-length", "0"], 2, ["'--season-length'"]),
    (
        "--model that does not exist",
        {"data.csv": PLAIN},
        ["fit", "data.csv", "--model", "prophet"],
        2,
        ["'--model': 'prophet' is not one of"],
    ),
    ("--fill that does not exist", {"data.csv": PLAIN}, [*FIT, "--fill", "bfill"], 2, ["'--fill'"]),
    (
        "--freq that is no frequency",
        {"data.csv": PLAIN},
        [*FIT, "--freq", "fortnightly"],
        1,
        ["freq='fortnightly' is not a pandas frequency"],
    ),
    (
        "--freq off the dates",
        {"data.csv": PLAIN},
        [*FIT, "--freq", "MS"],
        1,
        ["timestamp 2020-01-02 00:00:00 is off the 'MS' grid"],
    ),
    (
        "--freq finer than the dates",
        {"data.csv": PLAIN},
        [*FIT, "--freq", "h"],
        1,
        ["the rows of column 'date' are at frequency 'D', not on the 'h' grid", "freq='D' (--freq D)"],
    ),
    (
        "--encoding that does not exist",
        {"data.csv": PLAIN},
        [*FIT, "--encoding", "klingon"],
        1,
        ["encoding='klingon' is not a known text encoding"],
    ),
    (
        "--date-format without a year",
        {"data.csv": PLAIN},
        [*FIT, "--date-format", "%m-%d"],
        1,
        ["date_format='%m-%d' has no year"],
    ),
    (
        "--id-col that is not there",
        {"data.csv": long_format(["A"])},
        [*FIT, "--id-col", "store"],
        1,
        ["no id column 'store'; available columns: 'unique_id', 'ds', 'y'"],
    ),
    (
        "a row without a series id",
        {"data.csv": long_format(["A"]) + ",2020-01-09,5\n"},
        [*FIT, "--id-col", "unique_id"],
        1,
        ["column 'unique_id' has no series id in data row 5"],
    ),
    (
        "long format with one row per series",
        {"data.csv": long_format(["A", "B"], 1)},
        [*FIT, "--id-col", "unique_id"],
        1,
        ["no series has the rows to infer a frequency from (the longest has 1 row(s))", "--freq"],
    ),
    (
        "daily and monthly series in one file",
        {"data.csv": long_format(["A"]) + "\n".join(f"B,{day},1" for day in stamps(4, freq="MS")) + "\n"},
        [*FIT, "--id-col", "unique_id"],
        1,
        ["the series have different frequencies (D, MS); pass freq= (--freq)"],
    ),
    (
        "a timestamp twice in one series",
        {"data.csv": long_format(["A"]) + "A,2020-01-02,5\n"},
        [*FIT, "--id-col", "unique_id"],
        1,
        ["(series 'A'): 1 duplicate timestamp(s)"],
    ),
    # Paths.
    ("DATA that does not exist", {}, FIT, 1, ["data.csv: no such file"]),
    ("DATA that is a folder", {"data.csv": folder}, FIT, 2, ["'DATA'", "is a directory"]),
    (
        "the model written over DATA",
        {"data.csv": PLAIN},
        ["fit", "data.csv", "--model", "naive", "-o", "data.csv"],
        1,
        ["--output 'data.csv' is the same file as DATA 'data.csv'"],
    ),
    (
        "the model into a missing folder",
        {"data.csv": PLAIN},
        [*FIT[:-3], "-o", "missing/m.npz"],
        2,
        ["the folder of 'missing/m.npz' does not exist"],
    ),
    ("the model onto a folder", {"data.csv": PLAIN, "out": folder}, [*FIT[:-3], "-o", "out"], 2, ["is a directory"]),
    # predict.
    ("predict without a model file", {"data.csv": PLAIN}, PREDICT, 1, ["m.npz: no such model file"]),
    ("an empty model file", {"data.csv": PLAIN, "m.npz": b""}, PREDICT, 1, ["not a forecast model file"]),
    (
        "a CSV passed as --model",
        {"data.csv": PLAIN},
        ["predict", "--model", "data.csv"],
        1,
        ["data.csv: not a forecast model file (not a .npz archive)"],
    ),
    (
        "a truncated model file",
        {"m.npz": truncated},
        ["predict", "--model", "m.npz"],
        1,
        ["m.npz: not a forecast model file or corrupt"],
    ),
    (
        "a model file passed as DATA",
        {"m.npz": NAIVE},
        ["predict", "m.npz", "--model", "m.npz"],
        1,
        ["m.npz: a forecast model file, not a CSV file; pass it with --model"],
    ),
    ("a folder passed as --model", {"m.npz": folder}, ["predict", "--model", "m.npz"], 2, ["'--model'", "directory"]),
    (
        "a pickle passed as --model",
        {"m.npz": pickle.dumps({"weights": [1, 2]})},
        ["predict", "--model", "m.npz"],
        1,
        ["pickled Python objects, which forecast never loads"],
    ),
    (
        "a foreign .npz archive",
        {"m.npz": zipped({"weights.npy": b"\x93NUMPY"})},
        ["predict", "--model", "m.npz"],
        1,
        ["no forecast header"],
    ),
    (
        "a zip of text as --model",
        {"m.npz": zipped({"readme.txt": "hello"})},
        ["predict", "--model", "m.npz"],
        1,
        ["m.npz: not a forecast model file or corrupt"],
    ),
    (
        "predict from data without the trained column",
        {"m.npz": NAIVE, "data.csv": PLAIN.replace("value", "sales")},
        PREDICT,
        1,
        ["no column 'value', which the model reads; available columns: 'date', 'sales'; add it"],
    ),
    (
        "predict from data whose date column is named otherwise",
        {"m.npz": NAIVE, "data.csv": PLAIN.replace("date", "ds")},
        PREDICT,
        1,
        ["no date column 'date'"],
    ),
    (
        "predict from monthly data with a daily model",
        {"m.npz": NAIVE, "data.csv": series(range(30), freq="MS")},
        PREDICT,
        1,
        ["are at frequency 'MS', not on the 'D' grid", "pass data at that frequency"],
    ),
    (
        "predict from too short a history",
        {"m.npz": LINEAR, "data.csv": series([1, 2, 3])},
        PREDICT,
        1,
        ["at least 5 rows of history", "got 3"],
    ),
    (
        "predict from data with a gap",
        {"m.npz": NAIVE, "data.csv": series(["1", "", "3"])},
        PREDICT,
        1,
        ["1 missing value(s)", "--fill"],
    ),
    (
        "predict over DATA",
        {"m.npz": NAIVE, "data.csv": PLAIN},
        [*PREDICT, "-o", "data.csv"],
        1,
        ["--output 'data.csv' is the same file as DATA 'data.csv'"],
    ),
    (
        "predict over the model",
        {"m.npz": NAIVE, "data.csv": PLAIN},
        [*PREDICT, "-o", "m.npz"],
        1,
        ["--output 'm.npz' is the same file as --model 'm.npz'"],
    ),
    (
        "a failing predict keeps the old output",
        {"m.npz": NAIVE, "data.csv": series(["1", "x"]), "out.csv": "old\n"},
        [*PREDICT, "-o", "out.csv"],
        1,
        ["non-numeric value 'x'"],
    ),
    (
        "predict --plot to a text file",
        {"m.npz": NAIVE},
        ["predict", "--model", "m.npz", "--plot", "p.txt"],
        2,
        ["'--plot'", ".png"],
    ),
    # compare.
    ("compare on too few rows", {"data.csv": series(range(8))}, COMPARE, 1, ["fewer than lookback + horizon"]),
    (
        "compare with an unknown model",
        {"data.csv": LONG_DAYS},
        ["compare", "data.csv", "--models", "naive,foo"],
        2,
        ["unknown model(s) foo"],
    ),
    (
        "compare with no model",
        {"data.csv": LONG_DAYS},
        ["compare", "data.csv", "--models", ","],
        2,
        ["unknown model(s) (none)"],
    ),
    ("compare holding out everything", {"data.csv": LONG_DAYS}, [*COMPARE, "--test-size", "1"], 2, ["'--test-size'"]),
    (
        "compare with lookbacks that are not numbers",
        {"data.csv": LONG_DAYS},
        [*COMPARE, "--lookbacks", "a,b"],
        2,
        ["--lookbacks", "'a,b' is not a comma-separated list"],
    ),
    (
        "compare with lookbacks longer than the training rows, refused before any fit",
        {"data.csv": LONG_DAYS},
        [*COMPARE, "--lookbacks", "5,100"],
        1,
        ["--lookbacks 100: 30 rows leave 24 for training, fewer than lookback + horizon = 107"],
    ),
    (
        "compare --report that is not Markdown",
        {"data.csv": LONG_DAYS},
        [*COMPARE, "--report", "r.txt"],
        2,
        ["does not end in .md"],
    ),
    (
        "compare --plot over DATA",
        {"data.png": LONG_DAYS},
        ["compare", "data.png", "--models", "naive", "--plot", "data.png"],
        1,
        ["--plot 'data.png' is the same file as DATA 'data.png'"],
    ),
    (
        "compare on a file with decimal points and commas",
        {"data.csv": series(['"1,5"', "2.5"] * 15)},
        COMPARE,
        1,
        ["writes numbers two ways"],
    ),
    # Covariates.
    (
        "a covariate that is not a column",
        {"data.csv": SALES},
        ["fit", "data.csv", "--model", "linear", "--future-covariate", "cost", "-o", "m.npz", "-q"],
        1,
        ["data.csv: --future-covariate 'cost' is not a numeric column", "'units', 'price'"],
    ),
    (
        "a covariate that is not a column, with --target",
        {"data.csv": SALES},
        ["backtest", "data.csv", "--model", "naive", "--target", "units", "--past-covariate", "cost", "-q"],
        1,
        ["data.csv: no column 'cost'", "'date', 'units', 'price'"],
    ),
    (
        "a column named as target and covariate",
        {"data.csv": SALES},
        [*COMPARE, "--target", "units", "--future-covariate", "units"],
        2,
        ["'units' is named by both --target and --future-covariate"],
    ),
    (
        "a column named as past and future covariate",
        {"data.csv": SALES},
        [*FIT, "--future-covariate", "price", "--past-covariate", "price"],
        2,
        ["column 'price' is named twice, by --past-covariate and --future-covariate; name each covariate once"],
    ),
    (
        "a covariate named twice",
        {"data.csv": SALES},
        [*COMPARE, "--past-covariate", "price", "--past-covariate", "price"],
        2,
        ["column 'price' is named twice, by --past-covariate and --past-covariate"],
    ),
    (
        "a model with future covariates, predicted without --future",
        {"data.csv": SALES, "m.npz": priced},
        ["predict", "--model", "m.npz", "-o", "out.csv"],
        1,
        ["'price'", "2020-01-31", "--future FUTURE.csv"],
    ),
    (
        "a future file without its last day",
        {"m.npz": priced, "future.csv": csv("date,price", NEXT_PRICES[:2])},
        ["predict", "--model", "m.npz", "--future", "future.csv", "-o", "out.csv"],
        1,
        ["'price'", "2020-02-02"],
    ),
    (
        "a future file without a day in the middle",
        {"m.npz": priced, "future.csv": csv("date,price", NEXT_PRICES[::2])},
        ["predict", "--model", "m.npz", "--future", "future.csv", "-o", "out.csv"],
        1,
        ["'price'", "2020-02-01"],
    ),
    (
        "a future file without the covariate",
        {"m.npz": priced, "future.csv": csv("date,cost", NEXT_PRICES)},
        ["predict", "--model", "m.npz", "--future", "future.csv", "-o", "out.csv"],
        1,
        ["future.csv: no column 'price', a future-known input of the model", "'date', 'cost'; add it to the file"],
    ),
    (
        "--future for a model without future covariates",
        {"m.npz": LINEAR, "future.csv": csv("date,price", NEXT_PRICES)},
        ["predict", "--model", "m.npz", "--future", "future.csv", "-o", "out.csv"],
        2,
        ["--future", "trained without --future-covariate"],
    ),
]


def snapshot(root):
    """Every file under ``root`` with its bytes, and every folder, to show that nothing changed."""
    state = {}
    for folder, folders, files in os.walk(root):
        for name in folders:
            state[os.path.relpath(os.path.join(folder, name), root)] = "folder"
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                state[os.path.relpath(path, root)] = handle.read()
    return state


def make_files(root, files):
    for name, content in files.items():
        path = root / name
        if callable(content):
            content(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.mark.parametrize(
    ("files", "args", "exit_code", "fragments"), [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED]
)
def test_bad_inputs_fail_in_one_line_and_change_nothing(tmp_path, monkeypatch, files, args, exit_code, fragments):
    monkeypatch.chdir(tmp_path)
    make_files(tmp_path, files)
    before = snapshot(tmp_path)
    assert_refused(CliRunner().invoke(cli, args), exit_code, *fragments)
    assert snapshot(tmp_path) == before


def test_an_unreadable_file_is_refused_in_one_line(tmp_path, monkeypatch):
    """Tests may run as root, who reads every file, so the system's refusal is played by a stand-in for open."""

    def refusing_open(file, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.csv").write_text(PLAIN)
    monkeypatch.setattr("forecast.reading.textfile.open", refusing_open, raising=False)
    assert_refused(CliRunner().invoke(cli, FIT), 1, "data.csv: cannot read the file (Permission denied)")
    assert sorted(os.listdir(tmp_path)) == ["data.csv"]


@pytest.mark.parametrize("command", [PREDICT, FIT, ["backtest", "data.csv", "--model", "naive", "-q"]])
def test_a_read_only_output_is_refused_and_kept(tmp_path, monkeypatch, command):
    """Root may write every file, so a read-only output is played by a stand-in for os.access."""
    monkeypatch.chdir(tmp_path)
    make_files(tmp_path, {"data.csv": LONG_DAYS, "m.npz": NAIVE, "kept.out": "old\n"})
    before = snapshot(tmp_path)
    access = os.access

    def read_only(path, mode):
        return access(path, mode) and not (mode & os.W_OK and str(path).endswith("kept.out"))

    monkeypatch.setattr(os, "access", read_only)
    result = CliRunner().invoke(cli, [*command, "-o", "kept.out"])
    assert_refused(result, 2, "'kept.out' is read-only; choose another path, or make it writable")
    assert snapshot(tmp_path) == before


# (case, files, fit options, predict options, the forecast CSV)
FORECASTS = [
    (
        "a naive forecast of decimal commas",
        {"data.csv": series(["1,5", "2,5", "3,75"], header="date;value", sep=";")},
        ["--horizon", "2"],
        [],
        "date,value\n2020-01-04,3.75\n2020-01-05,3.75\n",
    ),
    (
        "a forecast from new data with thousands separators",
        {"data.csv": PLAIN, "new.csv": series(['"1,000.5"'] * 3)},
        ["--horizon", "2"],
        ["new.csv"],
        "date,value\n2020-01-04,1000.5\n2020-01-05,1000.5\n",
    ),
    (
        "timestamps keep their UTC offset",
        {"data.csv": series(range(1, 4), freq="h", fmt="%Y-%m-%dT%H:%M:%S+01:00")},
        ["--horizon", "2"],
        [],
        "date,value\n2020-01-01 03:00:00+01:00,3.0\n2020-01-01 04:00:00+01:00,3.0\n",
    ),
    (
        "a daylight-saving change is forecast on UTC",
        {"data.csv": csv("date,value", [f"{t.isoformat()},{k + 1}" for k, t in enumerate(_BERLIN)])},
        ["--horizon", "2"],
        [],
        "date,value\n2020-03-29 03:00:00+00:00,6.0\n2020-03-29 04:00:00+00:00,6.0\n",
    ),
    (
        "negative years go on",
        {"data.csv": csv("date,value", ["-0002-01-01,1", "-0001-01-01,2"])},
        ["--horizon", "2"],
        [],
        "date,value\n0000-01-01,2.0\n0001-01-01,2.0\n",
    ),
    (
        "Excel months go on by month",
        {"data.csv": series(range(1, 4), start="2019-11-01", freq="MS", fmt="%b-%y")},
        ["--horizon", "2"],
        [],
        "date,value\n2020-02-01,3.0\n2020-03-01,3.0\n",
    ),
    (
        "leading zeros of ids survive to the forecast",
        {"data.csv": long_format(["007", "7"], 2)},
        ["--horizon", "1", "--id-col", "unique_id"],
        [],
        "unique_id,ds,y\n007,2020-01-03,2.0\n7,2020-01-03,2.0\n",
    ),
    (
        "date and time columns are forecast as one timestamp",
        {"data.csv": csv("date,time,value", ["2020-01-01,22:00,1", "2020-01-01,23:00,2", "2020-01-02,00:00,3"])},
        ["--horizon", "2"],
        [],
        "date,value\n2020-01-02 01:00:00,3.0\n2020-01-02 02:00:00,3.0\n",
    ),
]


@pytest.mark.parametrize(
    ("files", "fit_options", "predict_options", "expected"),
    [case[1:] for case in FORECASTS],
    ids=[case[0] for case in FORECASTS],
)
def test_forecasts_continue_the_file_exactly(tmp_path, monkeypatch, files, fit_options, predict_options, expected):
    monkeypatch.chdir(tmp_path)
    make_files(tmp_path, files)
    fitted = CliRunner().invoke(cli, [*FIT, *fit_options])
    assert fitted.exit_code == 0, fitted.output
    predicted = CliRunner().invoke(cli, ["predict", *predict_options, "--model", "m.npz", "-o", "out.csv"])
    assert predicted.exit_code == 0, predicted.output
    assert (tmp_path / "out.csv").read_text() == expected


def test_a_one_step_model_reads_a_future_file_of_one_row(tmp_path, monkeypatch):
    """One row has no step of its own to read: the future file is read at the model's frequency."""
    monkeypatch.chdir(tmp_path)
    LinearForecaster(lookback=5, horizon=1, future_covariates=["price"]).fit(SALES_FRAME).save(tmp_path / "m.npz")
    (tmp_path / "future.csv").write_text(csv("date,price", NEXT_PRICES[:1]))
    result = CliRunner().invoke(cli, ["predict", "--model", "m.npz", "--future", "future.csv", "-o", "out.csv"])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "out.csv")["date"].tolist() == ["2020-01-31"]


DAILY_FRAME = pd.DataFrame({"v": np.arange(10.0)}, index=pd.date_range("2020-01-01", periods=10))

# (case, call, exception, fragments of its message)
PYTHON = [
    ("read_csv of a folder", lambda path: read_csv(path), DataError, ["not a file; pass the path of a CSV file"]),
    ("load of a folder", lambda path: load(path), ModelFileError, ["a folder, not a model file"]),
    (
        "read_csv without targets",
        lambda path: read_csv(path / "data.csv", targets=[]),
        DataError,
        ["no target columns"],
    ),
    (
        "read_csv with an unknown dtype",
        lambda path: read_csv(path / "data.csv", dtype="int8"),
        DataError,
        ["dtype='int8'"],
    ),
    (
        "fit on NaN",
        lambda path: NaiveForecaster(horizon=2).fit(DAILY_FRAME.where(DAILY_FRAME.v != 4)),
        DataError,
        ["y has 1 missing or infinite value(s), first at 2020-01-05"],
    ),
    (
        "fit on text",
        lambda path: NaiveForecaster(horizon=2).fit(DAILY_FRAME.assign(w="a")),
        DataError,
        ["non-numeric column(s) 'w'"],
    ),
    ("fit on nothing", lambda path: NaiveForecaster(horizon=2).fit(DAILY_FRAME.iloc[:0]), DataError, ["y is empty"]),
    ("fit on a cube", lambda path: NaiveForecaster(horizon=2).fit(np.zeros((2, 2, 2))), DataError, ["(T,) or (T, C)"]),
    (
        "predict from other columns",
        lambda path: NaiveForecaster(horizon=2).fit(DAILY_FRAME).predict(DAILY_FRAME.rename(columns={"v": "w"})),
        DataError,
        ["lacks the trained column(s) 'v'"],
    ),
    (
        "windows from too short a series",
        lambda path: make_windows(np.arange(3.0), 3, 2),
        DataError,
        ["fewer than lookback + horizon = 5"],
    ),
    (
        "MASE of a constant training series",
        lambda path: mase([1.0], [2.0], y_train=[3.0, 3.0, 3.0]),
        DataError,
        ["does not change over one season (season_length=1)", "use mae"],
    ),
    (
        "read_csv of a number with two decimal points",
        lambda path: read_csv(path / "dotted.csv"),
        DataError,
        ["dotted.csv: column 'value' has a non-numeric value '1.2.3' in data row 1"],
    ),
]


@pytest.mark.parametrize(
    ("call", "exception", "fragments"), [case[1:] for case in PYTHON], ids=[case[0] for case in PYTHON]
)
def test_the_python_api_refuses_with_the_fix(tmp_path, call, exception, fragments):
    (tmp_path / "data.csv").write_text(PLAIN)
    (tmp_path / "dotted.csv").write_text(series(["1.2.3", "4"]))
    with pytest.raises(exception) as caught:
        call(tmp_path)
    for fragment in fragments:
        assert fragment in str(caught.value)
