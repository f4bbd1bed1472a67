"""The ``forecast`` command line: fit, predict, compare and backtest, from a CSV file.

Only click is imported at start-up; pandas and torch are imported inside the
commands, so ``forecast --help`` stays instant. Library errors become one
``Error: ...`` line on stderr with exit code 1 (2 for usage errors) and no
traceback; ``forecast --debug ...`` shows the traceback instead. Warnings are
``Warning: ...`` lines on stderr. Every file is written atomically, so a
failure or Ctrl-C leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import textwrap
import threading
import time
import warnings

import click

from .registry import MODEL_NAMES, MODELS

DEFAULT_MODEL_PATH = "forecast-model.npz"
FILL_CHOICES = ("interpolate", "ffill")


class ForecastGroup(click.Group):
    """A click group whose every failure ends in a single ``Error:`` line on stderr."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        args = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in args or bool(os.environ.get("FORECAST_DEBUG"))
        with _termination_as_interrupt(), warnings.catch_warnings():
            warnings.showwarning = _show_warning
            try:
                code = super().main(args, prog_name or "forecast", complete_var, standalone_mode=False, **extra)
            except click.UsageError as error:
                hint = f" (see '{error.ctx.command_path} --help')" if error.ctx is not None else ""
                _fail(error, f"{error.format_message()}{hint}", error.exit_code, debug)
            except click.ClickException as error:
                _fail(error, error.format_message(), error.exit_code, debug)
            except (click.Abort, KeyboardInterrupt) as error:
                _fail(error, "interrupted; no file was written", 130, debug)
            except Exception as error:  # noqa: BLE001 - the one place that turns failures into messages
                _fail(error, _describe(error), 1, debug)
        sys.exit(code if isinstance(code, int) else 0)


@contextlib.contextmanager
def _termination_as_interrupt():
    """Let SIGTERM and SIGHUP stop a command as Ctrl-C does, so that its temporary files are removed.

    A signal that is ignored (SIGHUP under ``nohup``) stays ignored; previous handlers come back at the end.
    """
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    numbers = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {number: signal.getsignal(number) for number in numbers}
    for number, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(number, _interrupt)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)


def _interrupt(signal_number, frame):
    raise KeyboardInterrupt


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """Show a warning as one ``Warning:`` line on stderr, without the source line that raised it."""
    click.echo(f"Warning: {' '.join(str(message).split())}", err=True)


def _describe(error):
    from .errors import TrainingError

    if isinstance(error, (TrainingError, ValueError)):
        return str(error)
    if isinstance(error, OSError):
        return f"{error.filename or ''}: {error.strerror or error}; check the path and permissions".lstrip(": ")
    return f"unexpected {type(error).__name__}: {error} (run with --debug for the traceback)"


def _fail(error, message, exit_code, debug):
    """Print ``Error: message`` and exit with ``exit_code``; with ``--debug``, re-raise ``error`` instead."""
    if debug:
        raise error
    click.echo(f"Error: {' '.join(str(message).split())}", err=True)
    sys.exit(exit_code)


def _output_path(ctx, param, value):
    """Check, before any work, an output's format (by extension) and that its folder takes files."""
    from .errors import OutputPathError
    from .files import check_output_folder

    if value is None:
        return value
    try:
        if param.name == "plot":
            from .plotting import figure_format

            figure_format(value)
        elif param.name == "report" and not value.lower().endswith(".md"):
            raise OutputPathError(f"{value!r} does not end in .md; the report is Markdown, give it a .md path")
        check_output_folder(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    return value


def main():
    """Console-script entry point."""
    cli.main()


@click.group(cls=ForecastGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
@click.version_option(package_name="forecast")
def cli(debug):
    """Forecast time series from a CSV file: a date column and one or more numeric columns.

    \b
      forecast fit data.csv            train a model (saved to forecast-model.npz)
      forecast predict                 forecast the steps after the training data
      forecast compare data.csv        recurrent nets vs an MLP vs baselines, side by side
      forecast backtest data.csv       rolling-origin backtest: refit, forecast, move on, score
    """


def _with_options(command, options):
    """``command`` with the click ``options``, listed by --help in the order given."""
    for option in reversed(options):
        command = option(command)
    return command


def data_options(command):
    """Options that say how to read the CSV, shared by fit and compare."""
    options = [
        click.option("--date-col", help="The date column (default: detected by name or by its values)."),
        click.option(
            "--target",
            "targets",
            multiple=True,
            help="A column to forecast; repeat for several (default: every numeric column).",
        ),
        click.option(
            "--freq",
            help="Pandas frequency of the rows, such as h, D, B or MS (default: inferred), or 'observed' for rows "
            "that are consecutive steps on a weekly calendar of their own (business hours, say).",
        ),
        click.option(
            "--fill",
            type=click.Choice(FILL_CHOICES),
            help="Fill missing values and timestamps instead of refusing them.",
        ),
        click.option("--date-format", help="strftime format of every date, such as %d/%m/%Y (default: detected)."),
        click.option("--encoding", help="Text encoding of the file, such as latin-1 (default: detected)."),
    ]
    return _with_options(command, options)


# The forecasters' covariate keywords and the options that set them.
COVARIATE_OPTIONS = {"past_covariates": "--past-covariate", "future_covariates": "--future-covariate"}


def covariate_options(command):
    """--future-covariate, --past-covariate and --calendar, shared by fit, compare and backtest.

    The command receives them as one ``covariates`` dict of the forecasters'
    keywords ``past_covariates``, ``future_covariates`` and ``calendar``.
    """

    @functools.wraps(command)
    def with_covariates(*args, past_covariates, future_covariates, calendar, **kwargs):
        covariates = {
            "past_covariates": list(past_covariates),
            "future_covariates": list(future_covariates),
            "calendar": "auto" if calendar else None,
        }
        return command(*args, covariates=covariates, **kwargs)

    options = [
        click.option(
            "--future-covariate",
            "future_covariates",
            multiple=True,
            metavar="COL",
            help="A column known ahead for the forecast rows too (a planned price, a holiday flag, a weather "
            "forecast): read as an input, never forecast; repeat for several. A model fitted with it predicts "
            "from --future FUTURE.csv.",
        ),
        click.option(
            "--past-covariate",
            "past_covariates",
            multiple=True,
            metavar="COL",
            help="A column known up to the forecast origin only: read as an input, never forecast; repeat for several.",
        ),
        click.option(
            "--calendar",
            is_flag=True,
            help="Add calendar features of the data's frequency (hour of day, day of week, day or month of year) "
            "as inputs known ahead, each where the data spans that period twice.",
        ),
    ]
    return _with_options(with_covariates, options)


def window_options(command):
    """--lookback, --horizon and --season-length, shared by fit and compare."""
    options = [
        click.option(
            "--lookback", type=click.IntRange(min=1), help="Past steps each forecast sees (default: twice the horizon)."
        ),
        click.option(
            "--horizon",
            type=click.IntRange(min=1),
            help="Steps to forecast (default: one season, e.g. 12 for monthly or 24 for hourly data; else 5).",
        ),
        click.option(
            "--season-length",
            type=click.IntRange(min=1),
            help="Steps per season for seasonal naive and MASE (default: from the frequency).",
        ),
    ]
    return _with_options(command, options)


id_col_option = click.option(
    "--id-col",
    help="Long format: the column naming each series (e.g. unique_id); one global model is trained on all of them.",
)
epochs_option = click.option(
    "--epochs", type=click.IntRange(min=1), help="Most training epochs of the neural models (default: 100)."
)
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress output.")
level_option = click.option(
    "--level",
    "levels",
    multiple=True,
    type=click.FloatRange(0, 100, min_open=True, max_open=True),
    help="Also forecast a P% prediction interval and score its coverage; repeat for several (--level 80 --level 95).",
)


def seed_options(command):
    """--seed and --seeds, shared by compare and backtest."""
    options = [
        click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="First random seed."),
        click.option(
            "--seeds",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            help="Repeat each neural model over this many seeds and report mean ± std.",
        ),
    ]
    return _with_options(command, options)


def figure_options(plot_help):
    """--plot (with ``plot_help``) and --report, shared by compare and backtest."""

    def decorate(command):
        options = [
            click.option(
                "--plot", type=click.Path(dir_okay=False), callback=_output_path, help=f"{plot_help} (PNG, SVG or PDF)."
            ),
            click.option(
                "--report",
                type=click.Path(dir_okay=False),
                callback=_output_path,
                help="Write the tables and the plot (beside the report unless --plot says where) as Markdown.",
            ),
        ]
        return _with_options(command, options)

    return decorate


@cli.command()
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
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Random seed; the same seed gives the same model.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=DEFAULT_MODEL_PATH,
    show_default=True,
    callback=_output_path,
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
    covariates,
    lookback,
    horizon,
    season_length,
    model_name,
    epochs,
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
    from .comparison import interval_report, validation_report
    from .distributed import is_primary
    from .files import check_output_paths

    check_output_paths({"--output": output}, {"DATA": data})
    # Under torchrun every process trains; only rank 0 prints and writes the model file.
    echo = click.echo if is_primary() else (lambda *args, **kwargs: None)
    quiet = quiet or not is_primary()
    frame, series_freq, lookback, horizon = _read(
        data, date_col, targets, freq, fill, date_format, encoding, lookback, horizon, id_col, covariates
    )
    spec = MODELS[model_name]
    estimator = spec.build(
        lookback=lookback,
        horizon=horizon,
        season_length=season_length,
        max_epochs=epochs,
        random_state=seed,
        **covariates,
    )
    echo(_summary(data, frame, series_freq, lookback, horizon, model_name, covariates))
    started = time.perf_counter()
    if spec.neural:
        with _EpochPrinter(estimator.max_epochs, quiet) as on_epoch_end:
            estimator.fit(frame, on_epoch_end=on_epoch_end)
    else:
        estimator.fit(frame)
    seconds = time.perf_counter() - started
    epochs_run = f", {len(estimator.history_)} epochs" if spec.neural else ""
    echo(f"trained in {seconds:.1f} s{epochs_run}")
    echo(validation_report(estimator, frame, lookback=lookback, neural=spec.neural, season_length=season_length))
    echo(interval_report(estimator))
    estimator.save(output)  # last: a failure before this point leaves no model file
    echo(f"model saved to {output}")


@cli.command()
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
    callback=_output_path,
    help="CSV file to write (default: standard output).",
)
@click.option("--date-col", help="DATA's date column (default: the one the model was trained with).")
@click.option(
    "--fill",
    type=click.Choice(FILL_CHOICES),
    help="Fill missing values in DATA and the --future file instead of refusing them.",
)
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
    callback=_output_path,
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
def predict(data, model_path, output, date_col, fill, date_format, encoding, freq, plot, level, future_path):
    """Forecast the steps after the training data, or after the end of DATA.

    Writes CSV: the future timestamps first (after the series id for a model
    trained with --id-col), then one column per target, then with --level the
    bounds TARGET-lo-LEVEL and TARGET-hi-LEVEL of each target and level. DATA
    must have the columns the model was trained on, covariates included. A
    model trained with --future-covariate needs their values at the forecast
    timestamps from --future FUTURE.csv. --plot draws the targets of the first
    series, with the intervals as bands.
    """
    from .base import BaseForecaster
    from .data import read_csv, require_columns
    from .errors import ModelFileError
    from .files import atomic_write, check_output_paths, staged_outputs
    from .io import load

    check_output_paths(
        {"--output": output, "--plot": plot}, {"DATA": data, "--model": model_path, "--future": future_path}
    )
    estimator = load(model_path)
    if not isinstance(estimator, BaseForecaster):
        raise ModelFileError(
            f"{model_path}: holds a window-level {type(estimator).__name__}, not a forecaster; "
            "train one with `forecast fit`"
        )
    if data is None:
        history = None
    else:
        require_columns(data, estimator.data_columns_, "which the model reads", encoding)
        history = read_csv(
            data,
            date_col=date_col or estimator.index_name_,
            targets=estimator.data_columns_,
            freq=freq or estimator.freq_,
            fill=fill,
            id_col=estimator.id_name_,
            date_format=date_format,
            encoding=encoding,
        )
    future = _future_covariates(estimator, future_path, date_col, fill, date_format, encoding)
    levels = list(level) or None
    forecast = estimator.predict(history, future=future, level=levels)
    index_label = None if estimator.id_name_ else estimator.index_name_ or "date"
    with staged_outputs():  # the CSV and the plot change together, or neither does
        if output is not None:
            with atomic_write(output, "w") as handle:
                forecast.to_csv(handle, index_label=index_label)
        if plot:
            from .plotting import plot_forecast

            series_id = None if estimator.id_name_ is None else forecast.index[0][0]
            if history is None:
                shown = estimator.context_frame(series_id)
            else:
                shown = history if series_id is None else history.loc[series_id]
            drawn = forecast if series_id is None else forecast.loc[series_id]
            title = f"Forecast by {type(estimator).__name__}" + ("" if series_id is None else f", series {series_id}")
            plot_forecast(shown.iloc[-4 * len(drawn) :], drawn, plot, title=title, level=levels)
    if output is None:
        click.echo(forecast.to_csv(index_label=index_label), nl=False)


def _future_covariates(estimator, future_path, date_col, fill, date_format, encoding):
    """The --future file's future-known covariates, read as the model's data was; None without --future.

    The rows are read at the model's frequency: a horizon of one step has one row, whose step cannot be inferred.
    For a many-series model, a file without the id column gives every series the same values.
    """
    from .data import read_csv, require_columns

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


@cli.command()
@click.argument("data", type=click.Path(dir_okay=False))
@data_options
@covariate_options
@window_options
@click.option("--models", default=",".join(MODEL_NAMES), show_default=True, help="Comma-separated models to compare.")
@click.option(
    "--test-size",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.2,
    show_default=True,
    help="Fraction of the rows held out at the end for scoring.",
)
@epochs_option
@seed_options
@click.option("--lookbacks", help="Comma-separated lookbacks to sweep for gru and mlp, e.g. 5,10,20,50.")
@level_option
@id_col_option
@figure_options("Draw forecasts against actuals, and training curves (error by horizon step with --id-col)")
@quiet_option
def compare(
    data,
    date_col,
    targets,
    freq,
    fill,
    date_format,
    encoding,
    covariates,
    lookback,
    horizon,
    season_length,
    models,
    test_size,
    epochs,
    seed,
    seeds,
    lookbacks,
    levels,
    id_col,
    plot,
    report,
    quiet,
):
    """Fit every model on the same split of DATA and score all on the same held-out windows.

    The table is sorted by MASE; MSE and MAE are on the series standardised
    with the training rows. Parameter sharing over time is what recurrence
    adds over the MLP: --lookbacks shows whether it pays on this data.

    --level P adds, per level, the percentage of held-out values inside the
    P% intervals (coverage-P), their mean width in the data's units (width-P)
    and M4's MSIS, scaled like MASE (msis-P). A model that kept too few rows
    out of sample to calibrate a level stops the comparison with an error that
    names it and the highest level it can give, rather than a blank cell.

    With --id-col (many series), one global model per kind is fitted on every
    series up to its held-out tail and forecasts the tail in windows of the
    horizon, as `forecast backtest --refit 0` does; MSE and MAE are then in
    the data's units.
    """
    from . import comparison
    from .data import season_length_for
    from .files import check_output_paths

    plot = _plot_beside_report(plot, report)
    check_output_paths({"--plot": plot, "--report": report}, {"DATA": data})
    names = _model_list(models)
    sweep = _int_list(lookbacks, "--lookbacks") if lookbacks else []
    if sweep and id_col:
        raise click.UsageError("--lookbacks sweeps the windows of a single series; leave it out with --id-col")
    frame, series_freq, lookback, horizon = _read(
        data, date_col, targets, freq, fill, date_format, encoding, lookback, horizon, id_col, covariates
    )
    click.echo(_summary(data, frame, series_freq, lookback, horizon, None, covariates))
    # The sweep's hold-out first: a lookback too long for the series stops the command before any fit.
    sweep_held_out = comparison.sweep_hold_out(frame, sweep, horizon, test_size, season_length) if sweep else None

    def announce(model, run_seed):
        if not quiet:
            click.echo(f"  fitting {model}" + ("" if run_seed is None else f" (seed {run_seed})"), err=True)

    settings = {"lookback": lookback, "horizon": horizon, "models": names, "held_out_size": test_size}
    settings.update(seeds=seeds, seed=seed, max_epochs=epochs, on_run=announce, covariates=covariates)
    settings["level"] = _levels(levels)
    if id_col:
        season = season_length or season_length_for(series_freq)
        results, rows, model_of = comparison.compare_many(frame, season_length=season, **settings)
        n_windows = comparison.held_out_windows(frame, test_size, horizon)
        description = (
            f"held out: the last {n_windows * horizon} rows of each series, {_count(n_windows, 'window')} of "
            f"{horizon} steps forecast by one fit on the rows before them; MSE and MAE in the data's units; "
            f"MASE season {season}"
        )
        table = comparison.score_table(rows, comparison.compare_many_columns(rows))
        _report_scores("compare", data, frame, results, model_of, description, table, plot=plot, report=report)
        return
    held_out, runs = comparison.compare(frame, season_length=season_length, **settings)
    table = comparison.format_table(comparison.summarise(runs), seeds > 1)
    click.echo(
        f"\nheld out: the last {len(frame) - held_out.train_rows} rows, {len(held_out.target_starts)} windows "
        f"of {horizon} steps; MASE season {held_out.season_length}\n"
    )
    click.echo(table)
    sweep_table = ""
    if sweep:
        sweep_table = comparison.lookback_sweep(
            frame,
            sweep,
            sweep_held_out,
            max_epochs=epochs,
            seed=seed,
            on_run=announce,
            covariates=covariates,
        )
        click.echo("\n" + sweep_table)

    def draw(path):
        from .plotting import plot_comparison

        plot_comparison(frame, held_out, runs, path)

    report_text = comparison.markdown_report(data, frame, held_out, table, sweep_table, _relative_plot(plot, report))
    _write_outputs(
        [
            ("plot", plot, draw),
            ("report", report, lambda path: _write_text(path, report_text)),
        ]
    )


@cli.command("backtest")
@click.argument("data", type=click.Path(dir_okay=False))
@data_options
@covariate_options
@window_options
@click.option(
    "--model",
    "model_names",
    multiple=True,
    type=click.Choice(MODEL_NAMES),
    help="A model to backtest; repeat for several (default: every model).",
)
@click.option(
    "--windows",
    "n_windows",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Forecast origins; the last window ends at the last row.",
)
@click.option(
    "--step",
    type=click.IntRange(min=1),
    help="Rows between consecutive origins (default: the horizon, so that the windows tile the end of the data).",
)
@click.option(
    "--refit",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Fit afresh every K windows; 0 fits once, on the rows before the first window.",
)
@id_col_option
@epochs_option
@seed_options
@level_option
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    callback=_output_path,
    help="Write every forecast as CSV: [id,] cutoff, date, target, actual, one column per model.",
)
@figure_options("Draw the error by horizon step and the last window's forecasts of up to three series")
@quiet_option
def backtest_command(
    data,
    date_col,
    targets,
    freq,
    fill,
    date_format,
    encoding,
    covariates,
    lookback,
    horizon,
    season_length,
    model_names,
    n_windows,
    step,
    refit,
    id_col,
    epochs,
    seed,
    seeds,
    levels,
    output,
    plot,
    report,
    quiet,
):
    """Rolling-origin backtest of models on DATA: fit on the past, forecast the next horizon, move on, repeat.

    Window k of N forecasts the horizon rows after its cutoff with models
    that saw only the rows up to it; the last window ends at the last row.
    The table scores every model over all windows (and series): means of
    MSE, MAE (in the data's units), MASE and sMAPE, the median MASE, MASE
    relative to the seasonal naive forecast and how often the model beats it,
    and OWA against M4's Naive2 for many series.
    """
    from . import comparison
    from .data import season_length_for
    from .evaluation import evaluate
    from .files import check_output_paths

    plot = _plot_beside_report(plot, report)
    check_output_paths({"--output": output, "--plot": plot, "--report": report}, {"DATA": data})
    frame, series_freq, lookback, horizon = _read(
        data, date_col, targets, freq, fill, date_format, encoding, lookback, horizon, id_col, covariates
    )
    click.echo(_summary(data, frame, series_freq, lookback, horizon, None, covariates))
    season = season_length or season_length_for(series_freq)
    templates, model_of = comparison.backtest_models(
        model_names or MODEL_NAMES,
        lookback=lookback,
        horizon=horizon,
        season_length=season_length,
        max_epochs=epochs,
        seed=seed,
        seeds=seeds,
        covariates=covariates,
    )

    def announce(column, window):
        if not quiet:
            click.echo(f"  fitting {column} for window {window + 1} of {n_windows}", err=True)

    results, seconds = comparison.timed_backtest(
        templates, frame, n_windows=n_windows, step=step, refit=refit, level=_levels(levels), on_fit=announce
    )
    rows = comparison.summarise_scores(evaluate(results, frame, season_length=season), model_of, seconds)
    description = _backtest_description(rows[0], n_windows, horizon, step or horizon, refit, season, seeds)
    table = comparison.score_table(rows, comparison.backtest_columns(rows))
    _report_scores(
        "backtest", data, frame, results, model_of, description, table, plot=plot, report=report, output=output
    )


def _backtest_description(row, n_windows, horizon, step, refit, season, seeds):
    """What the backtest table scores, in a few sentences."""
    fits = {0: "each model fitted once, before the first window", 1: "each model refitted at every window"}
    spread = f", ± std over {seeds} seeds" if seeds > 1 else ""
    owa = " OWA: sMAPE and MASE relative to M4's Naive2, averaged." if row["n_series"] > 1 else ""
    return (
        f"{_count(n_windows, 'window')} of {horizon} steps, {step} rows apart, the last ending at the last row; "
        f"{fits.get(refit, f'each model refitted every {refit} windows')}. Means over {row['n_forecasts']} "
        f"forecasts ({_count(row['n_series'], 'series')} × {_count(n_windows, 'window')}){spread}. MSE and MAE "
        f"in the data's units; MASE scaled by the in-sample seasonal naive error (season {season}); wins: "
        f"forecasts whose MASE beats the seasonal naive one's.{owa}"
    )


def _count(number, noun):
    """``"1 window"``, ``"3 windows"`` (nouns ending in s stay as they are)."""
    return f"{number} {noun}" + ("s" if number != 1 and not noun.endswith("s") else "")


def _report_scores(command, data, frame, results, model_of, description, table, *, plot, report, output=None):
    """Print a backtest's scores; write its rows (CSV), figure and report together."""
    from .comparison import scores_report

    click.echo("\n" + textwrap.fill(description, width=110) + "\n")
    click.echo(table)
    first_columns = {}  # each model's first results column (its first seed) is drawn
    for column, model in model_of.items():
        first_columns.setdefault(model, column)

    def draw(path):
        from .plotting import plot_backtest

        plot_backtest(results, frame, path, models=first_columns)

    title = f"forecast {command}: {os.path.basename(data)}"
    report_text = scores_report(title, description, table, _relative_plot(plot, report))
    _write_outputs(
        [
            ("results", output, lambda path: _write_csv(path, results)),
            ("plot", plot, draw),
            ("report", report, lambda path: _write_text(path, report_text)),
        ]
    )


def _levels(levels):
    """The --level values as the library names them: whole numbers as int (80, not 80.0); None when absent."""
    return [int(level) if float(level).is_integer() else level for level in levels] or None


def _plot_beside_report(plot, report):
    """The figure's path: --plot, or beside --report with the same name, or None."""
    if report and not plot:
        return os.path.splitext(report)[0] + ".png"
    return plot


def _relative_plot(plot, report):
    """The figure's path as the report links it: relative to the report's folder."""
    return os.path.relpath(plot, os.path.dirname(os.path.abspath(report))) if plot and report else None


def _write_text(path, text):
    from .files import atomic_write

    with atomic_write(path, "w") as handle:
        handle.write(text)


def _write_csv(path, frame):
    from .files import atomic_write

    with atomic_write(path, "w") as handle:
        frame.to_csv(handle, index=False)


def _write_outputs(outputs):
    """Write the outputs given a path together, or none of them, then say where each went.

    ``outputs`` is a list of ``(what, path or None, write)``, ``write(path)`` writing one file.
    """
    from .files import staged_outputs

    given = [(what, path, write) for what, path, write in outputs if path]
    with staged_outputs():
        for _, path, write in given:
            write(path)
    for number, (what, path, _) in enumerate(given):
        click.echo(("\n" if number == 0 else "") + f"{what} saved to {path}")


def _read(data, date_col, targets, freq, fill, date_format, encoding, lookback, horizon, id_col, covariates):
    """The data file as a frame, its frequency (or observed calendar), and the window: given, or the default.

    With --target, the frame holds the targets and the covariates' columns; without, every numeric column.
    """
    from .base import frequency_of
    from .comparison import default_window
    from .data import read_csv

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
    )
    _check_covariates_read(data, frame, named)
    series_freq = frequency_of(frame)
    _drop_calendar_without_periods(data, covariates, series_freq)
    return (frame, series_freq, *default_window(series_freq, lookback, horizon))


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
    from .errors import DataError

    missing = [name for name in named if name not in frame.columns]
    if missing:
        raise DataError(
            f"{data}: {named[missing[0]]} {missing[0]!r} is not a numeric column of the file; the numeric "
            f"columns are {', '.join(map(repr, frame.columns))}: name one of them"
        )


def _drop_calendar_without_periods(data, covariates, freq):
    """Warn that --calendar adds nothing to yearly or irregular rows, and leave it out of the models and summary."""
    from .features import calendar_periods

    if covariates["calendar"] and not calendar_periods(freq):
        warnings.warn(
            f"{data}: --calendar adds no feature at frequency {freq or 'irregular'}, whose steps are too long for "
            "any calendar period (hour of day, day of week, day or month of year); leave --calendar out"
        )
        covariates["calendar"] = None


def _summary(path, frame, freq, lookback, horizon, model_name, covariates):
    n_series = frame.index.get_level_values(0).nunique() if frame.index.nlevels == 2 else None
    series = f"{n_series} series, " if n_series else ""
    model = f", model {model_name}" if model_name else ""
    return (
        f"{path}: {series}{len(frame)} rows × {frame.shape[1]} column(s) ({', '.join(map(str, frame.columns))}), "
        f"frequency {freq or 'irregular'}; lookback {lookback}, horizon {horizon}{model}"
        f"{_covariates_summary(covariates)}"
    )


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


class _EpochPrinter:
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


def _model_list(text):
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in MODEL_NAMES]
    if unknown or not names:
        raise click.BadParameter(
            f"unknown model(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(MODEL_NAMES)}",
            param_hint="--models",
        )
    return names


def _int_list(text, option):
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a comma-separated list of whole numbers", param_hint=option
        ) from None
    if not values or min(values) < 1:
        raise click.BadParameter("give whole numbers >= 1, such as 5,10,20", param_hint=option)
    return values
