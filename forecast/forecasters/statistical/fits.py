"""What every statistical family shares: a fitted model as plain data, quiet library calls, the naive fallback.

A family module (`ets`, `theta`, `arima`) offers three functions on one series
``y`` of shape (T,):

- ``select(y, season_length, exog=None, **search)`` searches its family
  (``search``: the forecaster's `_search_parameters`, such as ARIMA's
  ``max_models``), estimates with statsmodels and returns a `LocalFit`;
- ``forecast(y, fit, horizon, levels, exog=None, exog_future=None, **search)``
  returns the mean (horizon,) and ``{level: (lower, upper)}`` of the fitted
  model continued over ``y`` with its parameters, estimating nothing, except
  on a history too short for the fitted model, which ``select`` fits with the same ``search``;
- ``forecast_origins(y, fit, horizon, origins, exog=None, **search)`` returns the means
  (n_origins, horizon) that ``forecast`` gives for each ``y[:origin]``, from
  one filter pass where the family allows (conformal calibration makes dozens).

A `LocalFit` holds only names, numbers and lists, so a model file stores it
as JSON and arrays, and ``forecast`` reproduces the forecasts of the fit
exactly from it. statsmodels is imported inside the functions: the command
line's start-up never pays for it.
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass, field

import numpy as np

# Fewest rows a statistical forecaster fits on: two for the naive fallback's noise, one more to spare.
MIN_ROWS = 3


@dataclass
class LocalFit:
    """One series' fitted model, as plain data.

    ``family`` is ``"ets"``, ``"theta"``, ``"arima"`` or ``"naive"`` (the
    fallback for a series too short for its family); ``spec`` the model's
    settings (JSON types); ``params`` its estimated parameters; ``name`` how
    tables and ``choice_`` describe it, such as ``ETS(M,Ad,M)``; ``note``
    why a simpler model than the family's search was used, or "".
    """

    family: str
    spec: dict
    params: list
    name: str
    note: str = ""
    criterion: float = field(default=float("nan"))  # the AICc (or in-sample MSE) the search ranked it by

    def as_dict(self):
        return {
            "family": self.family,
            "spec": self.spec,
            "params": np.asarray(self.params, dtype=np.float64),
            "name": self.name,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, stored):
        return cls(
            stored["family"],
            stored["spec"],
            [float(p) for p in np.ravel(stored["params"])],
            stored["name"],
            stored["note"],
        )


@contextlib.contextmanager
def quiet_one_thread():
    """Around every statsmodels call: its routine search warnings silenced, and linear algebra on one thread.

    The warnings (convergence, start values, short data) are the normal course
    of a search. One thread: the matrices of a state-space fit are small, and
    threads meeting at each of them made a seasonal ARIMA search on two cores
    twelve times slower (24 s against 2 s on the airline series); separate
    series are fitted in separate processes instead.
    """
    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        EstimationWarning,
        InterpolationWarning,
        ValueWarning,
    )
    from threadpoolctl import threadpool_limits

    with warnings.catch_warnings(), np.errstate(all="ignore"), threadpool_limits(1):
        for category in (ConvergenceWarning, EstimationWarning, InterpolationWarning, ValueWarning, RuntimeWarning):
            warnings.simplefilter("ignore", category)
        yield


def naive_fit(y, note):
    """The random walk: the last value, with the root mean square of the steps between rows as its spread.

    Around their mean, steps of a straight line would have no spread: a random
    walk without drift errs by the whole step.
    """
    steps = np.diff(y)
    sigma = float(np.sqrt(np.mean(steps**2))) if len(steps) else 0.0
    return LocalFit("naive", {}, [sigma], "naive", note)


def naive_forecast(y, fit, horizon, levels):
    """The last value ``horizon`` times, its intervals widening with the square root of the step."""
    from scipy.stats import norm

    mean = np.full(horizon, float(y[-1]))
    spread = fit.params[0] * np.sqrt(np.arange(1, horizon + 1))
    return mean, {level: _around(mean, norm.ppf(0.5 + level / 200) * spread) for level in levels}


def _around(mean, half_width):
    return mean - half_width, mean + half_width


def aicc(log_likelihood, n_params, n_rows):
    """The corrected Akaike criterion; infinite where the rows do not exceed the parameters by two."""
    if n_rows - n_params - 1 <= 0:
        return np.inf
    return -2 * log_likelihood + 2 * n_params + 2 * n_params * (n_params + 1) / (n_rows - n_params - 1)
