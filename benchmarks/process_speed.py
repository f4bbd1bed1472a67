"""What a whole ``forecast fit`` process costs beside importing its libraries, alone and on shared cores.

In one run, each measured ``--runs`` times (medians shown), the rounds
interleaved so that a change in the machine's load touches every case alike:

1. ``python -c "import torch, pandas, sklearn"``: the floor;
2. ``forecast fit datasets/airline.csv -o OUT --quiet`` on a quiet machine
   (target: at most twice the floor);
3. the same fit while a Python busy loop keeps one core busy (target: at most
   1.25 times the quiet fit), beside the imports under the same load;
4. two such fits started together, against the same two one after the other
   (target: at most 0.8 times as long), beside two imports the same ways.

Beside each wall-clock time it prints the processes' CPU seconds (user and
system), which other load on the machine does not inflate: a fit that takes
little more CPU than the imports, on one thread, is as cheap as it can be made
from here, and a wall-clock ratio above its target then measures the other
processes; the imports under the same conditions show what any process gets.
The load average before and after says how quiet the machine was.

    python benchmarks/process_speed.py [--runs 3]
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).resolve().parent.parent / "datasets" / "airline.csv"
IMPORT = [sys.executable, "-c", "import torch, pandas, sklearn"]
BUSY_LOOP = [sys.executable, "-c", "while True: pass"]


class Seconds(NamedTuple):
    wall: float
    cpu: float

    def __add__(self, other):
        return Seconds(self.wall + other.wall, self.cpu + other.cpu)


def fit_command(output):
    return [sys.executable, "-m", "forecast", "fit", str(DATA), "-o", str(output), "--quiet"]


def seconds_of(*commands):
    """Wall-clock seconds from starting every command together to the last one's end, and their CPU seconds."""
    cpu_before = _children_cpu_seconds()
    started = time.perf_counter()
    processes = [subprocess.Popen(command, stdout=subprocess.DEVNULL) for command in commands]
    for process in processes:
        if process.wait() != 0:
            raise SystemExit(f"{' '.join(process.args)} failed with exit code {process.returncode}")
    return Seconds(time.perf_counter() - started, _children_cpu_seconds() - cpu_before)


def _children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def with_one_core_busy(measure):
    busy = subprocess.Popen(BUSY_LOOP)
    try:
        time.sleep(0.5)  # let the loop take its core
        return measure()
    finally:
        busy.kill()
        busy.wait()


def measure_round(folder):
    first, second = folder / "first.npz", folder / "second.npz"
    return {
        "import": seconds_of(IMPORT),
        "fit": seconds_of(fit_command(first)),
        "busy": with_one_core_busy(lambda: seconds_of(fit_command(first))),
        "import, busy": with_one_core_busy(lambda: seconds_of(IMPORT)),
        "together": seconds_of(fit_command(first), fit_command(second)),
        "in a row": seconds_of(fit_command(first)) + seconds_of(fit_command(second)),
        "imports together": seconds_of(IMPORT, IMPORT),
        "imports in a row": seconds_of(IMPORT) + seconds_of(IMPORT),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="rounds of measurements; medians are shown")
    runs = parser.parse_args().runs
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        rounds = [measure_round(Path(folder)) for _ in range(runs)]
    wall = {case: statistics.median(measured[case].wall for measured in rounds) for case in rounds[0]}
    cpu = {case: statistics.median(measured[case].cpu for measured in rounds) for case in rounds[0]}
    print(f"\n### Whole processes: `forecast fit datasets/airline.csv`, medians of {runs}\n")
    print(f"Load average (1 minute) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after.\n")
    print("| measure | wall s | CPU s | ratio of wall times | target |\n| --- | ---: | ---: | ---: | ---: |")
    imports_together = wall["imports together"] / wall["imports in a row"]
    rows = [
        ("`import torch, pandas, sklearn`", "import", "", ""),
        ("fit, quiet machine", "fit", f"{wall['fit'] / wall['import']:.2f} × import", "<= 2"),
        ("fit, one core busy", "busy", f"{wall['busy'] / wall['fit']:.2f} × quiet fit", "<= 1.25"),
        (
            "the imports, one core busy",
            "import, busy",
            f"{wall['busy'] / wall['import, busy']:.2f} (fit / imports)",
            "",
        ),
        ("two fits started together", "together", f"{wall['together'] / wall['in a row']:.2f} × in a row", "<= 0.8"),
        ("two fits in a row", "in a row", "", ""),
        ("two imports started together", "imports together", f"{imports_together:.2f} × in a row", ""),
        ("two imports in a row", "imports in a row", "", ""),
    ]
    for label, case, ratio, target in rows:
        print(f"| {label} | {wall[case]:.2f} | {cpu[case]:.2f} | {ratio} | {target} |")


if __name__ == "__main__":
    main()
