"""Scores of backtest forecasts: per (series, window) first, then per model over all of them.

Every (series, window) forecast gets MSE and MAE (in the data's units), sMAPE
(percent, as M4) and MASE: its absolute errors over the in-sample MAE of the
seasonal naive forecast on that series' rows up to the window's cutoff (each
target on its own). A model's row holds the mean and the median of these
scores, and its standing against two references that this module forecasts
itself from the data at every cutoff: the seasonal naive forecast (MASE
relative to it, and how often the model beats it) and M4's Naive2 (OWA).
Where the results hold a model's prediction intervals (``<model>-lo-80``,
``<model>-hi-80``, ...), each level also gets its coverage, mean width and
M4's MSIS (the interval score over the same scale as MASE).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import DataError
from ..forecasters.baselines import naive2
from ..forecasters.intervals import interval_column, level_text, parse_interval_column
from ..inputs.windows import check_positive_int
from ..reading.frames import as_frame
from ..reading.frequency import infer_frequency, season_length_for
from ..reading.panel import as_panel, first_ids
from . import metrics
from .backtesting import FIXED_COLUMNS

# Scores of one (series, window) forecast; summaries give the mean under these names, the median with "_median".
SCORES = ("mse", "mae", "mase", "smape")


def evaluate(results, y, *, season_length=None):
    """Score every model of a backtest, averaged over windows and series.

    Parameters
    ----------
    results : DataFrame
        What `forecast.backtest` returns: ``[id], cutoff, <timestamp>, target,
        actual``, one column of forecasts per model, and any bounds of its
        intervals (``<model>-lo-<level>``, ``<model>-hi-<level>``).
    y : DataFrame, Series or array-like
        The data the backtest ran on (as `forecast.backtest` takes it); the
        MASE scale and the references are computed from its rows up to each
        cutoff.
    season_length : int, optional
        For MASE and the references; by default the usual period of the
        data's frequency (12 monthly, 24 hourly, ...; 1 without dates).

    Returns
    -------
    DataFrame
        One row per model, in the results' column order, with the columns
        ``model``, ``n_series``, ``n_forecasts`` (the (series, window)
        forecasts scored), ``mse``, ``mae``, ``mase``, ``smape`` (means over
        the forecasts) and ``mse_median``, ... (their medians),
        ``relative_mase`` (the model's mean MASE over the seasonal naive
        forecast's), ``wins`` (the share of forecasts whose MASE is below the
        seasonal naive forecast's; ties are not wins) and ``owa`` (M4's
        overall weighted average: the mean of the model's sMAPE and MASE, each
        over Naive2's; meant for many series). A model with intervals in the
        results also has, for each level, ``coverage-<level>`` (the percentage
        of actuals inside, to compare with the level), ``width-<level>`` (the
        mean width, in the data's units) and ``msis-<level>`` (M4's mean
        scaled interval score), each the mean over the forecasts. A forecast whose MASE scale is
        undefined (fewer than ``season_length + 1`` rows before the cutoff, or
        a history that does not change over a season) has no MASE; a warning
        names its series.

    Examples
    --------
    >>> from forecast import LinearForecaster, backtest, read_csv
    >>> series = read_csv("datasets/airline.csv")
    >>> results = backtest(LinearForecaster(lookback=24, horizon=12), series)
    >>> scores = evaluate(results, series)
    >>> scores[["model", "n_forecasts"]].values.tolist()
    [['LinearForecaster', 3]]
    >>> bool(scores.loc[0, "relative_mase"] < 1)
    True
    """
    with np.errstate(over="ignore", invalid="ignore"):  # errors of values near float64's limit score inf
        scored = _score_forecasts(results, y, season_length)
    n_series = len(scored["located"]["by_series"])
    seasonal_naive, reference = scored["seasonal_naive"], scored["naive2"]
    return pd.DataFrame(
        [
            _summary(name, model_scores, seasonal_naive, reference, n_series)
            for name, model_scores in scored["models"].items()
        ]
    )


def forecast_scores(results, y, *, season_length=None):
    """The scores of every (series, window) forecast of every model, before any average.

    Parameters are those of `evaluate`. Returns a long DataFrame, one row per
    model and forecast, in the results' order: ``model``, ``series`` (the id,
    or None for one series), ``cutoff`` (the timestamp of the last row seen),
    ``mse``, ``mae``, ``mase``, ``smape`` and, with intervals, the interval
    scores of each level; then ``seasonal_naive_mase``, the MASE of the
    seasonal naive forecast of the same rows. This is what the verdict of
    `forecast.evaluation.verdict` pairs, and what an automatic choice ranks.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # errors of values near float64's limit score inf
        scored = _score_forecasts(results, y, season_length)
    rows = scored["rows"]
    first_rows = np.array([group[0] for group in rows], dtype=int)
    id_col = results_columns(results)[0]
    series = results[id_col].to_numpy()[first_rows] if id_col is not None else np.full(len(rows), None)
    cutoffs = results["cutoff"].to_numpy()[first_rows]
    frames = [
        pd.DataFrame({"model": name, "series": series, "cutoff": cutoffs, **model_scores})
        for name, model_scores in scored["models"].items()
    ]
    scores = pd.concat(frames, ignore_index=True)
    scores["seasonal_naive_mase"] = np.tile(scored["seasonal_naive"]["mase"], len(frames))
    return scores


def _score_forecasts(results, y, season_length):
    """Every model's scores per (series, window) forecast, the references' scores, and where the rows lie."""
    id_col, time_col, model_cols, interval_cols = results_columns(results)
    panel = as_panel(as_frame(y, "y"))  # as backtest reads it
    season_length = _season_length(panel, season_length)
    located = _locate(results, id_col, time_col, panel)
    scale = _mase_scale(panel, located, season_length)
    actual = results["actual"].to_numpy(dtype=np.float64)
    forecasts = {name: results[name].to_numpy(dtype=np.float64) for name in model_cols}
    rows = list(_group_rows(located["series"], located["cutoff"]).values())  # of each (series, window) forecast
    scores = {name: _scores(actual, predicted, scale, rows) for name, predicted in forecasts.items()}
    for name, levels in interval_cols.items():
        for level in levels:
            lower, upper = (results[interval_column(name, side, level)].to_numpy(np.float64) for side in ("lo", "hi"))
            scores[name].update(_interval_scores(actual, lower, upper, level, scale, rows))
    return {
        "models": scores,
        "seasonal_naive": _scores(actual, _seasonal_naive(panel, located, season_length), scale, rows),
        "naive2": _scores(actual, _naive2(panel, located, season_length), scale, rows),
        "located": located,
        "rows": rows,
    }


def results_columns(results):
    """The id column (or None), the timestamp column, the model columns and the interval levels of backtest results."""
    if not isinstance(results, pd.DataFrame):
        raise DataError(f"results must be the DataFrame forecast.backtest returns, not a {type(results).__name__}")
    if results.empty:
        raise DataError("results hold no rows; pass what forecast.backtest returns")
    missing = [name for name in FIXED_COLUMNS if name not in results.columns]
    if missing:
        raise DataError(
            f"results lack the column {missing[0]!r}; pass what forecast.backtest returns "
            "([id], cutoff, timestamp, target, actual, one column per model)"
        )
    columns = list(results.columns)
    cutoff_at = columns.index("cutoff")
    id_col = columns[0] if cutoff_at == 1 else None
    time_col = columns[cutoff_at + 1] if cutoff_at + 1 < len(columns) else None
    if cutoff_at > 1 or time_col in FIXED_COLUMNS or time_col is None:
        raise DataError(
            "results must start with [id], cutoff, timestamp, as forecast.backtest returns them; "
            f"these start with {', '.join(map(repr, columns[:3]))}"
        )
    other_cols = [name for name in columns if name not in (id_col, time_col, *FIXED_COLUMNS)]
    text = [name for name in ["actual", *other_cols] if not pd.api.types.is_numeric_dtype(results[name])]
    if text:
        raise DataError(
            f"column {text[0]!r} of results holds non-numeric values; keep only the columns forecast.backtest "
            "returns, with one column of numbers per model"
        )
    bounds = {column: parse_interval_column(column) for column in other_cols}
    model_cols = [name for name in other_cols if bounds[name] is None or bounds[name][0] not in other_cols]
    if not model_cols:
        raise DataError("results hold no model column; pass what forecast.backtest returns")
    return id_col, time_col, model_cols, _interval_levels(model_cols, bounds)


def _interval_levels(model_cols, bounds):
    """``{model: [level, ...]}``: the levels whose lower and upper bound columns the results hold for each model."""
    found = [bound for bound in bounds.values() if bound is not None and bound[0] in model_cols]
    levels = {}
    for name, side, level in found:
        if side == "lo" and (name, "hi", level) in found:
            levels.setdefault(name, []).append(level)
    return {name: sorted(model_levels) for name, model_levels in levels.items()}


def _season_length(panel, season_length):
    if season_length is not None:
        return check_positive_int(season_length, "season_length")
    timestamps = panel.timestamps(np.arange(panel.starts[0], panel.starts[0] + panel.lengths[0]))
    if not isinstance(timestamps, pd.DatetimeIndex):
        return 1
    return season_length_for(timestamps.freqstr if timestamps.freq is not None else infer_frequency(timestamps))


def _locate(results, id_col, time_col, panel):
    """For every results row: its series (position in the panel), target (channel), cutoff and step.

    ``cutoff`` counts the series' rows the model saw; ``step`` is the row
    forecast, counted from the cutoff (0 for the first row after it).
    ``by_series`` maps each series' position to its results rows.
    """
    if (id_col is None) != (panel.ids is None):
        raise DataError("results and y disagree on whether they hold many series; pass the data the backtest ran on")
    channels = {name: channel for channel, name in enumerate(panel.frame.columns)}
    unknown = sorted(set(results["target"]) - set(channels), key=str)
    if unknown:
        raise DataError(f"results forecast the target {unknown[0]!r}, which y lacks; pass the data the backtest ran on")
    if panel.ids is None:
        series = np.zeros(len(results), dtype=int)
    else:
        position = {series_id: number for number, series_id in enumerate(panel.ids)}
        absent = [series_id for series_id in pd.unique(results[id_col]) if series_id not in position]
        if absent:
            raise DataError(f"results hold series {absent[0]!r}, which y lacks; pass the data the backtest ran on")
        series = results[id_col].map(position).to_numpy()
    cutoff, step = np.empty(len(results), dtype=int), np.empty(len(results), dtype=int)
    by_series = pd.Series(np.arange(len(results))).groupby(series).indices
    for number, rows in by_series.items():
        start, length = panel.starts[number], panel.lengths[number]
        timestamps = panel.timestamps(np.arange(start, start + length))
        seen = timestamps.get_indexer(results["cutoff"].iloc[rows]) + 1
        forecast = timestamps.get_indexer(results[time_col].iloc[rows])
        if (seen == 0).any() or (forecast < seen).any():
            where = "" if panel.ids is None else f" of series {panel.ids[number]!r}"
            raise DataError(
                f"the cutoffs or timestamps{where} in results are not rows of y after their cutoff; "
                "pass the data the backtest ran on"
            )
        cutoff[rows], step[rows] = seen, forecast - seen
    channel = results["target"].map(channels).to_numpy()
    return {"series": series, "channel": channel, "cutoff": cutoff, "step": step, "by_series": by_series}


def _series_values(panel, number):
    start = panel.starts[number]
    return np.asarray(panel.values[start : start + panel.lengths[number]], dtype=np.float64)  # (T_i, C)


def _mase_scale(panel, located, season_length):
    """Each row's MASE scale: the seasonal naive in-sample MAE of its series and target up to its cutoff."""
    scale = np.full(len(located["cutoff"]), np.nan)
    for number, rows in located["by_series"].items():
        values = _series_values(panel, number)  # (T, C)
        # Running sums of |x_t - x_{t-m}|: the scale at every cutoff from one pass over the series.
        differences = np.abs(values[season_length:] - values[:-season_length])  # (T - m, C)
        sums = np.vstack([np.zeros((1, values.shape[1])), np.cumsum(differences, axis=0)])  # (T - m + 1, C)
        n_differences = located["cutoff"][rows] - season_length  # those of rows m .. cutoff - 1
        defined = n_differences > 0
        rows, n_differences = rows[defined], n_differences[defined]
        scale[rows] = sums[n_differences, located["channel"][rows]] / n_differences
    undefined = ~(scale > 0)
    if undefined.any():
        where = "the series"
        if panel.ids is not None:
            names = pd.unique(np.asarray(panel.ids, dtype=object)[located["series"][undefined]])
            where = f"series {first_ids(names)}"
        warnings.warn(
            f"MASE is undefined for some forecasts of {where}: fewer than season_length + 1 = {season_length + 1} "
            "rows before the cutoff, or no change over a season; the MASE figures leave them out",
            stacklevel=3,
        )
        scale[undefined] = np.nan
    return scale


def _seasonal_naive(panel, located, season_length):
    """Each row's seasonal naive forecast: the value one season (or a whole number of seasons) before it."""
    forecasts = np.full(len(located["cutoff"]), np.nan)
    for number, rows in located["by_series"].items():
        cutoff, step = located["cutoff"][rows], located["step"][rows]
        defined = cutoff >= season_length
        rows, source = rows[defined], (cutoff - season_length + step % season_length)[defined]
        forecasts[rows] = _series_values(panel, number)[source, located["channel"][rows]]
    return forecasts


def _naive2(panel, located, season_length):
    """Each row's Naive2 forecast, from all of its series' rows up to its cutoff."""
    forecasts = np.empty(len(located["cutoff"]))
    for (number, cutoff), rows in _group_rows(located["series"], located["cutoff"]).items():
        history = _series_values(panel, number)[:cutoff]  # (cutoff, C)
        steps = located["step"][rows]
        predicted = naive2(history.T, season_length, int(steps.max()) + 1)  # (C, steps)
        forecasts[rows] = predicted[located["channel"][rows], steps]
    return forecasts


def _group_rows(series, cutoff):
    """``{(series, cutoff): rows}``: the results rows of each (series, window) forecast."""
    frame = pd.DataFrame({"series": series, "cutoff": cutoff})
    return frame.groupby(["series", "cutoff"], sort=False).indices


def _scores(actual, predicted, scale, forecasts):
    """Each score of each (series, window) forecast, as arrays (n_forecasts,)."""
    # |a - f| / s = |a / s - f / s|: MASE is the MAE of the scaled values.
    scaled_actual, scaled_predicted = actual / scale, predicted / scale
    return {
        "mse": np.array([metrics.mse(actual[rows], predicted[rows]) for rows in forecasts]),
        "mae": np.array([metrics.mae(actual[rows], predicted[rows]) for rows in forecasts]),
        "mase": np.array([metrics.mae(scaled_actual[rows], scaled_predicted[rows]) for rows in forecasts]),
        "smape": np.array([metrics.smape(actual[rows], predicted[rows]) for rows in forecasts]),
    }


def _interval_scores(actual, lower, upper, level, scale, forecasts):
    """Coverage, width and MSIS of each (series, window) forecast's intervals of one level, as arrays."""

    def per_forecast(score, *values, **options):
        return np.array([score(*(value[rows] for value in values), **options) for rows in forecasts])

    # Like MASE, MSIS is a plain score of the values divided by the scale.
    return {
        f"coverage-{level_text(level)}": per_forecast(metrics.coverage, actual, lower, upper),
        f"width-{level_text(level)}": per_forecast(metrics.interval_width, lower, upper),
        f"msis-{level_text(level)}": per_forecast(
            metrics.interval_score, actual / scale, lower / scale, upper / scale, level=level
        ),
    }


def _summary(name, scores, seasonal_naive, reference, n_series):
    """One model's row: means and medians of its scores, and its standing against the two references."""
    row = {"model": name, "n_series": n_series, "n_forecasts": len(scores["mse"])}
    row.update({score: _mean(scores[score]) for score in SCORES})
    row.update({f"{score}_median": _median(scores[score]) for score in SCORES})
    row["relative_mase"] = _ratio(row["mase"], _mean(seasonal_naive["mase"]))
    compared = ~np.isnan(scores["mase"]) & ~np.isnan(seasonal_naive["mase"])
    row["wins"] = (
        float(np.mean(scores["mase"][compared] < seasonal_naive["mase"][compared])) if compared.any() else np.nan
    )
    row["owa"] = 0.5 * (_ratio(row["smape"], _mean(reference["smape"])) + _ratio(row["mase"], _mean(reference["mase"])))
    row.update({score: _mean(values) for score, values in scores.items() if score not in SCORES})
    return row


def _mean(values):
    defined = values[~np.isnan(values)]
    return float(defined.mean()) if len(defined) else np.nan


def _median(values):
    defined = values[~np.isnan(values)]
    return float(np.median(defined)) if len(defined) else np.nan


def _ratio(numerator, denominator):
    return numerator / denominator if denominator > 0 else np.nan
