"""Fit forecasters by name on one chronological split, score them on the same windows, and report.

Scores are computed on every stride-1 window whose targets lie in the held-out
rows: MSE and MAE on the series standardised with the training rows' mean and
standard deviation (so that channels weigh equally, as in the ETTh1
protocol), and MASE against the in-sample seasonal naive forecast. The
command line's ``fit`` report, ``compare`` tables, lookback sweep and Markdown
report are built here, so they can be used and tested without the shell.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import numpy as np

from . import metrics
from .data import season_length_for
from .errors import DataError
from .registry import MODEL_NAMES, MODELS, make_forecaster
from .scaling import Scaling
from .windows import check_positive_int, chronological_split


def default_window(freq, lookback=None, horizon=None):
    """``(lookback, horizon)``: the given ones, else one season ahead (2 to 24 steps, else 5) from twice that.

    Monthly data gives (24, 12), hourly (48, 24), daily (14, 7), quarterly (8, 4), other (10, 5).

    >>> default_window("MS"), default_window("h", horizon=6)
    ((24, 12), (12, 6))
    """
    season = season_length_for(freq)
    horizon = horizon or (season if 2 <= season <= 24 else 5)
    return lookback or 2 * horizon, horizon


def count_parameters(estimator):
    """Learned numbers in a fitted forecaster: network weights, ridge coefficients, or 0."""
    if hasattr(estimator, "module_"):
        from .models import count_parameters as count_module_parameters

        return count_module_parameters(estimator.module_)
    if hasattr(estimator, "ridge_"):
        return int(estimator.ridge_.coef_.size + np.size(estimator.ridge_.intercept_))
    return 0


@dataclass
class Score:
    mse: float  # on the standardised scale
    mae: float  # on the standardised scale
    mase: float
    n_windows: int


@dataclass
class Run:
    """One model fitted once and scored on the held-out windows."""

    model: str
    seed: int | None
    score: Score
    n_parameters: int
    fit_seconds: float
    forecasts: np.ndarray  # (n_windows, horizon, C) in the data's units
    history: list = field(default_factory=list)


@dataclass
class HeldOut:
    """The held-out windows of a series: targets start at ``target_starts``, inputs end just before."""

    values: np.ndarray  # (T, C)
    train_rows: int
    target_starts: np.ndarray  # (n,)
    horizon: int
    season_length: int
    width: int  # input rows each window offers: max(lookback, season_length)

    def windows(self, width=None):
        """Inputs (n, width, C) and targets (n, horizon, C) of every held-out window (``width`` at most train_rows)."""
        width = width or self.width
        inputs = self.values[self.target_starts[:, None] + np.arange(-width, 0)]
        targets = self.values[self.target_starts[:, None] + np.arange(self.horizon)]
        return inputs, targets

    def score(self, forecasts, targets):
        scaling = Scaling.fit(self.values[: self.train_rows])
        standardised_targets, standardised_forecasts = scaling.transform(targets), scaling.transform(forecasts)
        return Score(
            mse=metrics.mse(standardised_targets, standardised_forecasts),
            mae=metrics.mae(standardised_targets, standardised_forecasts),
            mase=metrics.mase(
                targets, forecasts, y_train=self.values[: self.train_rows], season_length=self.season_length
            ),
            n_windows=len(targets),
        )

    def score_model(self, estimator):
        """The `Score` and forecasts (n, horizon, C) of a fitted forecaster on every held-out window.

        Each window offers the model as many rows as it reads (Naive2 reads its whole history).
        """
        inputs, targets = self.windows(max(self.width, estimator._context_rows()))
        forecasts = estimator.predict_windows(inputs)
        return self.score(forecasts, targets), forecasts


def hold_out(frame, lookback, horizon, held_out_size, season_length=None):
    """Split ``frame`` (T, C) into training rows and the held-out windows after them."""
    season_length = season_length or season_length_for(getattr(frame.index, "freqstr", None))
    width = max(lookback, season_length)
    split = chronological_split(len(frame), width, horizon, test_size=held_out_size)
    if len(split.test) == 0:
        raise DataError(
            f"the held-out part ({held_out_size}) of {len(frame)} rows is shorter than the horizon {horizon}; "
            "hold out more rows or use a shorter horizon"
        )
    return HeldOut(
        frame.to_numpy(dtype=np.float64), split.train_rows, split.test + width, horizon, season_length, width
    )


def fit_and_score(model, frame, held_out, *, lookback, max_epochs=None, seed=None):
    """Fit ``model`` (a name) on the training rows of ``frame`` and score it on ``held_out``."""
    estimator = make_forecaster(
        model,
        lookback=lookback,
        horizon=held_out.horizon,
        season_length=held_out.season_length,
        max_epochs=max_epochs,
        random_state=seed,
    )
    started = time.perf_counter()
    estimator.fit(frame.iloc[: held_out.train_rows])
    fit_seconds = time.perf_counter() - started
    score, forecasts = held_out.score_model(estimator)
    return Run(
        model, seed, score, count_parameters(estimator), fit_seconds, forecasts, getattr(estimator, "history_", [])
    )


def compare(
    frame,
    *,
    lookback,
    horizon,
    models=MODEL_NAMES,
    held_out_size=0.2,
    season_length=None,
    seeds=1,
    seed=0,
    max_epochs=None,
    on_run=None,
):
    """Fit every model on the same training rows and score all on the same held-out windows.

    Neural models run ``seeds`` times (seeds ``seed``, ``seed + 1``, ...);
    baselines once. Returns the `HeldOut` and the list of `Run`.
    ``on_run(model, seed)`` is called before each fit, for progress display.
    """
    check_positive_int(seeds, "seeds")
    held_out = hold_out(frame, lookback, horizon, held_out_size, season_length)
    runs = []
    for model in models:
        for run_seed in range(seed, seed + seeds) if MODELS[model].neural else [None]:
            if on_run is not None:
                on_run(model, run_seed)
            runs.append(fit_and_score(model, frame, held_out, lookback=lookback, max_epochs=max_epochs, seed=run_seed))
    return held_out, runs


def summarise(runs):
    """One row per model (mean and standard deviation over seeds), sorted by MASE, as a list of dicts."""
    by_model = {}
    for run in runs:
        by_model.setdefault(run.model, []).append(run)
    baseline = by_model.get("seasonal-naive")
    baseline_mase = np.mean([run.score.mase for run in baseline]) if baseline else None
    rows = []
    for model, model_runs in by_model.items():
        row = {"model": model, "runs": len(model_runs)}
        for metric in ("mse", "mae", "mase"):
            values = [getattr(run.score, metric) for run in model_runs]
            row[metric], row[f"{metric}_std"] = float(np.mean(values)), float(np.std(values))
        row["relative_mase"] = row["mase"] / baseline_mase if baseline_mase else None
        row["parameters"] = model_runs[0].n_parameters
        row["fit_seconds"] = float(np.median([run.fit_seconds for run in model_runs]))
        rows.append(row)
    return sorted(rows, key=lambda row: row["mase"])


def format_table(rows, with_spread):
    """`summarise`'s rows as a Markdown table; ``with_spread`` adds ``± std`` over seeds."""

    def cell(row, metric, digits):
        spread = f" ± {row[metric + '_std']:.{digits}f}" if with_spread and row["runs"] > 1 else ""
        return f"{row[metric]:.{digits}f}{spread}"

    lines = [
        "| model | MSE | MAE | MASE | MASE / seasonal naive | parameters | fit s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        relative = "" if row["relative_mase"] is None else f"{row['relative_mase']:.2f}"
        lines.append(
            f"| {row['model']} | {cell(row, 'mse', 4)} | {cell(row, 'mae', 4)} | {cell(row, 'mase', 3)} | "
            f"{relative} | {row['parameters']:,} | {row['fit_seconds']:.2f} |"
        )
    return "\n".join(lines)


def lookback_sweep(
    frame, lookbacks, horizon, *, held_out_size, season_length=None, max_epochs=None, seed=0, on_run=None
):
    """A Markdown table of the GRU's and the MLP's MASE and parameter count at each lookback.

    Every lookback is scored on one held-out set, placed by the longest lookback.
    ``on_run(description, seed)`` is called before each fit.
    """
    lines = [
        "| lookback | gru MASE | gru parameters | mlp MASE | mlp parameters |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    held_out = hold_out(frame, max(lookbacks), horizon, held_out_size, season_length)
    for lookback in lookbacks:
        cells = []
        for model in ("gru", "mlp"):
            if on_run is not None:
                on_run(f"{model} with lookback {lookback}", seed)
            run = fit_and_score(model, frame, held_out, lookback=lookback, max_epochs=max_epochs, seed=seed)
            cells += [f"{run.score.mase:.3f}", f"{run.n_parameters:,}"]
        lines.append(f"| {lookback} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def validation_report(estimator, frame, *, lookback, neural, season_length=None):
    """One line of metrics on the validation tail a fitted forecaster held out (or would have).

    A neural model is scored as fitted, on the tail it stopped early on; a
    baseline is refitted without that tail first. For many series, the best
    validation MSE of training is reported instead.
    """
    from sklearn.base import clone

    if estimator.series_ids_ is not None:
        if not neural:
            return f"{len(estimator.series_ids_)} series"
        best = min(
            record["validation_loss"] if record["validation_loss"] is not None else record["train_loss"]
            for record in estimator.history_
        )
        return (
            f"{len(estimator.series_ids_)} series; best validation MSE {best:.4f} "
            f"(each series standardised, on the last {estimator.validation_fraction:.0%} of its rows)"
        )
    fraction = float(getattr(estimator, "validation_fraction", 0.2))
    try:
        validation = hold_out(frame, lookback, estimator.horizon, fraction, season_length)
        scored = estimator if neural else clone(estimator).fit(frame.iloc[: validation.train_rows])
        score, _ = validation.score_model(scored)
    except DataError as error:
        return f"validation: not scored, the series is too short to hold out a tail ({error})"
    return (
        f"validation ({score.n_windows} windows in the last {len(frame) - validation.train_rows} rows): "
        f"MSE {score.mse:.4f}  MAE {score.mae:.4f} (standardised)  MASE {score.mase:.3f}"
    )


def markdown_report(data_name, frame, held_out, table, sweep_table="", plot_path=None):
    """The text of ``compare``'s Markdown report; ``plot_path`` relative to the report's folder."""
    sections = [
        f"# forecast compare: {os.path.basename(str(data_name))}\n",
        (
            f"{len(frame)} rows × {frame.shape[1]} column(s); the last {len(frame) - held_out.train_rows} rows "
            f"held out ({len(held_out.target_starts)} windows of {held_out.horizon} steps). MSE and MAE on the "
            f"series standardised with the training rows; MASE against the in-sample seasonal naive forecast "
            f"(season {held_out.season_length}).\n"
        ),
        table + "\n",
    ]
    if sweep_table:
        sections += ["## Lookback sweep\n", sweep_table + "\n"]
    if plot_path:
        sections += ["## Forecasts and training curves\n", f"![forecasts against actuals]({plot_path})\n"]
    return "\n".join(sections)
