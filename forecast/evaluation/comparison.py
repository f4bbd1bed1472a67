"""Fit forecasters by name on one chronological split, score them on the same windows, and report.

Scores are computed on every stride-1 window whose targets lie in the held-out
rows: MSE and MAE in the data's units, as `forecast backtest` reports them (so
that the two commands' tables read alike; MASE, scale-free, weighs the channels
of several targets equally), and MASE against the in-sample seasonal naive forecast; with
prediction intervals, each level's coverage (percent of actuals inside),
mean width (in the data's units) and M4's MSIS (over the scale of MASE),
each window forecast from at least `forecast.forecasters.intervals.SCALE_ROWS` rows
where the training rows allow, since widths follow the noise level of the
rows before the origin. Models
with covariates are scored on their targets only, and read the future-known
covariates of each window's forecast rows from the data. The
command line's ``fit`` report, ``compare`` tables, lookback sweep and Markdown
report are built here, so they can be used and tested without the shell.

Many series, and the ``backtest`` command, are scored by a rolling-origin
backtest instead (`forecast.backtest`, `forecast.evaluate`): `backtest_models`
names the forecasters (one column per neural model and seed), `timed_backtest`
runs them, and `summarise_scores` and `score_table` make the table, one row
per model with mean ± std over seeds.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from ..errors import DataError
from ..forecasters.intervals import SCALE_ROWS, check_levels, level_text
from ..inputs.defaults import window_of
from ..inputs.windows import check_positive_int, chronological_split
from ..reading.frequency import season_length_for
from ..registry import MODEL_NAMES, MODELS, make_forecaster
from . import metrics
from .backtesting import backtest, most_rows_to_fit, windows_that_fit
from .scores import evaluate


def count_parameters(estimator):
    """Learned numbers in a fitted forecaster.

    Network weights, ridge coefficients, every series' estimated statistical
    parameters, the sum over an automatic choice's members, or 0 for a
    baseline that learns nothing.
    """
    if hasattr(estimator, "module_"):
        from ..neural.networks import count_parameters as count_module_parameters

        return count_module_parameters(estimator.module_)
    if hasattr(estimator, "ridge_"):
        return int(estimator.ridge_.coef_.size + np.size(estimator.ridge_.intercept_))
    if hasattr(estimator, "fits_"):
        return int(sum(np.size(fit["params"]) for fits in estimator.fits_ for fit in fits))
    if hasattr(estimator, "members_"):
        return sum(count_parameters(member) for member in estimator.members_.values())
    return 0


@dataclass
class Score:
    mse: float  # in the data's units
    mae: float  # in the data's units
    mase: float
    n_windows: int
    # Per level asked for, named as `forecast.evaluate` names them:
    # {"coverage-80": ..., "width-80": ..., "msis-80": ...}
    intervals: dict = field(default_factory=dict)


@dataclass
class Run:
    """One model fitted once and scored on the held-out windows."""

    model: str
    seed: int | None
    score: Score
    n_parameters: int
    fit_seconds: float
    forecasts: np.ndarray  # (n_windows, horizon, K) of the model's K targets, in the data's units
    targets: list  # the columns the model forecasts: every column but its covariates
    history: list = field(default_factory=list)


@dataclass
class HeldOut:
    """The held-out windows of a series: targets start at ``target_starts``, inputs end just before.

    ``columns`` and ``timestamps`` name the columns and rows of ``values``, so
    that a model with covariates gets the future-known values and timestamps
    of each window's forecast rows, and is scored on its targets only.
    """

    values: np.ndarray  # (T, C): every column of the frame, covariates included
    train_rows: int
    target_starts: np.ndarray  # (n,)
    horizon: int
    season_length: int
    width: int  # input rows each window offers: max(lookback, season_length)
    columns: list  # the names of the columns of values
    timestamps: object  # the frame's index, (T,)

    def windows(self, width=None):
        """Inputs (n, width, C) and targets (n, horizon, C) of every held-out window (``width`` at most train_rows)."""
        width = width or self.width
        inputs = self.values[self.target_starts[:, None] + np.arange(-width, 0)]
        targets = self.values[self.target_starts[:, None] + np.arange(self.horizon)]
        return inputs, targets

    def score(self, forecasts, targets, columns=None, bounds=None):
        """The `Score` of forecasts (n, horizon, K) of ``targets`` (n, horizon, K), the given columns (default all).

        MSE and MAE are in the data's units; MASE is scaled by the columns' in-sample seasonal naive
        error. ``bounds``, ``(levels, lower, upper)`` with bounds of shape (L, n, horizon, K), adds
        each level's coverage, mean width and MSIS (over the scale of MASE).
        """
        history = self.values[: self.train_rows][:, self._positions(columns)]
        intervals = {}
        for level, lower, upper in zip(*bounds) if bounds is not None else ():
            intervals[f"coverage-{level_text(level)}"] = metrics.coverage(targets, lower, upper)
            intervals[f"width-{level_text(level)}"] = metrics.interval_width(lower, upper)
            intervals[f"msis-{level_text(level)}"] = metrics.msis(
                targets, lower, upper, y_train=history, season_length=self.season_length, level=level
            )
        return Score(
            mse=metrics.mse(targets, forecasts),
            mae=metrics.mae(targets, forecasts),
            mase=metrics.mase(targets, forecasts, y_train=history, season_length=self.season_length),
            n_windows=len(targets),
            intervals=intervals,
        )

    def window_mase(self, forecasts, columns):
        """MASE (n,) of each window's forecasts (n, horizon, K) of ``columns``, as `score` scales it."""
        positions = self._positions(columns)
        history = self.values[: self.train_rows][:, positions]
        m = self.season_length
        scale = np.mean(np.abs(history[m:] - history[:-m]), axis=0)  # (K,) in-sample seasonal naive MAE
        targets = self.windows(1)[1][:, :, positions]
        with np.errstate(divide="ignore", invalid="ignore"):
            return (np.abs(targets - forecasts) / scale).mean(axis=(1, 2))

    def score_model(self, estimator, levels=None):
        """The `Score` and forecasts (n, horizon, K) of a fitted forecaster on every held-out window.

        Each window offers the model as many rows as it reads (Naive2 reads its
        whole history), and the future-known inputs of its forecast rows; only
        the model's targets (``columns_``) are scored. With ``levels`` (a list
        of percentages) its prediction intervals are scored too.

        Raises
        ------
        DataError
            The model cannot give a level asked for (it kept too few rows out
            of sample to calibrate it).
        """
        if estimator._reads_whole_history:
            return self._score_histories(estimator, levels)
        width = max(self.width, estimator._context_rows())
        if levels is not None:  # intervals read the noise level from up to SCALE_ROWS rows before the origin
            width = max(width, min(SCALE_ROWS, int(self.target_starts.min())))
        inputs, actuals = self.windows(width)
        known = self._known_ahead(estimator, width)
        targets = actuals[:, :, self._positions(estimator.columns_)]
        if levels is None:
            forecasts = estimator.predict_windows(inputs, **known)
            return self.score(forecasts, targets, estimator.columns_), forecasts
        forecasts, lower, upper = estimator.predict_windows(inputs, level=levels, **known)
        return self.score(forecasts, targets, estimator.columns_, (levels, lower, upper)), forecasts

    def _score_histories(self, estimator, levels):
        """`score_model` for a model that reads each window's series from its first row."""
        histories = [self.values[:start] for start in self.target_starts]
        targets = self.windows(1)[1][:, :, self._positions(estimator.columns_)]
        known = {}
        if estimator._reads_covariates and estimator.future_covariates_:
            known = {"future": self._known_ahead(estimator, 1)["future"]}
        if levels is None:
            forecasts = estimator.predict_windows(histories, **known)
            return self.score(forecasts, targets, estimator.columns_), forecasts
        forecasts, lower, upper = estimator.predict_windows(histories, level=levels, **known)
        return self.score(forecasts, targets, estimator.columns_, (levels, lower, upper)), forecasts

    def _known_ahead(self, estimator, width):
        """`predict_windows`' ``future`` and ``times`` for windows of ``width`` rows, where the model reads them."""
        known = {}
        if estimator.future_covariates_:
            rows = self.target_starts[:, None] + np.arange(self.horizon)  # (n, H)
            known["future"] = self.values[rows][:, :, self._positions(estimator.future_covariates_)]  # (n, H, F)
        if estimator.calendar_:
            rows = self.target_starts[:, None] + np.arange(-width, self.horizon)  # (n, width + H)
            known["times"] = np.asarray(self.timestamps)[rows]
        return known

    def _positions(self, columns):
        """Positions in ``values`` of the named columns (None: every column)."""
        return slice(None) if columns is None else [self.columns.index(name) for name in columns]


def hold_out(frame, lookback, horizon, held_out_size, season_length=None):
    """Split ``frame`` (T, C) into training rows and the held-out windows after them."""
    season_length = season_length or season_length_for(getattr(frame.index, "freqstr", None))
    width = max(lookback, season_length)
    try:
        split = chronological_split(len(frame), width, horizon, test_size=held_out_size)
    except DataError as error:
        if width == lookback:
            raise
        raise DataError(
            f"{error} (each window holds a season of {season_length} rows, longer than the lookback {lookback}, "
            "so that the seasonal naive forecast scores it; --season-length sets the season)"
        ) from None
    if len(split.test) == 0:
        raise DataError(
            f"the held-out part ({held_out_size}) of {len(frame)} rows is shorter than the horizon {horizon}; "
            "hold out more rows or use a shorter horizon"
        )
    return HeldOut(
        frame.to_numpy(dtype=np.float64),
        split.train_rows,
        split.test + width,
        horizon,
        season_length,
        width,
        list(frame.columns),
        frame.index,
    )


def fit_and_score(model, frame, held_out, *, lookback, max_epochs=None, seed=None, covariates=None, levels=None):
    """Fit ``model`` (a name) on the training rows of ``frame`` and score it on ``held_out``.

    ``covariates`` holds the forecaster's covariate settings (``past_covariates``, ``future_covariates``,
    ``calendar``), as `backtest_models` takes them; ``levels`` the prediction intervals to score, as
    `HeldOut.score_model` takes them. A `DataError` of the fit or the scores names the model.
    """
    estimator = make_forecaster(
        model,
        lookback=lookback,
        horizon=held_out.horizon,
        season_length=held_out.season_length,
        max_epochs=max_epochs,
        random_state=seed,
        **(covariates or {}),
    )
    started = time.perf_counter()
    try:
        estimator.fit(frame.iloc[: held_out.train_rows])
        fit_seconds = time.perf_counter() - started
        score, forecasts = held_out.score_model(estimator, levels)
    except DataError as error:
        raise _naming_model(model, error) from error
    return Run(
        model,
        seed,
        score,
        count_parameters(estimator),
        fit_seconds,
        forecasts,
        estimator.columns_,
        getattr(estimator, "history_", []),
    )


def _naming_model(name, error):
    """A `DataError` of ``error``'s message led by the model (or results column) it concerns."""
    return DataError(f"model {name}: {error}")


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
    covariates=None,
    level=None,
):
    """Fit every model on the same training rows and score all on the same held-out windows.

    Neural models run ``seeds`` times (seeds ``seed``, ``seed + 1``, ...);
    baselines once. ``lookback`` is a window, or a tuple of lookbacks
    (`forecast.inputs.defaults.lookback_choices`) that neural models choose among on validation; the
    held-out windows and the other models take the first. Returns the `HeldOut` and the list of `Run`.
    ``on_run(model, seed)`` is called before each fit, for progress display.
    ``covariates`` are every model's covariate settings, as `backtest_models`
    takes them; only the targets are scored. ``level`` (a percentage or a
    list, such as ``[80, 95]``) also scores every model's prediction
    intervals: each `Score` then holds their coverage, width and MSIS.

    A model that cannot give a level (one that kept too few rows out of sample
    to calibrate it, as on a short series) stops the comparison with a
    `DataError` that names the model and the highest level it can give,
    rather than leaving that model's cells blank: a table whose rows were
    scored on different levels would not compare like with like.
    """
    check_positive_int(seeds, "seeds")
    levels = check_levels(level)
    held_out = hold_out(frame, window_of(lookback), horizon, held_out_size, season_length)
    runs = []
    for model in models:
        for run_seed in range(seed, seed + seeds) if MODELS[model].neural else [None]:
            if on_run is not None:
                on_run(model, run_seed)
            runs.append(
                fit_and_score(
                    model,
                    frame,
                    held_out,
                    lookback=lookback,
                    max_epochs=max_epochs,
                    seed=run_seed,
                    covariates=covariates,
                    levels=levels,
                )
            )
    return held_out, runs


def summarise(runs):
    """One row per model (mean and standard deviation over seeds), sorted by MASE, as a list of dicts.

    Each row holds ``mse``, ``mae``, ``mase``, the interval scores of its runs (``coverage-80``, ...), each
    with its ``<score>_std``, and ``relative_mase``, ``parameters``, ``fit_seconds``.
    """
    by_model = {}
    for run in runs:
        by_model.setdefault(run.model, []).append(run)
    baseline = by_model.get("seasonal-naive")
    baseline_mase = np.mean([run.score.mase for run in baseline]) if baseline else None
    rows = []
    for model, model_runs in by_model.items():
        row = {"model": model, "runs": len(model_runs)}
        scores = [
            {"mse": run.score.mse, "mae": run.score.mae, "mase": run.score.mase, **run.score.intervals}
            for run in model_runs
        ]
        for metric in scores[0]:
            values = [score[metric] for score in scores]
            row[metric], row[f"{metric}_std"] = float(np.mean(values)), float(np.std(values))
        row["relative_mase"] = row["mase"] / baseline_mase if baseline_mase else None
        row["parameters"] = model_runs[0].n_parameters
        row["fit_seconds"] = float(np.median([run.fit_seconds for run in model_runs]))
        rows.append(row)
    return sorted(rows, key=lambda row: row["mase"])


def sweep_hold_out(frame, lookbacks, horizon, held_out_size, season_length=None):
    """The one held-out set that every lookback of a sweep is scored on, placed by the longest lookback.

    Raises
    ------
    DataError
        The series is too short for the longest lookback; the message names it.
    """
    try:
        return hold_out(frame, max(lookbacks), horizon, held_out_size, season_length)
    except DataError as error:
        raise DataError(f"--lookbacks {max(lookbacks)}: {error}") from None


def lookback_sweep(frame, lookbacks, held_out, *, max_epochs=None, seed=0, on_run=None, covariates=None):
    """A Markdown table of the GRU's and the MLP's MASE and parameter count at each lookback.

    Every lookback is scored on ``held_out``, from `sweep_hold_out`. ``on_run(description, seed)`` is
    called before each fit; ``covariates`` as `compare` takes them.
    """
    lines = [
        "| lookback | gru MASE | gru parameters | mlp MASE | mlp parameters |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for lookback in lookbacks:
        cells = []
        for model in ("gru", "mlp"):
            if on_run is not None:
                on_run(f"{model} with lookback {lookback}", seed)
            run = fit_and_score(
                model, frame, held_out, lookback=lookback, max_epochs=max_epochs, seed=seed, covariates=covariates
            )
            cells += [f"{run.score.mase:.3f}", f"{run.n_parameters:,}"]
        lines.append(f"| {lookback} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def backtest_models(names, *, lookback, horizon, season_length=None, max_epochs=None, seed=0, seeds=1, covariates=None):
    """The forecasters of a backtest by results column, and the model each column belongs to.

    Each model once; with ``seeds`` > 1, each neural model ``seeds`` times
    (seeds ``seed``, ``seed + 1``, ...) in columns named ``<model>-seed-<seed>``.
    ``lookback`` as `compare` takes it.
    ``covariates`` holds every forecaster's covariate settings, such as
    ``{"future_covariates": ["price"], "calendar": "auto"}`` (the keywords
    ``past_covariates``, ``future_covariates`` and ``calendar`` of the
    forecasters); the naive baselines take them and forecast without them.

    Returns
    -------
    templates : dict of {str: forecaster}
        Unfitted, as `forecast.backtest` takes them.
    model_of : dict of {str: str}
        The model name of each column.

    Examples
    --------
    >>> templates, model_of = backtest_models(["gru", "naive"], lookback=24, horizon=12, seeds=2)
    >>> model_of
    {'gru-seed-0': 'gru', 'gru-seed-1': 'gru', 'naive': 'naive'}
    """
    check_positive_int(seeds, "seeds")
    templates, model_of = {}, {}
    for model in names:
        run_seeds = range(seed, seed + seeds) if MODELS[model].neural else [None]
        for run_seed in run_seeds:
            column = model if len(run_seeds) == 1 else f"{model}-seed-{run_seed}"
            templates[column] = make_forecaster(
                model,
                lookback=lookback,
                horizon=horizon,
                season_length=season_length,
                max_epochs=max_epochs,
                random_state=seed if run_seed is None else run_seed,
                **(covariates or {}),
            )
            model_of[column] = model
    return templates, model_of


def summarise_scores(scores, model_of, fit_seconds=None):
    """One row per model of `forecast.evaluate`'s scores: mean and standard deviation over its columns (seeds).

    Parameters
    ----------
    scores : DataFrame
        What `forecast.evaluate` returns, one row per results column.
    model_of : dict of {str: str}
        The model of each column, as `backtest_models` gives it.
    fit_seconds : dict of {str: float}, optional
        Seconds each column took, reported as the median over a model's columns.

    Returns
    -------
    list of dict
        Sorted by mean MASE; each holds ``model``, ``runs`` (its columns),
        ``n_series``, ``n_forecasts``, every score of ``scores`` and its
        ``<score>_std``.
    """
    counts = ("n_series", "n_forecasts")
    numeric = [name for name in scores.columns if name not in ("model", *counts)]
    rows = []
    for model, group in scores.groupby(scores["model"].map(model_of), sort=False):
        row = {"model": model, "runs": len(group), **{count: int(group[count].iloc[0]) for count in counts}}
        for name in numeric:
            values = group[name].to_numpy(dtype=np.float64)
            row[name], row[f"{name}_std"] = float(np.mean(values)), float(np.std(values))
        if fit_seconds is not None:
            row["fit_seconds"] = float(np.median([fit_seconds[column] for column in group["model"]]))
        rows.append(row)
    return sorted(rows, key=lambda row: (np.isnan(row["mase"]), row["mase"]))


def timed_backtest(templates, y, *, on_fit=None, **options):
    """`forecast.backtest` of ``{column: forecaster}``, and the seconds each column's fits and forecasts took.

    ``options`` and ``on_fit`` are passed on to `forecast.backtest`. A `DataError` raised once the
    fits have begun (such as a level a model cannot calibrate) names the column being fitted.

    Returns
    -------
    results : DataFrame
        What `forecast.backtest` returns.
    seconds : dict of {str: float}
        Per column: from the start of its first fit to the start of the next column's (or the end).
    """
    starts = {}  # backtest fits the columns one after the other

    def start(column, window):
        starts.setdefault(column, time.perf_counter())
        if on_fit is not None:
            on_fit(column, window)

    try:
        results = backtest(templates, y, on_fit=start, **options)
    except DataError as error:
        if not starts:
            raise
        raise _naming_model(list(starts)[-1], error) from error  # the column fitted or forecast last
    ends = [*list(starts.values())[1:], time.perf_counter()]
    return results, {column: end - begun for (column, begun), end in zip(starts.items(), ends)}


def held_out_windows(frame, held_out_size, horizon):
    """Backtest windows, ``horizon`` rows apart, that cover the held-out tail of a typical (median-length) series.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"y": range(150)}, index=pd.MultiIndex.from_product([["a", "b"], range(75)]))
    >>> held_out_windows(frame, 0.2, horizon=6)
    3
    """
    lengths = frame.groupby(level=0, sort=False).size()
    return max(1, int(np.ceil(held_out_size * float(lengths.median()) / horizon)))


def compare_many(
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
    covariates=None,
    level=None,
):
    """`compare` for a long-format frame of many series: one global model per kind, scored by a backtest.

    Each model is fitted once on every series up to its held-out tail
    (`held_out_windows` windows of ``horizon`` rows, ``refit=0``) and forecasts
    the windows of the tail; `forecast.evaluate` scores them. Neural models run
    ``seeds`` times. ``on_run(column, None)`` is called before each fit.
    ``lookback`` as `compare` takes it.
    ``covariates`` as `backtest_models` takes them. ``level`` adds the
    intervals' scores (``coverage-80``, ...; see `compare_many_columns`), and a
    model that cannot give a level raises `DataError` naming it, as in `compare`.

    Returns
    -------
    results : DataFrame
        The backtest's rows, one column per model (and seed).
    rows : list of dict
        `summarise_scores`' rows, with each model's ``fit_seconds`` (its fit and forecasts).
    model_of : dict of {str: str}
        The model of each results column.
    """
    n_windows = held_out_windows(frame, held_out_size, horizon)
    templates, model_of = backtest_models(
        models,
        lookback=lookback,
        horizon=horizon,
        season_length=season_length,
        max_epochs=max_epochs,
        seed=seed,
        seeds=seeds,
        covariates=covariates,
    )
    _check_held_out_size(frame, templates, held_out_size, n_windows, horizon)
    announce = None if on_run is None else (lambda column, window: on_run(column, None))
    results, seconds = timed_backtest(templates, frame, n_windows=n_windows, refit=0, level=level, on_fit=announce)
    rows = summarise_scores(evaluate(results, frame, season_length=season_length), model_of, seconds)
    return results, rows, model_of


def _check_held_out_size(frame, templates, held_out_size, n_windows, horizon):
    """Refuse a held-out tail of ``n_windows`` windows after which even the longest series keeps too few rows for
    a model to fit, naming the largest ``held_out_size`` that leaves enough.

    Where even one window leaves too few, no ``held_out_size`` helps: `forecast.backtest` says what does.
    """
    model, rows_to_fit = most_rows_to_fit(templates, frame)
    lengths = frame.groupby(level=0, sort=False).size()
    fits = windows_that_fit(int(lengths.max()), rows_to_fit, horizon, step=horizon)  # in the longest series
    if 1 <= fits < n_windows:
        largest = fits * horizon / float(lengths.median())  # `held_out_windows` gives it ``fits`` windows
        decimals = 1 - math.floor(math.log10(largest))  # two significant digits, rounded down
        suggested = math.floor(largest * 10**decimals) / 10**decimals
        while held_out_windows(frame, suggested, horizon) > fits:  # float rounding at the boundary
            suggested -= 10.0**-decimals
        raise DataError(
            f"every series is too short (the longest has {lengths.max()} rows) to hold out "
            f"held_out_size={held_out_size} of the median series, {n_windows} windows of horizon {horizon}, and "
            f"keep the {rows_to_fit} rows before them that {model} needs to fit; use "
            f"held_out_size={suggested:.{max(0, decimals)}f} or less (--test-size), or "
            "longer series"
        )
