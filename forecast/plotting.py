"""Figures: a forecast after its history, and a comparison of models. Draws only, never trains.

Figures are drawn on matplotlib's `Figure` directly (no pyplot, no GUI
backend) and written by `forecast.files.atomic_write` in the format that the
path's extension names: one of `FIGURE_FORMATS`.
"""

from __future__ import annotations

import os

import numpy as np
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from .files import atomic_write
from .intervals import interval_column

FIGURE_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def plot_forecast(history, forecast, path, *, title="Forecast", level=None):
    """Draw each column's recent ``history`` and its ``forecast`` to ``path``, with interval bands.

    Parameters
    ----------
    history : DataFrame
        Recent rows of the series; one panel per column.
    forecast : DataFrame
        The forecast of each of ``history``'s columns, and for each level in
        ``level`` its ``<column>-lo-<level>`` and ``<column>-hi-<level>``
        bounds (as `predict(level=...)` returns them).
    path : str or path-like
        PNG, SVG or PDF, by its extension.
    title : str
    level : list of float, optional
        The levels whose bounds are drawn as bands, the widest lightest.
    """
    columns = list(history.columns)
    figure = Figure(figsize=(10, 2.6 * len(columns) + 0.6), layout="constrained")
    axes = figure.subplots(len(columns), 1, squeeze=False)[:, 0]
    for axis, column in zip(axes, columns):
        axis.plot(history.index, history[column], color="0.3", label="history")
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
        _label(axis, history.index, str(column))
    axes[0].set_title(title)
    axes[0].legend(loc="upper left")
    _save(figure, path)


def plot_comparison(frame, held_out, runs, path, *, channel=0, context=None):
    """Each model's forecast of the last held-out window against the actuals, and the training curves.

    Parameters
    ----------
    frame : DataFrame (T, C)
        The whole series; its index gives the x axis.
    held_out : forecast.comparison.HeldOut
    runs : list of forecast.comparison.Run
        The first run of each model is drawn.
    channel : int
        Which column to draw.
    context : int, optional
        History rows shown before the window; by default three horizons.
    """
    column = frame.columns[channel]
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
    for run in first_runs.values():
        forecast_axis.plot(
            future,
            run.forecasts[-1, :, channel],
            marker=".",
            linewidth=1.2,
            label=f"{run.model} (MASE {run.score.mase:.2f})",
        )
    forecast_axis.axvline(frame.index[start - 1], color="0.6", linestyle=":", linewidth=1)
    forecast_axis.set_title(f"Last held-out window of {column!s}: forecasts made at {_when(frame.index[start - 1])}")
    _label(forecast_axis, shown.index, str(column))
    forecast_axis.legend(loc="upper left", fontsize="small", ncols=2)
    for run in first_runs.values():
        losses = [record["validation_loss"] for record in run.history]
        if losses and losses[0] is not None:
            curve_axis.plot(range(1, len(losses) + 1), losses, label=run.model)
    losses = [y for line in curve_axis.lines for y in line.get_ydata()]
    if losses and max(losses) > 10 * min(losses):
        curve_axis.set_yscale("log")
    curve_axis.set_xlabel("epoch")
    curve_axis.set_ylabel("validation MSE (scaled)")
    curve_axis.set_title("Training curves of the neural models (early-stopping tail)")
    if curve_axis.lines:
        curve_axis.legend(loc="upper right", fontsize="small")
    curve_axis.grid(alpha=0.3)
    _save(figure, path)


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
