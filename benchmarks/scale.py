"""Many series at scale: loading a 10-million-row long-format CSV, and training memory and throughput.

1. Writes (once, to ``--cache``) a long-format CSV of ``--series`` series ×
   ``--steps`` hourly steps: columns ``unique_id, ds, y``.
2. In a fresh process: ``read_csv(path, id_col="unique_id", dtype="float32")``;
   rows per second and the process's peak memory above its memory before.
3. In a fresh process: the same loading, then (after a warm-up fit on a
   little data, so that torch's one-time allocations are not counted)
   training the default GRU on all series. The series
   are stored once (float32) and batches are gathered by window start row,
   so memory should not grow with the number of windows: the peak memory
   above the process's memory before fitting is compared with the size of
   the float32 data. A full epoch is ``series × (steps - 191)`` windows (10
   million at the default size, about half an hour on 2 CPU cores), so the
   throughput is measured over one epoch of ``--windows`` windows drawn at
   random from all series, beside the same count drawn from one series.

    python benchmarks/scale.py [--series 1000] [--steps 10000] [--windows 40000]
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
LOOKBACK = HORIZON = 96
BATCH = 128


def write_csv(path, n_series, n_steps):
    rng = np.random.default_rng(0)
    stamps = pd.date_range("2020-01-01", periods=n_steps, freq="h").strftime("%Y-%m-%d %H:%M:%S")
    with open(path, "w") as handle:
        handle.write("unique_id,ds,y\n")
        for series in range(n_series):
            level, phase = rng.uniform(5, 50), rng.uniform(0, 2 * np.pi)
            values = level + np.sin(np.arange(n_steps) * 2 * np.pi / 24 + phase) + rng.normal(0, 0.3, n_steps)
            pd.DataFrame({"unique_id": f"s{series:04d}", "ds": stamps, "y": values.round(4)}).to_csv(
                handle, header=False, index=False
            )


def rss_mb():
    """Current resident memory of this process, in MB (from /proc; Linux)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


def reset_peak():
    """Start the kernel's peak-memory count (VmHWM) afresh from the current memory (Linux)."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def peak_mb():
    """Peak resident memory since the last `reset_peak`, in MB."""
    with open("/proc/self/status") as handle:
        line = next(line for line in handle if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def measure_loading(path):
    from forecast import read_csv

    before = rss_mb()
    reset_peak()
    started = time.perf_counter()
    frame = read_csv(path, id_col="unique_id", dtype="float32")
    seconds = time.perf_counter() - started
    return {
        "rows": len(frame),
        "seconds": seconds,
        "peak_above_start_mb": peak_mb() - before,
        "data_mb": frame.to_numpy().nbytes / 2**20,
    }


def measure_training(path, n_windows):
    import torch

    from forecast import RNNForecaster, read_csv
    from forecast.neural.training import TrainingConfig, WindowData, train

    frame = read_csv(path, id_col="unique_id", dtype="float32")
    data_mb = frame.to_numpy().nbytes / 2**20
    # Warm-up on a little data, so that torch's one-time allocations are not counted as the data's.
    RNNForecaster(LOOKBACK, HORIZON, max_epochs=1, validation_fraction=0.0).fit(frame.iloc[:1000].droplevel(0))
    before = rss_mb()
    reset_peak()
    # Memory: the real fitting path on every series, one epoch over a subset of windows.
    model = RNNForecaster(LOOKBACK, HORIZON, max_epochs=1, batch_size=BATCH, validation_fraction=0.0, random_state=0)
    model._fit_network = _subset_fit(model._fit_network, n_windows)
    started = time.perf_counter()
    model.fit(frame)
    fit_seconds = time.perf_counter() - started
    peak_above = peak_mb() - before
    many = n_windows / model.history_[0]["seconds"]

    # Throughput from one series, same module, batch and window count.
    single = frame.loc["s0000"].to_numpy()
    series = torch.as_tensor((single - single.mean()) / single.std(), dtype=torch.float32)
    starts = torch.as_tensor(np.random.default_rng(1).integers(0, len(single) - LOOKBACK - HORIZON + 1, n_windows))
    module = model._build_module(1, LOOKBACK, HORIZON)
    history = train(
        module,
        WindowData(series, starts, torch.empty(0, dtype=torch.int64), LOOKBACK, HORIZON),
        TrainingConfig(max_epochs=1, batch_size=BATCH, lr_schedule=None),
    )
    return {
        "data_mb": data_mb,
        "peak_above_start_mb": peak_above,
        "fit_seconds": fit_seconds,
        "windows": n_windows,
        "many_windows_per_s": many,
        "single_windows_per_s": n_windows / history[0]["seconds"],
    }


def _subset_fit(fit_network, n_windows):
    """Train on ``n_windows`` start rows drawn from all training windows (the stored series stay whole)."""

    def fit_subset(series, train_starts, validation_starts, *args, **kwargs):
        chosen = np.random.default_rng(0).choice(train_starts, size=min(n_windows, len(train_starts)), replace=False)
        return fit_network(series, np.sort(chosen), validation_starts, *args, **kwargs)

    return fit_subset


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--windows", type=int, default=40000, help="windows in the timed epoch")
    parser.add_argument("--cache", default=str(ROOT / "benchmarks" / ".cache"), help="folder for the generated CSV")
    parser.add_argument("--worker", choices=["load", "train"], help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "load":
        print(json.dumps(measure_loading(args.path)))
        return
    if args.worker == "train":
        print(json.dumps(measure_training(args.path, args.windows)))
        return

    path = Path(args.cache) / f"long_{args.series}x{args.steps}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        write_csv(path, args.series, args.steps)
        print(f"wrote {path} ({path.stat().st_size / 2**20:,.0f} MB) in {time.perf_counter() - started:.0f} s")

    def worker(*extra):
        command = [
            sys.executable,
            __file__,
            "--series",
            str(args.series),
            "--steps",
            str(args.steps),
            "--windows",
            str(args.windows),
            *extra,
        ]
        return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()[-1])

    loading = worker("--worker", "load", "--path", str(path))
    training = worker("--worker", "train", "--path", str(path))
    print(f"\n### {args.series:,} series × {args.steps:,} steps ({loading['rows']:,} rows)\n")
    print("| measure | value |\n| --- | ---: |")
    print(f"| read_csv(id_col=..., dtype='float32'): rows per second | {loading['rows'] / loading['seconds']:,.0f} |")
    print(f"| read_csv: seconds | {loading['seconds']:.1f} |")
    print(f"| read_csv: peak memory above start, MB | {loading['peak_above_start_mb']:,.0f} |")
    print(f"| float32 data, MB | {training['data_mb']:,.0f} |")
    print(f"| fit (GRU, all series stored): peak memory above start, MB | {training['peak_above_start_mb']:,.0f} |")
    print(f"| fit: peak memory / float32 data | {training['peak_above_start_mb'] / training['data_mb']:.2f} |")
    print(
        f"| epoch of {training['windows']:,} windows from all series: windows per second "
        f"| {training['many_windows_per_s']:,.0f} |"
    )
    print(f"| the same from one series: windows per second | {training['single_windows_per_s']:,.0f} |")
    print(
        f"| many-series / one-series throughput | "
        f"{training['many_windows_per_s'] / training['single_windows_per_s']:.2f} |"
    )


if __name__ == "__main__":
    main()
