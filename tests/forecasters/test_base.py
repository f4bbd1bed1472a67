"""What `BaseForecaster` gives every forecaster, through the smallest subclass: a drift from the last value."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from forecast import DataError, NotFittedError
from forecast.forecasters.base import BaseForecaster
from forecast.params import COVARIATE_RULES, POSITIVE


class LastPlusStep(BaseForecaster):
    """Forecast step h as the last value plus h times ``step``: one context row, nothing learned."""

    _parameter_rules = {"horizon": POSITIVE, **COVARIATE_RULES}
    _reads_covariates = False

    def __init__(self, horizon=3, step=1.0, past_covariates=None, future_covariates=None, calendar=None):
        self.horizon = horizon
        self.step = step
        self.past_covariates = past_covariates
        self.future_covariates = future_covariates
        self.calendar = calendar

    def _context_rows(self):
        return 1

    def _min_rows(self):
        return 1

    def _forecast(self, windows, scaling, future):
        steps = self.step * np.arange(1, self.horizon + 1)[None, :, None]  # (1, H, 1)
        return windows[:, -1:, : self.n_channels_] + steps  # (n, H, C)


def monthly(values, start="2020-01-01", name="sales"):
    index = pd.date_range(start, periods=len(values), freq="MS", name="month")
    return pd.DataFrame({name: np.asarray(values, dtype=float)}, index=index)


def test_predict_continues_the_index_and_the_column_names():
    forecast = LastPlusStep(horizon=3).fit(monthly([1, 2, 5])).predict()
    assert list(forecast.index) == list(pd.date_range("2020-04-01", periods=3, freq="MS"))
    assert forecast.index.name == "month"
    assert list(forecast.columns) == ["sales"]
    assert forecast["sales"].tolist() == [6.0, 7.0, 8.0]


def test_predict_from_a_new_history_uses_its_end():
    model = LastPlusStep(horizon=2).fit(monthly([1, 2, 3]))
    forecast = model.predict(monthly([10, 20], start="2021-01-01"))
    assert forecast.index[0] == pd.Timestamp("2021-03-01")
    assert forecast["sales"].tolist() == [21.0, 22.0]


def test_arrays_get_a_positional_index():
    forecast = LastPlusStep(horizon=2).fit(np.array([4.0, 5.0, 6.0])).predict()
    assert list(forecast.index) == [3, 4]


def test_many_series_forecast_each_from_its_own_end():
    frame = pd.concat({"a": monthly([1, 2]), "b": monthly([10, 30, 50])}, names=["store", "month"])
    forecast = LastPlusStep(horizon=2).fit(frame).predict()
    assert forecast.index.names == ["store", "month"]
    assert forecast.loc["a", "sales"].tolist() == [3.0, 4.0]
    assert forecast.loc["b", "sales"].tolist() == [51.0, 52.0]
    assert forecast.loc["a"].index[0] == pd.Timestamp("2020-03-01")


def test_predict_before_fit_and_missing_columns_are_refused():
    with pytest.raises(NotFittedError):
        LastPlusStep().predict()
    model = LastPlusStep().fit(monthly([1, 2, 3]))
    with pytest.raises(DataError, match="sales"):
        model.predict(monthly([1, 2], name="other"))


def test_non_finite_forecasts_are_refused_with_the_fix():
    model = LastPlusStep(horizon=2).fit(monthly([1, 2, 3]))
    model.step = np.inf  # values beyond float64's range once forecast
    with pytest.raises(DataError, match="non-finite forecasts"):
        model.predict()


def test_clone_keeps_parameters_and_drops_what_was_learned():
    model = LastPlusStep(horizon=4, step=2.0).fit(monthly([1, 2, 3]))
    copy = clone(model)
    assert copy.get_params()["step"] == 2.0 and copy.horizon == 4
    assert not hasattr(copy, "n_channels_")


def falling(values):
    return pd.DataFrame({"sales": values}, index=pd.date_range("2024-01-01", periods=len(values), freq="D"))


def test_forecasts_and_bounds_of_targets_never_below_zero_stay_at_zero_or_above():
    model = LastPlusStep(step=-2.0).fit(falling([9.0, 5.0, 3.0, 0.0, 2.0, 3.0, 1.0, 4.0, 3.0]))
    assert model.nonnegative_.tolist() == [True]
    assert model.predict()["sales"].tolist() == [1.0, 0.0, 0.0]
    bounded = model.predict(level=80)
    assert (bounded.to_numpy() >= 0).all()
    assert (bounded["sales-lo-80"] <= bounded["sales"]).all() and (bounded["sales"] <= bounded["sales-hi-80"]).all()
    windows = model.predict_windows(np.array([[[3.0]], [[10.0]]]))
    assert windows[:, :, 0].tolist() == [[1.0, 0.0, 0.0], [8.0, 6.0, 4.0]]


def test_a_target_with_a_negative_value_is_forecast_as_before():
    model = LastPlusStep(step=-2.0).fit(falling([9.0, 5.0, -1.0, 0.0, 2.0, 3.0]))
    assert model.nonnegative_.tolist() == [False]
    assert model.predict()["sales"].tolist() == [1.0, -1.0, -3.0]


def test_nonnegative_turns_the_bound_off_or_on_for_every_target():
    from forecast import LinearForecaster

    def fitted(policy, values):
        return LinearForecaster(lookback=2, horizon=2, alpha=1e-6, nonnegative=policy).fit(falling(values))

    downhill = [9.0, 7.0, 5.0, 3.0, 1.0]
    free = fitted(False, downhill).predict()["sales"].to_numpy()
    assert (free < 0).all()  # the trend goes on below zero
    assert fitted("auto", downhill).predict()["sales"].tolist() == [0.0, 0.0]
    assert (fitted(True, [1.0, -2.0, 5.0, -3.0, 1.0, -6.0]).predict().to_numpy() >= 0).all()


def test_nonnegative_is_checked():
    from forecast import NaiveForecaster, ParameterError

    with pytest.raises(ParameterError, match="nonnegative must be one of 'auto', True, False, not 'yes'"):
        NaiveForecaster(nonnegative="yes").fit(falling([1.0, 2.0]))


def test_predict_gives_fewer_steps_than_the_horizon_unchanged():
    model = LastPlusStep(horizon=3).fit(falling([1.0, 2.0, 4.0, 3.0, 5.0, 6.0, 4.0, 7.0, 8.0, 6.0]))
    whole = model.predict(level=80)
    pd.testing.assert_frame_equal(model.predict(level=80, horizon=2), whole.iloc[:2])
    assert len(model.predict(horizon=3)) == 3


@pytest.mark.parametrize("steps", [0, 4, 2.5, True])
def test_a_horizon_beyond_the_fitted_one_is_refused(steps):
    model = LastPlusStep(horizon=3).fit(falling([1.0, 2.0, 4.0]))
    with pytest.raises(DataError, match=f"horizon={steps!r} is"):
        model.predict(horizon=steps)


def test_the_fit_keeps_more_history_than_a_forecast_reads_for_drawing():
    # Monthly, horizon 3: three seasons (36 rows) beat four horizons (12) and the one row a forecast reads.
    values = np.arange(50.0)
    frame = monthly(values).assign(price=values / 10)
    model = LastPlusStep(future_covariates=["price"]).fit(frame)
    assert model.context_.shape == (1, 1, 2)
    kept = model.context_frame()
    assert list(kept.columns) == ["sales", "price"]
    pd.testing.assert_frame_equal(kept, frame.iloc[-36:], check_freq=False)


def test_a_series_shorter_than_the_rows_kept_keeps_all_of_its_rows():
    long, short = monthly(np.arange(40.0)), monthly(np.arange(10.0), start="2022-01-01")
    model = LastPlusStep().fit(pd.concat({"long": long, "short": short}, names=["id"]))
    assert len(model.context_frame("long")) == 36
    pd.testing.assert_frame_equal(model.context_frame("short"), short, check_freq=False)
