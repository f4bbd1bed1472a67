import numpy as np
import pandas as pd
import pytest

from forecast import LinearForecaster, NaiveForecaster, read_csv
from forecast.comparison import (
    compare,
    default_window,
    format_table,
    hold_out,
    lookback_sweep,
    markdown_report,
    summarise,
    validation_report,
)

from conftest import DATASETS


@pytest.fixture(scope="module")
def airline():
    return read_csv(DATASETS / "airline.csv")


def test_default_window_is_one_season_ahead_from_two():
    assert default_window("MS") == (24, 12)
    assert default_window("h") == (48, 24)
    assert default_window("30min") == (96, 48)
    assert default_window("15min") == (10, 5)
    assert default_window("YS-JAN") == (10, 5)
    assert default_window("D", lookback=30) == (30, 7)


def test_held_out_windows_start_after_the_training_rows_and_reach_back_one_input(airline):
    held_out = hold_out(airline, lookback=24, horizon=12, held_out_size=0.2)
    assert held_out.width == 24 and held_out.train_rows == 144 - 29
    inputs, targets = held_out.windows()
    assert inputs.shape == (18, 24, 1) and targets.shape == (18, 12, 1)
    np.testing.assert_array_equal(
        targets[0, :, 0], airline.to_numpy()[held_out.train_rows : held_out.train_rows + 12, 0]
    )
    np.testing.assert_array_equal(inputs[0, -1], airline.to_numpy()[held_out.train_rows - 1])


def test_compare_scores_every_model_on_the_same_windows(airline):
    held_out, runs = compare(airline, lookback=24, horizon=12, models=["linear", "naive", "seasonal-naive"])
    rows = summarise(runs)
    mases = [row["mase"] for row in rows]
    assert mases == sorted(mases) and len(rows) == 3
    seasonal = next(row for row in rows if row["model"] == "seasonal-naive")
    assert seasonal["relative_mase"] == pytest.approx(1.0)
    table = format_table(rows, with_spread=False)
    assert table.splitlines()[0].startswith("| model | MSE | MAE | MASE")
    assert len(table.splitlines()) == 2 + 3
    report = markdown_report("data/airline.csv", airline, held_out, table, plot_path="airline.png")
    assert report.startswith("# forecast compare: airline.csv")
    assert "![forecasts against actuals](airline.png)" in report and table in report


def test_validation_report_refits_a_baseline_without_the_tail(airline):
    fitted = LinearForecaster(lookback=24, horizon=12).fit(airline)
    line = validation_report(fitted, airline, lookback=24, neural=False)
    validation = hold_out(airline, 24, 12, 0.2)
    refitted = LinearForecaster(lookback=24, horizon=12).fit(airline.iloc[: validation.train_rows])
    score, _ = validation.score_model(refitted)
    assert line == (
        f"validation (18 windows in the last 29 rows): MSE {score.mse:.4f}  MAE {score.mae:.4f} (standardised)  "
        f"MASE {score.mase:.3f}"
    )


def test_validation_report_of_a_series_too_short_says_so():
    values = pd.DataFrame({"y": np.arange(8.0)}, index=pd.date_range("2020", periods=8, freq="D"))
    fitted = NaiveForecaster(horizon=5).fit(values)
    assert validation_report(fitted, values, lookback=2, neural=False).startswith("validation: not scored")


def test_lookback_sweep_reports_both_networks_at_each_lookback(airline):
    table = lookback_sweep(airline, [12, 24], 12, held_out_size=0.2, max_epochs=2)
    lines = table.splitlines()
    assert lines[0] == "| lookback | gru MASE | gru parameters | mlp MASE | mlp parameters |"
    assert [line.split("|")[1].strip() for line in lines[2:]] == ["12", "24"]
