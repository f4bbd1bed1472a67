"""Neural forecasters given several lookbacks choose one on validation, before training."""

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast import DataError, MLPForecaster, ParameterError, RNNForecaster
from forecast.neural import fitting

TINY = dict(max_epochs=1, hidden_size=8, random_state=0)
SEASON = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0])


def monthly(rows=120, seed=0):
    """A 12-month season with a little noise."""
    noise = np.random.default_rng(seed).normal(0, 0.1, rows)
    return pd.Series(np.resize(SEASON, rows) + noise, index=pd.date_range("2000-01-01", periods=rows, freq="MS"))


@pytest.mark.parametrize("make", [RNNForecaster, MLPForecaster])
@pytest.mark.parametrize("lookbacks", [(6, 24), (24, 6)])
def test_the_lookback_whose_start_forecasts_the_validation_tail_best_is_taken(make, lookbacks):
    # Six months cannot hold the season, so no start of theirs repeats it; 24 months can.
    model = make(lookback=lookbacks, horizon=6, **TINY).fit(monthly())
    assert model.lookback_ == model.module_.lookback == 24
    assert model.lookbacks_tried_ == list(lookbacks)
    assert model.predict().shape == (6, 1)
    assert model._context_rows() == 24  # the rows a forecast reads


def test_the_choice_trains_nothing_and_leaves_the_fit_as_with_that_lookback_alone(monkeypatch):
    trained = []
    original = fitting.train
    monkeypatch.setattr(
        fitting, "train", lambda module, *args: trained.append(module.lookback) or original(module, *args)
    )
    chosen = RNNForecaster(lookback=[24, 6], horizon=6, **TINY).fit(monthly())
    assert trained == [24]  # one network trained, at the lookback chosen
    alone = RNNForecaster(lookback=24, horizon=6, **TINY).fit(monthly())
    assert alone.lookback_ == 24 and alone.lookbacks_tried_ == []
    pd.testing.assert_frame_equal(chosen.predict(), alone.predict())
    assert chosen.history_ == [
        dict(record, seconds=chosen.history_[i]["seconds"]) for i, record in enumerate(alone.history_)
    ]


def test_errors_rank_the_lookbacks_ties_keep_the_first_and_without_validation_the_first_is_taken(monkeypatch):
    errors = {}
    monkeypatch.setattr(RNNForecaster, "_start_error", lambda self, *args, covariates: errors[args[3]])
    options = dict(lookback=(12, 6, 18), horizon=6, **TINY)
    errors.update({12: 0.5, 6: 0.2, 18: 0.2})
    assert RNNForecaster(**options).fit(monthly()).lookback_ == 6
    errors.update({6: 0.5, 18: 0.5})
    model = RNNForecaster(**options).fit(monthly())
    assert model.lookback_ == 12 and model.lookbacks_tried_ == [12, 6, 18]
    errors.clear()  # nothing may be scored without a validation tail
    unscored = RNNForecaster(**options, validation_fraction=0).fit(monthly())
    assert unscored.lookback_ == 12 and unscored.lookbacks_tried_ == []


def test_every_lookback_is_scored_on_the_same_validation_windows_with_its_start(monkeypatch):
    seen = []
    original = fitting._scored_starts

    def spy(module, data, config, start="auto"):
        seen.append((module.lookback, data.validation_starts.tolist(), start))
        return original(module, data, config, start)

    monkeypatch.setattr(fitting, "_scored_starts", spy)
    # Two series too short for a validation tail at 30 rows but not at 6 or 12: theirs count for none.
    panel = pd.concat(
        {"a": monthly(100), "b": monthly(100, 1), "c": monthly(100, 2), "d": monthly(40, 3), "e": monthly(40, 4)},
        names=["id", "date"],
    )
    RNNForecaster(lookback=(12, 6, 30), horizon=6, start="theta", **TINY).fit(panel)
    scored = seen[:3]  # then the fit's own start
    assert [lookback for lookback, _, _ in scored] == [12, 6, 30] and {start for *_, start in scored} == {"theta"}
    targets = [sorted(start + lookback for start in starts) for lookback, starts, _ in scored]  # first forecast rows
    assert targets[0] == targets[1] == targets[2] and len(targets[0]) == 3 * 15  # 15 windows of 6 in the last 20 rows


def test_a_choice_needs_the_linear_path_whose_start_it_scores():
    with pytest.raises(ParameterError, match="skip=None has no linear path; give one lookback"):
        RNNForecaster(lookback=(12, 6), horizon=6, skip=None, **TINY).fit(monthly())
    assert RNNForecaster(lookback=[12], horizon=6, skip=None, **TINY).fit(monthly()).lookback_ == 12


@pytest.mark.parametrize("lookback", [12, (12, 6, 18)])
def test_a_backtest_fits_a_network_once_per_origin_whatever_its_lookbacks(monkeypatch, lookback):
    fits = []
    original = MLPForecaster._fit_series
    monkeypatch.setattr(
        MLPForecaster,
        "_fit_series",
        lambda self, series, **options: fits.append(len(series[0])) or original(self, series, **options),
    )
    forecast.backtest(MLPForecaster(lookback=lookback, horizon=6, **TINY), monthly(), n_windows=2, refit=0)
    assert fits == [108]  # the rows before the first of two windows of 6, and nothing on all 120


def test_a_lookback_is_tried_only_where_a_typical_series_holds_two_of_its_windows():
    options = dict(lookback=(20, 10, 40, 45), horizon=10, **TINY)
    assert RNNForecaster(**options).fit(monthly(100)).lookbacks_tried_ == [20, 10, 40]  # 2 * (45 + 10) > 100
    # The median length decides: one long series does not let the others be padded to 40 + 10 rows.
    panel = pd.concat({"a": monthly(100), "b": monthly(60, 1), "c": monthly(60, 2)}, names=["id", "date"])
    assert RNNForecaster(**options).fit(panel).lookbacks_tried_ == [20, 10]
    only_first = RNNForecaster(**dict(options, lookback=(50, 45))).fit(monthly(100))
    assert only_first.lookback_ == 50 and only_first.lookbacks_tried_ == []  # no choice left


def test_a_first_lookback_too_long_for_the_series_is_refused_as_alone():
    with pytest.raises(DataError) as alone:
        RNNForecaster(lookback=95, horizon=10, **TINY).fit(monthly(100))
    with pytest.raises(DataError) as chosen:
        RNNForecaster(lookback=(95, 10), horizon=10, **TINY).fit(monthly(100))
    assert str(chosen.value) == str(alone.value)


def test_series_shorter_than_the_chosen_window_are_padded_and_forecast():
    panel = pd.concat({"a": monthly(120), "b": monthly(120, 1), "short": monthly(26, 2)}, names=["id", "date"])
    with pytest.warns(UserWarning, match="padding 1 series shorter than 30 rows"):
        model = RNNForecaster(lookback=(24, 6), horizon=6, **TINY).fit(panel)
    assert model.lookback_ == 24 and model.padded_series_ == ["short"]
    assert set(model.predict().index.get_level_values(0)) == {"a", "b", "short"}


@pytest.mark.parametrize("lookback", [(), [0, 5], ("12",), [12.5], 0])
def test_lookbacks_must_be_whole_numbers_of_at_least_one(lookback):
    with pytest.raises(ParameterError, match="lookback must be"):
        RNNForecaster(lookback=lookback, horizon=6, **TINY).fit(monthly())
    with pytest.raises(ParameterError, match="lookback must be"):
        forecast.backtest(RNNForecaster(lookback=lookback, horizon=6, **TINY), monthly(), n_windows=1)


def test_a_model_file_keeps_the_lookbacks_given_and_the_one_chosen(tmp_path):
    model = MLPForecaster(lookback=(6, 24), horizon=6, **TINY).fit(monthly())
    model.save(tmp_path / "model.npz")
    loaded = forecast.load(tmp_path / "model.npz")
    assert loaded.lookback == [6, 24] and loaded.lookback_ == 24 and loaded.lookbacks_tried_ == [6, 24]
    pd.testing.assert_frame_equal(loaded.predict(), model.predict())


@pytest.mark.parametrize("short_id", ["0", "d"])  # sorted first, or after a long series
def test_a_backtest_pads_a_series_shorter_than_the_chosen_window_with_its_own_first_row(short_id):
    forecasts = []
    for level in (0.0, 1000.0):  # the last long series' level: per-series scaling leaves the network as it was
        series = {short_id: monthly(30, 3), "a": monthly(100), "b": monthly(100, 1), "c": monthly(100, 2) + level}
        panel = pd.concat(series, names=["id", "date"]).to_frame("y")
        with pytest.warns(UserWarning, match="padding 1 series"):
            results = forecast.backtest(MLPForecaster(lookback=(6, 30), horizon=6, **TINY), panel, n_windows=2, refit=0)
        forecasts.append(results.loc[results["id"] == short_id, "MLPForecaster"].to_numpy())
    np.testing.assert_allclose(forecasts[0], forecasts[1])
