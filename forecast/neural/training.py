"""One readable training loop: Adam on MSE, shuffled mini-batches, early stopping on a chronological tail.

Training windows are never materialised: the series is stored once as a
``(T, C+P+F)`` tensor (targets, then covariates) and each batch gathers its windows by start row
(``series[start + offsets]``), so memory does not grow with the number of
windows. Several series are concatenated into one tensor; their start rows
simply never cross a boundary.

An epoch is at most ``epoch_windows`` windows: when there are more training
windows, each epoch draws that many afresh, uniformly over all windows
without replacement, so the cost of an epoch stops growing with the data
(a retail panel of 10,000 series × 1,000 days has about 7 million windows;
at ~20,000 windows per second a full pass would take six minutes).
``max_steps`` optionally bounds the optimiser steps of the whole fit, and
``min_improvement`` lets early stopping ignore epochs that improve the
validation loss by a negligible fraction.

Under ``torchrun`` the same loop trains with `DistributedDataParallel`: each
process takes its own shard of the epoch's shuffled window index (as
`torch.utils.data.DistributedSampler` shards it), each takes
``batch_size / world_size`` windows per step (so the effective batch is
unchanged), gradients are averaged, and every process follows rank 0's
validation loss, so all stop at the same epoch.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from ..errors import TrainingError
from . import distributed

LR_SCHEDULES = ("plateau", "cosine", None)
# Windows an epoch visits at most: 2.8 times the 189,890 training windows of the 400-series hourly panel
# (benchmarks/global_hourly.py), so that small and medium data still see every window every epoch.
EPOCH_WINDOWS = 524_288


@dataclass
class TrainingConfig:
    max_epochs: int = 100  # upper bound on passes over the training windows
    batch_size: int = 64  # windows per optimiser step
    learning_rate: float = 1e-3  # Adam's initial step size
    weight_decay: float = 0.0  # Adam's L2 penalty
    patience: int = 10  # epochs without a better validation loss before stopping
    gradient_clip: float = 1.0  # largest global L2 norm of the gradients; 0 turns clipping off
    lr_schedule: str | None = "plateau"  # "plateau" halves the rate when validation stalls; "cosine" anneals to 0
    seed: int = 0  # shuffling order
    device: str = "cpu"  # a torch device string
    validation_windows: int = 8_192  # early stopping scores at most this many validation windows, evenly spaced
    epoch_windows: int = EPOCH_WINDOWS  # an epoch draws at most this many training windows, afresh each epoch
    max_steps: int | None = None  # most optimiser steps in all (None: max_epochs alone bounds training)
    # Early stopping counts an epoch as progress when it lowers the monitored loss by at least this fraction of
    # the last progress; any lower loss still becomes the best weights restored at the end.
    min_improvement: float = 0.0


@dataclass
class WindowData:
    """Windows given by start row into one stored series, in globally scaled units."""

    series: torch.Tensor  # (T, C+P+F) float32: targets, then past and future-known covariates
    train_starts: torch.Tensor  # (n_train,) int64
    validation_starts: torch.Tensor  # (n_validation,) int64, may be empty
    lookback: int
    horizon: int

    def gather(self, starts):
        """The windows starting at ``starts``: (B, lookback + horizon, C)."""
        offsets = torch.arange(self.lookback + self.horizon, device=starts.device)
        return self.series[starts[:, None] + offsets]  # (B, L+H, C+P+F)


def train(module, data, config, on_epoch_end=None):
    """Fit ``module`` in place and return the history, one dict per epoch.

    The monitored loss is the validation MSE of the final forecast (the last
    step) when there are validation windows, else the training loss. The
    weights with the best monitored loss are restored at the end; with
    validation windows the starting weights are among the candidates, so
    training never ends worse on validation than the network it started from.

    Parameters
    ----------
    module : nn.Module
        Maps ``module.inputs(windows)`` (``(B, lookback, C+P+F)``, and the
        future-known values of the forecast rows) to ``(B, S, horizon, C)`` and scores those
        forecasts with its own ``loss(forecasts, windows)``, as the nets in
        `forecast.neural.networks`.
    data : WindowData
    config : TrainingConfig
    on_epoch_end : callable, optional
        Called with each epoch's history dict, for progress display.

    Raises
    ------
    TrainingError
        The training loss became NaN or infinite.
    """
    device = torch.device(distributed.local_device(config.device))
    module.to(device)
    data = WindowData(
        data.series.to(device), data.train_starts, data.validation_starts.to(device), data.lookback, data.horizon
    )
    rank, world_size = distributed.world()
    trained = DistributedDataParallel(module) if world_size > 1 else module
    optimizer = torch.optim.Adam(module.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    scheduler = _make_scheduler(optimizer, config)
    validation_starts = evenly_spaced(data.validation_starts, config.validation_windows)
    batch_size = max(1, config.batch_size // world_size)
    has_validation = len(validation_starts) > 0
    best_loss, best_state, epochs_since_progress = math.inf, None, 0
    if has_validation:  # training must beat the network it starts from (a seasonal naive one, say)
        best_loss = distributed.from_primary(
            loss_on_windows(module, data, validation_starts, config.batch_size), device
        )
        best_state = copy.deepcopy(module.state_dict())
    progress_loss = best_loss  # the loss of the last epoch that counted as progress for early stopping
    history, steps_left = [], math.inf if config.max_steps is None else config.max_steps
    for epoch in range(1, config.max_epochs + 1):
        if steps_left <= 0:
            break
        started = time.perf_counter()
        shard = epoch_shard(len(data.train_starts), config.seed + epoch, rank, world_size)
        shard = shard[: min(-(-config.epoch_windows // world_size), steps_left * batch_size)]
        steps_left -= -(-len(shard) // batch_size)
        order = data.train_starts[shard].to(device)  # this process's windows for the epoch, shuffled
        train_loss = _train_epoch(module, trained, optimizer, data, order, batch_size, config)
        if not math.isfinite(train_loss):
            raise TrainingError(
                f"training diverged at epoch {epoch} (loss is {train_loss}); lower learning_rate "
                f"(now {config.learning_rate:g}) or check the data for extreme values"
            )
        validation_loss = None
        if has_validation:
            validation_loss = distributed.from_primary(
                loss_on_windows(module, data, validation_starts, config.batch_size), device
            )
        record = {
            "epoch": epoch,
            "train_loss": train_loss,
            "validation_loss": validation_loss,
            "learning_rate": optimizer.param_groups[0]["lr"],
            "seconds": time.perf_counter() - started,
        }
        history.append(record)
        if on_epoch_end is not None:
            on_epoch_end(record)
        monitored = validation_loss if has_validation else train_loss
        if monitored < best_loss:
            best_loss, best_state = monitored, copy.deepcopy(module.state_dict())
        if monitored < progress_loss * (1 - config.min_improvement):
            progress_loss, epochs_since_progress = monitored, 0
        else:
            epochs_since_progress += 1
            if epochs_since_progress >= config.patience:
                break
        _step_scheduler(scheduler, monitored)
    module.load_state_dict(best_state)
    module.eval()
    return history


@torch.no_grad()
def loss_on_windows(module, data, starts, batch_size):
    """Mean squared error of the final forecast over the windows at ``starts``, in scaled units."""
    module.eval()
    total = torch.zeros((), device=data.series.device)
    for batch in starts.split(batch_size * 4):
        windows = data.gather(batch)  # (B, L+H, C+P+F)
        forecasts = module(*module.inputs(windows))[:, -1]  # (B, H, C)
        actual = windows[:, data.lookback :, : module.n_channels]  # (B, H, C): the targets
        total += nn.functional.mse_loss(forecasts, actual, reduction="sum")
    return total.item() / (len(starts) * data.horizon * module.n_channels)


@torch.no_grad()
def predict_last_step(module, windows, batch_size, future=None):
    """Final forecasts (n, H, C) for scaled input windows (n, L, C+P+F), ``batch_size`` windows at a time.

    ``future`` (n, H, F) holds the future-known covariates of the forecast rows, for a net that has them.
    """
    module.eval()
    parameter = next(module.parameters())

    def on_device(tensor):
        return tensor.to(parameter.device, parameter.dtype)

    batches = windows.split(batch_size)
    futures = future.split(batch_size) if future is not None else [None] * len(batches)
    outputs = [
        module(on_device(batch), None if ahead is None else on_device(ahead))[:, -1].cpu()  # (B, H, C)
        for batch, ahead in zip(batches, futures)
    ]
    return torch.cat(outputs) if outputs else windows.new_zeros(0, module.horizon, module.n_channels)


def _train_epoch(module, trained, optimizer, data, order, batch_size, config):
    """One pass over ``order``; ``trained`` is ``module`` or its `DistributedDataParallel` wrapper."""
    trained.train()
    total = torch.zeros((), device=data.series.device)  # summed on device: no sync per batch
    for batch in order.split(batch_size):
        windows = data.gather(batch)  # (B, L+H, C+P+F)
        loss = module.loss(trained(*module.inputs(windows)), windows)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if config.gradient_clip:
            nn.utils.clip_grad_norm_(module.parameters(), config.gradient_clip)
        optimizer.step()
        total += loss.detach() * len(batch)
    total, count = distributed.sum_across(total.item(), len(order), device=data.series.device)
    return total / count


def epoch_shard(n_windows, seed, rank, world_size):
    """Positions (into the training windows) that process ``rank`` visits in an epoch, shuffled.

    The same as `torch.utils.data.DistributedSampler` with ``shuffle=True``
    and ``seed + epoch`` given as ``seed``: one permutation of all windows,
    padded by its own start to a multiple of ``world_size``, every
    ``world_size``-th position from ``rank``. Any prefix of a shard is a
    uniform sample without replacement, disjoint from the other shards'.

    >>> epoch_shard(5, seed=0, rank=0, world_size=1).sort().values.tolist()
    [0, 1, 2, 3, 4]
    """
    generator = torch.Generator()
    generator.manual_seed(seed)
    order = torch.randperm(n_windows, generator=generator)
    padding = -n_windows % world_size
    if padding:
        order = torch.cat([order, order.repeat(-(-padding // max(n_windows, 1)))[:padding]])
    return order[rank::world_size]


def evenly_spaced(starts, most):
    """``starts`` when there are at most ``most`` of them, else ``most`` of them evenly spaced from first to last."""
    if len(starts) <= most:
        return starts
    return starts[torch.arange(most, device=starts.device) * len(starts) // most]


def forward_multiply_adds(module, n_windows):
    """About how many multiply-adds a forward pass of ``module`` over ``n_windows`` windows takes.

    Each parameter is used once per row the network runs on: one row per
    window and recurrent step, times the channels when they are forecast
    one at a time (``channel_independent``).
    """
    n_parameters = sum(parameter.numel() for parameter in module.parameters())
    rows_per_window = len(module.step_ends) * (module.n_channels if module.channel_independent else 1)
    return n_parameters * n_windows * rows_per_window


def _make_scheduler(optimizer, config):
    if config.lr_schedule == "plateau":
        return torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=max(1, config.patience // 3))
    if config.lr_schedule == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.max_epochs)
    return None


def _step_scheduler(scheduler, monitored):
    if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
        scheduler.step(monitored)
    elif scheduler is not None:
        scheduler.step()
