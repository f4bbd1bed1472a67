"""What a backtest costs beside one fit: time without refitting, and memory over many series.

1. Time: one fit of an MLPForecaster (default settings, lookback 96,
   horizon 24, random_state 0) on ETTh1's OT column, against
   ``backtest(..., n_windows=20, refit=0)`` of the same model, which fits once
   on the rows before the first cutoff and forecasts all 20 windows in one
   ``predict_windows`` call. Medians of ``--runs`` runs each, side by side in
   one process; the target ratio is at most 1.5.
2. Memory: the peak of Python-tracked allocations (tracemalloc; numpy's arrays
   included) of a ``refit=0`` backtest over 1,000 synthetic float32 series of
   1,000 steps, 5 windows, a LinearForecaster (lookback 24, horizon 24),
   beside the peak of one plain fit of that model on the rows the backtest
   fits on (each series up to its first cutoff; ridge regression builds its
   windows, so the fit outweighs the data). The backtest's own share, its
   peak over that fit's, is set against twice the float32 data plus the
   results frame.

    python benchmarks/backtest_speed.py [--runs 3]
"""

import argparse
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd
from etth1 import DATA

from forecast import LinearForecaster, MLPForecaster, backtest, read_csv

N_SERIES, N_STEPS = 1_000, 1_000
N_WINDOWS, LOOKBACK, HORIZON = 5, 24, 24


def median_seconds(run, runs):
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return float(np.median(seconds))


def time_fit_and_backtest(runs):
    series = read_csv(DATA, targets="OT")

    def model():
        return MLPForecaster(lookback=96, horizon=24, random_state=0)

    fit = median_seconds(lambda: model().fit(series), runs)
    without_refit = median_seconds(lambda: backtest(model(), series, n_windows=20, refit=0), runs)
    print(f"\n### Time: ETTh1 OT, {len(series):,} rows, MLPForecaster (lookback 96, horizon 24); medians of {runs}\n")
    print("| one fit s | backtest, 20 windows, refit=0, s | ratio (target <= 1.5) |")
    print("| ---: | ---: | ---: |")
    print(f"| {fit:.2f} | {without_refit:.2f} | {without_refit / fit:.2f} |")


def synthetic_panel():
    """1,000 float32 series of 1,000 daily steps: a weekly pattern around different levels, with noise."""
    rng = np.random.default_rng(0)
    steps = np.arange(N_STEPS)
    levels = rng.uniform(10, 100, (N_SERIES, 1))
    values = levels * (1 + 0.2 * np.sin(2 * np.pi * steps / 7)) + rng.normal(0, 1, (N_SERIES, N_STEPS))
    index = pd.MultiIndex.from_product(
        [[f"s{number:04d}" for number in range(N_SERIES)], pd.date_range("2020-01-01", periods=N_STEPS)],
        names=["unique_id", "ds"],
    )
    return pd.DataFrame({"y": values.astype(np.float32).ravel()}, index=index)


def traced_peak(run):
    """Peak bytes allocated while ``run`` runs, above what was allocated before, and its result."""
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    result = run()
    return tracemalloc.get_traced_memory()[1] - before, result


def measure_memory():
    panel = synthetic_panel()
    first_cut = panel.groupby(level=0).head(N_STEPS - N_WINDOWS * HORIZON)  # what refit=0 fits on
    tracemalloc.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_peak, _ = traced_peak(lambda: LinearForecaster(LOOKBACK, HORIZON).fit(first_cut))
        backtest_peak, results = traced_peak(
            lambda: backtest(LinearForecaster(LOOKBACK, HORIZON), panel, n_windows=N_WINDOWS, refit=0)
        )
    tracemalloc.stop()
    data_bytes = panel["y"].to_numpy().nbytes
    results_bytes = int(results.memory_usage(deep=True).sum())
    budget = 2 * data_bytes + results_bytes
    megabytes = 1024**2
    print(
        f"\n### Memory: {N_SERIES:,} series x {N_STEPS:,} steps (float32, {data_bytes / megabytes:.1f} MB), "
        f"{N_WINDOWS} windows, refit=0, LinearForecaster (lookback {LOOKBACK}, horizon {HORIZON})\n"
    )
    print(
        "| peak of one fit on the same rows MB | peak of the backtest MB | backtest's own MB "
        "| budget MB (2 x data + results) |"
    )
    print("| ---: | ---: | ---: | ---: |")
    print(
        f"| {fit_peak / megabytes:.1f} | {backtest_peak / megabytes:.1f} | "
        f"{(backtest_peak - fit_peak) / megabytes:.1f} | {budget / megabytes:.1f} "
        f"({2 * data_bytes / megabytes:.1f} + {results_bytes / megabytes:.1f}) |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each, the median is printed")
    args = parser.parse_args()
    time_fit_and_backtest(args.runs)
    measure_memory()


if __name__ == "__main__":
    main()
