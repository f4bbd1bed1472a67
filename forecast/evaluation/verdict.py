"""The verdict of a comparison: the model with the lowest mean MASE, and the models within noise of it.

Models are compared on the same forecasts, so their errors are paired: for
each other model, the differences ``d`` between its MASE and the best
model's on every forecast both made. A model is within noise of the best
when the mean difference is at most `NOISE_Z` standard errors,
``mean(d) <= NOISE_Z * std(d) / sqrt(n / overlap)``: a one-sided test at
about 2.5% that the best model is really better. ``overlap`` counts how many
forecasts share each target row (a comparison's stride-1 windows of
``horizon`` steps share ``horizon``; backtest windows ``step`` rows apart
share ``ceil(horizon / step)``), since errors of overlapping forecasts are
not independent. With a single forecast (or all differences zero) only an
exact tie is within noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

NOISE_Z = 2.0


@dataclass
class Verdict:
    best: str
    means: dict  # {model: mean MASE over the paired forecasts}, best first
    within_noise: list  # the other models within noise of the best, in order of mean MASE
    n_forecasts: int

    def line(self):
        """``Best: theta (mean MASE 0.812 over 36 forecasts); within noise: ets (0.825)``."""
        head = f"Best: {self.best} (mean MASE {self.means[self.best]:.3f} over {self.n_forecasts} forecasts)"
        if not self.within_noise:
            others = "every other model is worse beyond noise" if len(self.means) > 1 else "the only model"
            return f"{head}; {others}"
        return f"{head}; within noise: " + ", ".join(f"{name} ({self.means[name]:.3f})" for name in self.within_noise)


def verdict(errors, overlap=1):
    """The `Verdict` of per-forecast MASE ``{model: array (n,)}`` (the same forecasts, in the same order).

    Forecasts where any model's MASE is undefined (NaN) are left out of
    every model's mean, so that all are compared on the same ones.
    """
    names = list(errors)
    table = np.column_stack([np.asarray(errors[name], dtype=np.float64) for name in names])  # (n, M)
    table = table[np.isfinite(table).all(axis=1)]
    if len(table) == 0:
        return None
    means = table.mean(axis=0)
    order = np.argsort(means, kind="stable")
    best = order[0]
    n_effective = max(len(table) / overlap, 1.0)
    within = []
    for other in order[1:]:
        differences = table[:, other] - table[:, best]
        spread = differences.std(ddof=1) if len(differences) > 1 else 0.0
        if differences.mean() <= NOISE_Z * spread / math.sqrt(n_effective):
            within.append(names[other])
    return Verdict(names[best], {names[column]: float(means[column]) for column in order}, within, int(len(table)))
