"""One global recurrent model over about 400 hourly series: fit time, and accuracy on a held-out week.

No package that installs from PyPI here ships a panel of hundreds of hourly
series (M4's 414 hourly series, the traditional test, is downloaded from the
web by the packages that offer it), so the panel is synthetic, built to look
like metered demand: 400 series of 700 to 1,000 hourly rows, each a level
between 10 and 10,000 with its own daily profile (two harmonics), a weekly
profile with quieter weekends, a linear trend, autocorrelated noise of 2-8% of
the level and, in a third of the series, one level shift of 10-40%. The seed
fixes the panel.

The default `RNNForecaster` (a GRU; lookback 48 and horizon 24, the command
line's defaults for hourly data) is fitted once on every series up to its last
week and forecasts that week day by day (``backtest(..., n_windows=7, step=24,
refit=0)``: seven daily origins, one fit); the seasonal naive forecast (season
24) is the reference. MASE is scaled by each series' in-sample seasonal naive
error, as `forecast.evaluate` does. ``--horizon 48`` forecasts two days at a
time, as M4 does, from three origins in the last week (144 hours), with a lookback of 96
unless ``--lookback`` says otherwise.

    python benchmarks/global_hourly.py [--series 400] [--horizon 24] [--lookback 48 | --lookback 48,24,72]
        [--seed 0] [--params JSON]
"""

import argparse
import json
import sys
import time
import warnings

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from forecast import RNNForecaster, SeasonalNaiveForecaster, backtest, evaluate

HOURS_HELD_OUT = 7 * 24  # the last week of each series, forecast from one fit


def synthetic_hourly_panel(n_series, seed=0):
    """``n_series`` hourly series of 700-1,000 rows as a frame indexed by ``(unique_id, ds)``, one column ``y``."""
    rng = np.random.default_rng(seed)
    pieces = {}
    for number in range(n_series):
        n_rows = int(rng.integers(700, 1001))
        start = pd.Timestamp("2016-01-01") + pd.Timedelta(hours=int(rng.integers(0, 24 * 365)))
        index = pd.date_range(start, periods=n_rows, freq="h", name="ds")
        hour = index.hour.to_numpy() + index.minute.to_numpy() / 60
        day_of_week = index.day_of_week.to_numpy()
        level = 10 ** rng.uniform(1, 4)
        daily = sum(
            rng.uniform(0.05, 0.35) * np.sin(2 * np.pi * harmonic * hour / 24 + rng.uniform(0, 2 * np.pi))
            for harmonic in (1, 2)
        )
        weekend_dip = rng.uniform(0.0, 0.4)
        weekly = np.where(day_of_week >= 5, 1 - weekend_dip, 1.0) * (
            1 + rng.uniform(0, 0.05) * np.sin(2 * np.pi * day_of_week / 7)
        )
        trend = 1 + rng.uniform(-0.3, 0.3) * np.arange(n_rows) / n_rows
        shift = np.ones(n_rows)
        if rng.random() < 1 / 3:
            shift[int(rng.integers(n_rows // 4, n_rows)) :] += rng.choice([-1, 1]) * rng.uniform(0.1, 0.4)
        noise = _ar1_noise(rng, n_rows, coefficient=rng.uniform(0.3, 0.9), scale=rng.uniform(0.02, 0.08))
        values = level * trend * shift * weekly * (1 + daily) * (1 + noise)
        pieces[f"H{number + 1}"] = pd.Series(values, index=index)
    return pd.concat(pieces, names=["unique_id", "ds"]).to_frame("y")


def _ar1_noise(rng, n_rows, coefficient, scale):
    """Autocorrelated noise with standard deviation ``scale``: x_t = coefficient * x_(t-1) + e_t."""
    innovations = rng.normal(0, scale * np.sqrt(1 - coefficient**2), n_rows)
    innovations[0] = rng.normal(0, scale)  # the first value from the stationary distribution
    return lfilter([1.0], [1.0, -coefficient], innovations)


FITS = []  # (seconds, epochs) of each fit of a TimedRNNForecaster


class TimedRNNForecaster(RNNForecaster):
    """The default `RNNForecaster`, recording each fit's seconds, epochs and lookback in `FITS` (backtest fits clones)."""

    def fit(self, y):
        started = time.perf_counter()
        super().fit(y, on_epoch_end=_print_epoch)
        FITS.append((time.perf_counter() - started, len(self.history_), self.lookback_))
        return self


def _print_epoch(record):
    print(
        f"epoch {record['epoch']}: train {record['train_loss']:.4f}, validation {record['validation_loss']:.4f}, "
        f"{record['seconds']:.1f} s",
        file=sys.stderr,
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", type=int, default=400, help="number of series")
    parser.add_argument("--horizon", type=int, default=24, help="hours each forecast covers (M4 forecasts 48)")
    parser.add_argument(
        "--lookback",
        type=lambda text: tuple(int(part) for part in text.split(",")) if "," in text else int(text),
        default=None,
        help="rows each forecast sees, or several to choose among on validation (48,24,72); default twice the horizon",
    )
    parser.add_argument("--seed", type=int, default=0, help="random_state of the GRU")
    parser.add_argument("--params", type=json.loads, default={}, help="other RNNForecaster parameters, as JSON")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    panel = synthetic_hourly_panel(args.series)
    horizon, lookback = args.horizon, args.lookback or 2 * args.horizon
    models = {
        "gru": TimedRNNForecaster(lookback=lookback, horizon=horizon, random_state=args.seed, **args.params),
        "seasonal-naive": SeasonalNaiveForecaster(season_length=24, horizon=horizon),
    }
    results = backtest(models, panel, n_windows=HOURS_HELD_OUT // horizon, step=horizon, refit=0)
    scores = evaluate(results, panel, season_length=24).set_index("model")
    (fit_seconds, epochs, lookback), *_ = FITS
    print(
        f"\n### Synthetic hourly panel: {args.series} series, {len(panel):,} rows; lookback {lookback}, "
        f"horizon {horizon}; the last {HOURS_HELD_OUT // horizon * horizon} hours of each series held out "
        f"({HOURS_HELD_OUT // horizon} origins, one fit)\n"
    )
    print(
        f"GRU fit: {fit_seconds:.0f} s, {epochs} epochs ({fit_seconds / epochs:.1f} s per epoch), lookback {lookback}\n"
    )
    print("| model | MASE | MASE / seasonal naive | wins vs seasonal naive | sMAPE % |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, row in scores.iterrows():
        print(f"| {name} | {row['mase']:.3f} | {row['relative_mase']:.3f} | {row['wins']:.0%} | {row['smape']:.2f} |")


if __name__ == "__main__":
    main()
