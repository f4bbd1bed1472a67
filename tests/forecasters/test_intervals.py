import math
import pickle

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import DATASETS, QUICK, every_forecaster

import forecast
from forecast import (
    DataError,
    LinearForecaster,
    MLPForecaster,
    NaiveForecaster,
    ParameterError,
    backtest,
    evaluate,
    make_windows,
    read_csv,
)
from forecast.cli.main import cli
from forecast.evaluation.metrics import coverage
from forecast.forecasters.intervals import conformal_quantiles, half_widths, noise_level

AIRLINE = read_csv(DATASETS / "airline.csv")  # 144 monthly rows, column "passengers"
BOUNDS = ["passengers-lo-80", "passengers-hi-80", "passengers-lo-95", "passengers-hi-95"]


def noisy_sine(length, noise, seed):
    """A sine of period 12 with Gaussian noise of the given standard deviation."""
    rng = np.random.default_rng(seed)
    return 10 + np.sin(2 * np.pi * np.arange(length) / 12) + rng.normal(0, noise, length)


@pytest.mark.parametrize("make", every_forecaster(lookback=24, horizon=12))
def test_every_forecaster_gives_nested_intervals_named_as_nixtla_does(make, tmp_path):
    model = make().fit(AIRLINE)
    forecast_frame = model.predict(level=[95, 80])
    assert list(forecast_frame.columns) == ["passengers", *BOUNDS]
    point, lo80, hi80, lo95, hi95 = (forecast_frame[column].to_numpy() for column in forecast_frame.columns)
    assert (lo95 <= lo80).all() and (lo80 <= point).all() and (point <= hi80).all() and (hi80 <= hi95).all()
    assert (hi95 - lo95 > hi80 - lo80).any()
    pd.testing.assert_frame_equal(forecast_frame[["passengers"]], model.predict())
    # The bounds survive the model file and pickle.
    model.save(tmp_path / "model.npz")
    pd.testing.assert_frame_equal(forecast.load(tmp_path / "model.npz").predict(level=[80, 95]), forecast_frame)
    pd.testing.assert_frame_equal(pickle.loads(pickle.dumps(model)).predict(level=[80, 95]), forecast_frame)


def test_intervals_are_the_conformal_quantiles_of_a_refit_without_the_tail():
    model = LinearForecaster(lookback=24, horizon=12).fit(AIRLINE)
    values = AIRLINE["passengers"].to_numpy()
    tail = 29  # 20% of 144 rows
    earlier = LinearForecaster(lookback=24, horizon=12).fit(AIRLINE.iloc[:-tail])
    scores = np.empty((tail, 12))
    for row in range(144 - tail, 144):
        for step in range(12):
            origin = row - step  # the forecast of `row` made `step + 1` rows before it, from the rows before `origin`
            error = values[row] - earlier.predict(AIRLINE.iloc[:origin])["passengers"].iloc[step]
            noise = np.mean(np.abs(np.diff(values[origin - 24 : origin])))  # over the 24 rows before the origin
            scores[row - (144 - tail), step] = abs(error) / noise
    typical = scores.mean(axis=0)  # each step's mean error; the ratios to it are ranked over all steps
    ratios = np.sort((scores / typical).ravel())
    rank = math.ceil((tail * 12 + 1) * 0.8)  # the finite-sample conformal quantile: the 280th of 348
    expected = ratios[rank - 1] * typical * np.mean(np.abs(np.diff(values[-24:])))
    predicted = model.predict(level=80)
    np.testing.assert_allclose(predicted["passengers-hi-80"] - predicted["passengers"], expected)
    np.testing.assert_allclose(predicted["passengers"] - predicted["passengers-lo-80"], expected)


def test_coverage_is_near_nominal_on_a_long_series_with_gaussian_noise():
    values = noisy_sine(6000, noise=1.0, seed=0)
    model = LinearForecaster(lookback=24, horizon=6).fit(values[:4000])  # calibrated on its last 800 rows
    X, Y = make_windows(values[4000 - 24 :], lookback=24, horizon=6)  # every window whose targets are new
    forecasts, lower, upper = model.predict_windows(X, level=[80, 95])
    assert forecasts.shape == Y.shape and lower.shape == upper.shape == (2, *Y.shape)
    assert abs(coverage(Y, lower[0], upper[0]) - 80) < 5
    assert abs(coverage(Y, lower[1], upper[1]) - 95) < 5


def test_a_series_with_twice_the_noise_gets_about_twice_the_width_in_one_global_model():
    series = {"calm": noisy_sine(400, 0.5, seed=1), "noisy": noisy_sine(400, 1.0, seed=2)}
    index = pd.date_range("2000-01-01", periods=300)
    frame = pd.concat(
        {name: pd.DataFrame({"y": values[:300]}, index=index) for name, values in series.items()},
        names=["unique_id", "ds"],
    )
    model = LinearForecaster(lookback=24, horizon=6).fit(frame)
    predicted = model.predict(level=80)
    assert predicted.index.nlevels == 2 and list(predicted.columns) == ["y", "y-lo-80", "y-hi-80"]
    # A width follows the noise of the rows just before its forecast: compare the mean over many forecasts.
    widths = {}
    for name, values in series.items():
        X, _ = make_windows(values[300 - 24 :], lookback=24, horizon=6)
        _, lower, upper = model.predict_windows(X, series_ids=[name] * len(X), level=80)
        widths[name] = np.mean(upper - lower)
    assert 1.6 <= widths["noisy"] / widths["calm"] <= 2.4


def test_a_flat_end_keeps_the_intervals_in_the_series_own_units():
    values = noisy_sine(200, noise=1.0, seed=5)
    values[-30:] = values[-31]  # the last 24 rows hold no change: a stuck sensor, a run of zero sales
    index = pd.date_range("2000-01-01", periods=200, freq="D")
    widths = {}
    for scale in (1e-9, 1.0, 1e12):
        frame = pd.DataFrame({"y": values * scale}, index=index)
        model = LinearForecaster(lookback=24, horizon=6).fit(frame)
        predicted = model.predict(level=80)
        widths[scale] = (predicted["y-hi-80"] - predicted["y-lo-80"]).to_numpy()
        from_history = model.predict(frame, level=80)
        np.testing.assert_allclose(from_history["y-hi-80"] - from_history["y-lo-80"], widths[scale])
    np.testing.assert_allclose(widths[1e-9] * 1e9, widths[1.0], rtol=1e-6)
    np.testing.assert_allclose(widths[1e12] / 1e12, widths[1.0], rtol=1e-6)  # a fixed 1 in the data's units was not


def test_a_series_unseen_at_fit_gets_intervals_from_its_own_history():
    frame = pd.concat({"a": AIRLINE, "b": AIRLINE * 0.5 + 20}, names=["unique_id", "date"])
    model = LinearForecaster(lookback=24, horizon=12).fit(frame)
    history = pd.concat({"a": AIRLINE, "tenfold": AIRLINE * 10}, names=["unique_id", "date"])
    predicted = model.predict(history, level=80)
    width = predicted["passengers-hi-80"] - predicted["passengers-lo-80"]
    np.testing.assert_allclose(width.loc["tenfold"], 10 * width.loc["a"])


def test_a_neural_model_calibrates_on_its_validation_tail_and_without_one_has_no_intervals():
    model = MLPForecaster(lookback=24, horizon=12, **QUICK).fit(AIRLINE)
    assert model.interval_count_ == 29 * 12  # the validation tail (20% of 144 rows) at every step
    assert model.interval_quantiles_.shape == (len(model.interval_levels_), 12, 1)
    untailed = MLPForecaster(lookback=24, horizon=12, validation_fraction=0.0, **QUICK).fit(AIRLINE)
    with pytest.raises(DataError, match="no rows out of sample .* validation_fraction > 0"):
        untailed.predict(level=80)


def test_a_short_series_calibrates_95_percent_from_its_errors_at_every_step():
    quarters = pd.DataFrame(
        {"y": noisy_sine(60, noise=1.0, seed=4)}, index=pd.date_range("2000-01-01", periods=60, freq="QS")
    )
    model = MLPForecaster(lookback=8, horizon=4, **QUICK).fit(quarters)
    tail_rows = model.interval_count_ // 4
    assert tail_rows < 19  # too few to rank one step's errors for 95%
    predicted = model.predict(level=[80, 95])
    assert (predicted["y-lo-95"] < predicted["y-lo-80"]).all() and (predicted["y-hi-80"] < predicted["y-hi-95"]).all()
    widths = (predicted["y-hi-95"] - predicted["y-lo-95"]).to_numpy()
    assert np.isfinite(widths).all() and (widths > 0).all()


def test_model_files_of_earlier_releases_refuse_intervals_with_the_fix():
    model = forecast.load(DATASETS.parent / "tests" / "model_files" / "v1" / "linear.npz")
    assert list(model.predict().columns) == ["passengers"]
    with pytest.raises(DataError, match="fitted by a release of forecast without prediction intervals; fit it again"):
        model.predict(level=[80])


@pytest.mark.parametrize("level", [0, 100, -5, 120, "80", [], [80, None], True, float("nan")])
def test_levels_outside_0_to_100_are_refused(level):
    model = LinearForecaster(lookback=24, horizon=12).fit(AIRLINE)
    with pytest.raises(ParameterError, match=r"level must be a number .*\(0, 100\)"):
        model.predict(level=level)
    with pytest.raises(ParameterError, match="level must be"):
        model.predict_windows(AIRLINE.to_numpy()[None, -24:], level=level)


def test_a_level_beyond_what_the_tail_calibrates_says_the_highest_available():
    model = LinearForecaster(lookback=24, horizon=1).fit(AIRLINE)  # a tail of 29 rows, one step: up to 29/30
    model.predict(level=96.6)
    with pytest.raises(DataError, match="level 99 needs at least 99 out-of-sample errors .* kept 29 .* at most 96.6"):
        model.predict(level=[80, 99])
    # Twelve steps give twelve times as many errors to rank: 348 reach 99.7%.
    LinearForecaster(lookback=24, horizon=12).fit(AIRLINE).predict(level=99.7)


def test_intervals_need_two_rows_before_a_forecast_to_read_its_noise_level():
    model = NaiveForecaster(horizon=3).fit(AIRLINE)
    windows = AIRLINE.to_numpy()[None, -24:]  # the naive forecast reads one row; the intervals read all 24
    forecasts, lower, upper = model.predict_windows(windows, level=80)
    np.testing.assert_array_equal(forecasts, model.predict_windows(windows[:, -1:]))
    assert (lower < forecasts).all() and (forecasts < upper).all()
    with pytest.raises(DataError, match="one row is not enough; pass two rows or more"):
        model.predict_windows(windows[:, -1:], level=80)
    with pytest.raises(DataError, match="one row is not enough"):
        model.predict(AIRLINE.iloc[-1:], level=80)


def test_levels_between_the_stored_ones_are_interpolated_and_stay_nested():
    scores = np.abs(np.random.default_rng(0).normal(size=(500, 3, 2)))
    quantiles = conformal_quantiles(scores)
    grid = np.append(np.arange(1, 200) / 2, 99.9)
    widths = half_widths(quantiles, grid, 1500, [10.2, 80.0, 80.25, 80.5, 99.7])
    typical = scores.mean(axis=0)
    ratios = np.sort((scores / typical).reshape(1500, 2), axis=0)
    np.testing.assert_allclose(widths[1], ratios[math.ceil(1501 * 0.8) - 1] * typical)
    np.testing.assert_allclose(widths[2], (widths[1] + widths[3]) / 2)
    assert (np.diff(widths, axis=0) >= 0).all()


def test_the_noise_level_is_the_mean_absolute_change_over_the_last_24_rows_and_one_where_that_is_zero():
    values = np.array([[1.0, 5.0], [3.0, 5.0], [2.0, 5.0]])
    np.testing.assert_allclose(noise_level(values), [1.5, 1.0])
    np.testing.assert_allclose(noise_level(values[:1]), [1.0, 1.0])
    ramp = np.arange(100.0)[:, None] ** 2  # changes 1, 3, 5, ...: the last 24 rows hold 23 of them
    np.testing.assert_allclose(noise_level(ramp), [np.mean(np.diff(ramp[-24:, 0]))])


def test_predict_on_the_command_line_writes_bounds_and_draws_bands(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    LinearForecaster(lookback=24, horizon=12).fit(AIRLINE).save("model.npz")
    runner = CliRunner()
    arguments = ["predict", "--model", "model.npz", "--level", "95", "--level", "80", "-o", "out.csv"]
    result = runner.invoke(cli, [*arguments, "--plot", "out.png"])
    assert result.exit_code == 0, result.output
    written = pd.read_csv(tmp_path / "out.csv")
    assert list(written.columns) == ["date", "passengers", *BOUNDS]
    assert (written["passengers-lo-95"] < written["passengers-lo-80"]).all()
    assert (tmp_path / "out.png").stat().st_size > 0
    refused = runner.invoke(cli, ["predict", "--model", "model.npz", "--level", "99.9", "-o", "again.csv"])
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: level 99.9 needs") and len(refused.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "again.csv").exists()
    assert runner.invoke(cli, ["predict", "--model", "model.npz", "--level", "100"]).exit_code == 2


def last_noise(values):
    """The noise level by hand: the mean absolute change between consecutive rows over the last 24 rows, per column."""
    return np.mean(np.abs(np.diff(np.asarray(values, dtype=float)[-24:], axis=0)), axis=0)


def two_target_long_frame():
    """Three daily series of different lengths and noise levels, with targets y and z on different scales."""
    pieces = {}
    for number, (series_id, length, noise) in enumerate((("a", 120, 0.5), ("b", 90, 2.0), ("c", 150, 8.0))):
        y = noisy_sine(length, noise, seed=10 + number)
        z = 1000 + 50 * np.cumsum(np.random.default_rng(20 + number).normal(0, noise, length))
        pieces[series_id] = pd.DataFrame({"y": y, "z": z}, index=pd.date_range("2020-01-01", periods=length))
    return pd.concat(pieces, names=["unique_id", "ds"])


def test_each_series_and_target_of_a_long_frame_gets_the_calibrated_widths_times_its_own_noise_level():
    frame = two_target_long_frame()
    model = LinearForecaster(lookback=14, horizon=4).fit(frame)
    predicted = model.predict(level=[95, 80, 80.25, 80.5])
    bounds = [f"{target}-{side}-{level}" for target in "yz" for level in (80, 80.25, 80.5, 95) for side in ("lo", "hi")]
    assert list(predicted.columns) == ["y", "z", *bounds]
    grid = list(model.interval_levels_)
    for series_id in "abc":
        rows, noise = predicted.loc[series_id], last_noise(frame.loc[series_id])
        for channel, target in enumerate("yz"):
            point = rows[target].to_numpy()
            above = {level: rows[f"{target}-hi-{level}"].to_numpy() - point for level in (80, 80.25, 80.5, 95)}
            for level, width in above.items():
                np.testing.assert_allclose(point - rows[f"{target}-lo-{level}"].to_numpy(), width)  # symmetric
            for level in (80, 80.5, 95):  # stored levels: the quantile times this series' own noise level
                np.testing.assert_allclose(
                    above[level], model.interval_quantiles_[grid.index(level), :, channel] * noise[channel]
                )
            np.testing.assert_allclose(above[80.25], (above[80] + above[80.5]) / 2)  # between two stored levels
            assert (0 < above[80]).all() and (above[80] <= above[80.5]).all() and (above[80.5] < above[95]).all()
    # A history given to predict sets the noise level: three times the values, three times the widths.
    history = pd.concat({"b": frame.loc["b"].iloc[:70] * 3}, names=["unique_id", "ds"])
    again = model.predict(history, level=80)
    np.testing.assert_allclose(
        again["z-hi-80"] - again["z"], model.interval_quantiles_[grid.index(80), :, 1] * last_noise(history)[1]
    )


@pytest.mark.parametrize("factor", [1e12, 1e-9])
def test_bounds_and_their_scores_follow_the_data_at_any_magnitude(factor):
    series = pd.DataFrame({"y": noisy_sine(120, 1.0, seed=5)}, index=pd.date_range("2020-01-01", periods=120))
    model = LinearForecaster(lookback=14, horizon=3)
    expected = model.fit(series).predict(level=[80, 95])
    np.testing.assert_allclose(model.fit(series * factor).predict(level=[80, 95]) / factor, expected, rtol=1e-9)
    scores = {
        scale: evaluate(backtest(model, series * scale, n_windows=4, step=2, level=80), series * scale).iloc[0]
        for scale in (1, factor)
    }
    assert scores[factor]["coverage-80"] == scores[1]["coverage-80"]
    assert scores[factor]["width-80"] == pytest.approx(factor * scores[1]["width-80"])
    assert scores[factor]["msis-80"] == pytest.approx(scores[1]["msis-80"])


def test_whole_numbers_a_horizon_of_one_and_a_level_given_twice():
    counts = pd.DataFrame(
        {"y": np.round(10 * noisy_sine(100, 1.0, seed=6)).astype(np.int64)},
        index=pd.date_range("2020-01-01", periods=100),
    )
    model = LinearForecaster(lookback=14, horizon=1)
    predicted = model.fit(counts).predict(level=[80, 80.0, 95])
    assert list(predicted.columns) == ["y", "y-lo-80", "y-hi-80", "y-lo-95", "y-hi-95"]
    pd.testing.assert_frame_equal(predicted, model.fit(counts.astype(float)).predict(level=[80, 95]))
    results = backtest(model, counts, n_windows=5, step=2, level=[80, 80])
    assert [column for column in results.columns if "-80" in column] == [
        "LinearForecaster-lo-80",
        "LinearForecaster-hi-80",
    ]


def test_a_constant_series_gets_bounds_on_its_forecast_and_no_interval_score():
    flat = pd.DataFrame({"y": np.full(60, 7.0)}, index=pd.date_range("2020-01-01", periods=60))
    for model in (NaiveForecaster(horizon=3), LinearForecaster(lookback=7, horizon=3)):
        predicted = model.fit(flat).predict(level=[80, 95])
        np.testing.assert_allclose(predicted.to_numpy(), 7.0)
        results = backtest(model, flat, n_windows=2, level=80)
        with pytest.warns(UserWarning, match="MASE is undefined"):
            scores = evaluate(results, flat).iloc[0]
        assert scores["coverage-80"] == 100 and scores["width-80"] == pytest.approx(0, abs=1e-9)
        assert np.isnan(scores["msis-80"])


def test_the_backtest_table_and_csv_of_the_command_line_hold_the_librarys_numbers(tmp_path):
    frame = two_target_long_frame()
    frame.reset_index().to_csv(tmp_path / "long.csv", index=False)
    options = "--id-col unique_id --model linear --lookback 14 --horizon 4 --windows 3 --step 5 --refit 2"
    arguments = [*options.split(), "--level", "80", "--level", "80.5", "-o", str(tmp_path / "out.csv"), "--quiet"]
    result = CliRunner().invoke(cli, ["backtest", str(tmp_path / "long.csv"), *arguments])
    assert result.exit_code == 0, result.output
    expected = backtest(
        {"linear": LinearForecaster(lookback=14, horizon=4)}, frame, n_windows=3, step=5, refit=2, level=[80, 80.5]
    )
    written = pd.read_csv(tmp_path / "out.csv", parse_dates=["cutoff", "ds"])
    pd.testing.assert_frame_equal(written, expected, check_dtype=False)
    scores = evaluate(expected, frame).iloc[0]
    lines = [line for line in result.stdout.splitlines() if line.startswith("|")]
    table = dict(zip(*([cell.strip() for cell in line.strip("|").split("|")] for line in (lines[0], lines[2]))))
    for name in ("coverage-80", "width-80", "msis-80", "coverage-80.5", "width-80.5", "msis-80.5"):
        assert float(table[name].replace(",", "")) == pytest.approx(scores[name], rel=1e-3)


def test_every_level_gets_columns_of_its_own_that_evaluate_reads_back():
    levels = [0.00001, 80.0, 80.0000001]  # printed in six significant digits, the last two would be one name
    results = backtest(NaiveForecaster(horizon=3), AIRLINE, n_windows=2, level=levels)
    bounds = [column for column in results.columns if "-lo-" in column or "-hi-" in column]
    assert bounds[:2] == ["NaiveForecaster-lo-0.00001", "NaiveForecaster-hi-0.00001"] and len(set(bounds)) == 6
    scores = evaluate(results, AIRLINE, season_length=12)
    assert list(scores["model"]) == ["NaiveForecaster"]  # no bound read as a model
    assert {"coverage-0.00001", "coverage-80", "coverage-80.0000001"} <= set(scores.columns)


def test_calibration_forecasts_many_series_in_one_call_with_the_scores_of_one_call_each(monkeypatch):
    from forecast.forecasters import intervals

    index = pd.date_range("2000-01-01", periods=120)
    frame = pd.concat(
        {f"s{number}": pd.DataFrame({"y": noisy_sine(120, 0.5, seed=number)}, index=index) for number in range(5)},
        names=["unique_id", "ds"],
    )
    calls = []
    forecast_windows = LinearForecaster._forecast

    def counted(self, windows, scaling, future):
        calls.append(len(windows))
        return forecast_windows(self, windows, scaling, future)

    monkeypatch.setattr(LinearForecaster, "_forecast", counted)
    together = LinearForecaster(lookback=12, horizon=4).fit(frame)
    assert len(calls) == 1  # one call calibrates all five series
    calls.clear()
    monkeypatch.setattr(intervals, "CALIBRATION_BATCH", 1)
    alone = LinearForecaster(lookback=12, horizon=4).fit(frame)
    assert len(calls) == 5  # one group per series
    np.testing.assert_allclose(together.interval_quantiles_, alone.interval_quantiles_, rtol=1e-12)
