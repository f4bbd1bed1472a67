"""Model files: one ``.npz`` archive of a JSON header and plain arrays, written and read without pickle.

Format version 2: the member ``__header__.npy`` holds the UTF-8 JSON
``{"format", "version", "estimator": {"class", "params", "fitted"}}``, and
every array (a fitted array, a network weight) is a member of its own whose
name, shape and dtype the header declares. A network is stored as its class
name, its constructor arguments (``init_args``) and its weights, and rebuilt
from those arguments, never from today's defaults.

Reading trusts nothing in the file:

- only the members the header names are read, each after its ``.npy`` header
  is checked against the declared shape and dtype (plain numbers only) and its
  size against the archive's own size, so nothing inflates or allocates more
  than the file holds;
- the estimator's class comes from a fixed list (`forecast.registry`), its
  parameters must be the class's own and pass its rules, and fitted entries
  must be named like fitted attributes (``name_``) without shadowing anything
  the class defines;
- a network is first built on torch's ``meta`` device, which takes no memory,
  and its weights must match it in names and shapes and be finite.

Files of version 1 stored only a network's ``(n_channels, lookback, horizon)``;
they are upgraded on reading by `_version_1_network`, which takes the rest from
the stored parameters and the segment width from the weights themselves.
"""

from __future__ import annotations

import json
import math
import os
import re
import zipfile
from collections import ChainMap
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ModelFileError, OutputPathError, ParameterError
from ..inputs.scaling import Scaling
from ..params import check_parameters
from ..reading.calendar import ObservedCalendar
from .outputs import atomic_write

FORMAT = "forecast-model"
VERSION = 2
_READABLE_VERSIONS = (1, 2)
_HEADER = "__header__"
_MAX_HEADER_BYTES = 16 * 2**20
_ZIP_MAGIC = b"PK\x03\x04"
_FITTED_NAME = re.compile(r"[a-z][a-z0-9_]*_")


def _nothing(estimator):
    return []


# Fitted attributes of forecasters added after files of these formats were first written, with the
# value (of the estimator read) that means what those files meant: no covariates, inputs in the order of
# the targets, and no series left out as too short (such files do not say).
_LATER_FITTED = {
    "past_covariates_": _nothing,
    "future_covariates_": _nothing,
    "calendar_": _nothing,
    "skipped_series_": _nothing,
}
# The same, of one class: no covariate was dropped on validation, and the one lookback given was the window.
_NEURAL_LATER_FITTED = {
    "dropped_covariates_": _nothing,
    "lookback_": lambda estimator: estimator.lookback,
    "lookbacks_tried_": _nothing,
}
_LATER_CLASS_FITTED = {"RNNForecaster": _NEURAL_LATER_FITTED, "MLPForecaster": _NEURAL_LATER_FITTED}
# Estimator parameters that a network's stored arguments repeat, under the same name.
_NETWORK_PARAMS = (
    "lookback",
    "horizon",
    "cell",
    "hidden_size",
    "num_layers",
    "dropout",
    "segment_length",
    "instance_norm",
    "channel_independent",
    "supervision",
    "skip",
)
# Parameters added later, per class, with the value that files written before them were fitted with, so that
# such files load as they were whatever today's default (``supervision`` needs no entry: it was always stored).
_LATER_PARAMS = {
    "RNNForecaster": {"skip": None, "loss": "mse", "drop_covariates": False},
    "MLPForecaster": {"skip": None, "loss": "mse", "drop_covariates": False},
    "RNNRegressor": {"skip": None},
    "ARIMAForecaster": {"max_models": 20},
}


def write(estimator, path):
    """Write a fitted estimator to ``path`` (one file, replaced atomically).

    Raises
    ------
    ParameterError
        ``path`` is not a str or path-like object.
    OutputPathError
        ``path`` is a folder.
    """
    path = _file_path(path)
    if path.is_dir():
        raise OutputPathError(
            f"{path}: a folder; pass the path of the model file to write, such as {path / 'model.npz'}"
        )
    arrays = {}
    header = {"format": FORMAT, "version": VERSION, "estimator": _encode_estimator(estimator, "", arrays)}
    arrays[_HEADER] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    with atomic_write(path) as handle:
        np.savez(handle, **arrays)


def read(path, classes):
    """Read an estimator written by `write`.

    Parameters
    ----------
    path : str or path-like
    classes : dict
        ``{class name: class}`` of the estimators the file may hold.

    Raises
    ------
    ParameterError
        ``path`` is not a str or path-like object.
    ModelFileError
        The file is missing, corrupt, or not a forecast model file.
    """
    path = _file_path(path)
    if path.is_dir():
        raise ModelFileError(f"{path}: a folder, not a model file; pass the path of a file written by `forecast fit`")
    if not path.is_file():
        raise ModelFileError(f"{path}: no such model file; train one with `forecast fit` or pass --model")
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic != _ZIP_MAGIC:
        reason = (
            "it holds pickled Python objects, which forecast never loads"
            if magic[:1] == b"\x80"
            else "not a .npz archive"
        )
        raise ModelFileError(f"{path}: not a forecast model file ({reason}); train a new one with `forecast fit`")
    try:
        with zipfile.ZipFile(path) as archive:
            members = _Members(archive, path.stat().st_size)
            header = _read_header(members)
            return _Decoder(members, classes, header["version"]).estimator(header["estimator"])
    except ModelFileError:
        raise
    except (
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OSError,
        EOFError,
        zipfile.BadZipFile,
        RuntimeError,
        MemoryError,
        RecursionError,
    ) as error:
        reason = "too large to load" if isinstance(error, MemoryError) else _first_line(error)
        raise ModelFileError(
            f"{path}: not a forecast model file or corrupt ({reason}); train a new one with `forecast fit`"
        ) from None


def _read_header(members):
    if _HEADER not in members.names:
        raise ValueError("no forecast header")
    raw = members.array(_HEADER, limit=_MAX_HEADER_BYTES)
    header = json.loads(raw.tobytes())
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError("no forecast header")
    if header.get("version") not in _READABLE_VERSIONS:
        raise ValueError(f"format version {header.get('version')}, this forecast reads {_READABLE_VERSIONS}")
    return header


class _Members:
    """The archive's ``.npy`` members, read one at a time after checking their headers and sizes."""

    def __init__(self, archive, archive_size):
        self.archive, self.archive_size = archive, archive_size
        self.names = {name.removesuffix(".npy") for name in archive.namelist()}

    def array(self, name, *, shape=None, dtype=None, limit=None):
        """The member ``name`` as an array; ``shape``/``dtype``, when given, must be what it declares."""
        info = self.archive.getinfo(f"{name}.npy")
        if info.file_size > min(limit or math.inf, self.archive_size):
            raise ValueError(f"member {name!r} would inflate to {info.file_size} bytes")
        with self.archive.open(info) as handle:
            version = np.lib.format.read_magic(handle)
            read_header = (
                np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            )
            found_shape, fortran_order, found_dtype = read_header(handle)
            if found_dtype.hasobject or found_dtype.kind not in "biuf" or found_dtype.fields is not None:
                raise ValueError(f"member {name!r} holds {found_dtype}, not plain numbers")
            if shape is not None and (list(found_shape) != list(shape) or str(found_dtype) != dtype):
                raise ValueError(
                    f"member {name!r} is {found_dtype} {list(found_shape)}, the header says {dtype} {list(shape)}"
                )
            n_bytes = math.prod(found_shape) * found_dtype.itemsize
            if handle.tell() + n_bytes != info.file_size:
                raise ValueError(f"member {name!r} does not hold the {n_bytes} bytes its shape needs")
            data = handle.read(n_bytes)
        return np.frombuffer(data, found_dtype).reshape(found_shape, order="F" if fortran_order else "C").copy()


class _Decoder:
    """Turns a header's ``estimator`` entry back into a fitted estimator, reading arrays as it goes."""

    def __init__(self, members, classes, version):
        self.members, self.classes, self.version = members, classes, version

    def estimator(self, encoded, classes=None):
        classes = self.classes if classes is None else classes
        cls = classes.get(encoded["class"])
        if cls is None:
            raise ValueError(f"unknown estimator class {encoded['class']!r}")
        unknown = set(encoded["params"]) - set(cls._get_param_names())
        if unknown:
            raise ValueError(f"{cls.__name__} has no parameter {sorted(unknown)[0]!r}")
        estimator = cls(**{**_LATER_PARAMS.get(cls.__name__, {}), **encoded["params"]})
        if hasattr(cls, "_parameter_rules"):
            check_parameters(estimator)
        for name, value in encoded["fitted"].items():
            if not _FITTED_NAME.fullmatch(name) or hasattr(cls, name):
                raise ValueError(f"{name!r} is not a fitted attribute of {cls.__name__}")
            setattr(estimator, name, self.value(value, estimator))
        if self.version == 1 and hasattr(estimator, "n_channels_") and not hasattr(estimator, "scaling_"):
            _upgrade_version_1_scaling(estimator)
        if hasattr(estimator, "columns_"):  # a forecaster
            for name, meant in {**_LATER_FITTED, **_LATER_CLASS_FITTED.get(cls.__name__, {})}.items():
                if name not in estimator.__dict__:
                    estimator.__dict__[name] = meant(estimator)
            if cls.__name__ in _LATER_CLASS_FITTED:
                _check_lookbacks(estimator)
            estimator.__dict__.setdefault("data_columns_", list(estimator.columns_))
            _check_forecaster_state(estimator)
        return estimator

    def value(self, value, owner):
        if isinstance(value, list):
            return [self.value(item, owner) for item in value]
        if not isinstance(value, dict):
            return value
        if "array" in value:
            return self.members.array(value["array"], shape=value.get("shape"), dtype=value.get("dtype"))
        if "timestamp" in value:
            return _timestamp(value)
        if "calendar" in value:
            return ObservedCalendar.from_dict(value["calendar"])
        if "scaling" in value:
            parts = value["scaling"]
            return Scaling(self.value(parts["mean"], owner), self.value(parts["std"], owner))
        if "estimator" in value:
            from sklearn.linear_model import Ridge

            return self.estimator(value["estimator"], classes=ChainMap({"Ridge": Ridge}, self.classes))
        if "frame" in value:
            table = value["frame"]
            columns = [self.value(column, owner) for column in table["values"]]
            index = pd.Index(self.value(table["index"], owner), name=table["index_name"])
            return pd.DataFrame(dict(zip(table["columns"], columns)), index=index)
        if "dict" in value:
            return {name: self.value(item, owner) for name, item in value["dict"].items()}
        if "module" in value:
            return self.network(value, owner)
        raise ValueError(f"unknown entry {sorted(value)}")

    def network(self, value, owner):
        import torch

        from ..neural.networks import NETWORKS

        prefix = value["module"]
        if self.version == 1:
            network, args = _version_1_network(owner, value["shape"], self.members, prefix)
            declared = {name: None for name in value["weights"]}
        else:
            network, args, declared = NETWORKS[value["network"]], value["args"], value["weights"]
        with torch.device("meta"):  # shapes only: an absurd size in the file takes no memory
            expected = {name: list(tensor.shape) for name, tensor in network(**args).state_dict().items()}
        if set(expected) != set(declared):
            raise ValueError(f"the weights of the {network.__name__} do not match its arguments")
        state = {}
        for name, shape in expected.items():
            dtype = declared[name]["dtype"] if declared[name] else None
            weight = self.members.array(prefix + name, shape=shape if dtype else None, dtype=dtype)
            if list(weight.shape) != shape:
                raise ValueError(f"weight {name!r} has shape {list(weight.shape)}, the network needs {shape}")
            if not np.isfinite(weight).all():
                raise ValueError(f"weight {name!r} holds NaN or infinite values")
            state[name] = torch.from_numpy(weight)
        _check_network_args(owner, network, args)
        module = network(**args)
        module.load_state_dict(state)
        return module.eval()


def _check_lookbacks(estimator):
    """Refuse a neural forecaster whose ``lookback_`` is not its network's, or whose ``lookbacks_tried_`` is not
    a list of whole numbers."""
    network, lookback = estimator.__dict__.get("module_"), estimator.lookback_
    if type(lookback) is not int or (network is not None and lookback != network.lookback):
        raise ValueError(f"its lookback_ {lookback!r} is not its network's lookback")
    tried = estimator.lookbacks_tried_
    if not isinstance(tried, list) or any(type(value) is not int for value in tried):
        raise ValueError(f"its lookbacks_tried_ {tried!r} is not a list of whole numbers")


def _check_forecaster_state(estimator):
    """Refuse a forecaster whose fitted attributes do not fit together: one entry per series and per target.

    A file written by `write` always passes; an edit or damage that would fail at predict with an
    error about array shapes fails here instead, saying which attribute is wrong.
    """
    state = estimator.__dict__
    columns, ids = state["columns_"], state.get("series_ids_")
    if not _labels(columns) or not columns or not _labels(state["data_columns_"]):
        raise ValueError(f"its columns_ {columns!r} is not a list of column names")
    if state.get("n_channels_", len(columns)) != len(columns):
        raise ValueError(f"its n_channels_ {state['n_channels_']!r} does not match its {len(columns)} columns_")
    if ids is not None and (not isinstance(ids, list) or not ids or len(set(ids)) != len(ids)):
        raise ValueError(f"its series_ids_ {ids!r} is not a list of distinct series ids")
    n_series = 1 if ids is None else len(ids)
    if not isinstance(state.get("last_index_"), list) or len(state["last_index_"]) != n_series:
        raise ValueError(f"its last_index_ does not hold one last timestamp for each of its {n_series} series")
    for name in ("context_", "interval_scale_", "interval_series_scale_"):
        if name in state and (np.ndim(state[name]) < 2 or len(state[name]) != n_series):
            raise ValueError(f"its {name} does not hold one entry for each of its {n_series} series")
    if "scaling_" in state and np.shape(state["scaling_"].mean)[:1] != (n_series,):
        raise ValueError(f"its scaling_ does not hold one entry for each of its {n_series} series")
    if "scaling_" in state and not (np.isfinite(state["scaling_"].mean).all() and (state["scaling_"].std > 0).all()):
        raise ValueError("its scaling_ holds NaN, infinite or non-positive spreads")
    if "context_" in state and (
        np.shape(state["context_"])[1] < estimator._context_rows() or not np.isfinite(state["context_"]).all()
    ):
        raise ValueError(f"its context_ does not hold the last {estimator._context_rows()} finite rows of each series")
    if isinstance(state.get("freq_"), str):
        try:
            pd.tseries.frequencies.to_offset(state["freq_"])
        except ValueError:
            raise ValueError(f"its freq_ {state['freq_']!r} is not a frequency") from None
    skipped = state.get("skipped_series_")
    if not _strings(skipped):
        raise ValueError(f"its skipped_series_ {skipped!r} is not a list of series ids")
    decimals = state.get("value_decimals_", [None] * len(columns))
    if not isinstance(decimals, list) or len(decimals) != len(columns):
        raise ValueError(f"its value_decimals_ {decimals!r} does not hold one entry per column")
    if any(value is not None and (type(value) is not int or not 0 <= value <= 6) for value in decimals):
        raise ValueError(f"its value_decimals_ {decimals!r} are not whole numbers from 0 to 6")
    _check_intervals(state, estimator.horizon, len(columns))


def _check_intervals(state, horizon, n_columns):
    """Refuse a count of calibration errors that is not a whole number, or, where there are some, interval
    quantiles that are not ``(levels, horizon, columns)``.

    A fit that kept no rows out of sample (a count of 0) gives no intervals, whatever its quantiles hold:
    none now, NaN in files of earlier releases.
    """
    count = state.get("interval_count_", 0)
    if type(count) is not int or count < 0:
        raise ValueError(f"its interval_count_ {count!r} is not a whole number")
    if "interval_quantiles_" not in state or count == 0:
        return
    quantiles, levels = state["interval_quantiles_"], state.get("interval_levels_")
    expected = (None if levels is None else len(levels), horizon, n_columns)
    if np.ndim(quantiles) != 3 or any(want is not None and got != want for got, want in zip(quantiles.shape, expected)):
        raise ValueError(
            f"its interval_quantiles_ of shape {np.shape(quantiles)} are not (levels, {horizon}, {n_columns})"
        )


def _strings(values):
    return isinstance(values, list) and all(isinstance(value, str) for value in values)


def _labels(values):
    """Column names as a frame or an array gives them: text, or numbers (positions)."""
    return isinstance(values, list) and all(isinstance(value, (str, int, float)) for value in values)


def _check_network_args(owner, network, args):
    """Refuse a network whose arguments disagree with the parameters its estimator was stored with.

    The file holds each twice, in the estimator's parameters and in the network's arguments; a file
    written by `write` never has them differ, so a difference is damage or an edit. A parameter left
    to be chosen at fit (None, such as ``segment_length=None``) is not compared, and a list of lookbacks
    must hold the network's.
    """
    params = owner.get_params(deep=False)
    for name in _NETWORK_PARAMS:
        if name == "lookback" and isinstance(params.get(name), list) and args.get(name) in params[name]:
            continue  # the lookback chosen among those given
        if name in args and params.get(name) is not None and params[name] != args[name]:
            raise ValueError(
                f"its header sets {name}={params[name]!r} but its {network.__name__} was built with "
                f"{name}={args[name]!r}"
            )


def _version_1_network(owner, shape, members, prefix):
    """The network class and arguments a version-1 file meant, from the estimator's stored parameters.

    The segment width is read from the first embedding weight, (hidden, segment_length × channels per step),
    so files written before the automatic segment length was capped load as they were trained.
    """
    from ..neural.networks import MLPNet, RecurrentNet

    common = dict(
        n_channels=shape["n_channels"],
        lookback=shape["lookback"],
        horizon=shape["horizon"],
        hidden_size=owner.hidden_size,
        num_layers=owner.num_layers,
        dropout=owner.dropout,
        instance_norm=owner.instance_norm,
        channel_independent=owner.channel_independent,
    )
    if not hasattr(owner, "cell"):
        return MLPNet, common
    embed_width = members.array(prefix + "embed.0.weight").shape[1]
    per_step_channels = 1 if owner.channel_independent else shape["n_channels"]
    segment_length = embed_width // per_step_channels
    return RecurrentNet, dict(common, cell=owner.cell, segment_length=segment_length, supervision=owner.supervision)


def _upgrade_version_1_scaling(estimator):
    """Version 1 kept ``scale_mean_``/``scale_std_``, or nothing for the forecasters that do not scale."""
    if hasattr(estimator, "scale_mean_"):
        estimator.scaling_ = Scaling(estimator.__dict__.pop("scale_mean_"), estimator.__dict__.pop("scale_std_"))
    else:
        n_series = 1 if getattr(estimator, "series_ids_", None) is None else len(estimator.series_ids_)
        estimator.scaling_ = Scaling.identity((n_series, estimator.n_channels_))


def _encode_estimator(estimator, prefix, arrays):
    params = estimator.get_params(deep=False)
    if not isinstance(params.get("random_state"), (int, type(None))):
        params["random_state"] = None  # a RandomState object has no file form
    fitted = {
        name: _encode(value, f"{prefix}{name}/", arrays)
        for name, value in vars(estimator).items()
        if name.endswith("_") and not name.startswith("_")
    }
    return {"class": type(estimator).__name__, "params": params, "fitted": fitted}


def _encode(value, key, arrays):
    if isinstance(value, np.ndarray):
        arrays[key] = value
        return {"array": key, "shape": list(value.shape), "dtype": str(value.dtype)}
    if isinstance(value, Scaling):
        return {
            "scaling": {
                "mean": _encode(value.mean, f"{key}mean", arrays),
                "std": _encode(value.std, f"{key}std", arrays),
            }
        }
    if hasattr(value, "init_args") and hasattr(value, "state_dict"):  # a network of forecast.neural.networks
        weights = {}
        for name, tensor in value.state_dict().items():
            arrays[key + name] = tensor.detach().cpu().numpy()
            weights[name] = {"dtype": str(arrays[key + name].dtype)}
        return {"module": key, "network": type(value).__name__, "args": value.init_args, "weights": weights}
    if isinstance(value, pd.Timestamp):
        zone = _zone_name(value.tz)
        return {"timestamp": value.isoformat()} if zone is None else {"timestamp": value.isoformat(), "tz": zone}
    if isinstance(value, ObservedCalendar):
        return {"calendar": value.to_dict()}
    if hasattr(value, "get_params"):  # a nested estimator: LinearForecaster's Ridge, AutoForecaster's members
        return {"estimator": _encode_estimator(value, key, arrays)}
    if isinstance(value, pd.DataFrame):  # a table of results, such as AutoForecaster's choice_
        return {
            "frame": {
                "index": _encode(list(value.index), f"{key}index/", arrays),
                "index_name": value.index.name,
                "columns": [str(column) for column in value.columns],
                "values": [
                    _encode(_plain(value[column]), f"{key}{number}/", arrays)
                    for number, column in enumerate(value.columns)
                ],
            }
        }
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_encode(item, f"{key}{index}/", arrays) for index, item in enumerate(value)]
    if isinstance(value, dict):
        return {"dict": {name: _encode(item, f"{key}{name}/", arrays) for name, item in value.items()}}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot save a value of type {type(value).__name__}")


def _plain(column):
    """A frame's column as a file holds it: numbers as an array, anything else as a list of text or None."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.to_numpy()  # int64 stays int64, float64 float64
    return [None if item is None or item is pd.NA else str(item) for item in column]


def _file_path(path):
    """``path`` as a `Path`; anything but a string or path-like object is a `ParameterError`."""
    if not isinstance(path, (str, os.PathLike)):
        raise ParameterError(f"path must be a file path (a str or pathlib.Path), not {type(path).__name__}")
    return Path(path)


def _zone_name(tz):
    """The name of a time zone that the model file keeps ("Europe/Paris"), or None without a zone."""
    if tz is None:
        return None
    return getattr(tz, "key", None) or getattr(tz, "zone", None) or str(tz)


def _timestamp(value):
    """A stored timestamp in its own time zone, so that dates after a daylight-saving change stay right.

    Files of earlier releases kept the UTC offset only, which is read as it is.
    """
    timestamp = pd.Timestamp(value["timestamp"])
    if "tz" not in value:
        return timestamp
    try:
        return timestamp.tz_convert(value["tz"])
    except (ValueError, TypeError, KeyError):  # a zone this machine does not know: keep the offset
        return timestamp


def _first_line(error):
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
