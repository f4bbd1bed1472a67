"""Fit forecasters by name on one chronological split and score them on the same windows.

Scores are computed on every stride-1 window whose targets lie in the held-out
rows: MSE and MAE on the series standardised with the training rows' mean and
standard deviation (so that channels weigh equally, as in the ETTh1
protocol), and MASE against the in-sample seasonal naive forecast.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import metrics
from .data import season_length_for
from .errors import DataError
from .windows import check_positive_int, chronological_split, fit_scaling

MODEL_NAMES = ("rnn", "lstm", "gru", "mlp", "linear", "naive", "seasonal-naive")
NEURAL_MODELS = ("rnn", "lstm", "gru", "mlp")


def make_forecaster(name, *, lookback, horizon, season_length=None, max_epochs=None, random_state=None):
    """A forecaster with default settings from its command-line name (one of `MODEL_NAMES`).

    ``rnn``, ``lstm`` and ``gru`` are `RNNForecaster` with that cell (``rnn``
    is the Elman network); ``max_epochs`` and ``random_state`` apply to the
    neural models only.
    """
    from .baselines import LinearForecaster, NaiveForecaster, SeasonalNaiveForecaster
    from .estimators import MLPForecaster, RNNForecaster

    training = {"random_state": random_state} | ({} if max_epochs is None else {"max_epochs": max_epochs})
    if name in ("rnn", "lstm", "gru"):
        return RNNForecaster(lookback, horizon, cell=name, **training)
    if name == "mlp":
        return MLPForecaster(lookback, horizon, **training)
    if name == "linear":
        return LinearForecaster(lookback, horizon)
    if name == "naive":
        return NaiveForecaster(horizon=horizon)
    if name == "seasonal-naive":
        return SeasonalNaiveForecaster(season_length=season_length, horizon=horizon)
    raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODEL_NAMES)}")


def default_window(freq):
    """``(lookback, horizon)`` for a frequency: one season ahead (2 to 24 steps, else 5) from twice that.

    Monthly data gives (24, 12), hourly (48, 24), daily (14, 7), quarterly (8, 4), other (10, 5).
    """
    season = season_length_for(freq)
    horizon = season if 2 <= season <= 24 else 5
    return 2 * horizon, horizon


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

    def windows(self, width):
        """Inputs (n, width, C) and targets (n, horizon, C) of every held-out window."""
        inputs = self.values[self.target_starts[:, None] + np.arange(-width, 0)]
        targets = self.values[self.target_starts[:, None] + np.arange(self.horizon)]
        return inputs, targets

    def score(self, forecasts, targets):
        mean, std = fit_scaling(self.values[: self.train_rows])
        standardised_targets, standardised_forecasts = (targets - mean) / std, (forecasts - mean) / std
        return Score(
            mse=metrics.mse(standardised_targets, standardised_forecasts),
            mae=metrics.mae(standardised_targets, standardised_forecasts),
            mase=metrics.mase(
                targets, forecasts, y_train=self.values[: self.train_rows], season_length=self.season_length
            ),
            n_windows=len(targets),
        )


def hold_out(frame, lookback, horizon, held_out_size, season_length=None):
    """Split ``frame`` (T, C) into training rows and the held-out windows after them."""
    season_length = season_length or season_length_for(frame.index.freqstr if hasattr(frame.index, "freqstr") else None)
    split = chronological_split(len(frame), max(lookback, season_length), horizon, test_size=held_out_size)
    if len(split.test) == 0:
        raise DataError(
            f"the held-out part ({held_out_size}) of {len(frame)} rows is shorter than the horizon {horizon}; "
            "hold out more rows or use a shorter horizon"
        )
    width = max(lookback, season_length)
    return HeldOut(frame.to_numpy(dtype=np.float64), split.train_rows, split.test + width, horizon, season_length)


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
    train = frame.iloc[: held_out.train_rows]
    started = time.perf_counter()
    estimator.fit(train)
    fit_seconds = time.perf_counter() - started
    inputs, targets = held_out.windows(max(lookback, held_out.season_length))
    forecasts = estimator.predict_windows(inputs)
    return Run(
        model,
        seed,
        held_out.score(forecasts, targets),
        count_parameters(estimator),
        fit_seconds,
        forecasts,
        getattr(estimator, "history_", []),
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
        for run_seed in range(seed, seed + seeds) if model in NEURAL_MODELS else [None]:
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
