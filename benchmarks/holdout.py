"""Final-period holdout on the small bundled series: MASE of each model against seasonal naive.

Each series loses its final period (airline: the last 12 months; sunspots: the
last 11 years, one solar cycle); every model is fitted with its default
settings on the rest and forecasts that period from its end. Neural models
run over several seeds; the table shows mean ± standard deviation.

    python benchmarks/holdout.py [--seeds 5]
"""

import argparse
import time
import warnings

import numpy as np

from forecast import (
    LinearForecaster,
    MLPForecaster,
    NaiveForecaster,
    RNNForecaster,
    SeasonalNaiveForecaster,
    mase,
    read_csv,
)

# name, file, lookback, horizon (= held-out rows), season length
SERIES = [("airline", "datasets/airline.csv", 24, 12, 12), ("sunspots", "datasets/sunspots.csv", 44, 11, 11)]
MODELS = {
    "rnn (Elman)": lambda L, H, m, seed: RNNForecaster(L, H, cell="rnn", random_state=seed),
    "lstm": lambda L, H, m, seed: RNNForecaster(L, H, cell="lstm", random_state=seed),
    "gru": lambda L, H, m, seed: RNNForecaster(L, H, cell="gru", random_state=seed),
    "mlp": lambda L, H, m, seed: MLPForecaster(L, H, random_state=seed),
    "linear": lambda L, H, m, seed: LinearForecaster(L, H),
    "naive": lambda L, H, m, seed: NaiveForecaster(horizon=H),
    "seasonal naive": lambda L, H, m, seed: SeasonalNaiveForecaster(season_length=m, horizon=H),
}
DETERMINISTIC = {"linear", "naive", "seasonal naive"}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5, help="seeds per neural model")
    seeds = range(parser.parse_args().seeds)
    warnings.filterwarnings("ignore", category=UserWarning)
    for name, path, lookback, horizon, season in SERIES:
        series = read_csv(path)
        train, test = series.iloc[:-horizon], series.iloc[-horizon:]
        baseline = None
        print(f"\n### {name}: lookback {lookback}, final {horizon} rows held out, MASE season {season}\n")
        print("| model | MASE | relative to seasonal naive | fit seconds |\n| --- | --- | --- | --- |")
        rows = []
        for model, make in MODELS.items():
            scores, seconds = [], []
            for seed in [0] if model in DETERMINISTIC else seeds:
                started = time.perf_counter()
                forecast = make(lookback, horizon, season, seed).fit(train).predict()
                seconds.append(time.perf_counter() - started)
                scores.append(
                    mase(test.to_numpy(), forecast.to_numpy(), y_train=train.to_numpy(), season_length=season)
                )
            rows.append((model, np.mean(scores), np.std(scores), np.median(seconds)))
            if model == "seasonal naive":
                baseline = np.mean(scores)
        for model, mean, std, seconds in sorted(rows, key=lambda row: row[1]):
            spread = f" ± {std:.3f}" if model not in DETERMINISTIC else ""
            print(f"| {model} | {mean:.3f}{spread} | {mean / baseline:.2f} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
