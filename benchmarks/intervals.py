"""Prediction intervals in rolling-origin backtests: coverage, width and MSIS per model and level.

Every model, with its default settings (seed 0 for the neural ones), is
backtested on airline, sunspots and ETTh1's OT column with ``level=[80, 95]``:
many overlapping forecast origins, a fresh fit every few of them (each fit
calibrates its own intervals on what it saw), then `forecast.evaluate`
scores each level's coverage (percent of actuals inside, to compare with the
level), mean width (in the data's units) and M4's MSIS (lower is better).
Seasonal naive's intervals, calibrated the same way, are the reference.

    python benchmarks/intervals.py            # about 10 minutes on 2 CPU cores
    python benchmarks/intervals.py --quick    # a tiny run: few windows, 3 epochs
"""

import argparse
import time
import warnings
from pathlib import Path

import numpy as np

from forecast import backtest, evaluate, read_csv
from forecast.registry import make_forecaster

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
LEVELS = [80, 95]
MODELS = ["gru", "mlp", "linear", "seasonal-naive"]
# name, file, target, lookback, horizon, season, backtest windows, rows between origins, windows per fit
SERIES = [
    ("airline", "airline.csv", "passengers", 24, 12, 12, 36, 1, 3),
    ("sunspots", "sunspots.csv", "sunactivity", 44, 11, 11, 40, 2, 4),
    ("ETTh1 OT", "ETTh1.csv", "OT", 48, 24, 24, 24, 24, 12),
]


def run(name, file, target, lookback, horizon, season, n_windows, step, refit, quick):
    series = read_csv(DATASETS / file)[[target]]
    options = {"max_epochs": 3} if quick else {}
    models = {
        model: make_forecaster(
            model, lookback=lookback, horizon=horizon, season_length=season, random_state=0, **options
        )
        for model in MODELS
    }
    if quick:
        n_windows, refit = 4, 2
    started = time.perf_counter()
    results = backtest(models, series, n_windows=n_windows, step=step, refit=refit, level=LEVELS)
    seconds = time.perf_counter() - started
    scores = evaluate(results, series, season_length=season).set_index("model")
    fits = -(-n_windows // refit)
    print(
        f"\n### {name}: lookback {lookback}, horizon {horizon}, {n_windows} origins {step} row(s) apart, "
        f"{fits} fits per model, {n_windows * horizon} forecasts per model ({seconds:.0f} s)\n"
    )
    header = " | ".join(f"{kind} {level}" for level in LEVELS for kind in ("coverage", "width", "MSIS"))
    print(f"| model | MASE | {header} |\n| --- | ---: |" + " ---: |" * (3 * len(LEVELS)))
    for model in MODELS:
        cells = [
            f"{scores.loc[model, f'coverage-{level}']:.1f} | {scores.loc[model, f'width-{level}']:.3g} | "
            f"{scores.loc[model, f'msis-{level}']:.2f}"
            for level in LEVELS
        ]
        print(f"| {model} | {scores.loc[model, 'mase']:.3f} | {' | '.join(cells)} |")
    return scores


def summary(all_scores):
    """Each model's coverage error and MSIS relative to seasonal naive, averaged over the series."""
    print("\n### Over the three series: mean coverage, and MSIS relative to seasonal naive's\n")
    header = " | ".join(f"coverage {level} | MSIS {level} / seasonal naive" for level in LEVELS)
    print(f"| model | {header} |\n| --- |" + " ---: |" * (2 * len(LEVELS)))
    for model in MODELS:
        cells = []
        for level in LEVELS:
            coverage = np.mean([scores.loc[model, f"coverage-{level}"] for scores in all_scores])
            relative = np.mean(
                [
                    scores.loc[model, f"msis-{level}"] / scores.loc["seasonal-naive", f"msis-{level}"]
                    for scores in all_scores
                ]
            )
            cells.append(f"{coverage:.1f} | {relative:.2f}")
        print(f"| {model} | {' | '.join(cells)} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="four origins per series and 3 epochs: a smoke run")
    quick = parser.parse_args().quick
    warnings.filterwarnings("ignore", category=UserWarning)
    summary([run(*settings, quick) for settings in SERIES])


if __name__ == "__main__":
    main()
