import numpy as np
import pandas as pd
import pytest
from conftest import DATASETS

from forecast import DataError, LinearForecaster, MLPForecaster, NaiveForecaster, SeasonalNaiveForecaster, read_csv
from forecast.cli.reports import compare_many_columns, format_table, interval_report, markdown_report, validation_report
from forecast.evaluation.comparison import (
    Run,
    Score,
    compare,
    compare_many,
    count_parameters,
    hold_out,
    lookback_sweep,
    summarise,
    sweep_hold_out,
)
from forecast.evaluation.metrics import mase
from forecast.forecasters.intervals import SCALE_ROWS


@pytest.fixture(scope="module")
def airline():
    return read_csv(DATASETS / "airline.csv")


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
        f"validation (18 windows in the last 29 rows): MSE {score.mse:.4g}  MAE {score.mae:.4g} (in the data's "
        f"units)  MASE {score.mase:.3f}"
    )


def test_validation_report_of_a_series_too_short_says_so():
    values = pd.DataFrame({"y": np.arange(8.0)}, index=pd.date_range("2020", periods=8, freq="D"))
    fitted = NaiveForecaster(horizon=5).fit(values)
    assert validation_report(fitted, values, lookback=2, neural=False).startswith("validation: not scored")


def test_lookback_sweep_reports_both_networks_at_each_lookback(airline):
    table = lookback_sweep(airline, [12, 24], sweep_hold_out(airline, [12, 24], 12, 0.2), max_epochs=2)
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
    assert line.endswith(f"MSE {score.mse:.4g}  MAE {score.mae:.4g} (in the data's units)  MASE {score.mase:.3f}")


def test_held_out_interval_scores_are_nested_and_leave_the_point_scores_alone(airline):
    held_out = hold_out(airline, lookback=24, horizon=12, held_out_size=0.2)
    model = LinearForecaster(lookback=24, horizon=12).fit(airline.iloc[: held_out.train_rows])
    score, forecasts = held_out.score_model(model, [80.0, 95.0])
    point_score, point_forecasts = held_out.score_model(model)
    np.testing.assert_array_equal(forecasts, point_forecasts)
    assert (score.mse, score.mae, score.mase) == (point_score.mse, point_score.mae, point_score.mase)
    assert point_score.intervals == {}
    assert list(score.intervals) == ["coverage-80", "width-80", "msis-80", "coverage-95", "width-95", "msis-95"]
    assert all(0 <= score.intervals[name] <= 100 for name in ("coverage-80", "coverage-95"))
    assert 0 < score.intervals["width-80"] < score.intervals["width-95"]
    assert score.intervals["coverage-80"] <= score.intervals["coverage-95"]


def seasonal_series(length=40, season=4):
    """A short series of a repeating season, a trend and noise, and a level shift over its last eighth (days)."""
    rng = np.random.default_rng(3)
    values = np.tile([0.0, 4.0, 1.0, 6.0], length // season) + np.arange(length) / 4 + rng.normal(0, 1, length)
    values[-length // 8 :] += 5.0  # the seasonal naive intervals miss some of these
    return pd.DataFrame({"y": values}, index=pd.date_range("2024-01-01", periods=length, freq="D"))


def test_seasonal_naive_interval_scores_match_a_count_by_hand():
    series = seasonal_series()
    held_out = hold_out(series, lookback=4, horizon=4, held_out_size=0.3, season_length=4)
    assert held_out.width < SCALE_ROWS <= held_out.train_rows  # windows must be widened for the noise level
    model = SeasonalNaiveForecaster(season_length=4, horizon=4).fit(series.iloc[: held_out.train_rows])
    score, _ = held_out.score_model(model, [80.0])
    inside, widths, interval_scores = [], [], []
    for start in held_out.target_starts:
        # The forecast and 80% interval from the whole history up to the window's first target.
        forecast = model.predict(series.iloc[:start], level=80)
        lower, upper = forecast["y-lo-80"].to_numpy(), forecast["y-hi-80"].to_numpy()
        actual = series["y"].to_numpy()[start : start + 4]
        np.testing.assert_allclose(forecast["y"].to_numpy(), series["y"].to_numpy()[start - 4 : start])
        inside += list((lower <= actual) & (actual <= upper))
        widths += list(upper - lower)
        misses = np.maximum(lower - actual, 0) + np.maximum(actual - upper, 0)
        interval_scores += list(upper - lower + 2 / 0.2 * misses)
    train = series["y"].to_numpy()[: held_out.train_rows]
    scale = np.mean(np.abs(train[4:] - train[:-4]))
    assert score.intervals["coverage-80"] == pytest.approx(100 * np.mean(inside))
    assert score.intervals["width-80"] == pytest.approx(np.mean(widths))
    assert score.intervals["msis-80"] == pytest.approx(np.mean(interval_scores) / scale)
    assert 0 < np.mean(inside) < 1  # neither all in nor all out: the count says something


def test_compare_names_the_model_that_cannot_calibrate_a_level():
    with pytest.raises(DataError, match=r"model seasonal-naive: level 99 needs at least 99 out-of-sample errors"):
        compare(seasonal_series(), lookback=4, horizon=4, models=["seasonal-naive"], season_length=4, level=99)


def test_summarise_and_format_table_show_interval_scores_as_mean_and_spread_over_seeds():
    def run(seed, coverage, width):
        intervals = {"coverage-80": coverage, "width-80": width, "msis-80": 2.0}
        return Run("gru", seed, Score(0.5, 0.5, 1.0, 3, intervals), 10, 1.0, np.zeros((3, 2, 1)), ["y"])

    rows = summarise([run(0, 60.0, 10.0), run(1, 80.0, 30.0)])
    assert rows[0]["coverage-80"] == 70.0 and rows[0]["coverage-80_std"] == 10.0
    assert rows[0]["width-80"] == 20.0 and rows[0]["msis-80_std"] == 0.0
    header, _, line, _, footnote = format_table(rows, with_spread=True).splitlines()
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    headers = [cell.strip() for cell in header.strip("|").split("|")]
    assert headers[5:8] == ["coverage-80", "width-80", "msis-80"]
    assert cells[5:8] == ["70.00 ± 10.00 !", "20.00 ± 10.00", "2.000 ± 0.000"]  # 70% is under 80% - 5
    assert footnote.startswith("! coverage more than 5 points under the nominal level")


def long_frame(lengths=(("A", 60), ("B", 50))):
    """Daily series in an (id, timestamp) frame, each a weekly pattern at its own level."""
    pieces = {
        series_id: pd.DataFrame(
            {"y": 10 * (number + 1) + np.sin(2 * np.pi * np.arange(length) / 7) + np.arange(length) / 20},
            index=pd.date_range("2022-01-01", periods=length, freq="D", name="ds"),
        )
        for number, (series_id, length) in enumerate(lengths)
    }
    return pd.concat(pieces, names=["unique_id"])


def test_compare_many_scores_intervals_and_names_a_model_that_cannot_calibrate():
    frame = long_frame()
    _, rows, _ = compare_many(frame, lookback=14, horizon=7, models=["naive", "seasonal-naive"], level=80)
    assert compare_many_columns(rows) == [
        "mse",
        "mae",
        "mase",
        "relative_mase",
        "coverage-80",
        "width-80",
        "msis-80",
        "fit_seconds",
    ]
    assert all(0 <= row["coverage-80"] <= 100 and row["width-80"] > 0 for row in rows)
    with pytest.raises(DataError, match="model naive: level 99.9"):
        compare_many(frame, lookback=14, horizon=7, models=["naive"], level=99.9)


def test_a_hold_out_too_short_for_a_season_says_the_season_not_the_lookback_set_the_window():
    months = pd.DataFrame({"y": np.arange(14.0)}, index=pd.date_range("2020-01-01", periods=14, freq="MS"))
    with pytest.raises(DataError, match=r"each window holds a season of 12 rows, longer than the lookback 2"):
        hold_out(months, lookback=2, horizon=2, held_out_size=0.2)
    with pytest.raises(DataError, match=r"lookback \+ horizon = 26") as refused:
        hold_out(months, lookback=24, horizon=2, held_out_size=0.2)
    assert "season" not in str(refused.value)  # the lookback set the window: nothing to explain


def test_the_interval_report_says_how_many_errors_calibrated_and_the_highest_level():
    short = pd.DataFrame({"y": np.arange(30.0)}, index=pd.date_range("2020-01-01", periods=30, freq="D"))
    naive = NaiveForecaster(horizon=2).fit(short)  # a tail of 20 rows, forecast at 2 steps
    assert (
        interval_report(naive)
        == "prediction intervals: calibrated on 40 out-of-sample errors; predict --level up to 97.5"
    )
    untailed = MLPForecaster(lookback=4, horizon=2, validation_fraction=0.0, max_epochs=1, hidden_size=8).fit(short)
    assert interval_report(untailed).startswith("prediction intervals: none, no rows were kept out of sample")


def test_compare_scores_mse_and_mae_in_the_data_s_units_as_backtest_does(airline):
    from forecast.evaluation import metrics

    held_out = hold_out(airline, 24, 12, 0.2)
    fitted = LinearForecaster(lookback=24, horizon=12).fit(airline.iloc[: held_out.train_rows])
    score, forecasts = held_out.score_model(fitted)
    _, targets = held_out.windows()
    assert score.mse == pytest.approx(metrics.mse(targets, forecasts))
    assert score.mse > 100  # passengers squared, not standardised units near 0.05


def test_coverage_short_of_its_level_is_marked_and_explained():
    from forecast.cli.reports import score_table

    rows = [
        {"model": "tight", "runs": 1, "mase": 1.0, "coverage-80": 74.9},
        {"model": "fine", "runs": 1, "mase": 1.1, "coverage-80": 75.0},
    ]
    table = score_table(rows, ["mase", "coverage-80"])
    lines = table.splitlines()
    assert lines[2].endswith("| 74.90 ! |") and lines[3].endswith("| 75.00 |")
    assert lines[-1] == (
        "! coverage more than 5 points under the nominal level: these intervals are too narrow on this data"
    )
    assert "!" not in score_table(rows[1:], ["mase", "coverage-80"])


def test_parameters_are_counted_for_every_kind_of_model(airline):
    from forecast import AutoForecaster, ETSForecaster

    ets = ETSForecaster(horizon=12).fit(airline)
    assert count_parameters(ets) == len(ets.fits_[0][0]["params"]) > 0
    auto = AutoForecaster(models=["ets", "linear", "naive"], horizon=12).fit(airline)
    assert count_parameters(auto) == sum(count_parameters(member) for member in auto.members_.values()) > 0
    assert count_parameters(NaiveForecaster(horizon=12).fit(airline)) == 0


def test_the_hold_out_share_suggested_for_short_series_is_one_compare_accepts():
    rows = np.random.default_rng(0).normal(10, 1, (3, 25))
    frame = pd.concat(
        {
            store: pd.DataFrame({"y": row}, index=pd.date_range("2020-01-01", periods=25, name="ds"))
            for store, row in enumerate(rows)
        },
        names=["store", "ds"],
    )
    settings = {"lookback": 8, "horizon": 7, "season_length": 7, "models": ["linear"]}
    for held_out_size in (0.5, 0.28):  # 0.28 of 25 rows is 1.0000000000000002 windows of 7: two
        with pytest.raises(DataError, match=r"use held_out_size=0\.27 or less \(--test-size\)"):
            compare_many(frame, held_out_size=held_out_size, **settings)
    _, scores, _ = compare_many(frame, held_out_size=0.27, **settings)
    assert [row["model"] for row in scores] == ["linear"]
