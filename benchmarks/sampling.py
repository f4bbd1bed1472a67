"""Sampled epochs drawn uniformly over windows (the default) or over series, on a panel of unequal lengths.

When a panel has more training windows than an epoch visits (``epoch_windows``), each epoch draws
its windows uniformly over all of them, so a long series weighs more than a short one. The other
choice draws a series uniformly, then one of its windows, so that each series weighs alike. This
benchmark fits the default `RNNForecaster` once each way (the second by replacing
`forecast.neural.training.epoch_shard` for the fit, an ablation, not an option of the library) on a
generated daily panel whose series start on different days (as products launch at different times
in retail data), and scores the last 28 days of every series against seasonal naive (season 7): the
mean MASE over series, and over the shortest and the longest third.

    python benchmarks/sampling.py [--series 2000] [--days 1000] [--seed 0]
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd
import torch
from scale import SEASON, daily_panel, mase_per_series

import forecast.neural.fitting as fitting
import forecast.neural.training as training
from forecast import RNNForecaster
from forecast.inputs.defaults import default_window

HORIZON = 28


def uneven_panel(n_series, n_days, seed):
    """A frame indexed by ``(unique_id, ds)``: series of `daily_panel` cut to start on a random day."""
    values = daily_panel(n_series, n_days, seed).astype(float)
    first_days = np.random.default_rng(seed + 1).integers(0, n_days - 200, n_series)
    dates = pd.date_range("2021-01-01", periods=n_days, freq="D")
    pieces = {f"s{number:05d}": pd.DataFrame({"y": row[first:]}, index=pd.Index(dates[first:], name="ds"))
              for number, (row, first) in enumerate(zip(values, first_days))}  # fmt: skip
    return pd.concat(pieces, names=["unique_id", "ds"])


def over_series(captured):
    """An `epoch_shard` for one process that draws a series uniformly, then one of its training windows."""

    def shard(n_windows, seed, rank, world_size):
        starts = captured["data"].train_starts  # (n,) start rows; a new series where they jump by more than 1
        jumps = torch.nonzero(starts[1:] - starts[:-1] != 1).flatten() + 1
        first = torch.cat([torch.zeros(1, dtype=torch.int64), jumps])
        counts = torch.cat([jumps, torch.tensor([len(starts)])]) - first
        generator = torch.Generator().manual_seed(seed)
        series = torch.randint(len(first), (n_windows,), generator=generator)
        within = (torch.rand(n_windows, generator=generator) * counts[series]).long()
        return first[series] + within

    return shard


def fit_and_score(panel, sampling, seed):
    history = panel.groupby(level=0, group_keys=False).apply(lambda piece: piece.iloc[:-HORIZON])
    lookback, horizon = default_window("D", horizon=HORIZON, rows=int(history.groupby(level=0).size().median()))
    model = RNNForecaster(lookback=lookback, horizon=horizon, random_state=seed)
    original_shard, original_data = training.epoch_shard, fitting.WindowData
    captured = {}

    def capturing_data(*args, **kwargs):
        captured["data"] = original_data(*args, **kwargs)
        return captured["data"]

    if sampling == "series":
        training.epoch_shard, fitting.WindowData = over_series(captured), capturing_data
    try:
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(history)
        seconds = time.perf_counter() - started
    finally:
        training.epoch_shard, fitting.WindowData = original_shard, original_data
    forecasts = model.predict()["y"]
    scores, lengths, naive_scores = [], [], []
    for series_id, piece in panel.groupby(level=0):
        values = piece["y"].to_numpy()
        past, actual = values[:-HORIZON], values[-HORIZON:]
        predicted = forecasts.loc[series_id].to_numpy()
        naive = np.tile(past[-SEASON:], -(-HORIZON // SEASON))[:HORIZON]
        scores.append(mase_per_series(actual[None], predicted[None], past[None])[0])
        naive_scores.append(mase_per_series(actual[None], naive[None], past[None])[0])
        lengths.append(len(values))
    return np.array(scores), np.array(naive_scores), np.array(lengths), seconds, len(model.history_)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", type=int, default=2000)
    parser.add_argument("--days", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    panel = uneven_panel(args.series, args.days, args.seed)
    print(f"{args.series} daily series of {panel.groupby(level=0).size().min()} to "
          f"{panel.groupby(level=0).size().max()} rows; the last {HORIZON} of each held out\n")  # fmt: skip
    print("| epochs drawn | mean MASE | shortest third | longest third | / seasonal naive | fit s | epochs |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for sampling in ("windows", "series"):
        scores, naive, lengths, seconds, epochs = fit_and_score(panel, sampling, args.seed)
        short, long = lengths <= np.quantile(lengths, 1 / 3), lengths >= np.quantile(lengths, 2 / 3)
        print(f"| over {sampling} | {scores.mean():.3f} | {scores[short].mean():.3f} | {scores[long].mean():.3f} "
              f"| {scores.mean() / naive.mean():.3f} | {seconds:.0f} | {epochs} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
