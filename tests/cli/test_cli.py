import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from forecast import load
from forecast.cli.main import cli
from forecast.registry import MODEL_NAMES, MODELS

ROOT = Path(__file__).resolve().parents[2]
AIRLINE = str(ROOT / "datasets" / "airline.csv")
QUICK = ["--epochs", "3", "--quiet"]


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Invoke the CLI in an empty working directory; return the result."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args):
        return CliRunner().invoke(cli, [str(arg) for arg in args])

    return invoke


def assert_one_error_line(result, exit_code, *fragments):
    assert result.exit_code == exit_code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.output


def test_fit_then_predict_continues_after_the_training_data(run, tmp_path):
    fitted = run("fit", AIRLINE, "--model", "gru", *QUICK)
    assert fitted.exit_code == 0, fitted.output
    assert "lookback 24, horizon 12" in fitted.stdout
    assert "choose" not in fitted.stdout and load(tmp_path / "forecast-model.npz").lookback == 24  # one series
    assert "validation (" in fitted.stdout and "MASE" in fitted.stdout
    # 20% of 144 rows held out, forecast at each of 12 steps: 29 * 12 errors, levels up to 348 / 349
    assert "prediction intervals: calibrated on 348 out-of-sample errors; predict --level up to 99.7" in fitted.stdout
    assert (tmp_path / "forecast-model.npz").exists()
    predicted = run("predict")
    assert predicted.exit_code == 0, predicted.output
    lines = predicted.stdout.strip().splitlines()
    assert lines[0] == "date,passengers"
    assert lines[1].startswith("1961-01-01,") and lines[-1].startswith("1961-12-01,")
    assert len(lines) == 13


def test_predict_from_new_data_to_a_file_with_a_plot(run, tmp_path):
    assert run("fit", AIRLINE, "--model", "linear", "--horizon", "3", "-o", "linear.npz").exit_code == 0
    history = pd.read_csv(AIRLINE).iloc[:100]
    history.to_csv(tmp_path / "recent.csv", index=False)
    result = run("predict", "recent.csv", "--model", "linear.npz", "-o", "out.csv", "--plot", "out.png")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    written = pd.read_csv(tmp_path / "out.csv")
    assert list(written.columns) == ["date", "passengers"]
    assert written["date"].tolist() == ["1957-05-01", "1957-06-01", "1957-07-01"]
    assert (tmp_path / "out.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("model", ["rnn", "lstm", "mlp", "naive", "seasonal-naive"])
def test_every_model_fits_from_the_command_line(run, model):
    result = run("fit", AIRLINE, "--model", model, "--lookback", "12", "--horizon", "6", *QUICK, "-o", "m.npz")
    assert result.exit_code == 0, result.output
    assert run("predict", "--model", "m.npz").stdout.count("\n") == 7


def test_progress_is_one_line_per_epoch_off_a_terminal(run):
    result = run("fit", AIRLINE, "--epochs", "2")
    assert result.exit_code == 0
    assert [line.split()[:2] for line in result.stderr.splitlines()] == [["epoch", "1"], ["epoch", "2"]]


def test_max_steps_bounds_the_optimiser_steps_of_the_fit(run):
    result = run("fit", AIRLINE, "--lookback", "12", "--horizon", "6", "--max-steps", "3", "--quiet", "-o", "m.npz")
    assert result.exit_code == 0, result.output
    model = load("m.npz")
    assert model.max_steps == 3 and len(model.history_) == 1  # 3 steps: fewer than one epoch's
    assert model.lookback == 12 and "chosen on validation" not in result.stdout  # a lookback given is kept
    assert run("fit", AIRLINE, "--max-steps", "0").exit_code == 2


# Every kind of model, without the slowest searches (arima, auto): the README's example compares them all.
COMPARED = ["rnn", "lstm", "gru", "mlp", "linear", "naive", "seasonal-naive", "naive2", "theta"]


def test_compare_takes_every_model_by_default():
    from forecast.cli.compare_backtest import compare

    default = next(param.default for param in compare.params if param.name == "models")
    assert default.split(",") == list(MODEL_NAMES)


def test_compare_prints_a_sorted_table_plot_and_report(run, tmp_path):
    result = run(
        "compare",
        AIRLINE,
        "--models",
        ",".join(COMPARED),
        "--epochs",
        "3",
        "--seeds",
        "2",
        "--lookbacks",
        "6,12",
        "--plot",
        "compare.png",
        "--report",
        "report.md",
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ") and "---" not in line]
    named = rows[1 : 1 + len(COMPARED)]
    table = [row.split("|")[1].strip() for row in named]
    assert sorted(table) == sorted(COMPARED)
    mase = [float(row.split("|")[4].split("±")[0]) for row in named]
    assert mase == sorted(mase)
    spread = {row.split("|")[1].strip(): "±" in row for row in named}
    assert spread == {name: MODELS[name].neural for name in COMPARED}  # neural rows carry a spread over seeds
    assert "\nBest: " in result.stdout
    assert "| 6 |" in result.stdout and "| 12 |" in result.stdout
    assert (tmp_path / "compare.png").read_bytes()[:4] == b"\x89PNG"
    report = (tmp_path / "report.md").read_text()
    assert "| seasonal-naive |" in report and "![forecasts against actuals](compare.png)" in report


def test_compare_refuses_unknown_models(run):
    assert_one_error_line(run("compare", AIRLINE, "--models", "gru,prophet"), 2, "unknown model(s) prophet")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "the file is empty"),
        ("date,value\n", "no data rows"),
        (
            "date,value\n2020-01-01,1\n2020-01-02,x\n2020-01-03,3\n",
            "non-numeric value 'x' in data row 2; fix it, or leave the cell empty and pass fill= (--fill)",
        ),
        ("date,value\n2020-01-01,1\nyesterday,2\n2020-01-03,3\n", "not a date, 'yesterday'"),
        ("date,value\n2020-01-01,1\n2020-01-01,2\n2020-01-02,3\n", "duplicate timestamp"),
        ("date,value\n2020-01-01,1\n2020-01-02,2,3\n2020-01-03,3\n", "every row needs as many fields"),
        (
            "date,value\n" + "".join(f"2020-01-{day:02d},{day}\n" for day in range(1, 8)),
            "fewer than lookback + horizon",
        ),
        ("\x00\x01\x02garbage", "not a text CSV file"),
        ("date,value\n2020-01-01,\n2020-01-02,\n", "no numeric column besides 'date'"),
        ('date,value\n2020-01-01,"1,5"\n2020-01-02,"1.5"\n', "column 'value' writes numbers two ways"),
    ],
)
def test_fit_on_bad_files_fails_cleanly_and_writes_nothing(run, tmp_path, text, fragment):
    (tmp_path / "data.csv").write_text(text)
    assert_one_error_line(run("fit", "data.csv", *QUICK), 1, fragment)
    assert sorted(os.listdir(tmp_path)) == ["data.csv"]


def test_fit_usage_errors(run, tmp_path):
    assert_one_error_line(run("fit", "absent.csv"), 1, "absent.csv: no such file")
    assert_one_error_line(run("fit", AIRLINE, "--target", "price"), 1, "no column 'price'")
    assert_one_error_line(run("fit", AIRLINE, "--model", "prophet"), 2, "'prophet' is not one of")
    assert_one_error_line(run("fit", AIRLINE, "--lookback", "0"), 2, "--lookback")
    assert_one_error_line(run("fit", AIRLINE, "--horizon", "-2"), 2, "--horizon")
    assert_one_error_line(run("fit"), 2, "Missing argument 'DATA'")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("command", ["fit", "compare", "backtest"])
def test_a_seed_out_of_numpys_range_names_the_option_and_its_range(run, tmp_path, command):
    result = run(command, AIRLINE, "--seed", "4294967296", "--model" if command != "compare" else "--models", "naive")
    assert_one_error_line(result, 2, "Invalid value for '--seed'", "0<=x<=4294967295")
    assert "random_state" not in result.stderr and os.listdir(tmp_path) == []
    if command != "fit":
        result = run(command, AIRLINE, "--seed", "4294967295", "--seeds", "2")
        assert_one_error_line(result, 2, "--seeds", "up to seed 4294967296, over the largest seed 4294967295")


def test_predict_refuses_bad_model_files(run, tmp_path):
    assert_one_error_line(run("predict"), 1, "forecast-model.npz: no such model file")
    (tmp_path / "corrupt.npz").write_bytes(b"PK\x03\x04 truncated")
    assert_one_error_line(run("predict", "--model", "corrupt.npz"), 1, "not a forecast model file or corrupt")
    np.savez(tmp_path / "foreign.npz", weights=np.zeros(3))
    assert_one_error_line(run("predict", "--model", "foreign.npz"), 1, "no forecast header")


class _Payload:
    def __reduce__(self):
        return (open, ("pwned", "w"))


def test_predict_never_runs_a_pickle_payload(run, tmp_path):
    (tmp_path / "evil.npz").write_bytes(pickle.dumps(_Payload()))
    assert_one_error_line(run("predict", "--model", "evil.npz", "-o", "out.csv"), 1, "pickled Python objects")
    assert sorted(os.listdir(tmp_path)) == ["evil.npz"]


def test_predict_data_must_have_the_trained_columns(run, tmp_path):
    assert run("fit", AIRLINE, "--model", "naive").exit_code == 0
    (tmp_path / "other.csv").write_text("date,visitors\n2020-01-01,1\n2020-02-01,2\n2020-03-01,3\n")
    assert_one_error_line(run("predict", "other.csv", "-o", "out.csv"), 1, "no column 'passengers'")
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "the file is empty; expected a header row"),
        ("date,passengers\n1960-01-01,1\n1960-02-01,x\n1960-03-01,3\n", "leave the cell empty and pass fill= (--fill)"),
    ],
)
def test_predict_refuses_bad_data_as_fit_does(run, tmp_path, text, fragment):
    assert run("fit", AIRLINE, "--model", "naive").exit_code == 0
    (tmp_path / "data.csv").write_text(text)
    assert_one_error_line(run("predict", "data.csv"), 1, fragment)


def test_predict_names_the_id_column_its_model_was_fitted_with(run, tmp_path):
    write_long_csv(tmp_path / "long.csv")
    assert run("fit", "long.csv", "--id-col", "unique_id", "--model", "naive", "-o", "long.npz").exit_code == 0
    long = pd.read_csv(tmp_path / "long.csv")
    long.rename(columns={"unique_id": "store"}).to_csv(tmp_path / "renamed.csv", index=False)
    result = run("predict", "renamed.csv", "--model", "long.npz")
    assert_one_error_line(
        result,
        1,
        "no column 'unique_id', the series id column the model was fitted with; available columns: 'store', 'ds', 'y'",
        "give a file with that column, or fit a model on this file",
    )
    assert "--id-col" not in result.stderr  # predict takes the id column from the model file
    long[long["unique_id"] == "A"].drop(columns="unique_id").to_csv(tmp_path / "one.csv", index=False)
    assert_one_error_line(run("predict", "one.csv", "--model", "long.npz"), 1, "no column 'unique_id', the series id")
    # A model of one series given many: reading them as several series takes a model fitted so.
    assert run("fit", "one.csv", "--model", "naive", "-o", "one.npz").exit_code == 0
    result = run("predict", "long.csv", "--model", "one.npz")
    assert_one_error_line(
        result, 1, "read and fit them with id_col='unique_id' (--id-col of fit, compare and backtest)"
    )


def test_interrupted_training_leaves_no_model_file(run, tmp_path, monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("forecast.neural.fitting.train", interrupt)
    assert_one_error_line(run("fit", AIRLINE, *QUICK), 130, "interrupted")
    assert os.listdir(tmp_path) == []


def test_debug_shows_the_traceback(run):
    result = run("--debug", "fit", "absent.csv")
    assert result.exit_code != 0
    assert "DataError" in repr(result.exception)


def test_help_is_instant_and_imports_neither_torch_nor_pandas():
    code = (
        "import sys\nfrom forecast.cli.main import cli\n"
        "for args in (['--help'], ['fit', '--help'], ['predict', '--help'], ['compare', '--help'],\n"
        "             ['backtest', '--help']):\n"
        "    try:\n        cli.main(args)\n    except SystemExit as done:\n        assert done.code == 0\n"
        "print('heavy:', sorted(m for m in ('torch', 'pandas') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "heavy: []" in result.stdout
    assert "--lookback" in result.stdout and "--plot" in result.stdout
    as_module = subprocess.run([sys.executable, "-m", "forecast", "--help"], capture_output=True, text=True)
    assert as_module.returncode == 0 and "forecast fit data.csv" in as_module.stdout


@pytest.mark.long
def test_installed_console_script_and_checkout_entry_point(tmp_path):
    script = Path(sys.executable).with_name("forecast")
    fitted = subprocess.run(
        [str(script), "fit", AIRLINE, "--model", "linear", "-o", str(tmp_path / "m.npz")],
        capture_output=True,
        text=True,
    )
    assert fitted.returncode == 0, fitted.stderr
    predicted = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "predict", "--model", str(tmp_path / "m.npz")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert predicted.returncode == 0, predicted.stderr
    assert predicted.stdout.splitlines()[0] == "date,passengers"
    failed = subprocess.run(
        [str(script), "predict", "--model", str(tmp_path / "absent.npz")], capture_output=True, text=True
    )
    assert failed.returncode == 1
    assert failed.stderr.startswith("Error: ") and failed.stderr.count("\n") == 1


def test_long_format_fit_and_predict(run, tmp_path):
    rows = ["unique_id,ds,y"] + [
        f"{series_id},{pd.Timestamp('2022-01-01') + pd.Timedelta(days=day):%Y-%m-%d},{level + np.sin(day / 3):.3f}"
        for series_id, level in (("A", 10), ("B", 50))
        for day in range(60)
    ]
    (tmp_path / "long.csv").write_text("\n".join(rows) + "\n")
    fitted = run("fit", "long.csv", "--id-col", "unique_id", "--lookback", "14", "--horizon", "7", *QUICK)
    assert fitted.exit_code == 0, fitted.output
    assert "2 series; best validation MSE " in fitted.stdout
    assert "on the last 20% of its rows" in fitted.stdout
    predicted = run("predict", "--plot", "series.png")
    assert predicted.exit_code == 0, predicted.output
    lines = predicted.stdout.strip().splitlines()
    assert lines[0] == "unique_id,ds,y"
    assert lines[1].startswith("A,2022-03-02,") and lines[8].startswith("B,2022-03-02,")
    assert len(lines) == 15
    assert (tmp_path / "series.png").exists()
    assert run("predict", "long.csv", "-o", "again.csv").exit_code == 0
    assert (tmp_path / "again.csv").read_text().splitlines()[0] == "unique_id,ds,y"


def test_output_folders_are_checked_before_any_work(run, tmp_path):
    assert_one_error_line(
        run("fit", AIRLINE, "-o", "missing/model.npz"), 2, "folder of 'missing/model.npz' does not exist"
    )
    assert_one_error_line(run("compare", AIRLINE, "--plot", "missing/c.png"), 2, "does not exist")
    assert os.listdir(tmp_path) == []


def test_a_series_too_short_to_score_still_fits_and_says_so(run, tmp_path):
    (tmp_path / "short.csv").write_text("date,v\n" + "".join(f"2020-01-{day:02d},{day % 3}\n" for day in range(1, 5)))
    result = run("fit", "short.csv", "--lookback", "2", "--horizon", "1", *QUICK)
    assert result.exit_code == 0, result.output
    assert "validation: not scored" in result.stdout
    assert (tmp_path / "forecast-model.npz").exists()


def test_integer_dates_that_are_not_years_are_refused(run, tmp_path):
    (tmp_path / "steps.csv").write_text("date,v\n1,2\n3,4\n5,6\n")
    assert_one_error_line(run("fit", "steps.csv"), 1, "column 'date' holds numbers, not dates")


def test_predict_refuses_a_window_regressor_file(run, tmp_path):
    from forecast import MLPRegressor
    from forecast.modelfile.load import save

    X = np.random.default_rng(0).normal(size=(40, 6))
    save(MLPRegressor(max_epochs=1).fit(X, X[:, 0]), tmp_path / "regressor.npz")
    assert_one_error_line(run("predict", "--model", "regressor.npz"), 1, "window-level MLPRegressor, not a forecaster")


def test_negative_seed_is_a_usage_error(run):
    assert_one_error_line(run("fit", AIRLINE, "--seed", "-1"), 2, "--seed")


def test_the_command_line_offers_exactly_the_registry_models():
    from forecast.registry import MODEL_NAMES

    fit_choices = next(param for param in cli.commands["fit"].params if param.name == "model_name").type.choices
    assert tuple(fit_choices) == MODEL_NAMES


def write_long_csv(path, lengths=(("A", 60), ("B", 75))):
    """Daily series of the given lengths in long format (unique_id, ds, y), each at its own level."""
    rows = ["unique_id,ds,y"] + [
        f"{series_id},{pd.Timestamp('2022-01-01') + pd.Timedelta(days=day):%Y-%m-%d},"
        f"{10 * (number + 1) + np.sin(2 * np.pi * day / 7) + day / 20:.3f}"
        for number, (series_id, length) in enumerate(lengths)
        for day in range(length)
    ]
    path.write_text("\n".join(rows) + "\n")


def table_rows(stdout):
    """The rows of the Markdown table in ``stdout`` as lists of cells, the header first."""
    lines = [line for line in stdout.splitlines() if line.startswith("| ") and "---" not in line]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def test_backtest_prints_scores_and_writes_the_rows_of_forecast_backtest(run, tmp_path):
    from forecast import LinearForecaster, NaiveForecaster, backtest, read_csv

    options = "--model linear --model naive --windows 2 --step 6 -o rows.csv --report report.md"
    result = run("backtest", AIRLINE, *options.split())
    assert result.exit_code == 0, result.output
    header, *rows = table_rows(result.stdout)
    scores = ["MSE", "MAE", "MASE", "median MASE", "sMAPE %", "MASE / seasonal naive", "wins vs seasonal naive %"]
    assert header == ["model", *scores, "fit s"]
    assert "OWA" not in header  # one series
    assert sorted(row[0] for row in rows) == ["linear", "naive"]
    assert [float(row[3]) for row in rows] == sorted(float(row[3]) for row in rows)
    assert result.stderr.splitlines() == [
        "  fitting linear for window 1 of 2",
        "  fitting linear for window 2 of 2",
        "  fitting naive for window 1 of 2",
        "  fitting naive for window 2 of 2",
    ]
    expected = backtest(
        {"linear": LinearForecaster(lookback=24, horizon=12), "naive": NaiveForecaster(horizon=12)},
        read_csv(AIRLINE),
        n_windows=2,
        step=6,
    )
    written = pd.read_csv(tmp_path / "rows.csv", parse_dates=["cutoff", "date"])
    pd.testing.assert_frame_equal(written, expected, check_dtype=False)
    report = (tmp_path / "report.md").read_text()
    assert report.startswith("# forecast backtest: airline.csv") and "| linear |" in report
    assert "![error by horizon step and forecasts](report.png)" in report
    assert (tmp_path / "report.png").read_bytes()[:4] == b"\x89PNG"


def test_a_network_fitted_on_many_series_chooses_its_lookback_unless_one_is_given(run, tmp_path):
    write_long_csv(tmp_path / "long.csv")
    chosen = run("fit", "long.csv", "--id-col", "unique_id", "--model", "mlp", *QUICK)
    assert chosen.exit_code == 0, chosen.output
    model = load(tmp_path / "forecast-model.npz")
    assert model.lookback == [14, 7, 21] and model.lookbacks_tried_ == [14, 7, 21]
    assert f"lookback {model.lookback_}, chosen on validation among 14, 7, 21" in chosen.stdout
    given = run("fit", "long.csv", "--id-col", "unique_id", "--model", "mlp", "--lookback", "7", *QUICK)
    assert given.exit_code == 0 and "choose" not in given.stdout and load("forecast-model.npz").lookback_ == 7
    linear = run("fit", "long.csv", "--id-col", "unique_id", "--model", "linear", "-o", "linear.npz")
    assert "choose" not in linear.stdout and load("linear.npz").lookback == 14


def test_the_lookbacks_offered_are_those_a_typical_series_is_long_enough_to_try(run, tmp_path):
    write_long_csv(tmp_path / "long.csv", lengths=(("A", 40), ("B", 50)))  # 45 rows: under 2 * (21 + 7)
    result = run("fit", "long.csv", "--id-col", "unique_id", "--model", "mlp", *QUICK)
    assert result.exit_code == 0, result.output
    assert "networks choose the lookback on validation among 14, 7\n" in result.stdout
    assert load(tmp_path / "forecast-model.npz").lookback == [14, 7]


def test_a_fit_without_validation_tails_says_so_instead_of_naming_a_validation_mse(run, tmp_path):
    write_long_csv(tmp_path / "long.csv", lengths=(("A", 20), ("B", 18), ("C", 25)))
    result = run("fit", "long.csv", "--id-col", "unique_id", "--model", "mlp", *QUICK)
    assert result.exit_code == 0, result.output
    assert "3 series; no rows held out for validation" in result.stdout and "validation MSE" not in result.stdout


def test_backtest_of_many_series_fits_once_with_refit_zero(run, tmp_path):
    write_long_csv(tmp_path / "long.csv")
    models = "--model linear --model seasonal-naive --model mlp --epochs 2 --seeds 2"
    outputs = "-o rows.csv --plot figure.svg"
    result = run(
        "backtest", "long.csv", "--id-col", "unique_id", *models.split(), "--windows", 3, "--refit", 0, *outputs.split()
    )
    assert result.exit_code == 0, result.output
    assert "(2 series × 3 windows), ± std over 2 seeds" in " ".join(result.stdout.split())
    assert "networks choose the lookback on validation among 14, 7, 21" in result.stdout
    header, *rows = table_rows(result.stdout)
    assert header[-2:] == ["OWA", "fit s"]
    spread = {row[0]: "±" in row[3] for row in rows}
    assert spread == {"linear": False, "seasonal-naive": False, "mlp": True}
    fits = result.stderr.splitlines()
    assert fits == [
        f"  fitting {column} for window 1 of 3" for column in ("linear", "seasonal-naive", "mlp-seed-0", "mlp-seed-1")
    ]
    written = pd.read_csv(tmp_path / "rows.csv")
    columns = ["linear", "seasonal-naive", "mlp-seed-0", "mlp-seed-1"]
    assert list(written.columns) == ["unique_id", "cutoff", "ds", "target", "actual", *columns]
    assert len(written) == 2 * 3 * 7 and written.groupby("unique_id")["cutoff"].nunique().tolist() == [3, 3]
    assert (tmp_path / "figure.svg").read_text().lstrip().startswith("<?xml")


def test_backtest_with_too_many_windows_is_one_error_and_writes_nothing(run, tmp_path):
    result = run("backtest", AIRLINE, "--model", "linear", "--windows", "20", "-o", "rows.csv", "--report", "r.md")
    assert_one_error_line(result, 1, "too few: 20 backtest window(s)", "use n_windows=9 or fewer")
    assert os.listdir(tmp_path) == []


def test_a_series_too_short_for_the_season_names_season_length(run, tmp_path):
    write_long_csv(tmp_path / "long.csv")
    result = run(
        "compare", "long.csv", "--id-col", "unique_id", "--models", "naive,seasonal-naive", "--season-length", "200"
    )
    assert_one_error_line(
        result, 1, "200 before the first cutoff for seasonal-naive", "season_length (--season-length)"
    )


def test_backtest_usage_errors(run, tmp_path):
    assert_one_error_line(run("backtest", AIRLINE, "--model", "prophet"), 2, "'prophet' is not one of")
    assert_one_error_line(run("backtest", AIRLINE, "--refit", "-1"), 2, "--refit")
    assert_one_error_line(run("backtest", AIRLINE, "--level", "100"), 2, "--level")
    assert_one_error_line(run("backtest", AIRLINE, "-o", str(AIRLINE)), 1, "same file as DATA")
    assert os.listdir(tmp_path) == []


def test_backtest_passes_levels_on_and_shows_the_interval_scores_evaluate_gives(run, monkeypatch):
    import forecast.evaluation.comparison
    import forecast.evaluation.scores

    levels, backtest, evaluate = [], forecast.evaluation.comparison.backtest, forecast.evaluation.scores.evaluate

    def backtest_recording_level(*args, level=None, **kwargs):
        levels.append(level)
        return backtest(*args, **kwargs)

    def evaluate_with_coverage(*args, **kwargs):
        return evaluate(*args, **kwargs).assign(**{"coverage-80": 0.75, "width-80": 42.0})

    monkeypatch.setattr(forecast.evaluation.comparison, "backtest", backtest_recording_level)
    monkeypatch.setattr(forecast.evaluation.scores, "evaluate", evaluate_with_coverage)
    result = run("backtest", AIRLINE, "--model", "naive", "--level", "80", "--level", "97.5", "--quiet")
    assert result.exit_code == 0, result.output
    assert levels == [[80, 97.5]]
    header, row = table_rows(result.stdout)
    # A coverage of 0.75% is far under 80%: marked, and explained under the table.
    assert header[-3:-1] == ["coverage-80", "width-80"] and row[-3:-1] == ["0.7500 !", "42.00"]
    assert "\n! coverage more than 5 points under the nominal level" in result.stdout


def test_compare_many_series_scores_global_models_on_the_held_out_tail(run, tmp_path):
    write_long_csv(tmp_path / "long.csv", (("A", 80), ("B", 70), ("C", 90)))
    options = "--id-col unique_id --models linear,naive,seasonal-naive --report report.md --quiet"
    result = run("compare", "long.csv", *options.split())
    assert result.exit_code == 0, result.output
    # A fifth of the median series (80 rows) is 16 rows: covered by 3 windows of 7.
    assert "held out: the last 21 rows of each series, 3 windows of 7 steps" in " ".join(result.stdout.split())
    assert "choose" not in result.stdout  # no network to choose a lookback
    header, *rows = table_rows(result.stdout)
    assert header == ["model", "MSE", "MAE", "MASE", "MASE / seasonal naive", "fit s"]
    assert [row[0] for row in rows][-1] == "naive" and len(rows) == 3
    seasonal = next(row for row in rows if row[0] == "seasonal-naive")
    assert seasonal[4] == "1.00"
    assert (tmp_path / "report.png").read_bytes()[:4] == b"\x89PNG"
    assert "# forecast compare: long.csv" in (tmp_path / "report.md").read_text()
    assert_one_error_line(
        run("compare", "long.csv", "--id-col", "unique_id", "--lookbacks", "6,12"), 2, "leave it out with --id-col"
    )


def test_compare_many_series_with_too_long_a_hold_out_names_test_size(run, tmp_path):
    write_long_csv(tmp_path / "long.csv")  # 60 and 75 rows
    options = ["--id-col", "unique_id", "--models", "naive,seasonal-naive", "-q"]
    # 0.99 of the median 67.5 rows are 10 windows of 7; the longest series keeps a season of 7 before 9 of them.
    result = run("compare", "long.csv", *options, "--test-size", "0.99")
    assert_one_error_line(result, 1, "hold out held_out_size=0.99", "use held_out_size=0.93 or less (--test-size)")
    assert "--windows" not in result.stderr
    assert run("compare", "long.csv", *options, "--test-size", "0.93").exit_code == 0


def test_predict_refuses_data_at_another_frequency_than_the_model(run, tmp_path):
    daily = tmp_path / "daily.csv"
    daily.write_text("date,y\n" + "".join(f"2020-01-{day:02d},{day % 7 + 1}.0\n" for day in range(1, 31)))
    assert run("fit", daily, "--model", "naive", "--horizon", "3", "-o", "model.npz").exit_code == 0
    monthly = tmp_path / "monthly.csv"
    monthly.write_text("date,y\n" + "".join(f"2020-{month:02d}-01,{month}.0\n" for month in range(1, 13)))
    assert_one_error_line(run("predict", monthly, "--model", "model.npz"), 1, "--freq MS")
    assert_one_error_line(
        run("predict", monthly, "--model", "model.npz", "--freq", "MS"),
        1,
        "frequency is 'MS' but the model was trained at 'D'",
    )


def write_sales(folder, days=120, future_days=7):
    """Daily units sold that follow the day's price (planned ahead) and weekends; the history and the next prices.

    Writes ``sales.csv`` (date, units, price, and a ``note`` column with a gap that --target leaves unread) and
    ``future.csv`` (date, price of the ``future_days`` after); returns the whole frame.
    """
    rng = np.random.default_rng(1)
    dates = pd.date_range("2023-01-01", periods=days + future_days, freq="D", name="date")
    price = rng.choice([2.5, 3.0, 3.5], size=len(dates))
    units = 100 - 20 * price + 15 * (dates.day_of_week >= 5) + rng.normal(0, 1, len(dates))
    frame = pd.DataFrame({"units": units.round(2), "price": price}, index=dates)
    history = frame.iloc[:days].assign(note=[np.nan] + [1.0] * (days - 1))
    history.to_csv(folder / "sales.csv")
    frame.iloc[days:][["price"]].to_csv(folder / "future.csv")
    return frame


def test_fit_and_predict_with_future_covariates_from_files(run, tmp_path):
    from forecast import load, read_csv

    write_sales(tmp_path)
    options = ["--model", "linear", "--target", "units", "--future-covariate", "price", "--calendar"]
    fitted = run("fit", "sales.csv", *options, "-o", "m.npz")
    assert fitted.exit_code == 0, fitted.output
    assert "(units, price)" in fitted.stdout and "future-known inputs: price; calendar features" in fitted.stdout
    assert "validation (" in fitted.stdout
    result = run("predict", "sales.csv", "--model", "m.npz", "--future", "future.csv", "--level", "80")
    result_with_files = run(
        "predict",
        "sales.csv",
        "--model",
        "m.npz",
        "--future",
        "future.csv",
        "--level",
        "80",
        "-o",
        "out.csv",
        "--plot",
        "out.png",
    )
    assert result.exit_code == 0 and result_with_files.exit_code == 0, result.output + result_with_files.output
    written = pd.read_csv(tmp_path / "out.csv", index_col="date", parse_dates=True)
    model = load(tmp_path / "m.npz")
    assert (model.columns_, model.future_covariates_) == (["units"], ["price"])
    history = read_csv(tmp_path / "sales.csv", targets=["units", "price"])
    expected = model.predict(history, future=read_csv(tmp_path / "future.csv"), level=[80])
    # The data has two decimals, and so have the forecasts written.
    pd.testing.assert_frame_equal(written, expected, check_freq=False, check_names=False, atol=5e-3, rtol=0)
    assert list(written.columns) == ["units", "units-lo-80", "units-hi-80"]
    assert result.stdout == (tmp_path / "out.csv").read_text()
    assert (tmp_path / "out.png").read_bytes()[:4] == b"\x89PNG"
    from_context = run("predict", "--model", "m.npz", "--future", "future.csv", "--plot", "context.png")
    assert from_context.exit_code == 0, from_context.output
    assert from_context.stdout.splitlines()[1].startswith("2023-05-01,")
    assert (tmp_path / "context.png").read_bytes()[:4] == b"\x89PNG"


@pytest.fixture
def figures(monkeypatch):
    """The matplotlib figures the commands draw, in order (still written to their files)."""
    from forecast.cli import plots

    drawn, save = [], plots._save
    monkeypatch.setattr(plots, "_save", lambda figure, path: (drawn.append(figure), save(figure, path)))
    return drawn


def test_predict_plot_draws_each_driver_below_the_forecast_and_four_horizons_of_history(run, tmp_path, figures):
    frame = write_sales(tmp_path)
    options = ["--model", "linear", "--target", "units", "--future-covariate", "price", "--lookback", "10"]
    assert run("fit", "sales.csv", *options, "-o", "m.npz").exit_code == 0
    from_context = run("predict", "--model", "m.npz", "--future", "future.csv", "--plot", "context.png")
    from_data = run("predict", "sales.csv", "--model", "m.npz", "--future", "future.csv", "--plot", "data.png")
    assert from_context.exit_code == from_data.exit_code == 0, from_context.output + from_data.output
    assert (tmp_path / "context.png").exists() and (tmp_path / "data.png").exists()
    history, future = frame.iloc[:120], frame.iloc[120:]
    for figure in figures:
        target_axis, driver_axis = figure.axes
        assert (target_axis.get_ylabel(), driver_axis.get_ylabel()) == ("units", "price")
        assert driver_axis.get_shared_x_axes().joined(target_axis, driver_axis)
        # Four horizons of 7 days before the forecast, more than the lookback of 10, for the target and the driver.
        np.testing.assert_allclose(target_axis.lines[0].get_ydata(), history["units"].iloc[-28:])
        past, ahead = driver_axis.lines[:2]
        np.testing.assert_allclose(past.get_ydata(), history["price"].iloc[-28:])
        np.testing.assert_allclose(ahead.get_ydata(), [history["price"].iloc[-1], *future["price"]])
        assert [text.get_text() for text in driver_axis.get_legend().get_texts()] == [
            "history",
            "future values (--future)",
        ]


def test_a_future_file_without_ids_gives_every_series_of_a_many_series_model_the_same_values(run, tmp_path):
    frame = write_sales(tmp_path, days=60)
    history = frame.iloc[:60].rename_axis("ds")
    panel = pd.concat({"north": history, "south": history * [1.5, 1.0]}, names=["store"]).reset_index()
    panel.to_csv(tmp_path / "stores.csv", index=False)
    prices = frame.iloc[60:][["price"]].rename_axis("ds").reset_index()
    prices.to_csv(tmp_path / "shared.csv", index=False)
    pd.concat([prices.assign(store=name) for name in ("north", "south")]).to_csv(tmp_path / "each.csv", index=False)
    options = ["--id-col", "store", "--model", "linear", "--future-covariate", "price", "-o", "m.npz"]
    assert run("fit", "stores.csv", *options).exit_code == 0
    shared = run("predict", "--model", "m.npz", "--future", "shared.csv")
    each = run("predict", "--model", "m.npz", "--future", "each.csv")
    assert shared.exit_code == each.exit_code == 0, shared.output
    assert shared.stdout == each.stdout and shared.stdout.startswith("store,ds,units\nnorth,")


def test_calendar_on_yearly_rows_warns_that_it_adds_nothing(run, tmp_path):
    years = pd.DataFrame(
        {"v": np.sin(np.arange(30.0))}, index=pd.date_range("1990", periods=30, freq="YS", name="year")
    )
    years.to_csv(tmp_path / "years.csv")
    result = run("fit", "years.csv", "--model", "linear", "--calendar", "-o", "m.npz")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Warning: years.csv: --calendar adds no feature at frequency YS-JAN")
    assert "calendar" not in result.stdout  # the summary does not claim features the model lacks


def test_fit_says_which_covariates_were_dropped_on_validation(run, tmp_path):
    frame = write_sales(tmp_path, days=400)
    noise = np.random.default_rng(0).normal(size=400).round(3)
    frame.iloc[:400][["units", "price"]].assign(noise=noise).to_csv(tmp_path / "noisy.csv")
    drivers = ["--future-covariate", "price", "--past-covariate", "noise", "--lookback", "14", "--horizon", "7"]
    fitted = run("fit", "noisy.csv", "--model", "mlp", *drivers, *QUICK)
    assert fitted.exit_code == 0, fitted.output
    assert "covariates dropped on validation: noise\n" in fitted.stdout
    assert "dropped" not in run("fit", "noisy.csv", "--model", "linear", *drivers).stdout  # reads every driver


def test_backtest_with_covariates_scores_the_target_only(run, tmp_path):
    from forecast import LinearForecaster, SeasonalNaiveForecaster, backtest, read_csv

    write_sales(tmp_path)
    options = "--target units --future-covariate price --calendar --model linear --model seasonal-naive --windows 2"
    result = run("backtest", "sales.csv", *options.split(), "-o", "rows.csv", "-q")
    assert result.exit_code == 0, result.output
    written = pd.read_csv(tmp_path / "rows.csv", parse_dates=["cutoff", "date"])
    assert set(written["target"]) == {"units"}
    drivers = {"future_covariates": ["price"], "calendar": "auto"}
    models = {
        "linear": LinearForecaster(lookback=14, horizon=7, **drivers),
        "seasonal-naive": SeasonalNaiveForecaster(horizon=7, **drivers),
    }
    expected = backtest(models, read_csv(tmp_path / "sales.csv", targets=["units", "price"]), n_windows=2)
    pd.testing.assert_frame_equal(written, expected, check_dtype=False)
    linear, seasonal = (float(row[3]) for row in table_rows(result.stdout)[1:])
    assert linear < seasonal  # the price of the forecast days reaches the model


def test_compare_with_covariates_scores_the_target_only(run, tmp_path):
    write_sales(tmp_path)
    options = ["--models", "linear,seasonal-naive", "-q"]
    drivers = ["--future-covariate", "price", "--past-covariate", "note", "--calendar"]
    with_drivers = run("compare", "sales.csv", "--target", "units", *drivers[:2], *options, "--plot", "c.png")
    alone = run("compare", "sales.csv", "--target", "units", *options)
    all_columns = run("compare", "sales.csv", "--fill", "ffill", *drivers, *options)
    assert with_drivers.exit_code == alone.exit_code == all_columns.exit_code == 0, with_drivers.output
    scores = {
        name: {row[0]: row[1:4] for row in table_rows(result.stdout)[1:]}
        for name, result in (("drivers", with_drivers), ("alone", alone), ("all", all_columns))
    }
    # seasonal naive takes the covariates and ignores them: the same scores when only the target is scored
    assert scores["drivers"]["seasonal-naive"] == scores["alone"]["seasonal-naive"]
    assert scores["all"]["seasonal-naive"] == scores["alone"]["seasonal-naive"]
    assert float(scores["drivers"]["linear"][2]) < float(scores["alone"]["linear"][2])
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"


def test_compare_level_adds_the_interval_scores_of_the_library_to_table_and_report(run, tmp_path):
    from forecast import read_csv
    from forecast.cli.reports import format_table
    from forecast.evaluation.comparison import compare, summarise

    options = "--models linear,seasonal-naive --level 80 --level 95 --report report.md --quiet"
    result = run("compare", AIRLINE, *options.split())
    assert result.exit_code == 0, result.output
    header, *rows = table_rows(result.stdout)
    intervals = ["coverage-80", "width-80", "msis-80", "coverage-95", "width-95", "msis-95"]
    assert header[5:11] == intervals
    _, runs = compare(read_csv(AIRLINE), lookback=24, horizon=12, models=["linear", "seasonal-naive"], level=[80, 95])
    _, *expected = table_rows(format_table(summarise(runs), with_spread=False))
    assert [row[:11] for row in rows] == [row[:11] for row in expected]
    assert all(0 <= float(row[5]) <= float(row[8]) <= 100 for row in rows)  # 95% covers at least what 80% does
    assert "| coverage-80 | width-80 | msis-80 |" in (tmp_path / "report.md").read_text()


def test_compare_many_series_with_level_shows_coverage(run, tmp_path):
    write_long_csv(tmp_path / "long.csv", (("A", 80), ("B", 70), ("C", 90)))
    result = run("compare", "long.csv", "--id-col", "unique_id", "--models", "naive,linear", "--level", "80", "-q")
    assert result.exit_code == 0, result.output
    header, *rows = table_rows(result.stdout)
    scores = ["MSE", "MAE", "MASE", "MASE / seasonal naive", "coverage-80", "width-80", "msis-80", "fit s"]
    assert header == ["model", *scores]
    assert all(0 <= float(row[5]) <= 100 and float(row[6]) > 0 for row in rows)


def test_compare_level_a_model_cannot_calibrate_is_one_error_naming_it(run, tmp_path):
    result = run("compare", AIRLINE, "--models", "naive", "--level", "99.9", "--report", "report.md", "--quiet")
    assert_one_error_line(result, 1, "model naive: level 99.9 needs", "ask for a level of at most 99.6")
    assert os.listdir(tmp_path) == []
    assert_one_error_line(run("compare", AIRLINE, "--level", "0"), 2, "--level")


def test_a_level_a_network_without_a_validation_tail_cannot_give_says_what_helps(run, tmp_path):
    (tmp_path / "short.csv").write_text("date,v\n" + "".join(f"2020-01-{day:02d},{day % 3}\n" for day in range(1, 11)))
    # The window's 7 rows before the cutoff leave no validation tail: the network has no intervals.
    options = ["--lookback", "4", "--horizon", "3", "--windows", "1", "--model", "mlp", *QUICK]
    result = run("backtest", "short.csv", *options, "--level", "80")
    assert result.exit_code == 1, result.output
    error = result.stderr.strip().splitlines()[-1]  # after the warning that training had no validation tail
    assert error.startswith("Error: model mlp: this MLPForecaster kept no rows out of sample")
    assert error.endswith("fit it on series long enough for a validation tail, or leave out level= (--level)")
    assert "validation_fraction" not in error  # the command line has no option for it
    # A network fitted on those 7 rows keeps no intervals either; its model file still loads, and says so at predict.
    (tmp_path / "head.csv").write_text("".join((tmp_path / "short.csv").read_text().splitlines(keepends=True)[:8]))
    assert run("fit", "head.csv", "--lookback", "4", "--horizon", "3", "--model", "mlp", *QUICK).exit_code == 0
    assert run("predict").exit_code == 0
    assert_one_error_line(run("predict", "--level", "80"), 1, "validation tail, or leave out level= (--level)")


def test_a_warning_that_several_passes_over_the_scores_give_is_shown_once(run, tmp_path):
    rows = ["unique_id,ds,y"] + [
        f"{series_id},{pd.Timestamp('2022-01-01') + pd.Timedelta(days=day):%Y-%m-%d},{10 + np.sin(day):.3f}"
        for series_id, length in (("long", 40), ("short", 12))
        for day in range(length)
    ]
    (tmp_path / "panel.csv").write_text("\n".join(rows) + "\n")
    result = run(
        "backtest",
        "panel.csv",
        "--id-col",
        "unique_id",
        "--model",
        "naive",
        "--model",
        "linear",
        "--horizon",
        "3",
        "--lookback",
        "3",
        "--windows",
        "2",
        "-q",
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Warning: MASE is undefined") == 1


@pytest.mark.parametrize(("weeks", "lookback"), [(130, 52), (129, 26)])
def test_weekly_data_looks_back_a_year_where_the_series_hold_two_years_and_horizons(run, tmp_path, weeks, lookback):
    dates = pd.date_range("2015-01-04", periods=weeks, freq="W-SUN")
    pd.DataFrame({"date": dates, "y": np.sin(np.arange(weeks) / 8.3)}).to_csv(tmp_path / "weekly.csv", index=False)
    fitted = run("fit", tmp_path / "weekly.csv", "--model", "naive", "--horizon", 13)
    assert fitted.exit_code == 0, fitted.output
    assert f"lookback {lookback}, horizon 13" in fitted.stdout
