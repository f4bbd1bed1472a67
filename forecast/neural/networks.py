"""The networks: plain `nn.Module`s that map a window to forecasts.

Both networks take ``x`` of shape ``(B, lookback, C + P + F)`` in globally
scaled units (the ``C`` targets first, then ``P`` past and ``F`` future-known
covariates) and, when ``F > 0``, ``future`` of shape ``(B, horizon, F)``: the
future-known covariates of the rows to forecast. They return
``(B, S, horizon, C)``, forecasts of the targets only: a forecast of the next ``horizon`` rows made
at each of ``S`` points in the window. Point ``s`` has seen the input up to row
``step_ends[s]``; the last point has seen the whole window, and its forecast
is the prediction. The recurrent net has one point per recurrent step (many to
many); the MLP has a single point.

Shared options, each a documented constructor argument:

- ``instance_norm``: per-window normalisation, reversed on the output.
  ``"last"`` subtracts each channel's last input value (as NLinear);
  ``"standardize"`` subtracts the window mean and divides by its standard
  deviation (reversible instance normalisation without the affine part);
  ``None`` leaves the window as it is.
- ``channel_independent``: each channel is forecast on its own by the same
  weights (channels become batch entries). ``False`` mixes channels.

Covariates are inputs, never forecast, and never normalised per window. With
``channel_independent=True`` every target channel is a batch entry that sees
all the covariates beside its own values, so the targets stay independent.
The recurrent net feeds the covariates of each segment to its step, and each
step's head also reads the future-known covariates of the rows that step
forecasts; the MLP reads them all flattened. `inputs` cuts a training window
into ``(x, future)``, so the training loop needs no knowledge of covariates.

Each network owns its loss (`RecurrentNet.loss`, `MLPNet.loss`): the training
loop runs the network (through `DistributedDataParallel` when it is wrapped)
and hands the forecasts to the loss, which knows which rows each step forecast.
Each keeps its constructor arguments in ``init_args``, which model files store
beside the weights, so a saved network is rebuilt from its own arguments.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .window_net import WindowNet, window_loss

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
INSTANCE_NORMS = ("last", "standardize", None)
SUPERVISION = ("dense", "last")
SKIPS = ("linear", None)
FUTURE_WIDTH = 16  # features per forecast row that the recurrent head reads from its future-known covariates


class InstanceNorm(nn.Module):
    """Per-window normalisation of ``(B, L, C)`` inputs, undone on ``(B, S, H, C)`` outputs."""

    def __init__(self, mode):
        super().__init__()
        self.mode = mode

    def forward(self, x):
        """Return the normalised window and the ``(shift, scale)`` that undo it, each (B, 1, C)."""
        if self.mode == "last":
            shift = x[:, -1:, :]  # (B, 1, C)
            return x - shift, (shift, torch.ones_like(shift))
        if self.mode == "standardize":
            shift = x.mean(dim=1, keepdim=True)  # (B, 1, C)
            scale = x.std(dim=1, keepdim=True, unbiased=False).clamp_min(1e-5)  # (B, 1, C)
            return (x - shift) / scale, (shift, scale)
        zeros = x.new_zeros(x.shape[0], 1, x.shape[2])  # (B, 1, C)
        return x, (zeros, torch.ones_like(zeros))

    @staticmethod
    def inverse(forecast, stats):
        shift, scale = stats  # each (B, 1, C)
        return forecast * scale[:, :, None, :] + shift[:, :, None, :]  # (B, S, H, C)


@dataclass(frozen=True)
class Covariates:
    """Where the covariates sit in a window of ``n_channels`` targets, ``n_past`` past and ``n_future`` future ones."""

    n_channels: int
    n_past: int
    n_future: int

    @property
    def count(self):
        return self.n_past + self.n_future

    def split(self, x):
        """Targets (B, L, C) and covariates (B, L, P+F) of inputs (B, L, C+P+F)."""
        return x[..., : self.n_channels], x[..., self.n_channels :]

    def future_rows(self, x, future):
        """Future-known covariates of every input row and the forecast rows: (B, L+H, F)."""
        return torch.cat([x[..., self.n_channels + self.n_past :], future], dim=1)

    @staticmethod
    def per_channel(values, n_channels):
        """Covariates (B, ..., K) repeated for each target channel as its own batch entry: (B*C, ..., K)."""
        return values.repeat_interleave(n_channels, dim=0)


class RecurrentNet(WindowNet):
    """A many-to-many recurrent forecaster: every recurrent step forecasts the next ``horizon`` rows.

    The window is cut into segments of ``segment_length`` rows (SegRNN's
    segment-wise input; 1 means one step per row); each segment is embedded by
    a linear layer with ReLU and fed to a stacked Elman RNN, LSTM or GRU. A
    linear head maps the hidden state after each segment to the next
    ``horizon`` rows (a direct multi-step head). With a lookback that is not a
    multiple of ``segment_length`` the window is padded at the front by
    repeating its first row. ``supervision="dense"`` trains every step's
    forecast, ``"last"`` only the final one.

    ``skip="linear"`` adds a linear path that the recurrent head corrects: each
    step's forecast is also a linear map of the ``lookback`` rows up to that
    step (padded at the front by repeating the first row), taken relative to
    the last of them, as NLinear does, and that value added back; with
    covariates it also reads their rows and the step's future-known values,
    as `forecast.LinearForecaster` does. Channels share its weights. They
    start as the seasonal naive forecast of ``season_length`` rows (the last
    value with 1, or a season longer than the lookback), or as weights given
    to `start_linear_path` (the estimators fit a ridge regression to
    `linear_path_problem`), and the head's at zero, so an untrained network
    forecasts exactly like that linear model; training then moves the linear
    path and the recurrent state corrects it.
    """

    def __init__(
        self,
        n_channels,
        lookback,
        horizon,
        *,
        cell="gru",
        hidden_size=64,
        num_layers=1,
        dropout=0.0,
        segment_length=1,
        instance_norm="last",
        channel_independent=True,
        supervision="dense",
        n_past_covariates=0,
        n_future_covariates=0,
        skip=None,
        season_length=1,
        loss="mse",
    ):
        super().__init__()
        self.init_args = dict(
            n_channels=n_channels,
            lookback=lookback,
            horizon=horizon,
            cell=cell,
            hidden_size=hidden_size,
            num_layers=num_layers,
            dropout=dropout,
            segment_length=segment_length,
            instance_norm=instance_norm,
            channel_independent=channel_independent,
            supervision=supervision,
            n_past_covariates=n_past_covariates,
            n_future_covariates=n_future_covariates,
            skip=skip,
            season_length=season_length,
            loss=loss,
        )
        self.supervision = supervision
        self.loss_kind = loss
        self.covariates = Covariates(n_channels, n_past_covariates, n_future_covariates)
        self.n_channels, self.lookback, self.horizon = n_channels, lookback, horizon
        self.channel_independent = channel_independent
        self.segment_length = segment_length
        self.n_segments = -(-lookback // segment_length)
        self.padding = self.n_segments * segment_length - lookback
        per_step_channels = 1 if channel_independent else n_channels
        self.norm = InstanceNorm(instance_norm)
        step_width = segment_length * (per_step_channels + self.covariates.count)
        self.embed = nn.Sequential(nn.Linear(step_width, hidden_size), nn.ReLU())
        self.rnn = CELLS[cell](
            hidden_size,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.dropout = nn.Dropout(dropout)
        # Each forecast row's future-known values pass a small ReLU layer, so that the head can follow a
        # driver's non-linear effect (demand rising with both heat and cold, say).
        self.future_encoder = None
        future_width = 0
        if n_future_covariates:
            self.future_encoder = nn.Sequential(nn.Linear(n_future_covariates, FUTURE_WIDTH), nn.ReLU())
            future_width = horizon * FUTURE_WIDTH
        self.head = nn.Linear(hidden_size + future_width, horizon * per_step_channels)
        ends = torch.arange(1, self.n_segments + 1) * segment_length - 1 - self.padding
        self.register_buffer("step_ends", ends, persistent=False)  # (S,) last input row seen by each step
        self._add_linear_path(skip, season_length)

    def output_layer(self):
        return self.head

    def forward(self, x, future=None):
        B, C = x.shape[0], self.n_channels
        x, ahead, stats = self._prepared(x, future)  # (B', L, c+P+F), (B', S, F*H) or None
        # The skip path runs at the steps the loss reads: all with dense supervision, else the last.
        n_skipped = self.n_segments if self.supervision == "dense" else 1
        skipped = None if self.skip is None else self._linear_path(self._path_inputs(x, ahead, n_skipped))
        if self.padding:
            x = torch.cat([x[:, :1].expand(-1, self.padding, -1), x], dim=1)  # (B', S*seg, c+P+F)
        segments = x.reshape(x.shape[0], self.n_segments, -1)  # (B', S, seg*(c+P+F))
        states, _ = self.rnn(self.embed(segments))  # (B', S, hidden)
        states = self.dropout(states)
        if ahead is not None:
            rows = ahead.unflatten(2, (-1, self.horizon)).transpose(2, 3)  # (B', S, H, F)
            states = torch.cat([states, self.future_encoder(rows).flatten(2)], dim=2)  # (B', S, hidden + H*width)
        out = self.head(states)  # (B', S, H*c)
        if skipped is not None:  # (B', n, c, H) added to the last n steps' (B', n, H*c)
            out = torch.cat([out[:, :-n_skipped], out[:, -n_skipped:] + skipped.transpose(2, 3).flatten(2)], dim=1)
        if self.channel_independent:
            out = out.reshape(B, C, self.n_segments, self.horizon).permute(0, 2, 3, 1)  # (B, S, H, C)
        else:
            out = out.reshape(B, self.n_segments, self.horizon, C)  # (B, S, H, C)
        return self.norm.inverse(out, stats)  # (B, S, H, C)

    def loss(self, forecasts, windows):
        """Training loss (`forecast.neural.window_net.window_loss`) of ``forecasts`` (B, S, H, C), made by this net
        from ``windows[:, :lookback]``.

        ``windows`` (B, L+H, C+P+F) hold each input and the ``horizon`` rows after it.
        Dense supervision averages over every step: step ``s`` has seen rows up
        to ``step_ends[s]`` and its target is the next ``horizon`` rows, which lie
        inside the window because ``step_ends[s] <= lookback - 1``.
        """
        windows = windows[..., : self.n_channels]  # (B, L+H, C): the targets
        if self.supervision == "last":
            forecasts, targets = forecasts[:, -1:], windows[:, None, self.lookback :]  # (B, 1, H, C) each
        else:
            targets = windows.unfold(1, self.horizon, 1)[:, self.step_ends + 1].transpose(2, 3)  # (B, S, H, C)
        return window_loss(self.loss_kind, forecasts, targets, windows[:, : self.lookback])


class MLPNet(WindowNet):
    """A plain MLP on the flattened window: ``num_layers`` hidden ReLU layers, then ``horizon × C`` outputs.

    ``skip="linear"`` adds the same linear path, started the same way, as
    `RecurrentNet` has (`forecast.neural.window_net`): the MLP then corrects it
    as the recurrent head does, so that the two differ only in that head.
    """

    def __init__(
        self,
        n_channels,
        lookback,
        horizon,
        *,
        hidden_size=64,
        num_layers=2,
        dropout=0.0,
        instance_norm="last",
        channel_independent=True,
        n_past_covariates=0,
        n_future_covariates=0,
        skip=None,
        season_length=1,
        loss="mse",
    ):
        super().__init__()
        self.init_args = dict(
            n_channels=n_channels,
            lookback=lookback,
            horizon=horizon,
            hidden_size=hidden_size,
            num_layers=num_layers,
            dropout=dropout,
            instance_norm=instance_norm,
            channel_independent=channel_independent,
            n_past_covariates=n_past_covariates,
            n_future_covariates=n_future_covariates,
            skip=skip,
            season_length=season_length,
            loss=loss,
        )
        self.loss_kind = loss
        self.covariates = Covariates(n_channels, n_past_covariates, n_future_covariates)
        self.n_channels, self.lookback, self.horizon = n_channels, lookback, horizon
        self.channel_independent = channel_independent
        per_window_channels = 1 if channel_independent else n_channels
        self.norm = InstanceNorm(instance_norm)
        n_covariates = n_past_covariates + n_future_covariates
        layers, width = [], lookback * (per_window_channels + n_covariates) + horizon * n_future_covariates
        for _ in range(num_layers):
            layers += [nn.Linear(width, hidden_size), nn.ReLU(), nn.Dropout(dropout)]
            width = hidden_size
        layers.append(nn.Linear(width, horizon * per_window_channels))
        self.mlp = nn.Sequential(*layers)
        self.register_buffer("step_ends", torch.tensor([lookback - 1]), persistent=False)  # (1,)
        self._add_linear_path(skip, season_length)

    def output_layer(self):
        return self.mlp[-1]

    def forward(self, x, future=None):
        B, C = x.shape[0], self.n_channels
        x, ahead, stats = self._prepared(x, future)  # (B', L, c+P+F), (B', 1, F*H) or None
        c = x.shape[2] - self.covariates.count
        flat = [x[:, :, :c].flatten(1), x[:, :, c:].flatten(1)]  # (B', L*c), (B', L*(P+F))
        if self.covariates.n_future:
            known = future.flatten(1)  # (B, H*F)
            flat.append(self.covariates.per_channel(known, C) if self.channel_independent else known)
        out = self.mlp(torch.cat(flat, dim=1))  # (B', H*c)
        if self.skip is not None:
            skipped = self._linear_path(self._path_inputs(x, ahead, 1))  # (B', 1, c, H)
            out = out + skipped[:, 0].transpose(1, 2).flatten(1)  # (B', H*c)
        if self.channel_independent:
            out = out.reshape(B, C, self.horizon).transpose(1, 2)  # (B, H, C)
        else:
            out = out.reshape(B, self.horizon, C)  # (B, H, C)
        return self.norm.inverse(out[:, None], stats)  # (B, 1, H, C)

    def loss(self, forecasts, windows):
        """Training loss (`forecast.neural.window_net.window_loss`) of ``forecasts`` (B, 1, H, C) against the last
        ``horizon`` target rows of ``windows`` (B, L+H, C+P+F)."""
        windows = windows[..., : self.n_channels]  # (B, L+H, C)
        return window_loss(self.loss_kind, forecasts, windows[:, None, self.lookback :], windows[:, : self.lookback])


NETWORKS = {"RecurrentNet": RecurrentNet, "MLPNet": MLPNet}


def count_parameters(module):
    """Number of trainable parameters."""
    return sum(parameter.numel() for parameter in module.parameters() if parameter.requires_grad)
