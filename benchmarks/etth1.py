"""ETTh1 under the standard protocol, beside the published numbers.

Rows 0-8,639 train, 8,640-11,519 validate, 11,520-14,399 test; every column is
standardised with the training rows' mean and standard deviation, and MSE and
MAE are averaged over every stride-1 test window, horizon step and channel on
that scale. Models go through the public API: the neural forecasters are
fitted on train + validation with ``validation_fraction=0.25`` (exactly the
validation split, used for early stopping; scaling from the training rows),
the baselines on the training rows, and every model is scored with
``predict_windows`` on the test windows.

    python benchmarks/etth1.py                       # M and S, lookback 96, horizon 96
    python benchmarks/etth1.py --setting S --lookback 336 --models gru,linear
    python benchmarks/etth1.py --split validation    # score on the validation split instead
    python benchmarks/etth1.py --setting S --models gru --params '{"segment_length": 48}'
    python benchmarks/etth1.py --setting S --calendar   # every model with calendar features (calendar="auto")
"""

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from forecast import mae, make_windows, mse, read_csv
from forecast.evaluation.comparison import count_parameters
from forecast.inputs.scaling import Scaling
from forecast.registry import MODEL_NAMES, NEURAL_MODELS, make_forecaster

DATA = Path(__file__).resolve().parent.parent / "datasets" / "ETTh1.csv"
TRAIN_ROWS, VALIDATION_ROWS, TEST_ROWS = 8640, 2880, 2880
# Published test MSE / MAE at horizon 96 (lookback in brackets), quoted from the papers, not re-run here.
PUBLISHED = {
    "M": [
        ("Informer (96)", 0.865, 0.713),
        ("Autoformer (96)", 0.449, 0.459),
        ("DLinear (96)", 0.386, 0.400),
        ("DLinear (336)", 0.375, 0.399),
        ("PatchTST/64 (512)", 0.370, 0.400),
        ("SegRNN (720)", 0.341, 0.376),
    ],
    "S": [("DLinear (336)", 0.056, 0.180)],
}


def run(setting, lookback, horizon, models, seeds, split, params, calendar=False):
    frame = read_csv(DATA)
    if setting == "S":
        frame = frame[["OT"]]
    values = frame.to_numpy()
    scaling = Scaling.fit(values[:TRAIN_ROWS])
    first_target = TRAIN_ROWS + (VALIDATION_ROWS if split == "test" else 0)
    scored_rows = values[first_target - lookback : first_target + TEST_ROWS]
    X, Y = make_windows(scored_rows, lookback, horizon)  # (n, L, C), (n, H, C)
    window_options = {}
    if calendar:  # the timestamps of each window's rows and forecast rows, (n, L + H)
        stamps = frame.index.to_numpy()[first_target - lookback : first_target + TEST_ROWS]
        window_options["times"] = sliding_window_view(stamps, lookback + horizon)[: len(X)]
    if split == "test":  # early stopping on exactly the validation split
        fit_data, validation_fraction = frame.iloc[: TRAIN_ROWS + VALIDATION_ROWS], 0.25
    else:  # the validation split is scored, so early stopping uses the last 20% of the training rows
        fit_data, validation_fraction = frame.iloc[:TRAIN_ROWS], 0.2
    rows = []
    for model in models:
        results = []
        for seed in range(seeds) if model in NEURAL_MODELS else [None]:
            estimator = make_forecaster(model, lookback=lookback, horizon=horizon, season_length=24, random_state=seed)
            if model in NEURAL_MODELS:
                estimator.set_params(validation_fraction=validation_fraction, **params)
            if calendar:
                estimator.set_params(calendar="auto")
            started = time.perf_counter()
            estimator.fit(fit_data if model in NEURAL_MODELS else frame.iloc[:TRAIN_ROWS])
            fit_seconds = time.perf_counter() - started
            started = time.perf_counter()
            forecasts = estimator.predict_windows(X, **window_options)
            predict_seconds = time.perf_counter() - started
            targets, forecasts = scaling.transform(Y), scaling.transform(forecasts)
            results.append(
                (
                    mse(targets, forecasts),
                    mae(targets, forecasts),
                    fit_seconds,
                    predict_seconds,
                    len(getattr(estimator, "history_", [])),
                )
            )
        scores = np.array(results)
        rows.append((model, scores, count_parameters(estimator)))
    return rows, len(X)


def mean_and_spread(values):
    """``"0.1234"`` for one seed, ``"0.1234 ± 0.0012"`` (mean ± std) for several."""
    return f"{values.mean():.4f}" + (f" ± {values.std():.4f}" if len(values) > 1 else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--setting", choices=["M", "S", "both"], default="both")
    parser.add_argument("--lookback", type=int, default=96)
    parser.add_argument("--horizon", type=int, default=96)
    parser.add_argument("--models", default=",".join(MODEL_NAMES))
    parser.add_argument("--seeds", type=int, default=1, help="seeds per neural model (mean ± std)")
    parser.add_argument("--split", choices=["test", "validation"], default="test")
    parser.add_argument(
        "--params",
        type=json.loads,
        default={},
        help="JSON of parameters set on every neural model, e.g. '{\"dropout\": 0.3}'",
    )
    parser.add_argument("--calendar", action="store_true", help="every model with calendar features")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    models = args.models.split(",")
    for setting in ["M", "S"] if args.setting == "both" else [args.setting]:
        rows, n_windows = run(
            setting, args.lookback, args.horizon, models, args.seeds, args.split, args.params, args.calendar
        )
        print(
            f"\n### ETTh1 {setting}, lookback {args.lookback}, horizon {args.horizon}: "
            f"{args.split} MSE / MAE over {n_windows} windows (standardised)"
            + (f"; neural models with {json.dumps(args.params)}" if args.params else "")
            + ("; calendar features" if args.calendar else "")
            + "\n"
        )
        print("| model | MSE | MAE | parameters | epochs | fit s | predict s |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for model, scores, parameters in sorted(rows, key=lambda row: row[1][:, 0].mean()):
            print(
                f"| {model} | {mean_and_spread(scores[:, 0])} | {mean_and_spread(scores[:, 1])} | {parameters:,} | "
                f"{scores[:, 4].mean():.0f} | "
                f"{np.median(scores[:, 2]):.1f} | {np.median(scores[:, 3]):.2f} |"
            )
        if args.split == "test" and args.horizon == 96:
            for name, published_mse, published_mae in PUBLISHED[setting]:
                print(f"| *{name}, published* | {published_mse:.3f} | {published_mae:.3f} | | | | |")


if __name__ == "__main__":
    main()
