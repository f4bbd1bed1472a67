"""``forecast fit`` and ``forecast predict``: train a model on a CSV file, and forecast the steps after it."""

from __future__ import annotations

import time

import click

from ..registry import MODEL_NAMES, MODELS
from .files import EpochPrinter, data_summary, forecast_csv, read_data
from .options import (
    DEFAULT_MODEL_PATH,
    FILL_CHOICES,
    MAX_SEED,
    SEED_RANGE,
    column_names,
    covariate_options,
    data_options,
    id_col_option,
    output_path,
    quiet_option,
    resample_options,
    series_option,
    series_to_draw,
    window_options,
)


@click.command()
@click.argument("data", type=click.Path(dir_okay=False))
@data_options
@covariate_options
@window_options
@click.option(
    "--model",
    "model_name",
    type=click.Choice(MODEL_NAMES),
    default="gru",
    show_default=True,
    help="rnn is the Elman network; lstm and gru the gated cells; the rest are baselines.",
)
@click.option("--epochs", type=click.IntRange(min=1), help="Most training epochs (default: 100, with early stopping).")
@click.option(
    "--max-steps",
    type=click.IntRange(min=1),
    help="Most optimiser steps of a neural model's whole fit (default: no bound beyond --epochs); "
    "bounds the time a fit on a large panel takes.",
)
@click.option(
    "--seed",
    type=SEED_RANGE,
    default=0,
    show_default=True,
    help=f"Random seed, 0 to {MAX_SEED}; the same seed gives the same model.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=DEFAULT_MODEL_PATH,
    show_default=True,
    callback=output_path,
    help="Where to write the model file.",
)
@id_col_option
@quiet_option
def fit(
    data,
    date_col,
    targets,
    freq,
    fill,
    date_format,
    encoding,
    resample,
    agg,
    covariates,
    lookback,
    horizon,
    season_length,
    model_name,
    epochs,
    max_steps,
    seed,
    output,
    id_col,
    quiet,
):
    """Train a model on DATA and save it, with everything `forecast predict` needs.

    The last 20% of the rows are a validation tail: neural models stop early
    on it, and the metrics printed at the end are measured on it (on the
    targets only: covariates are inputs, never forecast).
    """
    from ..modelfile.outputs import check_output_paths
    from ..neural.distributed import is_primary
    from .reports import choice_report, interval_report, validation_report

    check_output_paths({"--output": output}, {"DATA": data})
    # Under torchrun every process trains; only rank 0 prints and writes the model file.
    echo = click.echo if is_primary() else (lambda *args, **kwargs: None)
    quiet = quiet or not is_primary()
    frame, series_freq, lookback, horizon = read_data(
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
        [model_name],
    )
    spec = MODELS[model_name]
    estimator = spec.build(
        lookback=lookback,
        horizon=horizon,
        season_length=season_length,
        max_epochs=epochs,
        max_steps=max_steps,
        random_state=seed,
        **covariates,
    )
    echo(data_summary(data, frame, series_freq, lookback, horizon, model_name, covariates))
    started = time.perf_counter()
    if spec.neural:
        with EpochPrinter(estimator.max_epochs, quiet) as on_epoch_end:
            estimator.fit(frame, on_epoch_end=on_epoch_end)
    else:
        estimator.fit(frame)
    seconds = time.perf_counter() - started
    epochs_run = f", {len(estimator.history_)} epochs" if spec.neural else ""
    echo(f"trained in {seconds:.1f} s{epochs_run}")
    if getattr(estimator, "lookbacks_tried_", None):  # a neural model's window, chosen on validation
        tried = ", ".join(map(str, estimator.lookbacks_tried_))
        echo(f"lookback {estimator.lookback_}, chosen on validation among {tried}")
    if getattr(estimator, "dropped_covariates_", None):  # a neural model's drivers that did not help on validation
        echo(f"covariates dropped on validation: {', '.join(map(str, estimator.dropped_covariates_))}")
    if hasattr(estimator, "choice_"):  # the automatic choice: its own backtest is its validation
        echo(choice_report(estimator))
    else:
        echo(validation_report(estimator, frame, lookback=lookback, neural=spec.neural, season_length=season_length))
    echo(interval_report(estimator))
    estimator.save(output)  # last: a failure before this point leaves no model file
    echo(f"model saved to {output}")


@click.command()
@click.argument("data", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--model",
    "model_path",
    type=click.Path(dir_okay=False),
    default=DEFAULT_MODEL_PATH,
    show_default=True,
    help="A model file written by `forecast fit`.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    callback=output_path,
    help="CSV file to write (default: standard output).",
)
@click.option(
    "--date-col", callback=column_names, help="DATA's date column (default: the one the model was trained with)."
)
@click.option(
    "--fill",
    type=click.Choice(FILL_CHOICES),
    help="Fill missing values in DATA and the --future file instead of refusing them.",
)
@resample_options[0]
@resample_options[1]
@click.option(
    "--horizon",
    "steps",
    type=click.IntRange(min=1),
    help="Forecast this many steps, up to the horizon the model was trained for (default: all of them).",
)
@click.option(
    "--decimals",
    type=click.IntRange(0, 15),
    help="Decimals of the forecast values (default: as many as the training data's values have, one at least; "
    "seven significant digits for values measured to more than six decimals).",
)
@series_option("the first")
@click.option("--date-format", help="strftime format of DATA's dates, such as %d/%m/%Y (default: detected).")
@click.option("--encoding", help="Text encoding of DATA, such as latin-1 (default: detected).")
@click.option(
    "--freq",
    help="Read DATA at this pandas frequency (default: the model's); data at another frequency than the model's "
    "is refused.",
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False),
    callback=output_path,
    help="Also draw history and forecast (and intervals, with --level) to this image (PNG, SVG or PDF).",
)
@click.option(
    "--level",
    type=click.FloatRange(0, 100, min_open=True, max_open=True),
    multiple=True,
    help="Add a prediction interval of this coverage in percent, e.g. 80 (repeatable).",
)
@click.option(
    "--future",
    "future_path",
    type=click.Path(dir_okay=False),
    help="CSV of the future-known covariates at the forecast timestamps: the date column (and the id column of "
    "many series, or none to give every series the same values) and the model's --future-covariate columns, "
    "one row per forecast step.",
)
def predict(
    data,
    model_path,
    output,
    date_col,
    fill,
    resample,
    agg,
    steps,
    decimals,
    series_ids,
    date_format,
    encoding,
    freq,
    plot,
    level,
    future_path,
):
    """Forecast the steps after the training data, or after the end of DATA.

    Writes CSV: the future timestamps first (after the series id for a model
    trained with --id-col), then one column per target, then with --level the
    bounds TARGET-lo-LEVEL and TARGET-hi-LEVEL of each target and level. DATA
    must have the columns the model was trained on, covariates included. A
    model trained with --future-covariate needs their values at the forecast
    timestamps from --future FUTURE.csv. --plot draws the targets (the first
    six) of the first series, or of those named by --series, with the
    intervals as bands.

    Timestamps are written in the style of the training data (2016Q1,
    1979-01, 2020-W05, dates without a time of day where it has none), or of
    DATA when given; values with the data's decimals (one at least).
    """
    from ..errors import ModelFileError
    from ..modelfile.load import load
    from ..modelfile.outputs import atomic_write, check_output_paths, staged_outputs

    check_output_paths(
        {"--output": output, "--plot": plot}, {"DATA": data, "--model": model_path, "--future": future_path}
    )
    estimator = load(model_path)  # a missing or unreadable file is refused before the heavier imports below
    from ..forecasters.base import BaseForecaster
    from ..reading.csvfile import read_csv, require_columns

    if not isinstance(estimator, BaseForecaster):
        raise ModelFileError(
            f"{model_path}: holds a window-level {type(estimator).__name__}, not a forecaster; "
            "train one with `forecast fit`"
        )
    if data is None:
        history = None
    else:
        if estimator.id_name_ is not None:  # the model fixes the id column: predict has no --id-col
            require_columns(
                data,
                [estimator.id_name_],
                "the series id column the model was fitted with",
                encoding,
                fix="give a file with that column, or fit a model on this file",
            )
        require_columns(data, estimator.data_columns_, "which the model reads", encoding)
        history = read_csv(
            data,
            date_col=date_col or estimator.index_name_,
            targets=estimator.data_columns_,
            freq=freq or (None if resample else estimator.freq_),  # --resample sets the frequency itself
            fill=fill,
            id_col=estimator.id_name_,
            date_format=date_format,
            encoding=encoding,
            resample=resample,
            agg=agg,
        )
    future = _future_covariates(estimator, future_path, date_col, fill, date_format, encoding)
    levels = list(level) or None
    forecast = estimator.predict(history, future=future, level=levels, horizon=steps)
    index_label = None if estimator.id_name_ else estimator.index_name_ or "date"
    date_style = getattr(estimator, "date_style_", None) if history is None else history.attrs.get("date_style")
    text = forecast_csv(forecast, index_label, date_style, _column_decimals(estimator, forecast.columns, decimals))
    drawn = None
    if plot:
        known = None if estimator.id_name_ is None else list(forecast.index.get_level_values(0).unique())
        drawn = series_to_draw(known, series_ids, first=1, where="the forecast")
    with staged_outputs():  # the CSV and the plot change together, or neither does
        if output is not None:
            with atomic_write(output, "w") as handle:
                handle.write(text)
        if plot:
            _plot_forecast(estimator, history, forecast, future, drawn, plot, levels)
    if output is None:
        click.echo(text, nl=False)


# Targets (and drivers) drawn by predict --plot: a model of hundreds draws the first ones, and says so.
_MAX_PLOTTED_TARGETS = 6


def _column_decimals(estimator, columns, decimals):
    """``{column: decimals or None}`` of the forecast's columns: --decimals, else from the model's data."""
    if decimals is not None:
        return dict.fromkeys(columns, decimals)
    from ..reading.styles import output_decimals

    stored = getattr(estimator, "value_decimals_", None)
    if stored is None:  # a model file of an earlier release: values as pandas writes them
        return {}
    of_target = dict(zip(estimator.columns_, stored))
    return {
        column: output_decimals(of_target[column.split("-lo-")[0].split("-hi-")[0]])
        if column.split("-lo-")[0].split("-hi-")[0] in of_target
        else None
        for column in columns
    }


def _plot_forecast(estimator, history, forecast, future, drawn, plot, levels):
    """Draw the chosen series: history (of DATA, or kept in the model file), forecast, and drivers given by --future."""
    from .plots import plot_forecast

    drawn_ids, series_note = drawn
    targets, target_note = _first_ones(list(estimator.columns_), "targets")
    drivers, driver_note = _first_ones(list(estimator.future_covariates_) if future is not None else [], "drivers")
    rows = estimator._recent_rows()  # as many as a fitted model keeps
    panels = []
    for series_id in drawn_ids:
        if history is None:
            shown = estimator.context_frame(series_id)
        else:
            shown = history if series_id is None else history.loc[series_id]
        ahead = None
        if drivers:  # a --future file without ids gives every series the same values
            ahead = future.loc[series_id] if future.index.nlevels == 2 else future
        drawn_forecast = forecast if series_id is None else forecast.loc[series_id]
        if ahead is not None:
            ahead = ahead.reindex(drawn_forecast.index)
        panels.append((series_id, shown.iloc[-rows:], drawn_forecast, ahead))
    notes = [note for note in (series_note, target_note, driver_note) if note]
    title = f"Forecast by {type(estimator).__name__}" + (f": {', '.join(notes)}" if notes else "")
    plot_forecast(panels, plot, title=title, level=levels, columns=targets, drivers=drivers)


def _first_ones(names, noun):
    """The first `_MAX_PLOTTED_TARGETS` names, and ``"N of M <noun> drawn"`` (also on stderr) when some are left out."""
    if len(names) <= _MAX_PLOTTED_TARGETS:
        return names, None
    note = f"{_MAX_PLOTTED_TARGETS} of {len(names)} {noun} drawn"
    click.echo(f"{note}, the first ones", err=True)
    return names[:_MAX_PLOTTED_TARGETS], note


def _future_covariates(estimator, future_path, date_col, fill, date_format, encoding):
    """The --future file's future-known covariates, read as the model's data was; None without --future.

    The rows are read at the model's frequency: a horizon of one step has one row, whose step cannot be inferred.
    For a many-series model, a file without the id column gives every series the same values.
    """
    from ..reading.csvfile import read_csv, require_columns

    if future_path is None:
        return None
    if not estimator.future_covariates_:
        raise click.BadParameter(
            "the model was trained without --future-covariate, so it needs no future values; leave --future out",
            param_hint="--future",
        )
    columns = require_columns(
        future_path, estimator.future_covariates_, "a future-known input of the model, at every forecast step", encoding
    )
    id_col = estimator.id_name_ if estimator.id_name_ in columns else None  # without ids: shared by every series
    return read_csv(
        future_path,
        date_col=date_col or estimator.index_name_,
        targets=estimator.future_covariates_,
        freq=estimator.freq_,
        fill=fill,
        id_col=id_col,
        date_format=date_format,
        encoding=encoding,
    )
