"""Exceptions the library raises. Only the command line turns them into exit codes."""

from sklearn.exceptions import NotFittedError


class DataError(ValueError):
    """Input data cannot be used as given; the message names what and how to fix it."""


class ModelFileError(ValueError):
    """A model file is missing, corrupt, or not a forecast model file."""


class OutputPathError(ValueError):
    """An output path cannot be written as given: it is an input, another output, or its folder is unusable."""


class TrainingError(RuntimeError):
    """Training failed, for example because the loss became NaN or infinite."""


__all__ = ["DataError", "ModelFileError", "NotFittedError", "OutputPathError", "TrainingError"]
