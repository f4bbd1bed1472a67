"""The one fitting path of every neural estimator, and the two networks' parameter sets.

`NeuralMixin` turns an estimator's parameters into a `TrainingConfig`, seeds,
builds the network, trains it and predicts with it. `RecurrentNetwork` and
`MLPNetwork` only say which `nn.Module` to build from the parameters; the
series-level forecasters (`forecast.estimators`) and the window-level
regressors (`forecast.regressors`) differ only in how they turn their input
into scaled windows.
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from sklearn.utils import check_random_state

from .models import CELLS, INSTANCE_NORMS, MLPNet, RecurrentNet
from .training import LR_SCHEDULES, SUPERVISION, TrainingConfig, WindowData, predict_last_step, train
from .windows import check_positive_int

# segment_length=None: four recurrent steps, but no segment longer than this many rows. On ETTh1's
# validation split, lookback 336 scored 0.678 MSE with 84-row segments and 0.645 with 48-row ones.
MAX_AUTO_SEGMENT_LENGTH = 48


def resolve_device(device):
    """``"auto"`` is CUDA when available, else CPU; any other value is a torch device string."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', not {device!r}") from None
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' was asked for but CUDA is not available; use device='auto' or 'cpu'")
    return str(resolved)


class NeuralMixin:
    """Train and run the network that a subclass's `_build_module` makes. Fitted: ``module_``, ``history_``."""

    def _fit_network(self, series, train_starts, validation_starts, lookback, horizon, on_epoch_end=None):
        """Train a new network on the windows at the given start rows of ``series`` (T, C), scaled."""
        config = self._training_config(len(train_starts))
        n_channels = series.shape[1]
        data = WindowData(
            series=torch.as_tensor(series, dtype=torch.float32),
            train_starts=torch.as_tensor(train_starts, dtype=torch.int64),
            validation_starts=torch.as_tensor(validation_starts, dtype=torch.int64),
            lookback=lookback,
            horizon=horizon,
        )
        # A private RNG stream: the seed fixes the initial weights and dropout without
        # touching the caller's global torch RNG.
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed)
            module = self._build_module(n_channels, lookback, horizon)
            self.history_ = train(module, data, config, on_epoch_end)
        self.module_ = module.to("cpu")
        self.device_ = config.device
        self.n_epochs_ = len(self.history_)
        return self

    def _predict_scaled(self, windows):
        """Forecasts (n, H, C) for scaled windows (n, L, C), as float64 numpy.

        On the CPU the network runs in float64, so that a window's forecast does
        not depend on which other windows share its batch (float32 matrix
        products round differently for different batch sizes).
        """
        device = self.device_ if self.device_ == "cpu" or torch.cuda.is_available() else "cpu"
        dtype = torch.float64 if device == "cpu" else torch.float32
        module = copy.deepcopy(self.module_).to(device, dtype)
        inputs = torch.as_tensor(np.ascontiguousarray(windows), dtype=dtype)
        return predict_last_step(module, inputs, batch_size=256).numpy().astype(np.float64)

    def _training_config(self, n_train_windows):
        for name in ("max_epochs", "patience"):
            check_positive_int(getattr(self, name), name)
        if not 0 <= self.validation_fraction < 1:
            raise ValueError(f"validation_fraction must be in [0, 1), not {self.validation_fraction!r}")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, not {self.learning_rate!r}")
        if self.lr_schedule not in LR_SCHEDULES:
            raise ValueError(f"lr_schedule must be one of {LR_SCHEDULES}, not {self.lr_schedule!r}")
        supervision = getattr(self, "supervision", "last")
        if supervision not in SUPERVISION:
            raise ValueError(f"supervision must be one of {SUPERVISION}, not {supervision!r}")
        return TrainingConfig(
            max_epochs=self.max_epochs,
            batch_size=self._batch_size(n_train_windows),
            learning_rate=self.learning_rate,
            weight_decay=self.weight_decay,
            patience=self.patience,
            gradient_clip=self.gradient_clip,
            lr_schedule=self.lr_schedule,
            supervision=supervision,
            seed=int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max)),
            device=resolve_device(self.device),
        )

    def _batch_size(self, n_train_windows):
        """``batch_size``, or with "auto" about 16 steps per epoch: ``n_train_windows // 16`` clipped to [8, 128]."""
        if self.batch_size == "auto":
            return int(np.clip(n_train_windows // 16, 8, 128))
        return check_positive_int(self.batch_size, "batch_size")

    def _check_network_options(self):
        check_positive_int(self.hidden_size, "hidden_size")
        check_positive_int(self.num_layers, "num_layers")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be in [0, 1), not {self.dropout!r}")
        if self.instance_norm not in INSTANCE_NORMS:
            raise ValueError(f"instance_norm must be one of {INSTANCE_NORMS}, not {self.instance_norm!r}")


class RecurrentNetwork(NeuralMixin):
    """Builds a `RecurrentNet` from ``cell``, ``hidden_size``, ``num_layers``, ``segment_length``, ...."""

    def _build_module(self, n_channels, lookback, horizon):
        self._check_network_options()
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}, not {self.cell!r}")
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
        )

    def _segment_length(self, lookback):
        """The rows per recurrent step: ``segment_length``, or with None ``min(ceil(lookback / 4), 48)``."""
        if self.segment_length is None:
            return min(-(-lookback // 4), MAX_AUTO_SEGMENT_LENGTH)
        return check_positive_int(self.segment_length, "segment_length")


class MLPNetwork(NeuralMixin):
    """Builds an `MLPNet` from ``hidden_size``, ``num_layers``, ``dropout``, ...."""

    def _build_module(self, n_channels, lookback, horizon):
        self._check_network_options()
        return MLPNet(
            n_channels,
            lookback,
            horizon,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            dropout=self.dropout,
            instance_norm=self.instance_norm,
            channel_independent=self.channel_independent,
        )
