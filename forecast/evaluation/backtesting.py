"""Rolling-origin backtests: refit on the past, forecast the next ``horizon`` rows, move the origin, repeat.

Window ``k`` of ``n_windows`` (0 the oldest) of a series of ``T`` rows has its
cutoff at row ``c_k = T - horizon - (n_windows - 1 - k) * step``: the model
sees only rows ``[0, c_k)`` (its scaling too, since scaling is fitted with the
model) and forecasts rows ``[c_k, c_k + horizon)``. The last window ends at the
last row. In a long frame every series is cut at its own ``c_k``, from its own
length, and one global model is fitted per cutoff on all series. Before its
first cutoff a series needs the rows its model needs to fit (one training
window, ``lookback + horizon``, for the window models; a season for the
seasonal naive one): a shorter single series is an error, shorter series of a
long frame are skipped with a warning, as `fit` skips series too short for it.

``refit`` sets how often a model is fitted: every window (1), every K
windows (K: windows 0, K, 2K, ...; the windows in between are forecast by the
last fit from the data up to their own cutoff), or once at window 0 (0). The
windows that share a fit are forecast together, in one ``predict_windows``
call over every (series, window) pair, so a hundred windows without refitting
cost about one fit.

With ``level``, every fit's calibrated prediction intervals (see
`forecast.forecasters.intervals`) come out of the same ``predict_windows`` calls. Each
window's width follows the noise level of the `SCALE_ROWS` rows of its own
series before its cutoff (fewer where the series has fewer), as `predict`
reads it from a history: windows with fewer such rows are forecast in a call
of their own.
"""

from __future__ import annotations

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import clone

from ..errors import DataError, ParameterError
from ..forecasters.intervals import SCALE_ROWS, check_levels, interval_column
from ..inputs.covariates import InputLayout
from ..inputs.windows import check_positive_int
from ..params import check_parameters
from ..reading.frames import as_frame, check_timestamps, frequency_of, split_series
from ..reading.panel import as_panel, first_ids

# Columns of every backtest result besides the id, the timestamps and one column per model.
FIXED_COLUMNS = ("cutoff", "target", "actual")


def backtest(models, y, *, n_windows=3, step=None, refit=1, level=None, on_fit=None):
    """Rolling-origin evaluation of one or more forecasters on one series or many.

    Parameters
    ----------
    models : forecaster or dict of {str: forecaster}
        Unfitted templates, cloned for every fit (a fitted one is cloned
        unfitted). A single forecaster is named by its class, such as
        ``"LinearForecaster"``. All must share one ``horizon``.
    y : DataFrame, Series or array-like
        As `fit` takes it: one series (a frame with a `DatetimeIndex`, a
        Series or an array), a frame indexed by ``(id, timestamp)``, or a flat
        long frame with ``unique_id`` and ``ds`` columns (see
        `forecast.from_long`).
    n_windows : int, default=3
        Forecast origins; the last window ends at each series' last row.
    step : int, optional
        Rows between consecutive cutoffs; by default the horizon, so that the
        windows' targets tile the end of the series.
    refit : int, default=1
        Fit a fresh model every ``refit`` windows; 0 fits once, at window 0.
    level : number or list of numbers, optional
        Prediction intervals to add, in percent, such as ``[80, 95]``: each
        model's columns ``<model>-lo-<level>`` and ``<model>-hi-<level>``.
    on_fit : callable, optional
        Called as ``on_fit(name, window)`` before each fit, with the model's
        name and the first window (0 the oldest) the fit forecasts; for
        progress display.

    Returns
    -------
    DataFrame
        One row per (series, window, timestamp, target), in that order, with
        the columns: the id (long input only; the index level's name, else
        ``unique_id``), ``cutoff`` (the timestamp of the last row the model
        saw), the timestamp (the index's name, else ``ds``), ``target`` (the
        column forecast), ``actual``, and one column of forecasts per model;
        with ``level``, then each model's bounds, level by level in increasing
        order. Input without dates has row numbers as timestamps.

    Raises
    ------
    ParameterError
        A level is not a number in (0, 100), ``refit`` is not a whole number
        >= 0, ``on_fit`` is not callable, or the models differ in horizon or
        covariates.
    DataError
        ``y`` holds a missing, infinite or non-numeric value. A series is
        too short for ``n_windows`` windows plus the rows a model needs to
        fit before the first cutoff (with every series of a long
        frame too short; shorter series of a long frame are skipped with a
        warning that names them).

    Examples
    --------
    >>> from forecast import LinearForecaster, NaiveForecaster, read_csv
    >>> series = read_csv("datasets/airline.csv")
    >>> results = backtest({"naive": NaiveForecaster(horizon=12), "linear": LinearForecaster(24, 12)},
    ...                    series, n_windows=2)
    >>> list(results.columns), len(results)
    (['cutoff', 'date', 'target', 'actual', 'naive', 'linear'], 24)
    >>> results["cutoff"].unique().strftime("%Y-%m").tolist()
    ['1958-12', '1959-12']
    """
    levels = check_levels(level)
    templates = _named_models(models)
    horizon = _shared_horizon(templates)
    n_windows = check_positive_int(n_windows, "n_windows")
    step = horizon if step is None else check_positive_int(step, "step")
    refit = _checked_refit(refit)
    if on_fit is not None and not callable(on_fit):
        raise ParameterError(f"on_fit must be a function called as on_fit(name, window), or None, not {on_fit!r}")
    frame = as_frame(y, "y")
    # Checked as fit checks it, whole: the windows after a fit read rows that no fit saw.
    check_timestamps(split_series(frame), frequency_of(frame))
    panel = as_panel(frame)
    _check_column_names(templates, panel, levels)
    model, rows_to_fit = most_rows_to_fit(templates, panel.frame)
    panel = _series_long_enough(panel, model, rows_to_fit, horizon, n_windows, step)
    offsets = horizon + (n_windows - 1 - np.arange(n_windows)) * step  # (W,) rows from each cutoff to the end
    cutoffs = panel.lengths[:, None] - offsets  # (S, W) rows each window's model sees
    targets = _shared_targets(templates, panel)
    forecasts = {
        name: _forecast_windows(name, template, panel, cutoffs, refit, levels, on_fit)
        for name, template in templates.items()
    }
    return _results_frame(panel, cutoffs, horizon, targets, forecasts, levels)


def _named_models(models):
    """``{name: forecaster}`` from one forecaster (named by its class) or a dict."""
    named = dict(models) if isinstance(models, dict) else {type(models).__name__: models}
    if not named:
        raise ParameterError("models is an empty dict; pass a forecaster or a dict {name: forecaster}")
    for name, model in named.items():
        if not all(hasattr(model, attribute) for attribute in ("fit", "predict_windows", "get_params", "horizon")):
            raise ParameterError(
                f"model {name!r} is a {type(model).__name__}, not a forecaster; pass forecast's forecasters, "
                "such as LinearForecaster(lookback=24, horizon=12)"
            )
    return named


def _shared_horizon(templates):
    horizons = {name: template.horizon for name, template in templates.items()}
    if len(set(horizons.values())) > 1:
        shown = ", ".join(f"{name} {horizon}" for name, horizon in horizons.items())
        raise ParameterError(f"the models have different horizons ({shown}); give every model the same horizon")
    return check_positive_int(next(iter(horizons.values())), "horizon")


def _shared_targets(templates, panel):
    """The columns every model forecasts: all but its covariates, the same for every model."""
    targets = {
        name: InputLayout.of(
            panel.frame.columns, past=template.past_covariates, future=template.future_covariates
        ).targets
        for name, template in templates.items()
    }
    if len({tuple(columns) for columns in targets.values()}) > 1:
        shown = "; ".join(f"{name}: {', '.join(map(str, columns))}" for name, columns in targets.items())
        raise ParameterError(f"the models forecast different columns ({shown}); give every model the same covariates")
    return next(iter(targets.values()))


def _checked_refit(refit):
    if isinstance(refit, bool) or not isinstance(refit, Integral) or refit < 0:
        raise ParameterError(
            f"refit must be a whole number >= 0 (0 fits once, K refits every K windows), not {refit!r}"
        )
    return int(refit)


def _check_column_names(templates, panel, levels):
    fixed = [name for name in (panel.id_name, *FIXED_COLUMNS, panel.time_name) if name is not None]
    fixed += [
        interval_column(name, side, level) for name in templates for level in levels or () for side in ("lo", "hi")
    ]
    clashes = [name for name in templates if name in fixed]
    if clashes:
        raise ParameterError(
            f"model name {clashes[0]!r} is also a column of the results ({', '.join(map(repr, fixed))}); "
            "rename the model"
        )


def most_rows_to_fit(templates, frame):
    """``(name, rows)``: the model of ``templates`` that needs the most rows of a series of ``frame`` before a
    backtest's first cutoff to fit, and how many."""
    rows = {name: _training_rows(template, frame) for name, template in templates.items()}
    return max(rows.items(), key=lambda item: item[1])


def windows_that_fit(rows, rows_to_fit, horizon, step):
    """Backtest windows of ``horizon`` rows, ``step`` apart, that a series of ``rows`` rows holds after the
    ``rows_to_fit`` a model needs before the first cutoff (0 or less: none)."""
    return (rows - rows_to_fit - horizon) // step + 1


def _training_rows(template, frame):
    """Rows a series needs before the first cutoff for a copy of ``template`` to fit on it; its parameters are
    checked first, as `fit` checks them."""
    model = clone(template)
    check_parameters(model)
    try:
        return model._min_rows()
    except AttributeError:
        # The rows depend on a setting read from the data at fit (a season length from the
        # frequency): a copy fitted on all the data says it. Only baselines do this; they fit at once.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return model.fit(frame)._min_rows()


def _series_long_enough(panel, model, rows_to_fit, horizon, n_windows, step):
    """The panel without series too short for the windows; a warning names them, an error if none is left.

    ``model`` needs the most rows before the first cutoff, ``rows_to_fit`` (see `most_rows_to_fit`).
    """
    forecast_rows = horizon + (n_windows - 1) * step
    needed = rows_to_fit + forecast_rows
    short = panel.lengths < needed
    reason = (
        f"{n_windows} backtest window(s) of horizon {horizon}, {step} row(s) apart, need {needed} rows "
        f"({forecast_rows} forecast, and {rows_to_fit} before the first cutoff for {model} to fit)"
    )
    fits = windows_that_fit(panel.lengths.max(), rows_to_fit, horizon, step)
    fix = (
        f"use n_windows={fits} or fewer (--windows), a smaller step, or a longer series"
        if fits >= 1
        else "use a shorter horizon (--horizon), lookback (--lookback) or season_length (--season-length), "
        "or longer series"
    )
    if panel.ids is None and short[0]:
        raise DataError(f"the series has {panel.lengths[0]} rows, too few: {reason}; {fix}")
    if short.all():
        raise DataError(f"every series is too short (the longest has {panel.lengths.max()} rows): {reason}; {fix}")
    if short.any():
        names = [str(series_id) for series_id, is_short in zip(panel.ids, short) if is_short]
        warnings.warn(
            f"skipping {len(names)} series shorter than {needed} rows ({reason}): {first_ids(names)}", stacklevel=3
        )
    return panel.select(~short)


def _forecast_windows(name, template, panel, cutoffs, refit, levels, on_fit):
    """Forecasts (S, W, H, C) of every series and window, from fresh fits at the windows ``refit`` says.

    With ``levels``: ``(forecasts, lower, upper)``, the bounds of shape (L, S, W, H, C).
    """
    n_series, n_windows = cutoffs.shape
    first_windows = list(range(0, n_windows, refit or n_windows))  # windows where a fresh fit starts
    forecasts = []
    for first, end in zip(first_windows, [*first_windows[1:], n_windows]):
        if on_fit is not None:
            on_fit(name, first)
        model = clone(template).fit(panel.cut(cutoffs[:, first]))
        parts = _predict_windows(model, panel, cutoffs[:, first:end], levels)  # each (..., S * k, H, C)
        forecasts.append([part.reshape(*part.shape[:-3], n_series, end - first, *part.shape[-2:]) for part in parts])
    joined = [np.concatenate(pieces, axis=-3) for pieces in zip(*forecasts)]  # along the windows
    return joined[0] if levels is None else tuple(joined)


def _predict_windows(model, panel, window_cutoffs, levels):
    """``[forecasts]`` (S * k, H, C) of the windows ending at ``window_cutoffs`` (S, k); with ``levels``, bounds too.

    Each window gets the rows the model reads; with ``levels`` also the
    `SCALE_ROWS` rows before its cutoff that the intervals read the noise level
    from, or as many as its series has, as `predict` reads them from a
    history. Windows of the same length are forecast in one call. Future-known
    covariates of the forecast rows, and the timestamps that calendar features
    need, are taken from the data. The bounds are of shape (L, S * k, H, C).
    """
    horizon = model.horizon
    if model._reads_whole_history:
        return _predict_histories(model, panel, window_cutoffs, levels)
    lengths = np.full(window_cutoffs.size, model._context_rows())
    if levels is not None:
        lengths = np.maximum(lengths, np.minimum(SCALE_ROWS, window_cutoffs.ravel()))
    series_ids = None if panel.ids is None else np.repeat(np.asarray(panel.ids, dtype=object), window_cutoffs.shape[1])
    options = {} if levels is None else {"level": levels}  # forecasters without intervals work too
    if model.future_covariates_:
        columns = [panel.frame.columns.get_loc(column) for column in model.future_covariates_]
        ahead = panel.positions(window_cutoffs, np.arange(horizon))  # (S * k, H)
        future = panel.values[ahead][:, :, columns]  # (S * k, H, F)
    parts = None
    for rows in np.unique(lengths):
        chosen = np.flatnonzero(lengths == rows)
        group = dict(options)
        if model.future_covariates_:
            group["future"] = future[chosen]
        if model.calendar_:
            spanned = panel.positions(window_cutoffs, np.arange(-rows, horizon))[chosen]  # (n, rows + H)
            group["times"] = np.asarray(panel.timestamps(spanned)).reshape(spanned.shape)
        # Windows of this length only (the others may reach back before their series), gathered once.
        windows = panel.windows(window_cutoffs, rows, chosen)  # (n, rows, C+P+F)
        ids = None if series_ids is None else series_ids[chosen]
        predicted = model.predict_windows(windows, series_ids=ids, **group)
        predicted = (predicted,) if levels is None else predicted  # forecasts, then (L, n, H, C) bounds
        if parts is None:
            parts = [np.empty((*part.shape[:-3], len(lengths), *part.shape[-2:])) for part in predicted]
        for whole, part in zip(parts, predicted):
            whole[..., chosen, :, :] = part
    return parts


def _predict_histories(model, panel, window_cutoffs, levels):
    """As `_predict_windows`, for a model that reads each series from its first row up to the cutoff."""
    starts = np.repeat(panel.starts, window_cutoffs.shape[1])
    histories = [panel.values[start : start + cutoff] for start, cutoff in zip(starts, window_cutoffs.ravel())]
    options = {} if levels is None else {"level": levels}
    if panel.ids is not None:
        options["series_ids"] = list(np.repeat(np.asarray(panel.ids, dtype=object), window_cutoffs.shape[1]))
    if model._reads_covariates and model.future_covariates_:
        columns = [panel.frame.columns.get_loc(column) for column in model.future_covariates_]
        ahead = panel.positions(window_cutoffs, np.arange(model.horizon))  # (S * k, H)
        options["future"] = panel.values[ahead][:, :, columns]  # (S * k, H, F)
    predicted = model.predict_windows(histories, **options)
    return [predicted] if levels is None else list(predicted)


def _results_frame(panel, cutoffs, horizon, targets, forecasts, levels):
    """The long results: one row per (series, window, timestamp, target), bounds after every model's forecasts."""
    n_series, n_windows = cutoffs.shape
    n_targets = len(targets)
    target_columns = [panel.frame.columns.get_loc(name) for name in targets]
    first_rows = panel.starts[:, None] + cutoffs  # (S, W) first forecast row of each window
    target_rows = first_rows[:, :, None] + np.arange(horizon)  # (S, W, H)
    per_window = horizon * n_targets
    columns = {}
    if panel.ids is not None:
        columns[panel.id_name] = pd.Index(panel.ids).repeat(n_windows * per_window)
    columns["cutoff"] = panel.timestamps(first_rows - 1).repeat(per_window)
    columns[panel.time_name] = panel.timestamps(target_rows).repeat(n_targets)
    columns["target"] = np.tile(np.asarray(targets, dtype=object), n_series * n_windows * horizon)
    actual = panel.values[target_rows][..., target_columns]  # (S, W, H, C)
    columns["actual"] = actual.astype(np.float64).ravel()
    for name, predicted in forecasts.items():
        columns[name] = (predicted if levels is None else predicted[0]).ravel()
    if levels is not None:
        for name, (_, lower, upper) in forecasts.items():
            for position, level in enumerate(levels):
                columns[interval_column(name, "lo", level)] = lower[position].ravel()
                columns[interval_column(name, "hi", level)] = upper[position].ravel()
    return pd.DataFrame(columns)
