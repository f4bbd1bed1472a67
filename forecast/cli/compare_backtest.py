"""``forecast compare`` and ``forecast backtest``: models side by side on one split, or over rolling origins."""

from __future__ import annotations

import os
import textwrap

import click

from ..registry import MODEL_NAMES
from .files import data_summary, plot_beside_report, read_data, relative_plot, write_csv, write_outputs, write_text
from .options import (
    BACKTEST_SERIES_DRAWN,
    covariate_options,
    data_options,
    epochs_option,
    figure_options,
    id_col_option,
    int_list,
    level_option,
    level_values,
    model_list,
    output_path,
    quiet_option,
    seed_options,
    series_to_draw,
    window_options,
)


@click.command()
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
    resample,
    agg,
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
    series_ids,
    report,
    quiet,
):
    """Fit every model on the same split of DATA and score all on the same held-out windows.

    The table is sorted by MASE; MSE and MAE are in the data's units, as in
    `forecast backtest`. Parameter sharing over time is what recurrence
    adds over the MLP: --lookbacks shows whether it pays on this data.

    --level P adds, per level, the percentage of held-out values inside the
    P% intervals (coverage-P), their mean width in the data's units (width-P)
    and M4's MSIS, scaled like MASE (msis-P); a coverage more than 5 points
    under P is marked ! and explained under the table. A model that kept too few rows
    out of sample to calibrate a level stops the comparison with an error that
    names it and the highest level it can give, rather than a blank cell.

    With --id-col (many series), one global model per kind is fitted on every
    series up to its held-out tail and forecasts the tail in windows of the
    horizon, as `forecast backtest --refit 0` does.
    """
    from ..evaluation import comparison
    from ..modelfile.outputs import check_output_paths
    from ..reading.frequency import season_length_for
    from . import reports

    plot = plot_beside_report(plot, report)
    check_output_paths({"--plot": plot, "--report": report}, {"DATA": data})
    names = model_list(models)
    sweep = int_list(lookbacks, "--lookbacks") if lookbacks else []
    if sweep and id_col:
        raise click.UsageError("--lookbacks sweeps the windows of a single series; leave it out with --id-col")
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
        names,
    )
    click.echo(data_summary(data, frame, series_freq, lookback, horizon, None, covariates))
    drawn = _series_to_draw(frame, series_ids) if plot else None  # before any fit: a wrong --series costs nothing
    # The sweep's hold-out first: a lookback too long for the series stops the command before any fit.
    sweep_held_out = comparison.sweep_hold_out(frame, sweep, horizon, test_size, season_length) if sweep else None

    def announce(model, run_seed):
        if not quiet:
            click.echo(f"  fitting {model}" + ("" if run_seed is None else f" (seed {run_seed})"), err=True)

    settings = {"lookback": lookback, "horizon": horizon, "models": names, "held_out_size": test_size}
    settings.update(seeds=seeds, seed=seed, max_epochs=epochs, on_run=announce, covariates=covariates)
    settings["level"] = level_values(levels)
    if id_col:
        season = season_length or season_length_for(series_freq)
        results, rows, model_of = comparison.compare_many(frame, season_length=season, **settings)
        n_windows = comparison.held_out_windows(frame, test_size, horizon)
        description = (
            f"held out: the last {n_windows * horizon} rows of each series, {_count(n_windows, 'window')} of "
            f"{horizon} steps forecast by one fit on the rows before them; MSE and MAE in the data's units; "
            f"MASE season {season}"
        )
        table = reports.score_table(rows, reports.compare_many_columns(rows))
        table += reports.backtest_verdict(results, frame, model_of, season)  # the held-out windows tile the tail
        _report_scores(
            "compare", data, frame, results, model_of, description, table, plot=plot, drawn=drawn, report=report
        )
        return
    held_out, runs = comparison.compare(frame, season_length=season_length, **settings)
    table = reports.format_table(comparison.summarise(runs), seeds > 1) + reports.compare_verdict(held_out, runs)
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
        from .plots import plot_comparison

        plot_comparison(frame, held_out, runs, path)

    report_text = reports.markdown_report(data, frame, held_out, table, sweep_table, relative_plot(plot, report))
    write_outputs(
        [
            ("plot", plot, draw),
            ("report", report, lambda path: write_text(path, report_text)),
        ]
    )


@click.command("backtest")
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
    callback=output_path,
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
    resample,
    agg,
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
    series_ids,
    report,
    quiet,
):
    """Rolling-origin backtest of models on DATA: fit on the past, forecast the next horizon, move on, repeat.

    Window k of N forecasts the horizon rows after its cutoff with models
    that saw only the rows up to it; the last window ends at the last row.
    The table scores every model over all windows (and series): means of
    MSE, MAE (in the data's units), MASE and sMAPE, the median MASE, MASE
    relative to the seasonal naive forecast and how often the model beats it,
    and OWA against M4's Naive2 for many series. With --level, a coverage
    more than 5 points under its level is marked ! and explained under the table.
    """
    from ..evaluation import comparison
    from ..evaluation.scores import evaluate
    from ..modelfile.outputs import check_output_paths
    from ..reading.frequency import season_length_for
    from . import reports

    plot = plot_beside_report(plot, report)
    check_output_paths({"--output": output, "--plot": plot, "--report": report}, {"DATA": data})
    model_names = model_names or MODEL_NAMES
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
        model_names,
    )
    click.echo(data_summary(data, frame, series_freq, lookback, horizon, None, covariates))
    drawn = _series_to_draw(frame, series_ids) if plot else None  # before any fit: a wrong --series costs nothing
    season = season_length or season_length_for(series_freq)
    templates, model_of = comparison.backtest_models(
        model_names,
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
        templates, frame, n_windows=n_windows, step=step, refit=refit, level=level_values(levels), on_fit=announce
    )
    rows = comparison.summarise_scores(evaluate(results, frame, season_length=season), model_of, seconds)
    description = _backtest_description(rows[0], n_windows, horizon, step or horizon, refit, season, seeds)
    table = reports.score_table(rows, reports.backtest_columns(rows))
    line = reports.backtest_verdict(results, frame, model_of, season, overlap=-(-horizon // (step or horizon)))
    _report_scores(
        "backtest",
        data,
        frame,
        results,
        model_of,
        description,
        table + line,
        plot=plot,
        drawn=drawn,
        report=report,
        output=output,
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


def _series_to_draw(frame, series_ids):
    """The series --plot draws: those --series names, else the first few; (``[None]``, None) for one series."""
    known = list(frame.index.get_level_values(0).unique()) if frame.index.nlevels == 2 else None
    return series_to_draw(known, series_ids, first=BACKTEST_SERIES_DRAWN, where="DATA")


def _report_scores(command, data, frame, results, model_of, description, table, *, plot, drawn, report, output=None):
    """Print a backtest's scores; write its rows (CSV), figure and report together."""
    from .reports import scores_report

    click.echo("\n" + textwrap.fill(description, width=110) + "\n")
    click.echo(table)
    first_columns = {}  # each model's first results column (its first seed) is drawn
    for column, model in model_of.items():
        first_columns.setdefault(model, column)

    def draw(path):
        from .plots import plot_backtest

        series_ids, note = drawn
        title = f"forecast {command}: {note}" if note else None
        plot_backtest(results, frame, path, models=first_columns, series_ids=series_ids, title=title)

    title = f"forecast {command}: {os.path.basename(data)}"
    report_text = scores_report(title, description, table, relative_plot(plot, report))
    write_outputs(
        [
            ("results", output, lambda path: write_csv(path, results)),
            ("plot", plot, draw),
            ("report", report, lambda path: write_text(path, report_text)),
        ]
    )
