"""The one scaling object: a per-channel shift and scale, fitted on training rows and undone on forecasts.

Data enters a model as ``(values - mean) / std`` and leaves it as
``scaled * std + mean``. The statistics are computed after dividing by each
channel's largest magnitude, so values near the float64 limit (1e300) do not
overflow the variance; a constant channel gets a scale of 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError

# A channel whose standard deviation is below this fraction of its largest magnitude is constant.
_CONSTANT = 1e-12


@dataclass(frozen=True)
class Scaling:
    """Per-channel ``mean`` and ``std``, each of shape ``(..., C)``: ``(C,)`` for one series, ``(n, C)`` for n.

    `transform` and `inverse` take values of shape ``(..., T, C)`` whose leading
    axes match the statistics' (``(T, C)`` with ``(C,)``, ``(n, T, C)`` with
    ``(n, C)``).
    """

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, values, axis=0):
        """Mean and standard deviation of ``values`` over its time ``axis``, ignoring NaN.

        ``values`` (T, C) gives statistics of shape (C,); windows (n, L, C) with
        ``axis=1`` give each window's own, of shape (n, C).

        Raises
        ------
        DataError
            A statistic is not finite (the values overflow float64).
        """
        values = np.asarray(values, dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            peak = np.nanmax(np.abs(values), axis=axis, keepdims=True)
            peak = np.where(peak > 0, peak, 1.0)
            relative = values / peak  # every value in [-1, 1]: its square cannot overflow
            mean = np.nanmean(relative, axis=axis) * np.squeeze(peak, axis)
            spread = np.nanstd(relative, axis=axis)
            std = np.where(spread > _CONSTANT, spread * np.squeeze(peak, axis), 1.0)
        if not (np.isfinite(mean).all() and np.isfinite(std).all()):
            raise DataError(
                "the values are too large to scale (their mean or spread overflows float64); "
                "divide the data by a power of ten first"
            )
        return cls(mean, std)

    @classmethod
    def identity(cls, shape):
        """No scaling: mean 0 and std 1 of the given ``(..., C)`` shape."""
        return cls(np.zeros(shape), np.ones(shape))

    def transform(self, values):
        """``(values - mean) / std`` for values (..., T, C)."""
        # Halving every term gives the same quotient, and the difference of two halved finite values cannot
        # overflow, as 1.7e308 minus a negative mean would.
        return (values / 2 - self.mean[..., None, :] / 2) / (self.std[..., None, :] / 2)

    def inverse(self, scaled):
        """``scaled * std + mean`` for values (..., T, C): back to the data's units."""
        return scaled * self.std[..., None, :] + self.mean[..., None, :]

    def take(self, rows):
        """The statistics of the series at positions ``rows`` (for per-series statistics of shape (n, C))."""
        return Scaling(self.mean[rows], self.std[rows])

    def channels(self, columns):
        """The statistics of the channels ``columns`` (an index or slice of the last axis)."""
        return Scaling(self.mean[..., columns], self.std[..., columns])

    @classmethod
    def stack(cls, scalings):
        """One per-series scaling (n, C) from n single-series ones (C,)."""
        return cls(np.stack([s.mean for s in scalings]), np.stack([s.std for s in scalings]))
