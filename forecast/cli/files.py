"""Reading the data a command names, and writing what it produces, each file whole or not at all."""

from __future__ import annotations

import os
import sys
import warnings

import click

from .options import COVARIATE_OPTIONS


def plot_beside_report(plot, report):
    """The figure's path: --plot, or beside --report with the same name, or None."""
    if report and not plot:
        return os.path.splitext(report)[0] + ".png"
    return plot


def relative_plot(plot, report):
    """The figure's path as the report links it: relative to the report's folder."""
    return os.path.relpath(plot, os.path.dirname(os.path.abspath(report))) if plot and report else None


def write_text(path, text):
    from ..modelfile.outputs import atomic_write

    with atomic_write(path, "w") as handle:
        handle.write(text)


def write_csv(path, frame):
    from ..modelfile.outputs import atomic_write

    with atomic_write(path, "w") as handle:
        frame.to_csv(handle, index=False)


def write_outputs(outputs):
    """Write the outputs given a path together, or none of them, then say where each went.

    ``outputs`` is a list of ``(what, path or None, write)``, ``write(path)`` writing one file.
    """
    from ..modelfile.outputs import staged_outputs

    given = [(what, path, write) for what, path, write in outputs if path]
    with staged_outputs():
        for _, path, write in given:
            write(path)
    for number, (what, path, _) in enumerate(given):
        click.echo(("\n" if number == 0 else "") + f"{what} saved to {path}")


def forecast_csv(forecast, index_label, date_style, decimals):
    """A forecast frame as CSV text: timestamps in ``date_style``, each column with its ``decimals``.

    ``decimals`` maps a column to its decimals (None: seven significant digits); a column it does not
    name is written as pandas writes floats. See `forecast.reading.styles`.
    """
    import pandas as pd

    from ..reading.styles import format_timestamps

    table = forecast.reset_index()
    if index_label is not None:
        table = table.rename(columns={table.columns[0]: index_label})
    for name in table.columns[: forecast.index.nlevels]:
        if isinstance(table[name].dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(table[name]):
            table[name] = format_timestamps(pd.DatetimeIndex(table[name]), date_style)
    for name, places in decimals.items():
        pattern = "%.7g" if places is None else f"%.{places}f"
        table[name] = [pattern % value for value in table[name]]
    return table.to_csv(index=False)


def read_data(
    data,
    date_col,
    targets,
    freq,
    fill,
    date_format,
    encoding,
    lookback,
    horizon,
    id_col,
    covariates,
    resample,
    agg,
    models,
):
    """The data file as a frame, its frequency (or observed calendar), and the window: given, or the default.

    With --target, the frame holds the targets and the covariates' columns; without, every numeric column.
    Without --lookback, the lookback of many series is a tuple of choices
    (`forecast.inputs.defaults.lookback_choices`, those a typical series is long enough to try) where
    ``models`` (the names to be run) holds a neural one: neural models choose among them on validation,
    the other models take the first.
    """
    from ..inputs.defaults import default_window, lookback_choices
    from ..reading.csvfile import read_csv
    from ..reading.frames import frequency_of
    from ..registry import MODELS

    named = _covariate_columns(covariates)
    both = [name for name in targets if name in named]
    if both:
        raise click.UsageError(
            f"column {both[0]!r} is named by both --target and {named[both[0]]}; a covariate is an input, "
            "never forecast: name each column once"
        )
    frame = read_csv(
        data,
        date_col=date_col,
        targets=[*targets, *named] if targets else None,
        freq=freq,
        fill=fill,
        id_col=id_col,
        date_format=date_format,
        encoding=encoding,
        resample=resample,
        agg=agg,
    )
    _check_covariates_read(data, frame, named)
    series_freq = frequency_of(frame)
    _drop_calendar_without_periods(data, covariates, series_freq)
    rows = frame.groupby(level=0).size().median() if frame.index.nlevels > 1 else len(frame)  # a typical series
    window, horizon = default_window(series_freq, lookback, horizon, rows)
    many = frame.index.nlevels > 1 and frame.index.get_level_values(0).nunique() > 1
    choices = lookback_choices(window, horizon, rows)
    choose = many and not lookback and len(choices) > 1 and any(MODELS[name].neural for name in models)
    return frame, series_freq, choices if choose else window, horizon


def _covariate_columns(covariates):
    """``{column: option}`` of the covariates named on the command line, in the order given; each named once."""
    named = {}
    for key, option in COVARIATE_OPTIONS.items():
        for name in covariates[key]:
            if name in named:
                raise click.UsageError(
                    f"column {name!r} is named twice, by {named[name]} and {option}; name each covariate once"
                )
            named[name] = option
    return named


def _check_covariates_read(data, frame, named):
    """Refuse a covariate that is not a numeric column of the file (read without --target)."""
    from ..errors import DataError

    missing = [name for name in named if name not in frame.columns]
    if missing:
        raise DataError(
            f"{data}: {named[missing[0]]} {missing[0]!r} is not a numeric column of the file; the numeric "
            f"columns are {', '.join(map(repr, frame.columns))}: name one of them"
        )


def _drop_calendar_without_periods(data, covariates, freq):
    """Warn that --calendar adds nothing to yearly or irregular rows, and leave it out of the models and summary."""
    from ..inputs.features import calendar_periods

    if covariates["calendar"] and not calendar_periods(freq):
        warnings.warn(
            f"{data}: --calendar adds no feature at frequency {freq or 'irregular'}, whose steps are too long for "
            "any calendar period (hour of day, day of week, day or month of year); leave --calendar out"
        )
        covariates["calendar"] = None


def data_summary(path, frame, freq, lookback, horizon, model_name, covariates):
    """One line on the data and the window, a line on the lookbacks networks choose among (where they do), then
    the fill report (see `fill_report`), if anything was filled.

    ``lookback`` is one, or a tuple of choices as `read_data` gives them.
    """
    from ..inputs.defaults import window_of

    n_series = frame.index.get_level_values(0).nunique() if frame.index.nlevels == 2 else None
    series = f"{n_series} series, " if n_series else ""
    model = f", model {model_name}" if model_name else ""
    summary = (
        f"{path}: {series}{len(frame)} rows × {frame.shape[1]} column(s) ({', '.join(map(str, frame.columns))}), "
        f"frequency {freq or 'irregular'}; lookback {window_of(lookback)}, horizon {horizon}{model}"
        f"{_covariates_summary(covariates)}"
    )
    choices = []
    if isinstance(lookback, tuple) and len(lookback) > 1:
        choices = [f"networks choose the lookback on validation among {', '.join(map(str, lookback))}"]
    return "\n".join([summary, *choices, *fill_report(frame)])


def fill_report(frame):
    """Lines on what reading filled and trimmed (``attrs["filled"]``, ``attrs["trimmed"]``), which it then drops.

    One line per series filled (the first five, then a count), and one for the series of a long file whose
    empty rows before the first value or after the last were trimmed.
    """
    filled = frame.attrs.pop("filled", {})
    trimmed = frame.attrs.pop("trimmed", {})
    lines = []
    for number, (series_id, record) in enumerate(filled.items()):
        if number == 5:
            lines.append(f"  ... and {len(filled) - 5} more series filled")
            break
        which = "" if series_id is None else f" of series {series_id!r}"
        lines.append(
            f"filled {record['values']} value(s){which} ({record['share']:.1%}); longest gap "
            f"{record['longest_gap']} step(s) from {record['gap_start']}"
        )
    if trimmed:
        named = ", ".join(
            f"{series_id!r} ({before} before, {after} after)"
            for series_id, (before, after) in list(trimmed.items())[:5]
        )
        more = f" and {len(trimmed) - 5} more" if len(trimmed) > 5 else ""
        lines.append(
            f"trimmed the empty rows before the first value or after the last of {len(trimmed)} series, never "
            f"filled: {named}{more}"
        )
    return lines


def _covariates_summary(covariates):
    """``"; future-known inputs: price; calendar features"``, or nothing for a model without covariates."""
    parts = [
        f"{kind} inputs: {', '.join(map(str, covariates[key]))}"
        for kind, key in (("past", "past_covariates"), ("future-known", "future_covariates"))
        if covariates[key]
    ]
    if covariates["calendar"]:
        parts.append("calendar features")
    return "".join(f"; {part}" for part in parts)


class EpochPrinter:
    """Progress of a training run on stderr: a bar on a terminal, else one line per epoch."""

    def __init__(self, max_epochs, quiet):
        self.max_epochs, self.quiet = max_epochs, quiet
        self.bar = None

    def __enter__(self):
        if not self.quiet and sys.stderr.isatty():
            self.bar = click.progressbar(
                length=self.max_epochs,
                label="training",
                file=sys.stderr,
                show_pos=True,
                show_eta=False,
                item_show_func=lambda text: text,
            )
            self.bar.__enter__()
        return self

    def __call__(self, record):
        validation = record["validation_loss"]
        text = f"epoch {record['epoch']}  train {record['train_loss']:.4f}" + (
            f"  validation {validation:.4f}" if validation is not None else ""
        )
        if self.bar is not None:
            self.bar.update(1, text)
        elif not self.quiet:
            click.echo(text, err=True)

    def __exit__(self, *exc_info):
        if self.bar is not None:
            self.bar.__exit__(*exc_info)
