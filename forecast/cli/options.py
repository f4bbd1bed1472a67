"""The options the commands share: how to read the data, the windows, covariates, seeds, figures."""

from __future__ import annotations

import functools

import click

from ..registry import MODEL_NAMES

DEFAULT_MODEL_PATH = "forecast-model.npz"


FILL_CHOICES = ("interpolate", "ffill", "zero")
# forecast.reading.resample.AGGREGATIONS, repeated here so that --help imports no pandas (tests check they agree).
AGG_CHOICES = ("sum", "mean", "last", "min", "max", "count")


def output_path(ctx, param, value):
    """Check, before any work, an output's format (by extension) and that its folder takes files."""
    from ..errors import OutputPathError
    from ..modelfile.outputs import check_output_folder

    if value is None:
        return value
    try:
        if param.name == "plot":
            from .plots import figure_format

            figure_format(value)
        elif param.name == "report" and not value.lower().endswith(".md"):
            raise OutputPathError(f"{value!r} does not end in .md; the report is Markdown, give it a .md path")
        check_output_folder(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    return value


def column_names(ctx, param, value):
    """Column names as the data's header is read, stripped of spaces: --target " sales " names column sales."""
    if value is None:
        return value
    return tuple(name.strip() for name in value) if isinstance(value, tuple) else value.strip()


def _with_options(command, options):
    """``command`` with the click ``options``, listed by --help in the order given."""
    for option in reversed(options):
        command = option(command)
    return command


def data_options(command):
    """Options that say how to read the CSV, shared by fit and compare."""
    options = [
        click.option(
            "--date-col", callback=column_names, help="The date column (default: detected by name or by its values)."
        ),
        click.option(
            "--target",
            "targets",
            multiple=True,
            callback=column_names,
            help="A column to forecast; repeat for several (default: every numeric column).",
        ),
        click.option(
            "--freq",
            help="Pandas frequency of the rows, such as h, D, B or MS (default: inferred), or 'observed' for rows "
            "that are consecutive steps on a weekly calendar of their own (business hours, say).",
        ),
        fill_option,
        click.option("--date-format", help="strftime format of every date, such as %d/%m/%Y (default: detected)."),
        click.option("--encoding", help="Text encoding of the file, such as latin-1 (default: detected)."),
        *resample_options,
    ]
    return _with_options(command, options)


fill_option = click.option(
    "--fill",
    type=click.Choice(FILL_CHOICES),
    help="Fill missing values and timestamps instead of refusing them: interpolate in time, repeat the last value "
    "(ffill), or write 0 (zero: a shop closed that day sold nothing). A fill report follows.",
)


resample_options = [
    click.option(
        "--resample",
        metavar="FREQ",
        help="Sum or summarise the rows to this pandas frequency (h, D, W, MS) before anything else: an event log "
        "(one row per order) becomes totals per step. Needs --agg.",
    ),
    click.option(
        "--agg",
        type=click.Choice(AGG_CHOICES),
        help="How --resample makes a step's value from its rows; sum and count give 0 to a step without rows.",
    ),
]


# The forecasters' covariate keywords and the options that set them.
COVARIATE_OPTIONS = {"past_covariates": "--past-covariate", "future_covariates": "--future-covariate"}


def covariate_options(command):
    """--future-covariate, --past-covariate, --calendar and --allow-negative, shared by fit, compare and backtest.

    The command receives them as one ``covariates`` dict of the forecasters'
    keywords ``past_covariates``, ``future_covariates``, ``calendar`` and
    ``nonnegative`` (None, the forecasters' default, unless --allow-negative),
    which every model of a command is built with.
    """

    @functools.wraps(command)
    def with_covariates(*args, past_covariates, future_covariates, calendar, allow_negative, **kwargs):
        covariates = {
            "past_covariates": list(past_covariates),
            "future_covariates": list(future_covariates),
            "calendar": "auto" if calendar else None,
            "nonnegative": False if allow_negative else None,
        }
        return command(*args, covariates=covariates, **kwargs)

    options = [
        click.option(
            "--future-covariate",
            "future_covariates",
            multiple=True,
            callback=column_names,
            metavar="COL",
            help="A column known ahead for the forecast rows too (a planned price, a holiday flag, a weather "
            "forecast): read as an input, never forecast; repeat for several. A model fitted with it predicts "
            "from --future FUTURE.csv.",
        ),
        click.option(
            "--past-covariate",
            "past_covariates",
            multiple=True,
            callback=column_names,
            metavar="COL",
            help="A column known up to the forecast origin only: read as an input, never forecast; repeat for several.",
        ),
        click.option(
            "--calendar",
            is_flag=True,
            help="Add calendar features of the data's frequency (hour of day, day of week, day or month of year) "
            "as inputs known ahead, each where the data spans that period twice.",
        ),
        click.option(
            "--allow-negative",
            is_flag=True,
            help="Let forecasts and interval bounds go below 0. By default a target whose values are all 0 or "
            "above (counts, sales) is forecast at 0 or above.",
        ),
    ]
    return _with_options(with_covariates, options)


def window_options(command):
    """--lookback, --horizon and --season-length, shared by fit and compare."""
    options = [
        click.option(
            "--lookback",
            type=click.IntRange(min=1),
            help="Past steps each forecast sees (default: twice the horizon, or one season where longer; "
            "on many series, gru, lstm, rnn and mlp choose on validation among that, half of it and 1.5 times it).",
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
    callback=column_names,
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


# numpy's seeds are 0 to 2**32 - 1 (forecast.params.RANDOM_STATE); checked when parsed, to name --seed.
MAX_SEED = 2**32 - 1
SEED_RANGE = click.IntRange(0, MAX_SEED)


def seed_options(command):
    """--seed and --seeds, shared by compare and backtest; the seeds run must all be numpy seeds."""

    @functools.wraps(command)
    def with_seeds(*args, seed, seeds, **kwargs):
        if seed + seeds - 1 > MAX_SEED:
            raise click.BadParameter(
                f"with --seed {seed}, {seeds} seeds run up to seed {seed + seeds - 1}, over the largest seed "
                f"{MAX_SEED}; lower --seed or --seeds",
                param_hint="--seeds",
            )
        return command(*args, seed=seed, seeds=seeds, **kwargs)

    options = [
        click.option(
            "--seed", type=SEED_RANGE, default=0, show_default=True, help=f"First random seed, 0 to {MAX_SEED}."
        ),
        click.option(
            "--seeds",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            help="Repeat each neural model over this many seeds and report mean ± std.",
        ),
    ]
    return _with_options(with_seeds, options)


def figure_options(plot_help):
    """--plot (with ``plot_help``), --series and --report, shared by compare and backtest."""

    def decorate(command):
        options = [
            click.option(
                "--plot", type=click.Path(dir_okay=False), callback=output_path, help=f"{plot_help} (PNG, SVG or PDF)."
            ),
            series_option(f"the first {BACKTEST_SERIES_DRAWN}"),
            click.option(
                "--report",
                type=click.Path(dir_okay=False),
                callback=output_path,
                help="Write the tables and the plot (beside the report unless --plot says where) as Markdown.",
            ),
        ]
        return _with_options(command, options)

    return decorate


# Series drawn by compare --plot and backtest --plot of many series unless --series chooses.
BACKTEST_SERIES_DRAWN = 3


def series_option(default):
    """--series ID (repeatable): which series of many a figure draws; ``default`` says which without it."""
    return click.option(
        "--series",
        "series_ids",
        multiple=True,
        metavar="ID",
        help=f"With --plot and many series: a series to draw; repeat for several (default: {default}).",
    )


def series_to_draw(known, series_ids, *, first, where):
    """The series a figure draws: those --series names, else the ``first`` ones; said on stderr when not all.

    Parameters
    ----------
    known : list or None
        The series ids, in order; None for data of one series.
    series_ids : tuple of str
        The --series values, matched to the ids as text.
    first : int
        Series drawn without --series.
    where : str
        What holds the series ("the forecast", "DATA"), for the errors.

    Returns
    -------
    chosen : list
        The ids drawn (``[None]`` for one series).
    drawn : str or None
        ``"N of M series drawn"`` when some are left out, for the figure's title.
    """
    if known is None:
        if series_ids:
            raise click.BadParameter(f"{where} holds one series; leave --series out", param_hint="--series")
        return [None], None
    by_text = {str(series_id): series_id for series_id in known}
    unknown = [name for name in series_ids if name not in by_text]
    if unknown:
        shown = ", ".join(map(repr, list(by_text)[:5])) + (", ..." if len(by_text) > 5 else "")
        raise click.BadParameter(f"no series {unknown[0]!r} in {where}; name one of {shown}", param_hint="--series")
    chosen = [by_text[name] for name in dict.fromkeys(series_ids)] or list(known[:first])
    if len(chosen) == len(known):
        return chosen, None
    drawn = f"{len(chosen)} of {len(known)} series drawn"
    click.echo(f"{drawn}; choose them with --series ID", err=True)
    return chosen, drawn


def level_values(levels):
    """The --level values as the library names them: whole numbers as int (80, not 80.0); None when absent."""
    return [int(level) if float(level).is_integer() else level for level in levels] or None


def model_list(text):
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in MODEL_NAMES]
    if unknown or not names:
        raise click.BadParameter(
            f"unknown model(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(MODEL_NAMES)}",
            param_hint="--models",
        )
    return names


def int_list(text, option):
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a comma-separated list of whole numbers", param_hint=option
        ) from None
    if not values or min(values) < 1:
        raise click.BadParameter("give whole numbers >= 1, such as 5,10,20", param_hint=option)
    return values
