"""`ETSForecaster`, `ThetaForecaster` and `ARIMAForecaster`: the statistical workhorses as forecasters."""

from __future__ import annotations

from ...params import POSITIVE
from . import arima
from .local import StatisticalForecaster


class ETSForecaster(StatisticalForecaster):
    """Exponential smoothing per series, its form chosen by AICc among the ETS family (AutoETS).

    Parameters, attributes and the reading of histories are those of
    `StatisticalForecaster`; the search and its fallbacks are described in
    `forecast.forecasters.statistical.ets`. Seasons over 24 steps (weekly
    data) get forms without a season; a series shorter than two seasons too;
    one too short for any form gets the naive forecast, and ``fits_`` says
    so in its ``note``. Covariates are accepted and not read.

    Examples
    --------
    >>> from forecast import ETSForecaster, read_csv
    >>> model = ETSForecaster(horizon=12).fit(read_csv("datasets/airline.csv"))
    >>> model.fits_[0][0]["name"], model.predict().shape
    ('ETS(M,A,M)', (12, 1))
    """

    _family = "ets"
    _reads_covariates = False


class ThetaForecaster(StatisticalForecaster):
    """The Theta method per series, deseasonalised where a test finds a season, theta chosen in-sample.

    See `forecast.forecasters.statistical.theta` for the model and the
    choice of theta. Covariates are accepted and not read.
    """

    _family = "theta"
    _reads_covariates = False


class ARIMAForecaster(StatisticalForecaster):
    """ARIMA per series, its orders found by a stepwise AICc search (AutoARIMA).

    With ``future_covariates``, a regression on them with ARIMA errors:
    `predict` then needs their values at the forecast timestamps (``future=``),
    as every forecaster with future-known covariates does. Past-only
    covariates are accepted and not read (a regression needs their values at
    the forecast rows). See `forecast.forecasters.statistical.arima`.

    Parameters
    ----------
    max_models : int, default=20
        Most models each stepwise search fits (R's ``auto.arima`` allows 94):
        fewer fit faster, more may find a lower AICc. The other parameters
        are those of `StatisticalForecaster`.
    """

    _family = "arima"
    _search_parameters = ("max_models",)
    _parameter_rules = {**StatisticalForecaster._parameter_rules, "max_models": POSITIVE}

    def __init__(
        self,
        horizon=5,
        season_length=None,
        past_covariates=None,
        future_covariates=None,
        calendar=None,
        n_jobs=None,
        nonnegative="auto",
        intervals="conformal",
        max_models=arima.MAX_MODELS,
    ):
        super().__init__(
            horizon=horizon,
            season_length=season_length,
            past_covariates=past_covariates,
            future_covariates=future_covariates,
            calendar=calendar,
            n_jobs=n_jobs,
            nonnegative=nonnegative,
            intervals=intervals,
        )
        self.max_models = max_models
