"""What both networks share: their inputs prepared alike, the linear skip path, and the loss.

`WindowNet` is the base of `forecast.neural.networks.RecurrentNet` and
`forecast.neural.networks.MLPNet`. With ``skip="linear"`` a network forecasts
through a linear map of the window (relative to its last row, as NLinear) that
the network's own output corrects: the map starts as seasonal naive, as a ridge
regression or as a windowed workhorse (`forecast.neural.starts`), and the
output layer starts at zero, so the untrained network forecasts exactly as its
start. Both networks then differ only in what corrects that start, a recurrent
head or a feed-forward one: what recurrence adds.

A subclass sets ``n_channels``, ``lookback``, ``horizon``, ``channel_independent``,
``covariates`` (`forecast.neural.networks.Covariates`), ``norm``, the buffer
``step_ends`` (S,) of the last input row each forecast point has seen, and
``output_layer()``, then calls `WindowNet._add_linear_path`.
"""

from __future__ import annotations

import torch
from torch import nn

LOSSES = ("mse", "scaled")
LOSS_SCALE_FLOOR = 1e-3  # scaled units: the least naive error a window's errors are divided by


class WindowNet(nn.Module):
    """Shared input preparation, linear skip path and loss of the window networks."""

    def _prepared(self, x, future):
        """``(x', ahead, stats)``: normalised inputs (B', L, c+P+F), each step's future-known values (B', S, F*H)
        or None, and the statistics that undo the normalisation; B' = B*C and c = 1 when channel independent.
        """
        targets, covariates = self.covariates.split(x)  # (B, L, C), (B, L, P+F)
        B, L, C = targets.shape
        targets, stats = self.norm(targets)  # (B, L, C)
        ahead = self.covariates.future_rows(x, future) if self.covariates.n_future else None  # (B, L+H, F)
        if self.channel_independent:
            targets = targets.transpose(1, 2).reshape(B * C, L, 1)  # (B*C, L, 1)
            covariates = self.covariates.per_channel(covariates, C)  # (B*C, L, P+F)
            ahead = None if ahead is None else self.covariates.per_channel(ahead, C)  # (B*C, L+H, F)
        if ahead is not None:
            # Step s forecasts rows step_ends[s]+1 ... step_ends[s]+H and reads their future-known covariates.
            ahead = ahead.unfold(1, self.horizon, 1)[:, self.step_ends + 1].flatten(2)  # (B', S, F*H)
        return torch.cat([targets, covariates], dim=2), ahead, stats

    @torch.no_grad()
    def _start_at_seasonal_naive(self, season_length):
        """Skip weights that repeat the last ``season_length`` rows, and a silent output layer."""
        self.skip.weight.zero_()
        self.skip.bias.zero_()
        steps = torch.arange(self.horizon)
        self.skip.weight[steps, self.lookback - season_length + steps % season_length] = 1.0
        self.output_layer().weight.zero_()
        self.output_layer().bias.zero_()

    def _path_inputs(self, x, ahead, n_steps):
        """``(features, last)`` of the skip path at the last ``n_steps`` steps: (B', n, c, K) and (B', n, c, 1).

        ``x`` (B', L, c+P+F) holds the normalised targets and the covariates,
        ``ahead`` (B', S, F*H) each step's future-known covariates, or None.
        Each target channel reads its own rows, relative to its last value
        (``last``), then every covariate's rows and future values.
        """
        n_targets = x.shape[2] - self.covariates.count
        padded = torch.cat([x[:, :1].expand(-1, self.lookback - 1, -1), x], dim=1)  # (B', 2L-1, c+P+F)
        ends = self.step_ends[-n_steps:]
        windows = padded.unfold(1, self.lookback, 1)[:, ends]  # (B', n, c+P+F, L): the rows up to each step
        own = windows[:, :, :n_targets]  # (B', n, c, L)
        last = own[..., -1:]  # (B', n, c, 1)
        shared = [windows[:, :, n_targets:].flatten(2)]  # (B', n, (P+F)*L)
        if ahead is not None:
            shared.append(ahead[:, -n_steps:])  # (B', n, F*H)
        shared = torch.cat(shared, dim=2)[:, :, None].expand(-1, -1, n_targets, -1)  # (B', n, c, ...)
        return torch.cat([own - last, shared], dim=3), last

    def _linear_path(self, path_inputs):
        """The skip path's forecasts (B', n, c, H) from `_path_inputs`."""
        features, last = path_inputs
        return self.skip(features) + last

    @torch.no_grad()
    def linear_path_problem(self, windows):
        """The skip path's regression at the final step: features (n, K) and targets (n, H), n = B*C.

        ``windows`` (B, L+H, C+P+F) hold inputs and the rows after them; the
        targets are the forecast rows normalised as the inputs, less each
        channel's last value, so that ``skip(features) + last`` forecasts them.
        """
        x, *future = self.inputs(windows)  # future: [] or [(B, H, F)]
        prepared, ahead, (shift, scale) = self._prepared(x, future[0] if future else None)
        features, last = self._path_inputs(prepared, ahead, 1)  # (B', 1, c, K), (B', 1, c, 1)
        actual = (windows[:, self.lookback :, : self.n_channels] - shift) / scale  # (B, H, C), normalised
        if self.channel_independent:
            actual = actual.transpose(1, 2).reshape(-1, 1, self.horizon)  # (B*C, 1, H)
        else:
            actual = actual.transpose(1, 2)  # (B, C, H)
        targets = actual - last[:, -1]  # (B', c, H)
        return features[:, -1].reshape(-1, features.shape[-1]), targets.reshape(-1, self.horizon)

    @torch.no_grad()
    def start_linear_path(self, weight, bias):
        """Set the skip path's weights (H, K) and bias (H,), e.g. from a ridge regression on `linear_path_problem`."""
        self.skip.weight.copy_(torch.as_tensor(weight, dtype=self.skip.weight.dtype))
        self.skip.bias.copy_(torch.as_tensor(bias, dtype=self.skip.bias.dtype))

    @torch.no_grad()
    def start_from_map(self, matrix):
        """Start the skip path as the forecast ``matrix @ x`` of each channel's own rows ``x`` (L,), covariates unread.

        ``matrix`` (H, L) has rows that sum to 1, as the maps of `forecast.neural.starts` do: the path reads
        the rows relative to the last and adds it back, which leaves such a map's forecast unchanged.
        """
        weight = torch.zeros_like(self.skip.weight)  # (H, K)
        weight[:, : self.lookback] = torch.as_tensor(matrix, dtype=weight.dtype, device=weight.device)
        self.start_linear_path(weight, torch.zeros_like(self.skip.bias))

    def _add_linear_path(self, skip, season_length):
        """Add the skip path (``skip="linear"``) starting at seasonal naive, or none (``skip=None``)."""
        self.skip = None
        if skip == "linear":
            width = self.lookback * (1 + self.covariates.count) + self.horizon * self.covariates.n_future
            self.skip = nn.Linear(width, self.horizon)
            self._start_at_seasonal_naive(season_length if season_length <= self.lookback else 1)

    def inputs(self, windows):
        """The arguments of `forward` cut from training windows (B, L+H, C+P+F): ``(x,)`` or ``(x, future)``."""
        x = windows[:, : self.lookback]  # (B, L, C+P+F)
        if not self.covariates.n_future:
            return (x,)
        return x, windows[:, self.lookback :, -self.covariates.n_future :]  # (B, H, F)


def window_loss(kind, forecasts, targets, inputs):
    """Training loss of ``forecasts`` against ``targets`` (B, S, H, C), made from ``inputs`` (B, L, C).

    ``kind="mse"``: the mean squared error. ``kind="scaled"``: the mean
    absolute error of each window and channel divided by the mean absolute
    change from row to row of its inputs (the naive forecast's in-sample
    error, as MASE scales), at least `LOSS_SCALE_FLOOR`:
    ``mean(|forecast - actual| / max(mean_t |x_t - x_{t-1}|, floor))``, so
    that calm and noisy series weigh alike.
    """
    if kind == "mse":
        return nn.functional.mse_loss(forecasts, targets)
    scale = (inputs[:, 1:] - inputs[:, :-1]).abs().mean(dim=1).clamp_min(LOSS_SCALE_FLOOR)  # (B, C)
    return ((forecasts - targets).abs() / scale[:, None, None, :]).mean()
