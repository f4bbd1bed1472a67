"""Figures: a forecast after its history, a comparison of models, a backtest. Draws only, never trains.

Figures are drawn on matplotlib's `Figure` directly (no pyplot, no GUI
backend) and written by `forecast.modelfile.outputs.atomic_write` in the format that the
path's extension names: one of `FIGURE_FORMATS`.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..forecasters.intervals import interval_column
from ..modelfile.outputs import atomic_write

FIGURE_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def plot_forecast(panels, path, *, title="Forecast", level=None, columns=None, drivers=()):
    """Draw each series' recent history and its forecast to ``path``, one panel per series and column.

    Parameters
    ----------
    panels : list of (series id or None, DataFrame, DataFrame, DataFrame or None)
        Per series drawn: its recent rows; its forecast of the target columns
        with, for each level in ``level``, the ``<column>-lo-<level>`` and
        ``<column>-hi-<level>`` bounds (as `predict(level=...)` returns them);
        and the future values of ``drivers`` at the forecast timestamps, or
        None to draw no driver.
    path : str or path-like
        PNG, SVG or PDF, by its extension.
    title : str
    level : list of float, optional
        The levels whose bounds are drawn as bands, the widest lightest.
    columns : list, optional
        The columns drawn; by default every forecast column of the history.
    drivers : list, optional
        Future-known covariates drawn under each series' targets, one panel
        each on the same time axis: their history, then their future values.

    Returns
    -------
    matplotlib.figure.Figure
        The figure written.
    """
    rows = []
    for series_id, history, forecast, future in panels:
        rows += [
            (series_id, history, forecast, column, False)
            for column in (columns or history.columns)
            if column in forecast.columns and column in history.columns
        ]
        if future is not None:
            rows += [(series_id, history, future, column, True) for column in drivers]
    is_driver = [row[-1] for row in rows]
    heights = [0.6 if driver else 1.0 for driver in is_driver]
    figure = Figure(figsize=(10, 2.6 * sum(heights) + 0.6), layout="constrained")
    axes = figure.subplots(len(rows), 1, squeeze=False, height_ratios=heights)[:, 0]
    first_axis = {}  # each series' panels share its time axis
    for axis, (series_id, history, forecast, column, driver) in zip(axes, rows):
        shared = first_axis.setdefault(series_id, axis)
        if shared is not axis:
            axis.sharex(shared)
        name = str(column) if series_id is None else f"{series_id}: {column}"
        if driver:
            _draw_driver(axis, history[column], forecast[column])
            _label(axis, history.index, name)
            continue
        axis.plot(*_broken_at_gaps(history.index, history[column].to_numpy()), color="0.3", label="history")
        for shade, band_level in enumerate(sorted(level or (), reverse=True)):
            lower, upper = (forecast[interval_column(column, side, band_level)] for side in ("lo", "hi"))
            alpha = 0.15 + 0.2 * shade / max(len(level) - 1, 1)
            axis.fill_between(
                forecast.index,
                lower,
                upper,
                color="tab:red",
                alpha=alpha,
                linewidth=0,
                label=f"{band_level:g}% interval",
            )
        axis.plot(forecast.index, forecast[column], color="tab:red", marker="o", markersize=3, label="forecast")
        axis.axvline(history.index[-1], color="0.6", linestyle=":", linewidth=1)
        _label(axis, history.index, name)
    axes[0].set_title(title)
    axes[0].legend(loc="upper left")
    if any(is_driver):
        axes[is_driver.index(True)].legend(loc="upper left", fontsize="small")
    _save(figure, path)
    return figure


def _draw_driver(axis, history, future):
    """A future-known covariate: its history, then the future values given for the forecast (from the last row)."""
    axis.plot(*_broken_at_gaps(history.index, history.to_numpy()), color="tab:green", alpha=0.7, label="history")
    axis.plot(
        [history.index[-1], *future.index],
        [history.iloc[-1], *future.to_numpy()],
        color="tab:green",
        linestyle="--",
        marker="o",
        markersize=3,
        label="future values (--future)",
    )
    axis.axvline(history.index[-1], color="0.6", linestyle=":", linewidth=1)


def model_colors(labels):
    """A distinct colour per model label: matplotlib's ten, then twenty, then evenly spaced hues."""
    from matplotlib import colormaps

    labels = list(labels)
    if len(labels) <= 10:
        return {label: f"C{number}" for number, label in enumerate(labels)}
    if len(labels) <= 20:
        return {label: colormaps["tab20"](number) for number, label in enumerate(labels)}
    hues = colormaps["hsv"](np.linspace(0, 1, len(labels), endpoint=False))
    return {label: tuple(hue) for label, hue in zip(labels, hues)}


def _broken_at_gaps(index, values):
    """``(x, y)`` to draw with a break (NaN) where a step is over 1.5 times the usual one: closed nights, weekends."""
    if len(index) < 3 or not np.issubdtype(np.asarray(index).dtype, np.datetime64):
        return index, values
    steps = np.diff(np.asarray(index, dtype="datetime64[ns]").astype(np.int64))
    gaps = np.flatnonzero(steps > 1.5 * np.median(steps))
    if not len(gaps):
        return index, values
    x = np.insert(np.asarray(index, dtype="datetime64[ns]"), gaps + 1, np.datetime64("NaT"))
    y = np.insert(np.asarray(values, dtype=float), gaps + 1, np.nan)
    return x, y


def plot_comparison(frame, held_out, runs, path, *, channel=0, context=None):
    """Each model's forecast of the last held-out window against the actuals, and the training curves.

    Parameters
    ----------
    frame : DataFrame (T, C)
        The whole series; its index gives the x axis.
    held_out : forecast.evaluation.comparison.HeldOut
    runs : list of forecast.evaluation.comparison.Run
        The first run of each model is drawn.
    channel : int
        Which of the models' targets to draw (covariates are not forecast).
    context : int, optional
        History rows shown before the window; by default three horizons.
    """
    column = runs[0].targets[channel]
    start = int(held_out.target_starts[-1])
    horizon = held_out.horizon
    context = context or 3 * horizon
    figure = Figure(figsize=(11, 8), layout="constrained")
    forecast_axis, curve_axis = figure.subplots(2, 1, height_ratios=[3, 2])
    shown = frame.iloc[max(0, start - context) : start + horizon]
    forecast_axis.plot(shown.index, shown[column], color="black", linewidth=2, label="actual")
    future = frame.index[start : start + horizon]
    first_runs = {}
    for run in runs:
        first_runs.setdefault(run.model, run)
    colors = model_colors(first_runs)
    for run in first_runs.values():
        forecast_axis.plot(
            future,
            run.forecasts[-1, :, channel],
            marker=".",
            linewidth=1.2,
            color=colors[run.model],
            label=f"{run.model} (MASE {run.score.mase:.2f})",
        )
    forecast_axis.axvline(frame.index[start - 1], color="0.6", linestyle=":", linewidth=1)
    forecast_axis.set_title(f"Last held-out window of {column!s}: forecasts made at {_when(frame.index[start - 1])}")
    _label(forecast_axis, shown.index, str(column))
    forecast_axis.legend(loc="upper left", fontsize="small", ncols=2)
    for run in first_runs.values():
        losses = [record["validation_loss"] for record in run.history]
        if losses and losses[0] is not None:
            curve_axis.plot(range(1, len(losses) + 1), losses, color=colors[run.model], label=run.model)
    losses = [y for line in curve_axis.lines for y in line.get_ydata()]
    if losses and max(losses) > 10 * min(losses):
        curve_axis.set_yscale("log")
    curve_axis.set_xlabel("epoch")
    curve_axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    curve_axis.set_ylabel("validation MSE (scaled)")
    curve_axis.set_title("Training curves of the neural models (early-stopping tail)")
    if curve_axis.lines:
        curve_axis.legend(loc="upper right", fontsize="small")
    curve_axis.grid(alpha=0.3)
    _save(figure, path)


def plot_backtest(results, y, path, *, models=None, n_series=3, series_ids=None, context=None, title=None):
    """Error by horizon step of each model, and its forecasts of the last window of a few series.

    Parameters
    ----------
    results : DataFrame
        What `forecast.backtest` returns.
    y : DataFrame, Series or array-like
        The data the backtest ran on; the history before each drawn window comes from it.
    path : str or path-like
        PNG, SVG or PDF, by its extension.
    models : dict of {str: str}, optional
        ``{label: results column}`` of the forecasts to draw; by default every model column.
    n_series : int, default=3
        Series drawn without ``series_ids``: the first ones of the results, each with the first target.
    series_ids : list, optional
        The series drawn, of those the results hold (a series too short for the windows has none).
    context : int, optional
        History rows shown before a window; by default three horizons.
    title : str, optional
        Above the whole figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure written.
    """
    from ..evaluation.scores import results_columns
    from ..reading.panel import as_panel

    id_col, time_col, model_cols, _ = results_columns(results)
    models = models or {name: name for name in model_cols}
    colors = model_colors(models)
    target = results["target"].iloc[0]
    rows = results[results["target"] == target]
    if id_col is None:
        series_ids = [None]
    elif series_ids is None:
        series_ids = list(rows[id_col].unique()[:n_series])
    else:
        series_ids = [series_id for series_id in series_ids if series_id in set(rows[id_col])]
    figure = Figure(figsize=(11, 3.2 + 2.6 * len(series_ids)), layout="constrained")
    heights = [1.2] + [1] * len(series_ids)
    step_axis, *series_axes = figure.subplots(1 + len(series_ids), 1, squeeze=False, height_ratios=heights)[:, 0]
    if title:
        figure.suptitle(title)
    _draw_error_by_step(step_axis, results, id_col, models, colors)
    panel = as_panel(y)
    for axis, series_id in zip(series_axes, series_ids):
        window = rows if id_col is None else rows[rows[id_col] == series_id]
        window = window[window["cutoff"] == window["cutoff"].iloc[-1]]
        history = _history(panel, series_id, list(panel.frame.columns).index(target), window["cutoff"].iloc[0])
        shown = history.iloc[-(context or 3 * len(window)) :]
        axis.plot(*_broken_at_gaps(shown.index, shown.to_numpy()), color="0.45", linewidth=1.2, label="history")
        # The actuals continue the history line from the cutoff on.
        actual_times = [shown.index[-1], *window[time_col]]
        axis.plot(actual_times, [shown.iloc[-1], *window["actual"]], color="black", linewidth=2, label="actual")
        for label, column in models.items():
            axis.plot(window[time_col], window[column], color=colors[label], marker=".", linewidth=1.2, label=label)
        axis.axvline(shown.index[-1], color="0.6", linestyle=":", linewidth=1)
        where = "" if series_id is None else f"series {series_id}, "
        axis.set_title(f"{where}last window: forecasts made at {_when(shown.index[-1])}", fontsize="medium")
        _label(axis, shown.index, str(target))
    legend_axis = series_axes[0] if series_axes else step_axis
    figure.legend(*legend_axis.get_legend_handles_labels(), loc="outside right upper", fontsize="small")
    _save(figure, path)
    return figure


def _draw_error_by_step(axis, results, id_col, models, colors):
    """MAE of each model at each horizon step, over every series, window and target."""
    window_keys = [name for name in (id_col, "cutoff", "target") if name is not None]
    step = results.groupby(window_keys, sort=False).cumcount().to_numpy() + 1  # results rows are in time order
    for label, column in models.items():
        errors = (results[column] - results["actual"]).abs().groupby(step).mean()
        axis.plot(errors.index, errors.to_numpy(), color=colors[label], marker="o", markersize=3, label=label)
    axis.set_xlabel("steps ahead")
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.set_ylabel("MAE (data units)")
    axis.set_title("Error by horizon step, over every window and series")
    axis.grid(alpha=0.3)


def _history(panel, series_id, channel, cutoff):
    """One channel of a series up to and including the timestamp ``cutoff``, as a Series by timestamp."""
    number = 0 if series_id is None else panel.ids.index(series_id)
    rows = np.arange(panel.starts[number], panel.starts[number] + panel.lengths[number])
    timestamps = panel.timestamps(rows)
    seen = timestamps.get_loc(cutoff) + 1
    return pd.Series(panel.values[rows[:seen], channel], index=timestamps[:seen])


def _when(label):
    """A timestamp without a midnight time of day, or an integer step, as text."""
    if hasattr(label, "strftime"):
        return label.strftime("%Y-%m-%d" if label == label.normalize() else "%Y-%m-%d %H:%M")
    return f"step {label}"


def _label(axis, index, ylabel):
    if np.issubdtype(np.asarray(index).dtype, np.datetime64):
        locator = AutoDateLocator()
        axis.xaxis.set_major_locator(locator)
        axis.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        axis.set_xlabel("date")
    else:
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.set_xlabel("step")
    axis.set_ylabel(ylabel)
    axis.grid(alpha=0.3)


def figure_format(path):
    """The format a figure written to ``path`` takes, from its extension.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    str
        ``"png"``, ``"svg"`` or ``"pdf"``.

    Raises
    ------
    ValueError
        For any other extension, naming the ones allowed.

    Examples
    --------
    >>> figure_format("docs/compare.SVG")
    'svg'
    """
    extension = os.path.splitext(path)[1].lower()
    if extension not in FIGURE_FORMATS:
        raise ValueError(
            f"{str(path)!r} does not end in {', '.join(FIGURE_FORMATS)}; "
            "give the figure a path with one of these extensions"
        )
    return FIGURE_FORMATS[extension]


def _save(figure, path):
    image_format = figure_format(path)  # before anything is written
    with atomic_write(path) as handle:
        figure.savefig(handle, format=image_format, dpi=110)
