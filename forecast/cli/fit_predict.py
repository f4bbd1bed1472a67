"""``forecast fit`` and ``forecast predict``: train a model on a CSV file, and forecast the steps after it."""

from __future__ import annotations

import time

import click

from ..registry import MODEL_NAMES, MODELS
from .files import EpochPrinter, data_summary, read_data
from .options import (
    DEFAULT_MODEL_PATH,
    FILL_CHOICES,
    covariate_options,
    data_options,
    id_col_option,
    output_path,
    quiet_option,
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
    from .reports import interval_report, validation_report

    check_output_paths({"--output": output}, {"DATA": data})
    # Under torchrun every process trains; only rank 0 prints and writes the model file.
    echo = click.echo if is_primary() else (lambda *args, **kwargs: None)
    quiet = quiet or not is_primary()
    frame, series_freq, lookback, horizon = read_data(
        data, date_col, targets, freq, fill, date_format, encoding, lookback, horizon, id_col, covariates, resample, agg
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
    from ..errors import ModelFileError
    from ..forecasters.base import BaseForecaster
    from ..modelfile.load import load
    from ..modelfile.outputs import atomic_write, check_output_paths, staged_outputs
    from ..reading.csvfile import read_csv, require_columns

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
            from .plots import plot_forecast

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
