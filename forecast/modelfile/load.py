"""`forecast.load`: read a model file written by ``est.save`` or ``forecast fit``, never running code from it.

The file format and its checks live in `forecast.modelfile.fileformat`; this module only
names the estimators a file may hold, from `forecast.registry`.
"""

from __future__ import annotations

from ..registry import estimator_classes
from .fileformat import read, write


def load(path):
    """Read an estimator written by ``est.save(path)`` (or ``forecast fit``).

    Raises
    ------
    ParameterError
        ``path`` is not a str or path-like object.
    ModelFileError
        The file is missing, corrupt, or not a forecast model file.
    """
    return read(path, estimator_classes())


def save(estimator, path):
    """Write a fitted estimator (a forecaster or a window regressor) to ``path``; see `forecast.modelfile`."""
    write(estimator, path)
