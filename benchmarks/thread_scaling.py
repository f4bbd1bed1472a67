"""Training steps of the default networks on one thread and on two, over a range of batch sizes.

Prints the median time of a training step (forward, backward, Adam) for each
network and batch beside its forward multiply-adds, the measure the thread
rule of `forecast.neural.threads` reads. Run it on quiet cores to set
``MULTIPLY_ADDS_PER_THREAD`` for a machine: a second thread should pay off
above the figure and not below it.

    python benchmarks/thread_scaling.py [--rounds 3]
"""

import argparse
import statistics
import time

import torch

from forecast.neural.fitting import MAX_AUTO_SEGMENT_LENGTH
from forecast.neural.networks import MLPNet, RecurrentNet
from forecast.neural.training import Adam, forward_multiply_adds

# name, network, lookback, horizon
NETWORKS = [
    ("gru, lookback 48", lambda: RecurrentNet(1, 48, 24, hidden_size=128, dropout=0.5, segment_length=12), 48, 24),
    (
        "gru, lookback 336",
        lambda: RecurrentNet(1, 336, 96, hidden_size=128, segment_length=MAX_AUTO_SEGMENT_LENGTH),
        336,
        96,
    ),
    ("mlp, lookback 96", lambda: MLPNet(1, 96, 96, hidden_size=128), 96, 96),
]
BATCHES = (32, 128, 512, 2048)


def step_seconds(network, optimizer, windows, lookback, threads, steps=3):
    torch.set_num_threads(threads)
    started = time.perf_counter()
    for _ in range(steps):
        loss = network.loss(network(windows[:, :lookback]), windows)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return (time.perf_counter() - started) / steps


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of measurements; medians are shown")
    rounds = parser.parse_args().rounds
    torch.manual_seed(0)
    print("\n| network | batch | forward multiply-adds | 1 thread ms | 2 threads ms | speed-up |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, build, lookback, horizon in NETWORKS:
        for batch in BATCHES:
            network = build()
            optimizer = Adam(network.parameters(), learning_rate=1e-3, weight_decay=0.0)
            windows = torch.randn(batch, lookback + horizon, 1)
            seconds = {1: [], 2: []}
            for _ in range(rounds):  # interleaved, so that a change of load touches both alike
                for threads, measured in seconds.items():
                    measured.append(step_seconds(network, optimizer, windows, lookback, threads))
            one, two = (statistics.median(seconds[threads]) * 1000 for threads in (1, 2))
            work = forward_multiply_adds(network, batch)
            print(f"| {name} | {batch} | {work:.1e} | {one:.1f} | {two:.1f} | {one / two:.2f} |")


if __name__ == "__main__":
    main()
