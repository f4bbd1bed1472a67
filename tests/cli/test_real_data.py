"""The command line on real data: gaps, event logs, counts, the data's own date style, plots of many series."""

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from forecast import load
from forecast.cli.main import cli


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def invoke(*args):
        return CliRunner().invoke(cli, [str(arg) for arg in args])

    return invoke


def write(path, header, rows):
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def quarterly(path, n=32):
    quarters = pd.period_range("1998Q1", periods=n, freq="Q")
    values = 100 + 10 * np.sin(np.arange(n) * np.pi / 2) + np.arange(n)
    return write(path, "quarter,visitors", [f"{q},{v:.0f}" for q, v in zip(quarters, values)])


def test_predict_writes_quarters_as_the_data_did_and_counts_with_one_decimal(run, tmp_path):
    quarterly(tmp_path / "tourism.csv")
    assert run("fit", "tourism.csv", "--model", "seasonal-naive", "--horizon", "4", "--quiet").exit_code == 0
    result = run("predict")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "quarter,visitors"
    assert [line.split(",")[0] for line in lines[1:]] == ["2006Q1", "2006Q2", "2006Q3", "2006Q4"]
    assert all(len(line.split(",")[1].split(".")[1]) == 1 for line in lines[1:])
    assert run("predict", "--decimals", "3").stdout.splitlines()[1].split(",")[1].count("0") >= 3


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (pd.date_range("1969-01-01", periods=30, freq="MS").strftime("%Y-%m"), "1971-07"),
        (pd.date_range("2020-01-06", periods=30, freq="W-MON").strftime("%G-W%V"), "2020-W32"),
        (pd.date_range("2020-01-01", periods=30, freq="D").strftime("%Y-%m-%d"), "2020-01-31"),
    ],
)
def test_predict_keeps_the_data_s_date_style(run, tmp_path, dates, expected):
    write(tmp_path / "data.csv", "date,value", [f"{date},{k % 5}" for k, date in enumerate(dates)])
    assert run("fit", "data.csv", "--model", "naive", "--horizon", "2").exit_code == 0
    assert run("predict").stdout.splitlines()[1].split(",")[0] == expected
    assert run("predict", "data.csv").stdout.splitlines()[1].split(",")[0] == expected


def test_predict_horizon_gives_the_first_steps(run, tmp_path):
    quarterly(tmp_path / "tourism.csv")
    run("fit", "tourism.csv", "--model", "seasonal-naive", "--horizon", "4", "--quiet")
    whole = run("predict", "--level", "80").stdout.splitlines()
    assert run("predict", "--level", "80", "--horizon", "2").stdout.splitlines() == whole[:3]
    result = run("predict", "--horizon", "5")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: horizon=5 is outside 1 to 4, the horizon this model was fitted for")


def test_counts_are_forecast_at_zero_or_above_unless_negatives_are_allowed(run, tmp_path):
    falling = [f"2024-01-{day:02d},{max(31 - 3 * day, 0)}" for day in range(1, 31)]
    write(tmp_path / "sales.csv", "date,sales", falling)
    run("fit", "sales.csv", "--model", "linear", "--lookback", "3", "--horizon", "3", "-o", "counts.npz")
    run(
        "fit",
        "sales.csv",
        "--model",
        "linear",
        "--lookback",
        "3",
        "--horizon",
        "3",
        "--allow-negative",
        "-o",
        "free.npz",
    )
    counts = pd.read_csv(pd.io.common.StringIO(run("predict", "--model", "counts.npz", "--level", "80").stdout))
    free = pd.read_csv(pd.io.common.StringIO(run("predict", "--model", "free.npz", "--level", "80").stdout))
    assert (counts.iloc[:, 1:].to_numpy() >= 0).all()
    assert (free["sales-lo-80"] < 0).any()
    assert load(tmp_path / "free.npz").nonnegative is False


def test_zero_fill_is_reported_after_the_summary(run, tmp_path):
    days = pd.date_range("2023-12-01", periods=40, freq="D")
    rows = [f"{day:%Y-%m-%d},{20 + day.day_of_week}" for day in days if day.strftime("%m-%d") not in ("12-25", "12-26")]
    write(tmp_path / "shop.csv", "date,sales", rows)
    refused = run("fit", "shop.csv", "--model", "naive")
    assert refused.exit_code == 1 and "'zero' (--fill)" in refused.stderr
    result = run("fit", "shop.csv", "--model", "naive", "--fill", "zero")
    assert result.exit_code == 0, result.output
    assert "filled 2 value(s) (5.0%); longest gap 2 step(s) from 2023-12-25" in result.stdout
    assert "Warning" not in result.stderr


def test_an_order_log_is_resampled_to_daily_totals(run, tmp_path):
    rng = np.random.default_rng(0)
    times = pd.Timestamp("2024-01-01 11:00") + pd.to_timedelta(np.sort(rng.uniform(0, 90, 600)), unit="D")
    rows = [f"{stamp:%Y-%m-%d %H:%M:%S},{rng.integers(1, 4)},margherita" for stamp in times]
    write(tmp_path / "orders.csv", "order_time,quantity,pizza", rows)
    refused = run("fit", "orders.csv")
    assert refused.exit_code == 1 and "--resample D --agg sum" in refused.stderr
    result = run("fit", "orders.csv", "--resample", "D", "--agg", "sum", "--model", "seasonal-naive")
    assert result.exit_code == 0, result.output
    assert "rows × 1 column(s) (quantity), frequency D" in result.stdout
    assert run("predict", "orders.csv", "--resample", "D", "--agg", "sum").exit_code == 0
    missing = run("fit", "orders.csv", "--resample", "D")
    assert missing.exit_code == 1 and "pass agg= (--agg)" in missing.stderr


def many_series(path, n_series=4, n=40):
    rows = [
        f"s{number},{day:%Y-%m-%d},{number + k % 7}"
        for number in range(n_series)
        for k, day in enumerate(pd.date_range("2024-01-01", periods=n, freq="D"))
    ]
    return write(path, "id,date,value", rows)


def test_predict_plot_of_many_series_says_how_many_it_draws(run, tmp_path):
    many_series(tmp_path / "long.csv")
    assert run("fit", "long.csv", "--id-col", "id", "--model", "naive", "--horizon", "3").exit_code == 0
    result = run("predict", "--plot", "one.png", "-o", "out.csv")
    assert result.exit_code == 0, result.output
    assert "1 of 4 series drawn; choose them with --series ID" in result.stderr
    chosen = run("predict", "--plot", "two.png", "-o", "out.csv", "--series", "s1", "--series", "s3")
    assert chosen.exit_code == 0 and "2 of 4 series drawn" in chosen.stderr
    assert (tmp_path / "two.png").read_bytes()[:4] == b"\x89PNG"
    unknown = run("predict", "--plot", "three.png", "--series", "s9")
    assert unknown.exit_code == 2 and "no series 's9' in the forecast" in unknown.stderr
    assert not (tmp_path / "three.png").exists()


@pytest.mark.parametrize("command", ["compare", "backtest"])
def test_compare_and_backtest_plots_of_many_series_draw_those_chosen_and_say_how_many(
    command, run, tmp_path, monkeypatch
):
    from forecast.cli import plots

    figures = []  # drawn, not rendered (tests/cli/test_plots.py and test_cli.py render figures of many series)
    monkeypatch.setattr(plots, "_save", lambda figure, path: figures.append(figure))
    many_series(tmp_path / "long.csv", n_series=5)
    models = ["--models", "naive"] if command == "compare" else ["--model", "naive"]
    options = [command, "long.csv", "--id-col", "id", "--horizon", "3", *models]
    first = run(*options, "--plot", "first.png")
    chosen = run(*options, "--plot", "chosen.png", "--series", "s4", "--series", "s1", "--series", "s4")
    assert first.exit_code == chosen.exit_code == 0, first.output + chosen.output
    assert "3 of 5 series drawn; choose them with --series ID" in first.stderr
    assert "2 of 5 series drawn; choose them with --series ID" in chosen.stderr
    titles = [[axis.get_title() for axis in figure.axes[1:]] for figure in figures]
    assert [title[:10] for title in titles[0]] == ["series s0,", "series s1,", "series s2,"]
    assert [title[:10] for title in titles[1]] == ["series s4,", "series s1,"]
    assert [figure.get_suptitle() for figure in figures] == [
        f"forecast {command}: 3 of 5 series drawn",
        f"forecast {command}: 2 of 5 series drawn",
    ]
    every = run(*options, "--plot", "every.png", *[f"--series=s{number}" for number in range(5)])
    assert every.exit_code == 0 and "series drawn" not in every.stderr and not figures[2].get_suptitle()
    unknown = run(*options, "--plot", "unknown.png", "--series", "s9")
    assert unknown.exit_code == 2 and "no series 's9' in DATA; name one of 's0'" in unknown.stderr
    assert "fitting" not in unknown.stderr and len(figures) == 3  # refused before any fit or figure
    write(tmp_path / "one.csv", "date,value", [f"2024-01-{day:02d},{day}" for day in range(1, 31)])
    one = run(command, "one.csv", "--horizon", "3", *models, "--plot", "one.png", "--series", "s1")
    assert one.exit_code == 2 and "DATA holds one series; leave --series out" in one.stderr


def test_a_long_file_reports_the_series_it_trimmed(run, tmp_path):
    path = many_series(tmp_path / "long.csv", n_series=2)
    late = [f"late,{day:%Y-%m-%d}," for day in pd.date_range("2024-01-01", periods=10, freq="D")]
    late += [f"late,{day:%Y-%m-%d},{k}" for k, day in enumerate(pd.date_range("2024-01-11", periods=30, freq="D"))]
    path.write_text(path.read_text() + "\n".join(late) + "\n")
    result = run("fit", "long.csv", "--id-col", "id", "--model", "naive", "--horizon", "3")
    assert result.exit_code == 0, result.output
    assert (
        "trimmed the empty rows before the first value or after the last of 1 series, never filled: " in result.stdout
    )
    assert "'late' (10 before, 0 after)" in result.stdout
