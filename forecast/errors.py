"""Exceptions the library raises. Only the command line turns them into exit codes.

``NotFittedError`` is scikit-learn's own (what `check_is_fitted` raises); it is
imported on first use, so that importing this module stays free of
scikit-learn and SciPy.
"""


class DataError(ValueError):
    """Input data cannot be used as given; the message names what and how to fix it."""


class ParameterError(ValueError):
    """A hyper-parameter has a value its estimator does not accept; the message names it and what is allowed."""


class ModelFileError(ValueError):
    """A model file is missing, corrupt, or not a forecast model file."""


class OutputPathError(ValueError):
    """An output path cannot be written as given: it is an input, another output, or its folder is unusable."""


class TrainingError(RuntimeError):
    """Training failed, for example because the loss became NaN or infinite."""


__all__ = ["DataError", "ModelFileError", "NotFittedError", "OutputPathError", "ParameterError", "TrainingError"]  # noqa: F822


def __getattr__(name):
    if name == "NotFittedError":
        from sklearn.exceptions import NotFittedError

        return NotFittedError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
