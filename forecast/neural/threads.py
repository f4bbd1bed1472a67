"""How many threads torch computes with while a network trains or predicts.

torch starts one intra-op thread per available core. For the small networks
and batches of most forecasting jobs that is a loss: each operator is too
small to split, the threads spend their time waiting for each other, and when
another process is busy on one of the cores they wait for it too (a fit of the
airline series took 1.6 times as long with one core busy, and two fits started
together 3.9 times as long as the two one after the other). So the count
follows the work:

- one thread per ``MULTIPLY_ADDS_PER_THREAD`` multiply-adds in a forward pass
  of one batch (the network's parameters times the rows it runs them on), at
  least one, and never more than the cores this process may run on
  (``os.sched_getaffinity``, so ``taskset`` and container CPU sets are
  respected);
- a choice made by the user wins and is left alone: ``OMP_NUM_THREADS`` or
  ``MKL_NUM_THREADS`` in the environment, or a ``torch.set_num_threads``
  call that left a count other than torch's default (the count found when
  `forecast.neural.fitting` is first imported: one per available core, or per
  physical core in some builds; a call made before that import, or one that
  sets exactly that default, cannot be told apart from it);
- the previous count is restored afterwards, so the caller's process keeps
  its own setting.

Where other processes keep the cores busy, a second thread is a loss at any
size (one waits for the other at every operator); ``OMP_NUM_THREADS=1``
keeps every network on one.
"""

from __future__ import annotations

import contextlib
import functools
import os

# Work per thread. Threads meet at every operator, which costs about 6 ms per training step of the
# recurrent net on two idle cores of the development machine's kind, so a second thread only pays off
# on large forward passes: at 3e8 multiply-adds it should make a step about 1.4 times as fast
# (benchmarks/README.md, "Threads", has the figures and the script that measures them).
MULTIPLY_ADDS_PER_THREAD = 150_000_000
USER_THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")


def available_cores():
    """The cores this process may run on: its CPU affinity where the system tells it, else all.

    Under ``torchrun`` the processes on one machine (``LOCAL_WORLD_SIZE``) share them out evenly.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        cores = os.cpu_count() or 1
    return max(1, cores // int(os.environ.get("LOCAL_WORLD_SIZE", "1")))


def threads_for(multiply_adds, cores):
    """Threads for a forward pass of ``multiply_adds``: one per `MULTIPLY_ADDS_PER_THREAD`, from 1 to ``cores``.

    >>> threads_for(5_000_000, cores=8), threads_for(400_000_000, cores=8), threads_for(10**12, cores=2)
    (1, 2, 2)
    """
    return max(1, min(int(cores), int(multiply_adds // MULTIPLY_ADDS_PER_THREAD)))


@functools.cache
def torch_default_threads():
    """torch's own thread count, as found at the first call (made when `forecast.neural.fitting` is imported)."""
    import torch

    return torch.get_num_threads()


def user_chose_threads():
    """True when the user set torch's thread count: by environment variable, or by a non-default count."""
    import torch

    if any(os.environ.get(name) for name in USER_THREAD_VARIABLES):
        return True
    return torch.get_num_threads() != torch_default_threads()


@contextlib.contextmanager
def torch_threads(multiply_adds):
    """Run the block with `threads_for` torch threads, unless the user chose a count; restore the count after.

    Parameters
    ----------
    multiply_adds : float
        Multiply-adds of one forward pass over one batch (parameters times rows).

    Yields
    ------
    int
        The thread count in force inside the block.
    """
    import torch

    previous = torch.get_num_threads()
    if user_chose_threads():
        yield previous
        return
    torch.set_num_threads(threads_for(multiply_adds, available_cores()))
    try:
        yield torch.get_num_threads()
    finally:
        torch.set_num_threads(previous)
