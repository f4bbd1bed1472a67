import json
import pickle
import zipfile

import numpy as np
import pandas as pd
import pytest
from conftest import DATASETS, QUICK

import forecast
from forecast import LinearForecaster, MLPForecaster, ModelFileError, RNNForecaster, read_csv
from forecast.modelfile.fileformat import VERSION


@pytest.fixture(scope="module")
def airline():
    return read_csv(DATASETS / "airline.csv")


@pytest.fixture(scope="module")
def mlp_file(airline, tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "mlp.npz"
    MLPForecaster(lookback=24, horizon=12, **QUICK).fit(airline).save(path)
    return path


def members(path):
    """The archive's arrays, and its header as a dict."""
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    return arrays, json.loads(arrays.pop("__header__").tobytes())


def rewrite(path, header, arrays):
    np.savez(path, __header__=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8), **arrays)
    return path


def test_files_record_the_network_class_and_its_own_arguments(mlp_file):
    _, header = members(mlp_file)
    assert header["version"] == VERSION
    module = header["estimator"]["fitted"]["module_"]
    assert module["network"] == "MLPNet"
    assert module["args"] == dict(
        n_channels=1,
        lookback=24,
        horizon=12,
        hidden_size=8,
        num_layers=2,
        dropout=0.0,
        instance_norm="last",
        channel_independent=True,
        n_past_covariates=0,
        n_future_covariates=0,
        skip="linear",
        season_length=12,
        loss="mse",
    )


@pytest.mark.parametrize(
    ("name", "value"), [("hidden_size", 999), ("num_layers", 3), ("lookback", 12), ("dropout", 0.5)]
)
def test_header_parameters_that_disagree_with_the_stored_network_are_refused(mlp_file, tmp_path, name, value):
    arrays, header = members(mlp_file)
    header["estimator"]["params"][name] = value  # the estimator's setting no longer matches the network
    stored = header["estimator"]["fitted"]["module_"]["args"][name]
    with pytest.raises(ModelFileError, match="not a forecast model file or corrupt") as refused:
        forecast.load(rewrite(tmp_path / "changed.npz", header, arrays))
    assert f"its header sets {name}={value!r} but its MLPNet was built with {name}={stored!r}" in str(refused.value)
    assert "train a new one with `forecast fit`" in str(refused.value)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda h: h["estimator"]["fitted"].update(predict=1), "'predict' is not a fitted attribute"),
        (lambda h: h["estimator"]["fitted"].update(__class__=1), "'__class__' is not a fitted attribute"),
        (lambda h: h["estimator"]["fitted"].update(_fit_frame_=1), "not a fitted attribute"),
        (lambda h: h["estimator"]["params"].update(command="rm -rf /"), "has no parameter 'command'"),
        (lambda h: h["estimator"]["params"].update(hidden_size=-1), "hidden_size must be a whole number"),
        (lambda h: h["estimator"]["fitted"]["module_"]["args"].update(hidden_size=10**7), "the header says"),
        (lambda h: h["estimator"]["fitted"]["module_"]["args"].update(cell="gru"), "unexpected keyword"),
        (lambda h: h["estimator"]["fitted"]["module_"].update(network="Sequential"), "Sequential"),
        (lambda h: h["estimator"]["fitted"]["scaling_"]["scaling"]["mean"].update(shape=[10**12]), "the header says"),
        (lambda h: h.update(version=99), "format version 99"),
        (lambda h: h["estimator"]["fitted"].update(lookback_=12), "lookback_ 12 is not its network's lookback"),
        (lambda h: h["estimator"]["fitted"].update(lookback_=24.0), "lookback_ 24.0 is not its network's lookback"),
        (lambda h: h["estimator"]["fitted"].update(lookbacks_tried_="abc"), "lookbacks_tried_ 'abc' is not a list"),
        (lambda h: h["estimator"]["fitted"].update(lookbacks_tried_=[24, 1.5]), "not a list of whole numbers"),
        (lambda h: h["estimator"]["params"].update(lookback=[6, 12]), r"sets lookback=\[6, 12\] but its MLPNet"),
        (lambda h: h["estimator"]["fitted"].update(skipped_series_=5), "skipped_series_ 5 is not a list of series"),
        (lambda h: h["estimator"]["fitted"].update(columns_=[]), r"columns_ \[\] is not a list of column names"),
        (lambda h: h["estimator"]["fitted"].update(columns_=["a", "b"]), "n_channels_ 1 does not match its 2"),
        (lambda h: h["estimator"]["fitted"].update(series_ids_=["a", "a"]), "not a list of distinct series ids"),
        (lambda h: h["estimator"]["fitted"].update(series_ids_=["a", "b"], id_name_="id"), "for each of its 2 series"),
        (lambda h: h["estimator"]["fitted"].update(value_decimals_=["%s"]), "are not whole numbers from 0 to 6"),
        (lambda h: h["estimator"]["fitted"].update(value_decimals_=[10**5]), "are not whole numbers from 0 to 6"),
        (lambda h: h["estimator"]["fitted"].update(value_decimals_=[1, 2]), "does not hold one entry per column"),
        (lambda h: h["estimator"]["fitted"].update(interval_count_="x"), "interval_count_ 'x' is not a whole number"),
        (lambda h: h["estimator"]["fitted"].update(last_index_=[]), "one last timestamp for each of its 1 series"),
        (lambda h: h["estimator"]["fitted"].update(freq_="bogus"), "its freq_ 'bogus' is not a frequency"),
        (lambda h: h["estimator"]["fitted"].update(skipped_series_=[1]), r"skipped_series_ \[1\] is not a list"),
    ],
)
def test_a_header_that_lies_is_refused(mlp_file, tmp_path, change, reason):
    arrays, header = members(mlp_file)
    change(header)
    path = rewrite(tmp_path / "lying.npz", header, arrays)
    with pytest.raises(ModelFileError, match=f"corrupt.*{reason}"):
        forecast.load(path)


def test_weights_must_fit_the_network_and_be_finite(mlp_file, tmp_path):
    arrays, header = members(mlp_file)
    name = next(key for key in arrays if key.startswith("module_/"))
    with pytest.raises(ModelFileError, match="the header says"):
        forecast.load(rewrite(tmp_path / "shape.npz", header, {**arrays, name: arrays[name][:1]}))
    poisoned = arrays[name].copy()
    poisoned.flat[0] = np.nan
    with pytest.raises(ModelFileError, match="NaN or infinite"):
        forecast.load(rewrite(tmp_path / "nan.npz", header, {**arrays, name: poisoned}))


def test_a_member_that_would_inflate_beyond_the_file_is_never_read(mlp_file, tmp_path):
    arrays, header = members(mlp_file)
    header["estimator"]["fitted"]["context_"] = {"array": "bomb"}
    bomb = rewrite(tmp_path / "bomb.npz", header, arrays)
    with zipfile.ZipFile(bomb, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("bomb.npy", "w", force_zip64=True) as member:  # 16 MiB of zeros in a few KiB
            np.lib.format.write_array(member, np.zeros(2 * 2**20))
    assert bomb.stat().st_size < 2**20
    with pytest.raises(ModelFileError, match="would inflate"):
        forecast.load(bomb)


def test_memory_errors_while_loading_are_corrupt_file_errors(mlp_file, monkeypatch):
    from forecast.modelfile import fileformat

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(fileformat._Members, "array", exhausted)
    with pytest.raises(ModelFileError, match="too large to load"):
        forecast.load(mlp_file)


def test_object_arrays_are_refused_without_unpickling(mlp_file, tmp_path):
    arrays, header = members(mlp_file)
    key = header["estimator"]["fitted"]["context_"]["array"]
    path = tmp_path / "objects.npz"
    np.savez(
        path,
        __header__=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
        **{**arrays, key: np.array([object()], dtype=object)},
    )
    with pytest.raises(ModelFileError, match="not plain numbers"):
        forecast.load(path)


def test_an_arima_file_written_before_max_models_loads_with_the_search_it_had(tmp_path):
    series = np.sin(np.arange(60) / 4) + np.arange(60) / 30
    model = forecast.ARIMAForecaster(horizon=3, season_length=1, intervals="model").fit(series)
    model.save(tmp_path / "arima.npz")
    arrays, header = members(tmp_path / "arima.npz")
    del header["estimator"]["params"]["max_models"]  # as an earlier release wrote it
    loaded = forecast.load(rewrite(tmp_path / "earlier.npz", header, arrays))
    assert loaded.max_models == 20
    assert loaded.predict().equals(model.predict())


def test_a_stacked_recurrent_network_round_trips_with_its_segment_length(airline, tmp_path):
    model = RNNForecaster(lookback=24, horizon=12, segment_length=5, num_layers=2, **QUICK).fit(airline)
    model.save(tmp_path / "rnn.npz")
    loaded = forecast.load(tmp_path / "rnn.npz")
    assert loaded.module_.init_args == model.module_.init_args
    np.testing.assert_array_equal(loaded.predict().to_numpy(), model.predict().to_numpy())


def test_linear_forecaster_keeps_its_ridge(airline, tmp_path):
    model = LinearForecaster(lookback=24, horizon=12).fit(airline)
    model.save(tmp_path / "linear.npz")
    np.testing.assert_array_equal(forecast.load(tmp_path / "linear.npz").ridge_.coef_, model.ridge_.coef_)


class _Payload:
    """Unpickling this would create a file: proof that code ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_pickle_payload_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.npz"
    evil.write_bytes(pickle.dumps(_Payload(str(marker))))
    with pytest.raises(ModelFileError, match="pickled Python objects, which forecast never loads"):
        forecast.load(evil)
    # The same payload inside an npz archive, as an object array.
    np.savez(tmp_path / "evil2.npz", __header__=np.array([_Payload(str(marker))], dtype=object))
    with pytest.raises(ModelFileError, match="not a forecast model file"):
        forecast.load(tmp_path / "evil2.npz")
    assert not marker.exists()


def test_corrupt_foreign_and_missing_files_are_refused(airline, tmp_path):
    with pytest.raises(ModelFileError, match="no such model file"):
        forecast.load(tmp_path / "absent.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(ModelFileError, match="not a .npz archive"):
        forecast.load(tmp_path / "text.npz")
    np.savez(tmp_path / "foreign.npz", weights=np.zeros(3))
    with pytest.raises(ModelFileError, match="no forecast header"):
        forecast.load(tmp_path / "foreign.npz")
    path = tmp_path / "model.npz"
    LinearForecaster(lookback=24, horizon=12).fit(airline).save(path)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(path.read_bytes()[:300])
    with pytest.raises(ModelFileError, match="corrupt"):
        forecast.load(truncated)


def test_a_header_naming_an_unknown_class_is_refused(tmp_path):
    header = (
        b'{"format": "forecast-model", "version": 1, "estimator": {"class": "os.system", "params": {}, "fitted": {}}}'
    )
    path = tmp_path / "odd.npz"
    np.savez(path, __header__=np.frombuffer(header, dtype=np.uint8))
    with pytest.raises(ModelFileError, match="unknown estimator class 'os.system'"):
        forecast.load(path)
    assert zipfile.is_zipfile(path)


def test_a_time_zone_is_kept_by_name_so_dates_after_a_daylight_saving_change_stay_right(tmp_path):
    import pandas as pd

    days = pd.date_range("2024-03-01", periods=28, freq="D", tz="Europe/Paris")  # forecasts cross March 31
    model = forecast.NaiveForecaster(horizon=7).fit(pd.DataFrame({"y": np.arange(28.0)}, index=days))
    model.save(tmp_path / "m.npz")
    loaded = forecast.load(tmp_path / "m.npz").predict().index
    pd.testing.assert_index_equal(loaded, model.predict().index)
    assert str(loaded.tz) == "Europe/Paris" and (loaded.hour == 0).all()  # midnight on both sides of the change


def test_a_folder_or_a_non_path_is_refused_by_save_and_load(tmp_path):
    model = forecast.NaiveForecaster(horizon=2).fit(np.arange(30.0))
    with pytest.raises(forecast.OutputPathError, match="a folder; pass the path of the model file to write"):
        model.save(tmp_path)
    assert list(tmp_path.iterdir()) == []
    for call in (lambda: model.save(None), lambda: forecast.load(None), lambda: forecast.load(3)):
        with pytest.raises(forecast.ParameterError, match="path must be a file path"):
            call()


@pytest.mark.parametrize(
    ("member", "damage", "reason"),
    [
        ("context_/", lambda values: values[:, :5], "does not hold the last 24 finite rows"),
        ("context_/", lambda values: np.full_like(values, np.nan), "does not hold the last 24 finite rows"),
        ("scaling_/std", lambda values: -values, "scaling_ holds NaN, infinite or non-positive spreads"),
        ("interval_quantiles_/", lambda values: values[:, :1], r"are not \(levels, 12, 1\)"),
    ],
)
def test_fitted_arrays_that_cannot_forecast_are_refused(mlp_file, tmp_path, member, damage, reason):
    arrays, header = members(mlp_file)
    arrays[member] = damage(arrays[member])
    fitted = header["estimator"]["fitted"]
    declared = fitted[member.split("/")[0]]
    declared = declared["scaling"]["std"] if member == "scaling_/std" else declared
    declared["shape"] = list(arrays[member].shape)
    with pytest.raises(ModelFileError, match=f"corrupt.*{reason}"):
        forecast.load(rewrite(tmp_path / "damaged.npz", header, arrays))


def test_files_that_fitted_without_intervals_or_with_unnamed_or_mixed_labels_load(tmp_path):
    one = pd.DataFrame({"y": np.arange(40.0)}, index=pd.date_range("2020-01-01", periods=40, name="ds"))
    unnamed = pd.concat({1: one, "1": one * 2})  # ids that print alike, in an id level without a name
    model = LinearForecaster(lookback=7, horizon=3).fit(unnamed)
    model.save(tmp_path / "unnamed.npz")
    pd.testing.assert_frame_equal(forecast.load(tmp_path / "unnamed.npz").predict(), model.predict())
    floats = MLPForecaster(lookback=7, horizon=3, validation_fraction=0.0, **QUICK).fit(one.rename(columns={"y": 2.5}))
    floats.save(tmp_path / "floats.npz")
    arrays, header = members(tmp_path / "floats.npz")
    assert header["estimator"]["fitted"]["interval_count_"] == 0
    arrays["interval_quantiles_/"] = np.full((200, 3, 1), np.nan)  # as releases before empty quantiles wrote them
    header["estimator"]["fitted"]["interval_quantiles_"]["shape"] = [200, 3, 1]
    loaded = forecast.load(rewrite(tmp_path / "earlier.npz", header, arrays))
    pd.testing.assert_frame_equal(loaded.predict(), floats.predict())
