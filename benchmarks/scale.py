"""Many series at scale, through the command line: fit time, peak memory, predict time, accuracy.

1. Writes (once, to ``--cache``) a retail-like panel of ``--series`` daily
   series × ``--days`` rows in long format (``item_id, ds, y``): counts
   (Poisson) around a level between 3 and 300, a weekly profile, a yearly
   wave, a linear trend and day-to-day noise; the seed fixes it. The last
   ``--horizon`` days of every series go to a separate file, held out.
2. Runs ``forecast fit train.csv --id-col item_id --horizon H`` with every
   other option at its default, then ``forecast predict`` for every series,
   each in a fresh process; wall time and the process's peak resident memory
   (``ru_maxrss``) of each; the fit's epochs go to ``fit.log`` in the cache folder as they end.
3. Scores the forecasts of the held-out days against the seasonal naive
   forecast (season 7: the last week repeated): MASE per series, scaled by
   the in-sample seasonal naive error, then the mean over series.

Extra arguments after ``--`` go to ``forecast fit`` (``-- --epochs 3``, say);
``--processes 2`` fits under ``torchrun`` with two processes.

    python benchmarks/scale.py [--series 10000] [--days 1000] [--horizon 28] [--processes 1] [-- FIT OPTIONS]
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SEASON = 7


def daily_panel(n_series, n_days, seed=0):
    """Retail-like daily counts, an array (n_series, n_days)."""
    rng = np.random.default_rng(seed)
    day = np.arange(n_days)

    def per_series(low, high):
        return rng.uniform(low, high, (n_series, 1))

    level = 10 ** per_series(0.5, 2.5)
    weekly = 1 + per_series(0.1, 0.5) * np.sin(2 * np.pi * day / 7 + per_series(0, 2 * np.pi))
    yearly = 1 + per_series(0, 0.3) * np.sin(2 * np.pi * day / 365.25 + per_series(0, 2 * np.pi))
    trend = 1 + per_series(-0.3, 0.3) * day / n_days
    noise = np.exp(rng.normal(0, 0.1, (n_series, n_days)))
    return rng.poisson(level * weekly * yearly * trend * noise).astype(np.int64)


def write_long(path, values, first_day, header="item_id,ds,y\n"):
    """Write ``values`` (n_series, n_days) as a long CSV, 500 series at a time."""
    n_series, n_days = values.shape
    stamps = pd.date_range(first_day, periods=n_days, freq="D").strftime("%Y-%m-%d").to_numpy()
    with open(path, "w") as handle:
        handle.write(header)
        for first in range(0, n_series, 500):
            block = values[first : first + 500]
            ids = np.repeat([f"item_{number:05d}" for number in range(first, first + len(block))], n_days)
            frame = pd.DataFrame({"item_id": ids, "ds": np.tile(stamps, len(block)), "y": block.ravel()})
            frame.to_csv(handle, header=False, index=False)


def run(command, log):
    """Run ``command``, its stderr (the epochs of a fit) to ``log``; its wall seconds and peak memory in MB.

    The peak is the process's resident memory high-water mark (Linux ``ru_maxrss``).
    """
    started = time.perf_counter()
    code = (  # runs a script, or -m a module, then reports the peak of this process and of its children
        "import resource, runpy, sys; sys.argv = sys.argv[1:]; exit_code = 0\n"
        "try:\n"
        "    if sys.argv[0] == '-m': sys.argv = sys.argv[1:]; runpy.run_module(sys.argv[0], run_name='__main__')\n"
        "    else: runpy.run_path(sys.argv[0], run_name='__main__')\n"
        "except SystemExit as stop: exit_code = stop.code or 0\n"
        "peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
        "print('PEAK_KB', peak, file=sys.stderr); sys.exit(exit_code)"
    )
    with open(log, "w") as errors:
        result = subprocess.run(
            [sys.executable, "-c", code, *command], stdout=subprocess.PIPE, stderr=errors, text=True
        )
    seconds = time.perf_counter() - started
    stderr = Path(log).read_text()
    if result.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{stderr}")
    peak_kb = int(next(line for line in stderr.splitlines() if line.startswith("PEAK_KB")).split()[1])
    return seconds, peak_kb / 1024, result.stdout


def mase_per_series(actual, forecast, history):
    """MASE of each series' forecast: mean absolute error over the in-sample seasonal naive one."""
    scale = np.abs(history[:, SEASON:] - history[:, :-SEASON]).mean(axis=1)
    return np.abs(actual - forecast).mean(axis=1) / np.where(scale > 0, scale, 1.0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=1_000, help="rows per series, the held-out days included")
    parser.add_argument("--horizon", type=int, default=28)
    parser.add_argument(
        "--processes", type=int, default=1, help="fit under torchrun with this many processes (peak: the largest one)"
    )
    parser.add_argument("--cache", default=str(ROOT / "benchmarks" / ".cache"), help="folder for the generated files")
    parser.add_argument("fit_options", nargs="*", help="after --: options for forecast fit")
    args = parser.parse_args()

    folder = Path(args.cache) / f"daily_{args.series}x{args.days}"
    train_path, model_path, forecast_path = folder / "train.csv", folder / "model.npz", folder / "forecasts.csv"
    values = daily_panel(args.series, args.days)
    history, held_out = values[:, : -args.horizon], values[:, -args.horizon :]
    if not train_path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        write_long(train_path, history, "2021-01-01")
    cli = str(ROOT / "cli.py")
    load = os.getloadavg()[0]
    launcher = [] if args.processes == 1 else ["-m", "torch.distributed.run", "--standalone",
                                               f"--nproc-per-node={args.processes}"]  # fmt: skip
    fit = run([*launcher, cli, "fit", str(train_path), "--id-col", "item_id", "--horizon", str(args.horizon), "-o",
               str(model_path), *args.fit_options], folder / "fit.log")  # fmt: skip
    predict = run([cli, "predict", "--model", str(model_path), "-o", str(forecast_path)], folder / "predict.log")
    load = max(load, os.getloadavg()[0])

    forecasts = pd.read_csv(forecast_path)
    order = forecasts["item_id"].str.slice(5).astype(int).to_numpy()  # item_00042 is row 42
    predicted = np.empty(held_out.shape)
    predicted[order.reshape(-1, args.horizon)[:, 0]] = forecasts["y"].to_numpy().reshape(-1, args.horizon)
    last_week = history[:, -SEASON:]
    naive = np.tile(last_week, -(-args.horizon // SEASON))[:, : args.horizon]
    model_mase = mase_per_series(held_out, predicted, history)
    naive_mase = mase_per_series(held_out, naive, history)
    epochs = next((line for line in fit[2].splitlines() if line.startswith("trained in")), "")

    size_mb = train_path.stat().st_size / 2**20
    print(f"\n### {args.series:,} daily series × {args.days:,} rows ({size_mb:,.0f} MB of CSV for the fit)\n")
    launch = (
        "forecast" if args.processes == 1 else f"torchrun --standalone --nproc-per-node {args.processes} -m forecast"
    )
    print(f"`{launch} fit train.csv --id-col item_id --horizon {args.horizon} {' '.join(args.fit_options)}`".strip())
    print(f"({epochs}); highest one-minute load average seen {load:.1f} on {os.cpu_count()} cores.\n")
    print("| measure | value |\n| --- | ---: |")
    print(f"| fit: wall seconds | {fit[0]:,.0f} |")
    print(f"| fit: peak memory, MB | {fit[1]:,.0f} |")
    print(f"| fit: peak memory per MB of CSV | {fit[1] / size_mb:.1f} |")
    print(f"| predict (every series): wall seconds | {predict[0]:,.0f} |")
    print(f"| predict: peak memory, MB | {predict[1]:,.0f} |")
    print(f"| mean MASE, the model | {model_mase.mean():.3f} |")
    print(f"| mean MASE, seasonal naive | {naive_mase.mean():.3f} |")
    print(f"| model / seasonal naive | {model_mase.mean() / naive_mase.mean():.3f} |")


if __name__ == "__main__":
    main()
