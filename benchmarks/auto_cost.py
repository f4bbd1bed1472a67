"""What the automatic choice costs on a panel: 400 generated quarterly series of 60 rows, default candidates.

Each series: a level, a drift, a quarterly season of random size and phase, and a random walk (seeded).
`AutoForecaster(horizon=4)` backtests its seven default candidates on the last three windows of each
series, chooses, and fits the chosen ones on all the data; the script prints the seconds that took and
how often each option was chosen.

    python benchmarks/auto_cost.py [--series 400] [--rows 60]
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from forecast import AutoForecaster


def panel(n_series, n_rows, seed=0):
    rng = np.random.default_rng(seed)
    steps = np.arange(n_rows)
    index = pd.date_range("2010-01-01", periods=n_rows, freq="QS", name="ds")
    frames = {}
    for number in range(n_series):
        season = rng.uniform(0, 10) * np.sin(2 * np.pi * steps / 4 + rng.uniform(0, 6))
        walk = np.cumsum(rng.normal(0, 2, n_rows))
        values = 100 + rng.normal(0, 20) + rng.normal(0, 0.5) * steps + season + walk
        frames[f"s{number}"] = pd.DataFrame({"y": values}, index=index)
    return pd.concat(frames, names=["unique_id", "ds"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=400)
    parser.add_argument("--rows", type=int, default=60)
    options = parser.parse_args()
    data = panel(options.series, options.rows)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = AutoForecaster(horizon=4, random_state=0).fit(data)
    print(f"auto on {options.series} quarterly series of {options.rows} rows: {time.perf_counter() - started:.0f} s\n")
    print(model.choice_["chosen"].value_counts().to_string())


if __name__ == "__main__":
    main()
