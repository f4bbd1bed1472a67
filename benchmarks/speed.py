"""Training and prediction speed of each network, and the training loop's overhead over a bare loop.

For each model, in a fresh process of its own (so that peak memory is its own):
- our loop: `forecast.neural.training.train`, which gathers each batch of windows by
  start row from the stored series;
- the bare loop: the same module, loss, gradient clipping and Adam over
  windows materialised once as one tensor, with nothing else per step:
  the limit the kernels allow;
- `predict_windows` throughput, and the process's peak resident memory.

Each figure is the median over ``--epochs`` timed epochs (after one warm-up
epoch); the overhead is our loop's median epoch time over the bare loop's.
Data: ETTh1 OT, lookback 96, horizon 96, the default networks, batch 128
(what ``batch_size="auto"`` picks here).

    python benchmarks/speed.py [--epochs 5] [--setting S|M]
"""

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
from etth1 import DATA, TRAIN_ROWS

MODELS = ("rnn", "lstm", "gru", "mlp")


def measure(model, epochs, setting):
    import torch

    from forecast import read_csv
    from forecast.inputs.scaling import Scaling
    from forecast.inputs.windows import chronological_split
    from forecast.neural.training import TrainingConfig, WindowData, train
    from forecast.registry import make_forecaster

    torch.manual_seed(0)
    frame = read_csv(DATA).iloc[:TRAIN_ROWS]
    if setting == "S":
        frame = frame[["OT"]]
    lookback = horizon = 96
    estimator = make_forecaster(model, lookback=lookback, horizon=horizon, random_state=0)
    values = frame.to_numpy()
    series = torch.as_tensor(Scaling.fit(values).transform(values), dtype=torch.float32)
    starts = torch.as_tensor(chronological_split(len(values), lookback, horizon).train)
    data = WindowData(series, starts, torch.empty(0, dtype=torch.int64), lookback, horizon)
    config = TrainingConfig(
        max_epochs=epochs + 1,
        patience=epochs + 2,
        batch_size=128,
        lr_schedule=None,
    )

    module = estimator._build_module(series.shape[1], lookback, horizon)
    ours = [record["seconds"] for record in train(module, data, config)][1:]

    module = estimator._build_module(series.shape[1], lookback, horizon)
    optimizer = torch.optim.Adam(module.parameters(), lr=config.learning_rate)
    windows = data.gather(starts)  # (N, L+H, C), materialised once
    bare = []
    module.train()
    for _ in range(epochs + 1):
        started = time.perf_counter()
        for batch in torch.randperm(len(windows)).split(config.batch_size):
            loss = module.loss(module(windows[batch][:, :lookback]), windows[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(module.parameters(), config.gradient_clip)
            optimizer.step()
        bare.append(time.perf_counter() - started)
    bare = bare[1:]

    estimator.set_params(max_epochs=1).fit(frame)
    test_windows = np.stack([values[i : i + lookback] for i in range(0, len(values) - lookback, 2)])
    predict = []
    for _ in range(3):
        started = time.perf_counter()
        estimator.predict_windows(test_windows)
        predict.append(time.perf_counter() - started)
    return {
        "model": model,
        "windows": len(starts),
        "ours": float(np.median(ours)),
        "bare": float(np.median(bare)),
        "predict_windows_per_s": len(test_windows) / float(np.median(predict)),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs per loop (after one warm-up)")
    parser.add_argument("--setting", choices=["S", "M"], default="S")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.worker, args.epochs, args.setting)))
        return
    results = []
    for model in MODELS:
        command = [sys.executable, __file__, "--worker", model, "--epochs", str(args.epochs), "--setting", args.setting]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    print(
        f"\n### Speed on ETTh1 {args.setting}, lookback 96, horizon 96, batch 128: "
        f"{results[0]['windows']:,} training windows; medians over {args.epochs} epochs\n"
    )
    print(
        "| model | our loop, windows/s | bare loop, windows/s | overhead | predict_windows, windows/s | peak memory MB |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        print(
            f"| {result['model']} | {result['windows'] / result['ours']:,.0f} | {result['windows'] / result['bare']:,.0f} | "
            f"{result['ours'] / result['bare'] - 1:+.1%} | {result['predict_windows_per_s']:,.0f} | {result['peak_mb']:,.0f} |"
        )


if __name__ == "__main__":
    main()
