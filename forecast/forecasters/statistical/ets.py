"""Exponential smoothing (ETS): the error, trend and season forms of each series chosen by AICc, as AutoETS does.

The search is Hyndman et al.'s (R's ``forecast::ets``, statsforecast's
AutoETS): additive or multiplicative errors, no trend, an additive trend or
a damped one, and no season, an additive or a multiplicative one; the
multiplicative forms only for series that stay above zero, never an additive
error with a multiplicative season (numerically unstable), and no season
above 24 steps (as both do: too many states for the data such seasons come
with; weekly data, whose season is 52 weeks, gets the forms without a
season). Each candidate is estimated by statsmodels' `ETSModel` (maximum
likelihood of the smoothing weights, initial states by the heuristic where
the series allows, see `_estimate`) and the lowest AICc wins.

Short series fall back, as documented in `ETSForecaster`: a season needs two
whole seasons of rows, a candidate four rows more than its parameters, and a
series that fits no candidate gets the naive forecast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .fits import LocalFit, aicc, naive_fit, naive_forecast, quiet_one_thread

MAX_SEASON = 24
# Simulated paths of the models whose intervals have no closed form (a multiplicative part); seeded, so repeatable.
SIMULATIONS = 1000
_LETTER = {None: "N", "add": "A", "mul": "M"}


def candidates(y, season_length):
    """The ETS forms the search tries on ``y``: dicts of `ETSModel` settings."""
    positive = bool(np.all(y > 0))
    seasonal = 1 < season_length <= MAX_SEASON and len(y) >= 2 * season_length
    errors = ("add", "mul") if positive else ("add",)
    seasons = (None, *(("add", "mul") if positive else ("add",))) if seasonal else (None,)
    forms = []
    for error in errors:
        for trend, damped in ((None, False), ("add", False), ("add", True)):
            for season in seasons:
                if error == "add" and season == "mul":
                    continue
                forms.append(
                    {
                        "error": error,
                        "trend": trend,
                        "damped_trend": damped,
                        "seasonal": season,
                        "seasonal_periods": season_length if season else None,
                    }
                )
    return forms


def select(y, season_length, exog=None):
    """The ETS form of ``y`` with the lowest AICc, estimated; the naive fallback where none can be fitted."""
    best = None
    with quiet_one_thread():
        for form in candidates(y, season_length):
            fitted = _estimate(y, form)
            if fitted is not None and (best is None or fitted[0] < best[0]):
                best = fitted
    if best is None:
        return naive_fit(y, f"{len(y)} rows: too few for any ETS form")
    criterion, spec, params = best
    note = ""
    if season_length > MAX_SEASON:
        note = f"season of {season_length} steps is over {MAX_SEASON}: forms without a season"
    elif season_length > 1 and len(y) < 2 * season_length:
        note = f"{len(y)} rows: fewer than two seasons, forms without a season"
    return LocalFit("ets", spec, [float(value) for value in params], name(spec), note, criterion)


def _estimate(y, form):
    """``(aicc, spec, params)`` of one form, or None where it cannot be fitted to ``y``.

    The initial states come from Hyndman et al.'s heuristic (a decomposition
    of the first seasons), which makes a fit many times faster than
    estimating them with the smoothing weights; series too short for the
    heuristic (under 10 rows, or two seasons) have them estimated.
    """
    for initialization in ("heuristic", "estimated"):
        spec = {**form, "initialization_method": initialization}
        try:
            model = _model(y, spec)
        except (ValueError, IndexError):
            continue  # too short for this initialisation
        n_params = len(model.param_names)
        if len(y) <= n_params + 4:  # as forecast::ets: too few rows for this form
            return None
        try:
            params = model.fit(disp=False, return_params=True)
            criterion = aicc(model.loglike(params), n_params + 1, len(y))  # + 1: the error variance
        except (ValueError, IndexError, np.linalg.LinAlgError):
            return None
        return (criterion, spec, params) if np.isfinite(criterion) else None
    return None


def forecast(y, fit, horizon, levels, exog=None, exog_future=None, **search):
    """Mean (horizon,) and ``{level: (lower, upper)}`` of the fitted form, smoothed over ``y`` with its parameters."""
    if fit.family == "naive":
        return naive_forecast(y, fit, horizon, levels)
    with quiet_one_thread():
        try:
            model = _model(y, fit.spec)
        except ValueError:  # a history too short for the heuristic initial states: fitted on its own
            return forecast(y, select(y, fit.spec["seasonal_periods"] or 1, **search), horizon, levels)
        result = model.smooth(np.asarray(fit.params))
        options = {}
        if levels and (fit.spec["error"] == "mul" or fit.spec["seasonal"] == "mul"):
            options = {"simulate_repetitions": SIMULATIONS, "rng": np.random.default_rng(0)}
        prediction = result.get_prediction(start=len(y), end=len(y) + horizon - 1, **options)
        mean = np.asarray(prediction.predicted_mean, dtype=np.float64)
        bounds = {}
        for level in levels:
            frame = prediction.summary_frame(alpha=1 - level / 100)
            bounds[level] = (frame["pi_lower"].to_numpy(np.float64), frame["pi_upper"].to_numpy(np.float64))
    return mean, bounds


def forecast_origins(y, fit, horizon, origins, exog=None, **search):
    """Means (n_origins, H) of the fitted form continued over ``y[:origin]``, for each origin, from one smoothing pass.

    The initial states come from the series' first seasons and the states at
    an origin from the rows before it alone, so each equals `forecast` of
    ``y[:origin]`` (where ``y[:origin]`` is long enough for those states).
    """
    needed = 2 * max(fit.spec.get("seasonal_periods") or 1, 5)  # what the initial states read, with room
    if fit.family == "naive" or min(origins) < needed:
        return np.stack([forecast(y[:origin], fit, horizon, [], **search)[0] for origin in origins])
    with quiet_one_thread():
        result = _model(y, fit.spec).smooth(np.asarray(fit.params))
        means = [
            np.asarray(result.predict(start=origin, end=origin + horizon - 1, dynamic=0), dtype=np.float64)
            for origin in origins
        ]
    return np.stack(means)


def name(spec):
    """The usual short name of an ETS form: ``ETS(M,Ad,A)``."""
    trend = _LETTER[spec["trend"]] + ("d" if spec["damped_trend"] else "")
    return f"ETS({_LETTER[spec['error']]},{trend},{_LETTER[spec['seasonal']]})"


def _model(y, spec):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    # A Series with a RangeIndex: statsmodels' prediction intervals need an index.
    return ETSModel(pd.Series(y), **spec)
