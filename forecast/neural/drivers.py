"""Which drivers (covariates) a trained network keeps reading: those its validation error needs.

After training, each driver is judged by the network itself: its inputs are
set to zero (their training mean, in scaled units) in every validation
window, and the network's validation error is measured without them.
`backward_elimination` then drops, one at a time, the driver whose removal
gives the lowest error, while that error is no higher than with it: a driver
stays only where the network forecasts the validation windows better with
it. A dropped driver is read as zero in every forecast after, so the
forecasts carry nothing of it and the validation error is the one measured.

Why the trained network and not a cheaper model fitted before training: a
ridge regression of the linear path's inputs, with and without a driver,
judged temperature useless on half-hourly electricity demand
(``benchmarks/covariates.py``: the validation tail falls in spring, when
demand falls as it warms, while the training rows hold a summer, when it
rises), and the GRU without it forecast the summer weeks after with MASE
0.67 instead of 0.43. With the squares of the drivers beside them, the ridge
regression kept temperature but not the calendar, which the GRU reads beside
it: MASE 0.44 instead of 0.43. Zeroing any of the four drivers in the trained
GRU raised its validation MSE 1.3 to 5 times, and it keeps them all. Beside a
synthetic daily series that does not depend on it, a driver of pure noise was
dropped in 8 of 10 fits (``tests/neural/test_drivers.py``'s data, seeds 0-9).
"""

from __future__ import annotations

import torch

from . import distributed


def backward_elimination(names, error):
    """The ``names`` to drop, in the order dropped; ``error(dropped)`` scores the list ``dropped`` gone.

    Repeatedly drops the name whose removal gives the lowest error, while
    that error is no higher than the error before it. Ties go to the earlier name.

    >>> costs = {(): 1.0, ("noise",): 0.9, ("price",): 2.0, ("noise", "price"): 1.8}
    >>> backward_elimination(["price", "noise"], lambda dropped: costs[tuple(sorted(dropped))])
    ['noise']
    """
    dropped, best = [], error([])
    while len(dropped) < len(names):
        trials = {name: error([*dropped, name]) for name in names if name not in dropped}
        name = min(trials, key=trials.get)
        if trials[name] > best:
            break
        dropped.append(name)
        best = trials[name]
    return dropped


def unneeded_drivers(module, data, starts, drivers, score, batch_size):
    """The drivers the trained ``module`` forecasts the windows at ``starts`` as well or better without.

    ``drivers`` maps each name to its positions among the covariate columns
    of ``data.series`` (after the ``module.n_channels`` targets); ``score``
    is called as ``score(module, data, starts, batch_size)`` with those
    columns set to zero. Every process of a distributed fit takes rank 0's scores.
    """
    device = next(module.parameters()).device
    series = data.series.to(device)
    on_device = type(data)(series, data.train_starts, starts.to(device), data.lookback, data.horizon)

    @torch.no_grad()
    def error(dropped):
        columns = [module.n_channels + position for name in dropped for position in drivers[name]]
        kept = series[:, columns].clone()  # (T, D)
        series[:, columns] = 0.0
        try:
            return distributed.from_primary(score(module, on_device, on_device.validation_starts, batch_size), device)
        finally:
            series[:, columns] = kept

    return backward_elimination(list(drivers), error)
