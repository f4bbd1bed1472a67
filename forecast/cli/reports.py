"""What the command line prints and writes beside its results: tables, one-line reports, Markdown reports.

Text only, built from the scores `forecast.evaluation.comparison` and
`forecast.evaluate` compute, so it can be tested without the shell.
"""

from __future__ import annotations

import os
import re

import numpy as np

from ..errors import DataError
from ..evaluation.comparison import hold_out
from ..forecasters.intervals import highest_level_shown
from ..inputs.defaults import window_of


def format_table(rows, with_spread):
    """`summarise`'s rows as a Markdown table; ``with_spread`` adds ``± std`` over seeds.

    Interval scores (``coverage-80``, ...) follow MASE / seasonal naive, headed by their names, with four
    significant digits as in `score_table`.
    """

    def cell(row, metric, digits=None):
        digits = _significant_decimals(row[metric]) if digits is None else digits
        spread = f" ± {_number(row[metric + '_std'], digits, '')}" if with_spread and row["runs"] > 1 else ""
        return f"{_number(row[metric], digits, '')}{spread}"

    intervals = interval_columns(rows[0])
    headers = ["model", "MSE", "MAE", "MASE", "MASE / seasonal naive", *intervals, "parameters", "fit s"]
    lines = ["| " + " | ".join(headers) + " |", "| --- |" + " ---: |" * (len(headers) - 1)]
    for row in rows:
        relative = "" if row["relative_mase"] is None else f"{row['relative_mase']:.2f}"
        scores = [cell(row, "mse"), cell(row, "mae"), cell(row, "mase", 3), relative]
        scores += [cell(row, name) + _short_of_nominal(row, name) for name in intervals]
        cells = [row["model"], *scores, f"{row['parameters']:,}", f"{row['fit_seconds']:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + _coverage_footnote(rows, intervals)


# Coverage this many points under the nominal level is flagged: intervals too narrow for the data.
COVERAGE_SHORTFALL = 5.0
_COVERAGE = re.compile(r"coverage-(\d+(?:\.\d+)?)")


def _short_of_nominal(row, name):
    """``" !"`` after a coverage more than `COVERAGE_SHORTFALL` points under its level, else ``""``."""
    match = _COVERAGE.fullmatch(name)
    short = match and row[name] < float(match.group(1)) - COVERAGE_SHORTFALL
    return " !" if short else ""


def _coverage_footnote(rows, columns):
    """The line under a table that explains its ``!`` marks, or ``""`` without any."""
    if not any(_short_of_nominal(row, name) for row in rows for name in columns):
        return ""
    return (
        f"\n\n! coverage more than {COVERAGE_SHORTFALL:g} points under the nominal level: these intervals are too "
        "narrow on this data"
    )


def interval_report(estimator):
    """One line on the prediction intervals a fitted forecaster calibrated: on how many errors, up to which level."""
    if estimator._own_intervals:
        return "prediction intervals: the fitted models' own; predict --level takes any level below 100"
    count = getattr(estimator, "interval_count_", 0)
    if count == 0:
        return f"prediction intervals: none, no rows were kept out of sample ({estimator._calibration_hint})"
    most = highest_level_shown(count)
    return f"prediction intervals: calibrated on {count} out-of-sample errors; predict --level up to {most:g}"


def validation_report(estimator, frame, *, lookback, neural, season_length=None):
    """One line of metrics on the validation tail a fitted forecaster held out (or would have).

    A neural model is scored as fitted, on the tail it stopped early on; a
    baseline is refitted without that tail first. ``lookback`` as
    `forecast.cli.files.read_data` gives it. For many series, the best
    validation MSE of training is reported instead.
    """
    from sklearn.base import clone

    if estimator.series_ids_ is not None:
        if not neural:
            return f"{len(estimator.series_ids_)} series"
        validation = [record["validation_loss"] for record in estimator.history_]
        if None in validation:
            best = min(record["train_loss"] for record in estimator.history_)
            return (
                f"{len(estimator.series_ids_)} series; no rows held out for validation (the series are too "
                f"short for a tail), best training loss {best:.4f}"
            )
        return (
            f"{len(estimator.series_ids_)} series; best validation MSE {min(validation):.4f} "
            f"(each series standardised, on the last {estimator.validation_fraction:.0%} of its rows)"
        )
    fraction = float(getattr(estimator, "validation_fraction", 0.2))
    try:
        validation = hold_out(frame, window_of(lookback), estimator.horizon, fraction, season_length)
        scored = estimator if neural else clone(estimator).fit(frame.iloc[: validation.train_rows])
        score, _ = validation.score_model(scored)
    except DataError as error:
        return f"validation: not scored ({error})"
    return (
        f"validation ({score.n_windows} windows in the last {len(frame) - validation.train_rows} rows): "
        f"MSE {score.mse:.4g}  MAE {score.mae:.4g} (in the data's units)  MASE {score.mase:.3f}"
    )


def markdown_report(data_name, frame, held_out, table, sweep_table="", plot_path=None):
    """The text of ``compare``'s Markdown report; ``plot_path`` relative to the report's folder."""
    sections = [
        f"# forecast compare: {os.path.basename(str(data_name))}\n",
        (
            f"{len(frame)} rows × {frame.shape[1]} column(s); the last {len(frame) - held_out.train_rows} rows "
            f"held out ({len(held_out.target_starts)} windows of {held_out.horizon} steps). MSE and MAE in the "
            f"data's units; MASE against the in-sample seasonal naive forecast "
            f"(season {held_out.season_length}).\n"
        ),
        table + "\n",
    ]
    if sweep_table:
        sections += ["## Lookback sweep\n", sweep_table + "\n"]
    if plot_path:
        sections += ["## Forecasts and training curves\n", f"![forecasts against actuals]({plot_path})\n"]
    return "\n".join(sections)


# Scores at least this large are shown in scientific notation (2.338e+160), not as a row of digits.
SCIENTIFIC_FROM = 1e15


def _number(value, decimals, thousands=","):
    """``value`` with ``decimals`` decimals (and ``thousands`` separators), or in scientific notation when huge."""
    return (
        f"{value:.4g}" if abs(value) >= SCIENTIFIC_FROM and np.isfinite(value) else f"{value:{thousands}.{decimals}f}"
    )


def _significant_decimals(value, digits=4):
    """Decimals that show ``value`` with ``digits`` significant digits (none for large numbers, inf or nan)."""
    magnitude = int(np.floor(np.log10(abs(value)))) if value and np.isfinite(value) else 0
    return max(digits - 1 - magnitude, 0)


# How the score tables show a score: header, decimals (None: four significant digits), and a factor.
SCORE_CELLS = {
    "mse": ("MSE", None, 1),
    "mae": ("MAE", None, 1),
    "mase": ("MASE", 3, 1),
    "mase_median": ("median MASE", 3, 1),
    "smape": ("sMAPE %", 2, 1),
    "relative_mase": ("MASE / seasonal naive", 2, 1),
    "wins": ("wins vs seasonal naive %", 0, 100),
    "owa": ("OWA", 3, 1),
    "fit_seconds": ("fit s", 2, 1),
}


# Interval scores `forecast.evaluate` adds per level, such as "coverage-80".
INTERVAL_SCORE = re.compile(r"(coverage|width|msis)-\d+(\.\d+)?")


def interval_columns(row):
    """The interval scores (``coverage-80``, ``width-80``, ``msis-80``, ...) a summary row holds, in its order."""
    return [name for name in row if INTERVAL_SCORE.fullmatch(name)]


def backtest_columns(rows):
    """The scores a backtest table shows: OWA for several series, every interval score the rows hold, fit seconds."""
    columns = ["mse", "mae", "mase", "mase_median", "smape", "relative_mase", "wins"]
    if rows[0]["n_series"] > 1:
        columns.append("owa")
    columns += interval_columns(rows[0])
    return columns + ["fit_seconds"] if "fit_seconds" in rows[0] else columns


def compare_many_columns(rows):
    """The scores `compare_many`'s table shows: those of `compare`'s table, every interval score, fit seconds."""
    return ["mse", "mae", "mase", "relative_mase", *interval_columns(rows[0]), "fit_seconds"]


def score_table(rows, columns):
    """`summarise_scores`' rows as a Markdown table of the given scores; ``± std`` where a model ran several times.

    A score missing from `SCORE_CELLS` (an interval score such as ``coverage-80``) is headed by its own name.
    """

    def cell(row, name):
        _, decimals, factor = SCORE_CELLS.get(name, (name, None, 1))
        value = row[name] * factor
        if np.isnan(value):
            return ""
        decimals = _significant_decimals(value) if decimals is None else decimals
        spread = (
            f" ± {_number(row[name + '_std'] * factor, decimals)}" if row["runs"] > 1 and f"{name}_std" in row else ""
        )
        return f"{_number(value, decimals)}{spread}"

    headers = [SCORE_CELLS.get(name, (name,))[0] for name in columns]
    lines = ["| model | " + " | ".join(headers) + " |", "| --- |" + " ---: |" * len(columns)]
    lines += [
        f"| {row['model']} | " + " | ".join(cell(row, name) + _short_of_nominal(row, name) for name in columns) + " |"
        for row in rows
    ]
    return "\n".join(lines) + _coverage_footnote(rows, columns)


def scores_report(title, description, table, plot_path=None):
    """A Markdown report of a score table: a title, what was scored, the table and the figure (relative path)."""
    sections = [f"# {title}\n", description + "\n", table + "\n"]
    if plot_path:
        sections += [
            "## Error by horizon step and forecasts\n",
            f"![error by horizon step and forecasts]({plot_path})\n",
        ]
    return "\n".join(sections)


def backtest_verdict(results, frame, model_of, season_length, overlap=1):
    """The ``Best:`` line under a backtest's table, from each model's MASE per forecast (seeds averaged).

    ``model_of`` maps each results column to its model (``gru-seed-1`` to
    ``gru``); see `forecast.evaluation.verdict` for the rule and ``overlap``.
    """
    from ..evaluation.scores import forecast_scores
    from ..evaluation.verdict import verdict

    scores = forecast_scores(results, frame, season_length=season_length)
    scores["model"] = scores["model"].map(model_of)
    per_forecast = scores.groupby(["model", "series", "cutoff"], sort=False, dropna=False)["mase"].mean()
    errors = {model: per_forecast.loc[model].to_numpy() for model in dict.fromkeys(model_of.values())}
    found = verdict(errors, overlap=overlap)
    return "" if found is None else "\n\n" + found.line()


def compare_verdict(held_out, runs):
    """The ``Best:`` line under compare's table: each model's MASE per held-out window (seeds averaged).

    The windows are one step apart, so ``horizon`` of them share each target row.
    """
    from ..evaluation.verdict import verdict

    errors = {}
    for run in runs:
        errors.setdefault(run.model, []).append(held_out.window_mase(run.forecasts, run.targets))
    found = verdict({model: np.mean(seeds, axis=0) for model, seeds in errors.items()}, overlap=held_out.horizon)
    return "" if found is None else "\n\n" + found.line()


def choice_report(auto):
    """What a fitted `AutoForecaster` chose: how many series took each option, and their backtest MASE."""
    table = auto.choice_
    counts = table["chosen"].value_counts(sort=True)
    chosen = "; ".join(f"{label} ({count} series)" for label, count in counts.items())
    candidates = table.filter(like="mase-").mean().sort_values()
    best = candidates.index[0].removeprefix("mase-")
    return (
        f"auto chose, by a backtest of {int(table['windows'].iloc[0])} window(s): {chosen}\n"
        f"backtest mean MASE {table['mase'].mean():.3f}; the best one candidate for all series, "
        f"{best}, {candidates.iloc[0]:.3f}"
    )
