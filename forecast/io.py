"""Save and load fitted estimators as one ``.npz`` file, without pickle.

The file is a numpy zip archive: a JSON header (the class name, its
parameters and its fitted attributes) and one array per weight or fitted
array. `load` reads it with ``allow_pickle=False`` and only rebuilds classes
from a fixed list, so a model file can never run code.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge

from .errors import ModelFileError
from .files import atomic_write

FORMAT = "forecast-model"
VERSION = 1
_HEADER = "__header__"
_ZIP_MAGIC = b"PK\x03\x04"


def _classes():
    from . import baselines, estimators, regressors

    named = [
        estimators.RNNForecaster,
        estimators.MLPForecaster,
        baselines.NaiveForecaster,
        baselines.SeasonalNaiveForecaster,
        baselines.LinearForecaster,
        regressors.RNNRegressor,
        regressors.MLPRegressor,
        Ridge,
    ]
    return {cls.__name__: cls for cls in named}


def save(estimator, path):
    """Write a fitted estimator to ``path`` (one file, replaced atomically).

    Parameters
    ----------
    estimator : a fitted forecast estimator
    path : str or path-like
    """
    arrays = {}
    header = {"format": FORMAT, "version": VERSION, "estimator": _encode_estimator(estimator, "", arrays)}
    arrays[_HEADER] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    with atomic_write(path) as handle:
        np.savez(handle, **arrays)


def load(path):
    """Read an estimator written by `save` (or ``forecast fit``).

    Raises
    ------
    ModelFileError
        The file is missing, corrupt, or not a forecast model file.
    """
    path = Path(path)
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
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        if _HEADER not in arrays:
            raise ValueError("no forecast header")
        header = json.loads(arrays.pop(_HEADER).tobytes())
        if header.get("format") != FORMAT:
            raise ValueError("no forecast header")
        if header.get("version") != VERSION:
            raise ValueError(f"format version {header.get('version')}, this forecast reads {VERSION}")
        return _decode_estimator(header["estimator"], arrays)
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
    ) as error:
        raise ModelFileError(
            f"{path}: not a forecast model file or corrupt ({_first_line(error)}); train a new one with `forecast fit`"
        ) from None


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
    import torch

    if isinstance(value, np.ndarray):
        arrays[key] = value
        return {"array": key}
    if isinstance(value, torch.nn.Module):
        for name, tensor in value.state_dict().items():
            arrays[key + name] = tensor.detach().cpu().numpy()
        shape = {"n_channels": value.n_channels, "lookback": value.lookback, "horizon": value.horizon}
        return {"module": key, "shape": shape, "weights": list(value.state_dict())}
    if isinstance(value, pd.Timestamp):
        return {"timestamp": value.isoformat()}
    if isinstance(value, Ridge):
        return {"estimator": _encode_estimator(value, key, arrays)}
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_encode(item, f"{key}{index}/", arrays) for index, item in enumerate(value)]
    if isinstance(value, dict):
        return {"dict": {name: _encode(item, f"{key}{name}/", arrays) for name, item in value.items()}}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot save a value of type {type(value).__name__}")


def _decode_estimator(encoded, arrays):
    cls = _classes().get(encoded["class"])
    if cls is None:
        raise ValueError(f"unknown estimator class {encoded['class']!r}")
    estimator = cls(**encoded["params"])
    for name, value in encoded["fitted"].items():
        setattr(estimator, name, _decode(value, arrays, estimator))
    return estimator


def _decode(value, arrays, owner):
    if isinstance(value, list):
        return [_decode(item, arrays, owner) for item in value]
    if not isinstance(value, dict):
        return value
    if "array" in value:
        return arrays[value["array"]]
    if "timestamp" in value:
        return pd.Timestamp(value["timestamp"])
    if "estimator" in value:
        return _decode_estimator(value["estimator"], arrays)
    if "dict" in value:
        return {name: _decode(item, arrays, owner) for name, item in value["dict"].items()}
    if "module" in value:
        import torch

        shape = value["shape"]
        module = owner._build_module(shape["n_channels"], shape["lookback"], shape["horizon"])
        state = {name: torch.from_numpy(np.array(arrays[value["module"] + name])) for name in value["weights"]}
        module.load_state_dict(state)
        return module.eval()
    raise ValueError(f"unknown entry {sorted(value)}")


def _first_line(error):
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
