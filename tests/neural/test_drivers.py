"""Drivers a trained network does not need on validation are dropped: the choice, and what its forecasts read."""

import json

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import QUICK

import forecast
from forecast import MLPForecaster, RNNForecaster
from forecast.neural.drivers import backward_elimination


def test_backward_elimination_drops_the_best_removal_first_while_none_raises_the_error():
    costs = {(): 1.0, ("a",): 0.8, ("b",): 0.9, ("c",): 1.5, ("a", "b"): 0.8, ("a", "c"): 1.2, ("a", "b", "c"): 0.9}
    asked = []

    def error(dropped):
        asked.append(tuple(sorted(dropped)))
        return costs[asked[-1]]

    assert backward_elimination(["a", "b", "c"], error) == ["a", "b"]  # "b" ties with "a" alone: it goes
    assert asked == [(), ("a",), ("b",), ("c",), ("a", "b"), ("a", "c"), ("a", "b", "c")]
    assert backward_elimination(["c"], lambda dropped: costs[tuple(dropped)]) == []


def driven_frame(n_rows=720, seed=0):
    """Daily demand that follows a planned price (future-known), beside a temperature it does not depend on."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2020-01-01", periods=n_rows, freq="D", name="date")
    price = rng.normal(0, 1, n_rows)
    noise = rng.normal(0, 1, n_rows)
    weekly = 5 * np.sin(np.arange(n_rows) * 2 * np.pi / 7)
    demand = 50 + weekly - 6 * price + rng.normal(0, 0.5, n_rows)
    return pd.DataFrame({"demand": demand, "price": price, "temperature": noise}, index=index)


DRIVERS = dict(lookback=14, horizon=7, future_covariates=["price"], past_covariates=["temperature"], **QUICK)
FUTURE = pd.DataFrame({"price": [0.5, -1.0, 0.0, 1.0, 0.2, -0.3, 0.8]}, index=pd.date_range("2021-12-21", periods=7))


@pytest.mark.parametrize("cls", [RNNForecaster, MLPForecaster])
def test_a_driver_of_pure_noise_is_dropped_and_forecasts_ignore_it(cls):
    frame = driven_frame()
    model = cls(**DRIVERS).fit(frame)
    assert model.dropped_covariates_ == ["temperature"]
    without = cls(**{**DRIVERS, "past_covariates": None}).fit(frame[["demand", "price"]])
    assert without.dropped_covariates_ == [] and without.start_ == model.start_
    # The same start, and a network trained beside the temperature, which its forecasts read as zero.
    forecasts, forecasts_without = model.predict(future=FUTURE), without.predict(future=FUTURE)
    np.testing.assert_allclose(forecasts.to_numpy(), forecasts_without.to_numpy(), rtol=0.01)
    with torch.no_grad():  # a linear path that would read the temperature's rows, were they not zero
        model.module_.skip.weight[:, 14:28] = 1.0  # the temperature's 14 rows, after the demand's
    changed = frame.assign(temperature=frame["temperature"] * 10 + 3)
    pd.testing.assert_frame_equal(model.predict(changed, future=FUTURE), forecasts)


@pytest.mark.parametrize("cls", [RNNForecaster, MLPForecaster])
def test_a_future_known_driver_the_target_follows_is_kept(cls):
    model = cls(**{**DRIVERS, "past_covariates": None}, calendar="auto").fit(driven_frame()[["demand", "price"]])
    assert "price" not in model.dropped_covariates_
    cheaper = model.predict(future=FUTURE.assign(price=FUTURE["price"] - 1))
    assert (cheaper["demand"] > model.predict(future=FUTURE)["demand"] + 3).all()


def test_with_drop_covariates_false_every_driver_is_read():
    frame = driven_frame()
    model = RNNForecaster(**DRIVERS, drop_covariates=False).fit(frame)
    assert model.dropped_covariates_ == []
    with torch.no_grad():
        model.module_.skip.weight[:, 14:28] = 1.0  # the temperature's 14 rows, after the demand's
    changed = frame.assign(temperature=frame["temperature"] * 10 + 3)
    assert not np.allclose(model.predict(changed, future=FUTURE), model.predict(future=FUTURE))


def test_nothing_is_dropped_without_a_validation_tail_and_a_network_without_a_linear_path_is_judged_too():
    frame = driven_frame()
    assert RNNForecaster(**DRIVERS, validation_fraction=0.0).fit(frame).dropped_covariates_ == []
    assert MLPForecaster(**DRIVERS, skip=None).fit(frame).dropped_covariates_ == ["temperature"]


def test_model_files_keep_the_dropped_drivers_and_files_before_them_drop_none(tmp_path):
    model = MLPForecaster(**DRIVERS).fit(driven_frame())
    model.save(tmp_path / "model.npz")
    loaded = forecast.load(tmp_path / "model.npz")
    assert loaded.dropped_covariates_ == ["temperature"] and loaded.drop_covariates is True
    pd.testing.assert_frame_equal(loaded.predict(future=FUTURE), model.predict(future=FUTURE))
    with np.load(tmp_path / "model.npz") as archive:
        arrays = {name: archive[name] for name in archive.files}
    header = json.loads(arrays.pop("__header__").tobytes())
    del header["estimator"]["fitted"]["dropped_covariates_"], header["estimator"]["params"]["drop_covariates"]
    encoded = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    np.savez(tmp_path / "earlier.npz", __header__=encoded, **arrays)
    earlier = forecast.load(tmp_path / "earlier.npz")
    assert earlier.dropped_covariates_ == [] and earlier.drop_covariates is False  # as such files were fitted
