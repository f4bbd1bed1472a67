import numpy as np
import pandas as pd
import pytest
from conftest import DATASETS

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
from forecast.metrics import mase


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


@pytest.fixture(scope="module")
def sales():
    """Daily sales that follow the price of the same day, which is planned ahead, and busier weekends."""
    rng = np.random.default_rng(0)
    days = pd.date_range("2023-01-01", periods=150, freq="D", name="date")
    price = rng.choice([2.5, 3.0, 3.5], size=len(days))
    units = 100 - 20 * price + 15 * (days.day_of_week >= 5) + rng.normal(0, 1, len(days))
    return pd.DataFrame({"price": price, "units": units}, index=days)


def test_held_out_windows_give_a_model_the_future_known_values_and_times_of_their_forecast_rows(sales):
    held_out = hold_out(sales, lookback=14, horizon=7, held_out_size=0.2)
    model = LinearForecaster(lookback=14, horizon=7, future_covariates=["price"], calendar="auto")
    model.fit(sales.iloc[: held_out.train_rows])
    score, forecasts = held_out.score_model(model)
    assert forecasts.shape == (len(held_out.target_starts), 7, 1)
    start = int(held_out.target_starts[-1])
    expected = model.predict(sales.iloc[:start], future=sales.iloc[start : start + 7][["price"]])
    np.testing.assert_allclose(forecasts[-1, :, 0], expected["units"].to_numpy())
    units = sales[["units"]].to_numpy()
    actuals = units[held_out.target_starts[:, None] + np.arange(7)]
    assert score == held_out.score(forecasts, actuals, ["units"])
    assert score.mase == pytest.approx(mase(actuals, forecasts, y_train=units[: held_out.train_rows], season_length=7))


def test_compare_scores_only_the_targets_of_models_with_covariates(sales):
    covariates = {"future_covariates": ["price"]}
    _, runs = compare(sales, lookback=14, horizon=7, models=["linear", "seasonal-naive"], covariates=covariates)
    _, alone = compare(sales[["units"]], lookback=14, horizon=7, models=["seasonal-naive"])
    by_model = {run.model: run for run in runs}
    assert all(run.targets == ["units"] and run.forecasts.shape[2] == 1 for run in runs)
    assert by_model["seasonal-naive"].score == alone[0].score  # takes the covariate and ignores it
    assert by_model["linear"].score.mase < 0.5 * by_model["seasonal-naive"].score.mase  # the price explains sales


def test_validation_report_of_a_model_with_covariates_scores_its_targets(sales):
    fitted = LinearForecaster(lookback=14, horizon=7, future_covariates=["price"]).fit(sales)
    line = validation_report(fitted, sales, lookback=14, neural=False)
    validation = hold_out(sales, 14, 7, 0.2)
    refitted = LinearForecaster(lookback=14, horizon=7, future_covariates=["price"])
    score, _ = validation.score_model(refitted.fit(sales.iloc[: validation.train_rows]))
    assert line.endswith(f"MSE {score.mse:.4f}  MAE {score.mae:.4f} (standardised)  MASE {score.mase:.3f}")
