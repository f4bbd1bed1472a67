"""Hyper-parameter rules: one declarative table per estimator, checked once at the top of ``fit``.

As scikit-learn's ``_parameter_constraints``: each estimator class maps every
constructor argument to the rules its value may satisfy (``_parameter_rules``).
`check_parameters` runs before any data work or warning, so a bad value fails
at once with a `ParameterError` that names the parameter, the value and what
is allowed. ``__init__`` stays a plain store of its arguments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from .errors import ParameterError


def _is_number(value):
    return isinstance(value, Real) and not isinstance(value, (bool, np.bool_))


@dataclass(frozen=True)
class Whole:
    """A whole number in ``[low, high]`` (``high=None``: no upper bound); never a bool."""

    low: int
    high: int | None = None

    def accepts(self, value):
        return (
            _is_number(value)
            and isinstance(value, Integral)
            and value >= self.low
            and (self.high is None or value <= self.high)
        )

    def __str__(self):
        return f"a whole number >= {self.low}" + ("" if self.high is None else f" and <= {self.high}")


@dataclass(frozen=True)
class Number:
    """A finite real number between ``low`` and ``high``; ``closed`` says which ends are allowed."""

    low: float
    high: float = math.inf
    closed: str = "both"  # "both", "left", "right" or "neither"

    def accepts(self, value):
        if not _is_number(value) or not math.isfinite(value):
            return False
        above = value >= self.low if self.closed in ("both", "left") else value > self.low
        below = value <= self.high if self.closed in ("both", "right") else value < self.high
        return above and below

    def __str__(self):
        if self.high == math.inf:
            return f"a number {'>=' if self.closed in ('both', 'left') else '>'} {self.low:g}"
        left = "[" if self.closed in ("both", "left") else "("
        right = "]" if self.closed in ("both", "right") else ")"
        return f"a number in {left}{self.low:g}, {self.high:g}{right}"


@dataclass(frozen=True)
class OneOf:
    """One of a fixed set of values (strings, None, True/False)."""

    options: tuple

    def accepts(self, value):
        return any(value is option or (type(value) is type(option) and value == option) for option in self.options)

    def __str__(self):
        names = ", ".join(map(repr, self.options))
        return names if len(self.options) == 1 else f"one of {names}"


@dataclass(frozen=True)
class Instance:
    """An instance of ``kind``, described as ``description``."""

    kind: type | tuple
    description: str

    def accepts(self, value):
        return isinstance(value, self.kind)

    def __str__(self):
        return self.description


@dataclass(frozen=True)
class Several:
    """A non-empty list or tuple whose every item ``rule`` accepts."""

    rule: object

    def accepts(self, value):
        return isinstance(value, (list, tuple)) and len(value) > 0 and all(map(self.rule.accepts, value))

    def __str__(self):
        return f"a non-empty list or tuple, each {self.rule}"


@dataclass(frozen=True)
class Device:
    """A torch device string: "auto", "cpu", "cuda" or "cuda:N"."""

    def accepts(self, value):
        if not isinstance(value, str):
            return False
        kind, _, number = value.partition(":")
        return value in ("auto", "cpu") or (kind == "cuda" and (not number or number.isdigit()))

    def __str__(self):
        return "'auto', 'cpu', 'cuda' or 'cuda:N'"


FLAG = Instance((bool, np.bool_), "True or False")
COLUMN_NAMES = (OneOf((None,)), Instance((list, tuple), "a list of column names"))
COVARIATE_RULES = {
    "past_covariates": COLUMN_NAMES,
    "future_covariates": COLUMN_NAMES,
    "calendar": OneOf((None, "auto")),
}
# Forecasts and bounds kept at 0 or above: "auto" for the targets whose fit values all are (see BaseForecaster).
NONNEGATIVE_RULES = {"nonnegative": OneOf(("auto", True, False))}
POSITIVE = Whole(1)
RANDOM_STATE = (OneOf((None,)), Whole(0, 2**32 - 1), Instance(np.random.RandomState, "a numpy RandomState"))


def check_parameters(estimator):
    """Raise `ParameterError` for the first parameter of ``estimator`` that breaks its class's rules.

    Parameters
    ----------
    estimator : object with a ``_parameter_rules`` dict ``{name: rule or tuple of rules}``
        A value is allowed when any one of its rules accepts it.
    """
    for name, rules in type(estimator)._parameter_rules.items():
        rules = rules if isinstance(rules, tuple) else (rules,)
        value = getattr(estimator, name)
        if not any(rule.accepts(value) for rule in rules):
            allowed = " or ".join(map(str, rules))
            raise ParameterError(f"{name} must be {allowed}, not {value!r} ({type(estimator).__name__})")
