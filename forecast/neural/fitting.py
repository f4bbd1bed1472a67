"""The one fitting path of every neural estimator, and the two networks' parameter sets.

`NeuralMixin` turns an estimator's parameters into a `TrainingConfig`, seeds,
builds the network, trains it and predicts with it, each on the number of
torch threads that `forecast.neural.threads` picks for the work. `RecurrentNetwork` and
`MLPNetwork` only say which `nn.Module` to build from the parameters and which
values each parameter accepts; the series-level forecasters
(`forecast.forecasters.neural`) and the window-level regressors
(`forecast.forecasters.regressors`) differ only in how they turn their input into scaled
windows. Parameters are checked once, by `forecast.params.check_parameters`,
at the top of ``fit``.
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from sklearn.linear_model import Ridge
from sklearn.utils import check_random_state

from ..errors import ParameterError
from ..params import FLAG, POSITIVE, RANDOM_STATE, Device, Number, OneOf
from ..reading.frequency import season_length_for
from .distributed import world
from .drivers import unneeded_drivers
from .networks import CELLS, INSTANCE_NORMS, SKIPS, SUPERVISION, MLPNet, RecurrentNet
from .starts import STARTS, start_candidates, start_matrix
from .threads import torch_default_threads, torch_threads
from .training import (
    LR_SCHEDULES,
    TrainingConfig,
    WindowData,
    evenly_spaced,
    forward_multiply_adds,
    loss_on_windows,
    predict_last_step,
    train,
)

torch_default_threads()  # noted before any fit changes the count

# segment_length=None: four recurrent steps, but no segment longer than this many rows. On ETTh1's
# validation split, lookback 336 scored 0.678 MSE with 84-row segments and 0.645 with 48-row ones.
MAX_AUTO_SEGMENT_LENGTH = 48
PREDICTION_BATCH_SIZE = 256  # windows per forward pass when predicting
# A network's skip path may start as a ridge regression (`_start_linear_path`), with the penalty
# of `forecast.LinearForecaster`, on at most this many training windows.
RIDGE_ALPHA = 1.0
RIDGE_WINDOWS = 20_000
RIDGE_VALUES = 20_000_000  # 160 MB of float64 features: bounds the memory of long windows with many covariates
LOG_ERROR_FLOOR = 1e-6  # scaled units: a window forecast exactly does not rule the choice of start
# batch_size="auto" on more training windows than LARGE_DATA_WINDOWS (1,024 steps of 128 an epoch). On two
# cores a step of 1,024 windows is worth the second thread (`forecast.neural.threads`): the default GRU
# (lookback 56, horizon 28) trained 2.2 times as many windows per second as with 128 windows on one.
LARGE_DATA_BATCH_SIZE = 1024
LARGE_DATA_WINDOWS = 131_072
# learning_rate="auto": Adam's step size for up to SMALL_BATCH_SIZE windows a step, grown with the square
# root of larger batches (2.8e-3 at 1,024) while epochs visit every window: on 400 hourly series, 1,024
# windows a step at 1e-3 ended 4% above the validation MSE of 128 a step, at 3e-3 0.6% (docs/recurrent.md).
# Sampled epochs keep 1e-3: on 10,000 daily series 2.8e-3 trained 19 epochs instead of 15, for the same MASE.
BASE_LEARNING_RATE = 1e-3
SMALL_BATCH_SIZE = 128
# On sampled epochs, early stopping counts only an improvement of the validation loss by at least this fraction.
# A fit of 10,000 daily series gained 0.04% at most epochs after its fourth, each resetting the patience: after
# 25 epochs (13 minutes) the validation MSE was 0.3% below the fourth epoch's and training went on.
SAMPLED_MIN_IMPROVEMENT = 1e-3

TRAINING_RULES = {
    "max_epochs": POSITIVE,
    "max_steps": (OneOf((None,)), POSITIVE),
    "epoch_windows": POSITIVE,
    "batch_size": (OneOf(("auto",)), POSITIVE),
    "learning_rate": (OneOf(("auto",)), Number(0, closed="neither")),
    "weight_decay": Number(0),
    "patience": POSITIVE,
    "lr_schedule": OneOf(LR_SCHEDULES),
    "gradient_clip": Number(0),
    "validation_fraction": Number(0, 1, closed="left"),
    "random_state": RANDOM_STATE,
    "device": Device(),
}
NETWORK_RULES = {
    "hidden_size": POSITIVE,
    "num_layers": POSITIVE,
    "dropout": Number(0, 1, closed="left"),
    "instance_norm": OneOf(INSTANCE_NORMS),
    "channel_independent": FLAG,
}


def resolve_device(device):
    """``"auto"`` is CUDA when available, else CPU; any other value is a torch device string."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ParameterError(f"device={device!r} was asked for but CUDA is not available; use device='auto' or 'cpu'")
    return device


def _start_linear_path(module, data, config, start="auto"):
    """Start a network's skip path from whichever forecasts its validation windows best; return its name.

    The candidates: the seasonal naive forecast it is built with
    (``"seasonal"``), a ridge regression (``"ridge"``; ``alpha=RIDGE_ALPHA``,
    on evenly spaced training windows: at most `RIDGE_WINDOWS`, and at most
    `RIDGE_VALUES` input values in all) of its inputs, the same inputs as
    `forecast.LinearForecaster` reads, and the windowed workhorses of
    `forecast.neural.starts` (``"profile"``, ``"theta"``), compared on the
    validation windows as the network is trained (`_scored_starts`).
    Without validation windows, the ridge regression. Ties keep the earlier
    candidate.
    ``start`` names one candidate to take without a choice, or is "auto".
    """
    if start in STARTS:
        module.start_from_map(start_matrix(start, module.lookback, module.horizon, module.init_args["season_length"]))
        return start
    states, scores = _scored_starts(module, data, config, "ridge" if start == "ridge" else "auto")
    best = min(scores, key=scores.get) if scores else "ridge"
    module.skip.load_state_dict(states[best])
    return best


def _scored_starts(module, data, config, start="auto"):
    """``(states, scores)``: the skip path's weights of each start, ``{name: state_dict}``, and their validation
    errors, ``{name: error}`` (empty without validation windows).

    "auto" tries every start of `_start_linear_path` (seasonal naive, ridge
    and the workhorses that differ from seasonal naive); a start's name
    tries that one alone. The error is the one the network trains on: with
    ``loss="scaled"`` the mean log MAE of the windows
    (`_log_absolute_error`: every series alike), else the MSE. The module's
    skip path is left as the last start tried.
    """
    season_length = module.init_args["season_length"]
    states = {}
    if start in ("auto", "seasonal"):
        states["seasonal"] = copy.deepcopy(module.skip.state_dict())  # the path is built at seasonal naive
    if start in ("auto", "ridge"):
        values_per_window = module.skip.in_features * module.n_channels
        most = max(1, min(RIDGE_WINDOWS, RIDGE_VALUES // values_per_window))
        windows = data.gather(evenly_spaced(data.train_starts, most)).double()
        features, targets = copy.deepcopy(module).double().linear_path_problem(windows)  # float64 features
        ridge = Ridge(alpha=RIDGE_ALPHA).fit(features.numpy(), targets.numpy())
        module.start_linear_path(ridge.coef_, ridge.intercept_)
        states["ridge"] = copy.deepcopy(module.skip.state_dict())
    maps = start_candidates(module.lookback, module.horizon, season_length) if start == "auto" else [start]
    for kind in [kind for kind in maps if kind in STARTS[1:]]:
        module.start_from_map(start_matrix(kind, module.lookback, module.horizon, season_length))
        states[kind] = copy.deepcopy(module.skip.state_dict())
    validation_starts = evenly_spaced(data.validation_starts, config.validation_windows)  # as `train` scores
    if len(validation_starts) == 0:
        return states, {}
    score = _log_absolute_error if module.loss_kind == "scaled" else loss_on_windows
    scores = {}
    for kind, state in states.items():
        module.skip.load_state_dict(state)
        scores[kind] = score(module, data, validation_starts, config.batch_size)
    return states, scores


def _drop_drivers(module, data, config, drivers):
    """The names of the ``drivers`` (positions among the covariate columns) the trained network does not need.

    Judged by `forecast.neural.drivers.unneeded_drivers` (backward
    elimination, each driver set to zero) on the validation windows that
    early stopping scores, by the error the start is chosen by: with
    ``loss="scaled"`` the mean log MAE of each window and channel, else the
    MSE. Without validation windows, none.
    """
    validation_starts = evenly_spaced(data.validation_starts, config.validation_windows)
    if not drivers or len(validation_starts) == 0:
        return []
    score = _log_absolute_error if module.loss_kind == "scaled" else loss_on_windows
    return unneeded_drivers(module, data, validation_starts, drivers, score, config.batch_size)


@torch.no_grad()
def _log_absolute_error(module, data, starts, batch_size):
    """Mean over the windows at ``starts`` and the channels of the log of the final forecast's MAE (scaled units).

    The log of a geometric mean: every window counts alike, whatever its series' scale and level
    shifts, so that a start is chosen by how it forecasts most series, as the relative MASE of
    `forecast.evaluate` ranks models, not by the few whose validation tail lies far from the
    training rows (which rule a mean squared error).
    """
    module.eval()
    total = 0.0
    for batch in starts.split(batch_size * 4):
        windows = data.gather(batch)  # (B, L+H, C+P+F)
        forecasts = module(*module.inputs(windows))[:, -1]  # (B, H, C)
        errors = (forecasts - windows[:, data.lookback :, : module.n_channels]).abs().mean(dim=1)  # (B, C)
        total += torch.log(errors.double() + LOG_ERROR_FLOOR).sum().item()
    return total / (len(starts) * module.n_channels)


def _window_data(series, train_starts, validation_starts, lookback, horizon):
    """The `WindowData` of scaled ``series`` (T, C+P+F) and the start rows of its windows, as torch tensors."""
    return WindowData(
        series=torch.as_tensor(series, dtype=torch.float32),
        train_starts=torch.as_tensor(train_starts, dtype=torch.int64),
        validation_starts=torch.as_tensor(validation_starts, dtype=torch.int64),
        lookback=lookback,
        horizon=horizon,
    )


class NeuralMixin:
    """Train and run the network that a subclass's `_build_module` makes. Fitted: ``module_``, ``history_``."""

    def _fit_network(
        self,
        series,
        train_starts,
        validation_starts,
        lookback,
        horizon,
        on_epoch_end=None,
        covariates=(0, 0),
        drivers=None,
    ):
        """Train a new network on the windows at the given start rows of ``series`` (T, C+P+F), scaled.

        ``covariates`` is ``(P, F)``: the last P+F columns are past and future-known covariates.
        ``drivers`` ({name: positions among those P+F columns}) are judged once the network is
        trained, and ``dropped_covariates_`` names those it does not need (`_drop_drivers`); None
        judges nothing and sets no ``dropped_covariates_``.
        """
        config = self._training_config(
            len(train_starts), seed=int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        )
        n_past, n_future = covariates
        n_channels = series.shape[1] - n_past - n_future
        data = _window_data(series, train_starts, validation_starts, lookback, horizon)
        # A private RNG stream: the seed fixes the initial weights and dropout without
        # touching the caller's global torch RNG.
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed)
            module = self._build_module(n_channels, lookback, horizon, n_past, n_future)
            per_process_batch = max(1, config.batch_size // world()[1])  # as `train` splits it under torchrun
            with torch_threads(forward_multiply_adds(module, per_process_batch)):
                if getattr(module, "skip", None) is not None:
                    self.start_ = _start_linear_path(module, data, config, getattr(self, "start", "auto"))
                self.history_ = train(module, data, config, on_epoch_end)
                if drivers is not None:
                    self.dropped_covariates_ = _drop_drivers(module, data, config, drivers)
        self.module_ = module.to("cpu")
        self.device_ = config.device
        self.n_epochs_ = len(self.history_)
        return self

    def _start_error(self, series, train_starts, validation_starts, lookback, horizon, covariates=(0, 0)):
        """The validation error of the start of a network with this ``lookback`` (the best, or the one ``start``
        names), or None without validation windows; arguments as `_fit_network` takes them. Nothing is trained,
        and the torch RNG is left as it was.

        Validation windows are named by their forecast rows' place in the
        series, so the same series' windows are the same targets at every
        lookback and their errors compare
        (`forecast.forecasters.neural.NeuralForecaster._choose_window`).
        """
        config = self._training_config(len(train_starts))
        data = _window_data(series, train_starts, validation_starts, lookback, horizon)
        n_past, n_future = covariates
        with torch.random.fork_rng(devices=[]):
            module = self._build_module(series.shape[1] - n_past - n_future, lookback, horizon, n_past, n_future)
            with torch_threads(forward_multiply_adds(module, config.batch_size)):
                _, scores = _scored_starts(module, data, config, getattr(self, "start", "auto"))
        return min(scores.values()) if scores else None

    def _predict_scaled(self, windows, future=None):
        """Forecasts (n, H, C) for scaled windows (n, L, C+P+F) and future-known inputs (n, H, F), as float64 numpy.

        On the CPU the network runs in float64, so that a window's forecast does
        not depend on which other windows share its batch (float32 matrix
        products round differently for different batch sizes).
        """
        device = self.device_ if self.device_ == "cpu" or torch.cuda.is_available() else "cpu"
        dtype = torch.float64 if device == "cpu" else torch.float32
        module = copy.deepcopy(self.module_).to(device, dtype)
        inputs = torch.as_tensor(np.ascontiguousarray(windows), dtype=dtype)
        ahead = None if future is None else torch.as_tensor(np.ascontiguousarray(future), dtype=dtype)
        with torch_threads(forward_multiply_adds(module, min(len(inputs), PREDICTION_BATCH_SIZE))):
            forecasts = predict_last_step(module, inputs, PREDICTION_BATCH_SIZE, future=ahead)
        return forecasts.numpy().astype(np.float64)

    def _training_config(self, n_train_windows, seed=0):
        batch_size, sampled = self._batch_size(n_train_windows), n_train_windows > self.epoch_windows
        return TrainingConfig(
            max_epochs=self.max_epochs,
            max_steps=self.max_steps,
            epoch_windows=self.epoch_windows,
            min_improvement=SAMPLED_MIN_IMPROVEMENT if sampled else 0.0,
            batch_size=batch_size,
            learning_rate=self._learning_rate(batch_size, sampled),
            weight_decay=self.weight_decay,
            patience=self.patience,
            gradient_clip=self.gradient_clip,
            lr_schedule=self.lr_schedule,
            seed=seed,
            device=resolve_device(self.device),
        )

    def _batch_size(self, n_train_windows):
        """``batch_size``, or with "auto" about 16 steps per epoch: ``n_train_windows // 16`` clipped to [8, 128].

        Data with more training windows than `LARGE_DATA_WINDOWS`, or than an epoch
        visits (``epoch_windows``), take `LARGE_DATA_BATCH_SIZE` windows a step instead.
        """
        if self.batch_size != "auto":
            return int(self.batch_size)
        if n_train_windows > min(LARGE_DATA_WINDOWS, self.epoch_windows):
            return LARGE_DATA_BATCH_SIZE
        return int(np.clip(n_train_windows // 16, 8, SMALL_BATCH_SIZE))

    def _learning_rate(self, batch_size, sampled=False):
        """``learning_rate``, or with "auto" 1e-3 up to 128 windows a step and ``1e-3 * sqrt(batch_size / 128)``
        above, unless epochs are ``sampled`` (more windows than ``epoch_windows``): then 1e-3."""
        if self.learning_rate != "auto":
            return float(self.learning_rate)
        if sampled:
            return BASE_LEARNING_RATE
        return BASE_LEARNING_RATE * max(1.0, batch_size / SMALL_BATCH_SIZE) ** 0.5


class RecurrentNetwork(NeuralMixin):
    """Builds a `RecurrentNet` from ``cell``, ``hidden_size``, ``num_layers``, ``segment_length``, ...."""

    _network_rules = {
        "cell": OneOf(tuple(CELLS)),
        **NETWORK_RULES,
        "segment_length": (OneOf((None,)), POSITIVE),
        "supervision": OneOf(SUPERVISION),
        "skip": OneOf(SKIPS),
        **TRAINING_RULES,
    }

    def _build_module(self, n_channels, lookback, horizon, n_past_covariates=0, n_future_covariates=0):
        return RecurrentNet(
            n_channels,
            lookback,
            horizon,
            cell=self.cell,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            dropout=self.dropout,
            segment_length=self._segment_length(lookback),
            instance_norm=self.instance_norm,
            channel_independent=self.channel_independent,
            supervision=self.supervision,
            n_past_covariates=n_past_covariates,
            n_future_covariates=n_future_covariates,
            skip=self.skip,
            season_length=season_length_for(getattr(self, "freq_", None)),
            loss=getattr(self, "loss_", "mse"),
        )

    def _segment_length(self, lookback):
        """The rows per recurrent step: ``segment_length``, or with None ``min(ceil(lookback / 4), 48)``."""
        if self.segment_length is None:
            return min(-(-lookback // 4), MAX_AUTO_SEGMENT_LENGTH)
        return int(self.segment_length)


class MLPNetwork(NeuralMixin):
    """Builds an `MLPNet` from ``hidden_size``, ``num_layers``, ``dropout``, ...."""

    _network_rules = {**NETWORK_RULES, **TRAINING_RULES}

    def _build_module(self, n_channels, lookback, horizon, n_past_covariates=0, n_future_covariates=0):
        return MLPNet(
            n_channels,
            lookback,
            horizon,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            dropout=self.dropout,
            instance_norm=self.instance_norm,
            channel_independent=self.channel_independent,
            n_past_covariates=n_past_covariates,
            n_future_covariates=n_future_covariates,
            skip=getattr(self, "skip", None),  # the window regressor has no linear path
            season_length=season_length_for(getattr(self, "freq_", None)),
            loss=getattr(self, "loss_", "mse"),
        )
