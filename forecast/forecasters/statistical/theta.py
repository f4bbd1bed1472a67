"""The Theta method: simple exponential smoothing plus a damped share of the linear trend, per series.

statsmodels' `ThetaModel` estimates the standard model (Hyndman and Billah's
form: the trend's slope ``b0`` by least squares, the smoothing weight
``alpha`` by simple exponential smoothing), deseasonalising first where a
90% autocorrelation test finds the season (multiplicatively, or additively
for series that reach zero). AutoTheta also optimises theta, the weight of
the trend; statsmodels fixes it at forecast time, so the search here tries
theta in `THETAS` and keeps the one whose one-step forecasts over the series
fit it best (mean squared error), which covers the standard model (theta 2)
and the optimised one's usual range.

A series shorter than two seasons is not deseasonalised; one of fewer than
`MIN_ROWS` rows gets the naive forecast.
"""

from __future__ import annotations

import numpy as np

from .fits import MIN_ROWS, LocalFit, naive_fit, naive_forecast, quiet_one_thread

THETAS = (1.0, 1.5, 2.0, 2.5, 3.0)


def select(y, season_length, exog=None):
    """The theta model of ``y`` with the theta whose in-sample one-step forecasts have the lowest squared error."""
    if len(y) < MIN_ROWS:
        return naive_fit(y, f"{len(y)} rows: too few for the Theta method")
    from statsmodels.tsa.forecasting.theta import ThetaModel

    seasonal = season_length > 1 and len(y) >= 2 * season_length
    with quiet_one_thread():
        model = ThetaModel(y, period=season_length if seasonal else 1, deseasonalize=seasonal, use_test=True)
        result = model.fit()
        indices = np.asarray(result._seasonal, dtype=np.float64) if model.deseasonalize else np.empty(0)
        spec = {
            "period": season_length if len(indices) else 1,
            "method": model.method if len(indices) else "additive",
            "seasonal": indices.tolist(),
        }
        adjusted = _adjusted(y, spec)
        alpha, b0 = float(result.params["alpha"]), float(result.params["b0"])
        errors = {theta: _one_step_mse(adjusted, alpha, b0, theta) for theta in THETAS}
    theta = min(errors, key=errors.get)
    spec["theta"] = theta
    note = "" if seasonal or season_length <= 1 else f"{len(y)} rows: fewer than two seasons, not deseasonalised"
    return LocalFit("theta", spec, [b0, alpha], _name(spec), note, errors[theta])


def forecast(y, fit, horizon, levels, exog=None, exog_future=None, **search):
    """Mean and ``{level: (lower, upper)}`` of the fitted theta model continued over ``y`` (its b0 and alpha).

    Any history continues the fitted model, so ``search`` (no keywords for Theta) is never used.
    """
    if fit.family == "naive":
        return naive_forecast(y, fit, horizon, levels)
    from statsmodels.tsa.forecasting.theta import ThetaModel, ThetaModelResults

    spec, (b0, alpha) = fit.spec, fit.params
    with quiet_one_thread():
        model = ThetaModel(
            y, period=spec["period"], deseasonalize=bool(spec["seasonal"]), use_test=False, method=spec["method"]
        )
        adjusted = _adjusted(y, spec)
        one_step = float(_smoothing(adjusted, alpha).forecast(1)[0])
        result = ThetaModelResults(b0, alpha, None, one_step, np.asarray(spec["seasonal"]), False, model)
        mean = np.asarray(result.forecast(horizon, theta=spec["theta"]), dtype=np.float64)
        bounds = {}
        for level in levels:
            interval = result.prediction_intervals(horizon, theta=spec["theta"], alpha=1 - level / 100)
            bounds[level] = (interval["lower"].to_numpy(np.float64), interval["upper"].to_numpy(np.float64))
    return mean, bounds


def forecast_origins(y, fit, horizon, origins, exog=None):
    """Means (n_origins, H) of the fitted theta model continued over ``y[:origin]``, for each origin."""
    return np.stack([forecast(y[:origin], fit, horizon, [])[0] for origin in origins])


def _adjusted(y, spec):
    """``y`` without its season (divided by or less the fitted seasonal indices), as `ThetaModel` adjusts it."""
    if not spec["seasonal"]:
        return y
    indices = np.resize(np.asarray(spec["seasonal"]), len(y))
    return y / indices if spec["method"].startswith("mul") else y - indices


def _smoothing(adjusted, alpha):
    """Simple exponential smoothing with weight ``alpha``, started at the first value, as `ThetaModel` fits it."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    model = ExponentialSmoothing(adjusted, initial_level=adjusted[0], initialization_method="known")
    return model.fit(smoothing_level=alpha, optimized=False)


def _one_step_mse(adjusted, alpha, b0, theta):
    """Mean squared error of the theta model's forecasts of each row from the rows before it."""
    smoothed = np.asarray(_smoothing(adjusted, alpha).fittedvalues)[1:]  # forecasts of rows 1 .. T-1
    seen = np.arange(1, len(adjusted))  # rows each forecast had seen
    drift = (1 - (1 - alpha) ** seen) / alpha if alpha > 0 else seen.astype(np.float64)
    forecasts = smoothed + (theta - 1) / theta * b0 * drift
    return float(np.mean((adjusted[1:] - forecasts) ** 2))


def _name(spec):
    season = f", {spec['method']} season {spec['period']}" if spec["seasonal"] else ""
    return f"Theta(theta={spec['theta']:g}{season})"
