"""ARIMA: the orders of each series found by Hyndman and Khandakar's stepwise search, as AutoARIMA does.

The differences come first: a seasonal one where the season is strong (STL's
seasonal strength above 0.64, the rule of Hyndman and Athanasopoulos'
*Forecasting: Principles and Practice*), then first differences while a KPSS
test rejects stationarity at 5% (at most two); below `KPSS_ROWS` rows, where
the test has too little to reject on, one more difference is also searched
and kept where its one-step errors on the rows are smaller. The orders are then searched
stepwise from four starting models (auto.arima's, except that the first
has orders (1, 1)(1, 1) rather than (2, 2)(1, 1): a third of the search's
time on monthly series), each move changing one order (or the constant) by
one, keeping the first move that lowers the AICc, up to ``max_models`` fits
(`MAX_MODELS` by default);
models with a root near the unit circle are refused, as R's ``auto.arima``
refuses them. Each model is estimated by statsmodels'
`ARIMA` (exact likelihood, state space).

With future-known covariates (``exog``), the model is a regression on them
with ARIMA errors. A season needs two whole seasons and three rows more,
and seasons over `MAX_SEASON` steps get no seasonal terms; a
series of fewer than `MIN_ROWS` rows, or on which no model can be fitted,
gets the naive forecast.
"""

from __future__ import annotations

import math

import numpy as np

from .fits import MIN_ROWS, LocalFit, aicc, naive_fit, naive_forecast, quiet_one_thread

MAX_P, MAX_Q, MAX_SEASONAL_P, MAX_SEASONAL_Q, MAX_DIFFERENCES = 3, 3, 1, 1, 2
MAX_MODELS = 20  # fits per series (auto.arima allows 94)
MAX_SEASON = 24  # longer seasons (weekly data's 52) get no seasonal terms: their state space is too slow to fit
SEASONAL_STRENGTH = 0.64
# Below this many rows (after any seasonal difference) a KPSS test rarely rejects even a plain trend, so the
# search also tries one more difference and keeps the better one-step fit of the rows (`_one_step_mse`).
KPSS_ROWS = 12
_STARTS = ((1, 1, 1, 1), (0, 0, 0, 0), (1, 0, 1, 0), (0, 1, 0, 1))
_MOVES = ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, 1))


def select(y, season_length, exog=None, max_models=MAX_MODELS):
    """The ARIMA orders of ``y`` (with ``exog`` (T, F) as regressors) that the stepwise search ranks first by AICc.

    ``max_models`` bounds the models fitted by each search (a short series may run two).
    """
    if len(y) < MIN_ROWS + 1:
        return naive_fit(y, f"{len(y)} rows: too few for ARIMA")
    season = season_length if 1 < season_length <= MAX_SEASON and len(y) >= 2 * season_length + 3 else 1
    with quiet_one_thread():
        seasonal_differences = _seasonal_differences(y, season)
        differenced = y[season:] - y[:-season] if seasonal_differences else y
        differences = _differences(differenced)
        best = _Search(y, exog, season, differences, seasonal_differences, max_models).run()
        if len(differenced) < KPSS_ROWS and differences < MAX_DIFFERENCES:
            # Too few rows for the test to see a trend: one more difference where it fits the rows better.
            more = _Search(y, exog, season, differences + 1, seasonal_differences, max_models).run()
            if more is not None and (best is None or _one_step_mse(y, exog, more) < _one_step_mse(y, exog, best)):
                best = more
    if best is None:
        return naive_fit(y, "no ARIMA model could be fitted")
    criterion, spec, params = best
    note = ""
    if season_length > MAX_SEASON:
        note = f"season of {season_length} steps is over {MAX_SEASON}: no seasonal terms"
    elif season < season_length:
        note = f"{len(y)} rows: fewer than two seasons and three, no seasonal terms"
    return LocalFit("arima", spec, params, _name(spec, exog is not None), note, criterion)


def forecast(y, fit, horizon, levels, exog=None, exog_future=None, **search):
    """Mean and ``{level: (lower, upper)}`` of the fitted ARIMA filtered over ``y`` with its parameters.

    A history too short for the fitted orders is fitted on its own, by `select` with ``search`` (``max_models``).
    """
    if fit.family == "naive":
        return naive_forecast(y, fit, horizon, levels)
    if len(y) < _rows_needed(fit):
        # A history too short for the fitted orders' lags and differences: fitted on its own.
        season = fit.spec["seasonal_order"][3]
        return forecast(y, select(y, season or 1, exog, **search), horizon, levels, exog, exog_future)
    with quiet_one_thread():
        result = _model(y, fit.spec, exog).smooth(np.asarray(fit.params))
        prediction = result.get_forecast(horizon, exog=exog_future)
        mean = np.asarray(prediction.predicted_mean, dtype=np.float64)
        bounds = {}
        for level in levels:
            interval = np.asarray(prediction.conf_int(alpha=1 - level / 100), dtype=np.float64)
            bounds[level] = (interval[:, 0], interval[:, 1])
    return mean, bounds


def forecast_origins(y, fit, horizon, origins, exog=None, **search):
    """Means (n_origins, H) of the fitted ARIMA continued over ``y[:origin]``, for each origin, in one filter pass.

    The filter over ``y`` with fixed parameters reaches each origin's state
    from the rows before it alone, so a forecast made there equals
    `forecast` of ``y[:origin]``. ``exog`` (T, F) covers every forecast row
    when the model has regressors.
    """
    if fit.family == "naive" or min(origins) < _rows_needed(fit):
        return np.stack([_forecast_slice(y, fit, horizon, origin, exog, search) for origin in origins])
    with quiet_one_thread():
        result = _model(y, fit.spec, exog).smooth(np.asarray(fit.params))
        means = []
        for origin in origins:
            beyond = origin + horizon - len(y)  # forecast rows after the series' end
            options = {} if exog is None or beyond <= 0 else {"exog": exog[len(y) : len(y) + beyond]}
            prediction = result.get_prediction(start=origin, end=origin + horizon - 1, dynamic=True, **options)
            means.append(np.asarray(prediction.predicted_mean, dtype=np.float64))
    return np.stack(means)


def _forecast_slice(y, fit, horizon, origin, exog, search):
    return forecast(
        y[:origin],
        fit,
        horizon,
        [],
        None if exog is None else exog[:origin],
        None if exog is None else exog[origin : origin + horizon],
        **search,
    )[0]


def _rows_needed(fit):
    """Fewest rows the fitted orders' lags and differences need (fewer: `forecast` fits the history on its own)."""
    p, d, q = fit.spec["order"]
    seasonal_p, seasonal_d, seasonal_q, season = fit.spec["seasonal_order"]
    return max(p + d, q) + season * (seasonal_p + seasonal_d + seasonal_q) + 3


class _Search:
    """The stepwise search over (p, q, P, Q, constant) with fixed differences; each model fitted once."""

    def __init__(self, y, exog, season, differences, seasonal_differences, max_models):
        self.y, self.exog, self.season = y, exog, season
        self.differences, self.seasonal_differences = differences, seasonal_differences
        self.max_models = max_models
        self.fitted = {}

    def run(self):
        """``(aicc, spec, params)`` of the best model found, or None."""
        constant = self.differences + self.seasonal_differences <= 1  # a constant or a drift, never a quadratic
        starts = _STARTS if self.season > 1 else tuple(dict.fromkeys((p, q, 0, 0) for p, q, _, _ in _STARTS))
        tried = [(*orders, constant) for orders in starts] + ([(0, 0, 0, 0, False)] if constant else [])
        best = min(tried, key=self.score)
        improved = math.isfinite(self.score(best))
        while improved and len(self.fitted) < self.max_models:
            improved = False
            for move in self._moves(best, constant):
                if self.score(move) < self.score(best):  # the first improvement wins, as auto.arima's does
                    best, improved = move, True
                    break
        if not math.isfinite(self.score(best)):
            return None
        criterion, params = self.fitted[best]
        return criterion, self._spec(best), params

    def score(self, key):
        if key not in self.fitted:
            if len(self.fitted) >= self.max_models:
                return math.inf
            self.fitted[key] = self._fit(key)
        return self.fitted[key][0]

    def _moves(self, key, constant):
        p, q, seasonal_p, seasonal_q, has_constant = key
        moves = []
        if self.season > 1:
            moves += [(p, q, seasonal_p + a, seasonal_q + b, has_constant) for a, b in _MOVES]
        moves += [(p + a, q + b, seasonal_p, seasonal_q, has_constant) for a, b in _MOVES]
        if constant:
            moves.append((p, q, seasonal_p, seasonal_q, not has_constant))
        limits = (MAX_P, MAX_Q, MAX_SEASONAL_P, MAX_SEASONAL_Q)
        return [move for move in moves if all(0 <= order <= limit for order, limit in zip(move[:4], limits))]

    def _spec(self, key):
        p, q, seasonal_p, seasonal_q, has_constant = key
        if not has_constant:
            trend = "n"
        else:  # statsmodels' "t" on a differenced model is the drift
            trend = "c" if self.differences + self.seasonal_differences == 0 else "t"
        seasonal = [seasonal_p, self.seasonal_differences, seasonal_q, self.season] if self.season > 1 else [0, 0, 0, 0]
        return {"order": [p, self.differences, q], "seasonal_order": seasonal, "trend": trend}

    def _fit(self, key):
        """``(aicc, params)`` of one model, infinite where it fails or has a root near the unit circle."""
        try:
            result = _model(self.y, self._spec(key), self.exog).fit(cov_type="none", low_memory=True)
        except (ValueError, IndexError, np.linalg.LinAlgError):
            return math.inf, None
        roots = [np.abs(result.arroots), np.abs(result.maroots)]
        if not np.isfinite(result.llf) or any(len(r) and r.min() < 1.01 for r in roots):
            return math.inf, None
        n_params = len(result.params) + 1  # + 1: the error variance, concentrated out of the likelihood
        return aicc(result.llf, n_params, result.nobs_effective), [float(value) for value in result.params]


def _one_step_mse(y, exog, found):
    """The mean squared one-step error of a search's ``(aicc, spec, params)`` on ``y``, after its first two rows.

    The first rows' errors depend on how each model starts (a differenced
    model's first value is unknown), so both candidates are scored on the same later rows.
    """
    _, spec, params = found
    with quiet_one_thread():
        residuals = _model(y, spec, exog).smooth(np.asarray(params)).resid
    return float(np.mean(np.square(residuals[2:])))


def _model(y, spec, exog):
    from statsmodels.tsa.arima.model import ARIMA

    return ARIMA(
        y,
        exog=exog,
        order=tuple(spec["order"]),
        seasonal_order=tuple(spec["seasonal_order"]),
        trend=spec["trend"],
        concentrate_scale=True,
    )


def _differences(y):
    """First differences that make ``y`` stationary by KPSS tests at 5%, as R's ``ndiffs``: 0, 1 or 2."""
    from statsmodels.tsa.stattools import kpss

    differences = 0
    while differences < MAX_DIFFERENCES and len(y) > 4 and np.ptp(y) > 0:
        lags = int(4 * (len(y) / 100) ** 0.25)  # the short lag rule of R's urca
        if kpss(y, regression="c", nlags=lags, result_object=False)[1] >= 0.05:
            break
        y = np.diff(y)
        differences += 1
    return differences


def _seasonal_differences(y, season):
    """1 where STL's seasonal strength of ``y`` exceeds `SEASONAL_STRENGTH`, else 0."""
    if season <= 1 or len(y) < 2 * season + 1 or np.ptp(y) == 0:
        return 0
    from statsmodels.tsa.seasonal import STL

    decomposition = STL(y, period=season).fit()
    remainder, seasonal = decomposition.resid, decomposition.seasonal
    strength = max(0.0, 1 - np.var(remainder) / np.var(seasonal + remainder))
    return int(strength > SEASONAL_STRENGTH)


def _name(spec, with_regressors):
    p, d, q = spec["order"]
    seasonal_p, seasonal_d, seasonal_q, season = spec["seasonal_order"]
    seasonal = f"({seasonal_p},{seasonal_d},{seasonal_q})[{season}]" if season > 1 else ""
    drift = {"n": "", "c": " with mean", "t": " with drift"}[spec["trend"]]
    return f"{'Regression with ' if with_regressors else ''}ARIMA({p},{d},{q}){seasonal}{drift}"
