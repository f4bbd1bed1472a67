"""forecast beside darts and neuralforecast on the same ETTh1 windows, in one run.

Runs in its own environment (``make peers`` installs it from
``benchmarks/requirements-peers.txt`` with the torch==2.13.0 constraint);
neither peer is a dependency of forecast. Every model sees the same data: the
ETTh1 standard split, standardised with the training rows, lookback 96 and
horizon 96. The peers train for ``--epochs`` epochs at batch 32 with hidden
size 64 × 2 layers and no early stopping, as their documentation's examples
do; ours trains with its defaults (early stopping on the validation split),
and again capped at the peers' epochs.
All are scored on the same test windows (every ``--stride``-th stride-1
window) with MSE and MAE on the standardised scale, and timed per epoch.

    .venv-peers/bin/python benchmarks/peers.py [--setting S] [--epochs 5] [--stride 4]
"""

import argparse
import logging
import time
import warnings

import numpy as np
import pandas as pd
from etth1 import DATA, TEST_ROWS, TRAIN_ROWS, VALIDATION_ROWS

LOOKBACK = HORIZON = 96
HIDDEN, LAYERS, BATCH = 64, 2, 32


def load(setting):
    from forecast import read_csv
    from forecast.inputs.scaling import Scaling

    frame = read_csv(DATA)
    if setting == "S":
        frame = frame[["OT"]]
    scaling = Scaling.fit(frame.to_numpy()[:TRAIN_ROWS])
    scaled = frame.copy()
    scaled[:] = scaling.transform(frame.to_numpy())
    return scaled  # standardised with the training rows


def test_windows(scaled, stride):
    from forecast import make_windows

    first_target = TRAIN_ROWS + VALIDATION_ROWS
    X, Y = make_windows(scaled.to_numpy()[first_target - LOOKBACK : first_target + TEST_ROWS], LOOKBACK, HORIZON)
    return X[::stride], Y[::stride]  # (n, L, C), (n, H, C)


def ours(scaled, X, epochs):
    """Our default GRU twice: as shipped (early stopping), and capped at the peers' ``epochs``."""
    from forecast import RNNForecaster

    for name, max_epochs in [("defaults", 100), (f"defaults, {epochs} epochs", epochs)]:
        model = RNNForecaster(LOOKBACK, HORIZON, validation_fraction=0.25, random_state=0, max_epochs=max_epochs)
        started = time.perf_counter()
        model.fit(scaled.iloc[: TRAIN_ROWS + VALIDATION_ROWS])
        seconds = time.perf_counter() - started
        per_epoch = float(np.median([record["seconds"] for record in model.history_]))
        yield f"forecast RNNForecaster (gru, {name})", model.predict_windows(X), seconds, per_epoch, len(model.history_)


def darts_models(scaled, X, epochs):
    from darts import TimeSeries
    from darts.models import BlockRNNModel, RNNModel

    train = TimeSeries.from_values(scaled.to_numpy()[:TRAIN_ROWS].astype(np.float32))
    inputs = [TimeSeries.from_values(window.astype(np.float32)) for window in X]
    common = dict(
        input_chunk_length=LOOKBACK,
        hidden_dim=HIDDEN,
        n_rnn_layers=LAYERS,
        n_epochs=epochs,
        batch_size=BATCH,
        random_state=0,
        pl_trainer_kwargs={
            "accelerator": "cpu",
            "enable_progress_bar": False,
            "enable_model_summary": False,
            "logger": False,
        },
    )
    candidates = {
        f"darts RNNModel {cell}": RNNModel(model=cell, training_length=LOOKBACK + HORIZON, **common)
        for cell in ("LSTM", "GRU")
    }
    candidates["darts BlockRNNModel LSTM"] = BlockRNNModel(model="LSTM", output_chunk_length=HORIZON, **common)
    for name, model in candidates.items():
        started = time.perf_counter()
        model.fit(train)
        seconds = time.perf_counter() - started
        forecasts = model.predict(n=HORIZON, series=inputs, verbose=False)
        yield name, np.stack([forecast.values() for forecast in forecasts]), seconds, seconds / epochs, epochs


def neuralforecast_models(scaled, X, epochs):
    from neuralforecast import NeuralForecast
    from neuralforecast.models import GRU, LSTM, MLP

    def long_format(values, ids):
        n_rows = values.shape[1]
        stamps = pd.date_range("2000-01-01", periods=n_rows, freq="h")
        return pd.DataFrame(
            {"unique_id": np.repeat(ids, n_rows), "ds": np.tile(stamps, len(ids)), "y": values.reshape(-1)}
        )

    channels = scaled.shape[1]
    train = long_format(scaled.to_numpy()[:TRAIN_ROWS].T, [f"c{c}" for c in range(channels)])
    windows = X.transpose(0, 2, 1).reshape(-1, LOOKBACK)  # (n*C, L): one series per window and channel
    inputs = long_format(windows, np.arange(len(windows)).astype(str))
    common = dict(
        h=HORIZON,
        input_size=LOOKBACK,
        batch_size=BATCH,
        random_seed=0,
        scaler_type="identity",
        enable_progress_bar=False,
        enable_model_summary=False,
        logger=False,
        accelerator="cpu",
    )
    steps_per_epoch = channels * (TRAIN_ROWS - LOOKBACK - HORIZON + 1) // BATCH
    recurrent = dict(encoder_hidden_size=HIDDEN, encoder_n_layers=LAYERS, max_steps=epochs * steps_per_epoch)
    candidates = {
        "neuralforecast LSTM": LSTM(**recurrent, **common),
        "neuralforecast GRU": GRU(**recurrent, **common),
        "neuralforecast MLP": MLP(hidden_size=HIDDEN, num_layers=LAYERS, max_steps=epochs * steps_per_epoch, **common),
    }
    for name, model in candidates.items():
        forecaster = NeuralForecast(models=[model], freq="h")
        started = time.perf_counter()
        forecaster.fit(train)
        seconds = time.perf_counter() - started
        predicted = forecaster.predict(df=inputs)
        column = [c for c in predicted.columns if c not in ("unique_id", "ds")][0]
        ordered = predicted.assign(order=predicted["unique_id"].astype(int)).sort_values(["order", "ds"])
        forecasts = ordered[column].to_numpy().reshape(len(X), channels, HORIZON).transpose(0, 2, 1)
        yield name, forecasts, seconds, seconds / epochs, epochs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--setting", choices=["S", "M"], default="S")
    parser.add_argument("--epochs", type=int, default=5, help="training epochs of each peer")
    parser.add_argument("--stride", type=int, default=4, help="score every n-th test window")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    # The first torch optimiser in a process imports torch._dynamo (about 1.6 s here). The peers import
    # it with Lightning, before their timers start; import it now so the first model timed (ours) does
    # not pay that one-time cost for everyone.
    import torch._dynamo  # noqa: F401

    scaled = load(args.setting)
    X, Y = test_windows(scaled, args.stride)
    results = []
    for source in (ours, darts_models, neuralforecast_models):
        try:
            results.extend(source(scaled, X, args.epochs))
        except Exception as error:  # noqa: BLE001 - a peer failing is reported, not fatal
            print(f"{source.__name__}: failed: {type(error).__name__}: {error}")
    print(
        f"\n### ETTh1 {args.setting}, lookback {LOOKBACK}, horizon {HORIZON}: test MSE / MAE (standardised) "
        f"over {len(X)} windows (every {args.stride}th)\n"
    )
    print("| model | MSE | MAE | epochs | seconds per epoch | fit seconds |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, forecasts, seconds, per_epoch, epochs in sorted(results, key=lambda r: np.mean((r[1] - Y) ** 2)):
        print(
            f"| {name} | {np.mean((forecasts - Y) ** 2):.4f} | {np.mean(np.abs(forecasts - Y)):.4f} | {epochs} | "
            f"{per_epoch:.1f} | {seconds:.1f} |"
        )
    print_speedups(results)


def print_speedups(results):
    """Fit time of the fastest peer recurrent model over each of ours, in this run."""
    peers = [r for r in results if not r[0].startswith("forecast") and "MLP" not in r[0]]
    if not peers:
        return
    fastest = min(peers, key=lambda r: r[2])
    print()
    for name, _, seconds, per_epoch, _ in results:
        if name.startswith("forecast"):
            print(
                f"- {name}: {fastest[2] / seconds:.1f}x less fit time and {fastest[3] / per_epoch:.1f}x less time "
                f"per epoch than the fastest peer recurrent model ({fastest[0]})"
            )


if __name__ == "__main__":
    main()
