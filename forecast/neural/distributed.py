"""Training across processes with PyTorch's own distributed engine, started by ``torchrun``.

``torchrun`` sets ``RANK``, ``WORLD_SIZE`` and the rendezvous address in each
process's environment; the first call of `world` then joins the default
process group (gloo on CPU, nccl on GPU). Without ``torchrun`` there is one
process and nothing is initialised. Only the primary process (rank 0) writes
files or prints.
"""

from __future__ import annotations

import os


def world():
    """``(rank, world_size)`` of this process, joining torchrun's process group on first use."""
    import torch
    import torch.distributed as dist

    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size == 1 or not dist.is_available():
        return 0, 1
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if torch.cuda.is_available() else "gloo")
    return dist.get_rank(), dist.get_world_size()


def is_primary():
    """True in the process that writes files and prints: rank 0, or the only process."""
    return int(os.environ.get("RANK", "0")) == 0


def local_device(device):
    """Under torchrun on GPUs each process trains on its own: ``cuda`` becomes ``cuda:LOCAL_RANK``."""
    if device == "cuda" and int(os.environ.get("WORLD_SIZE", "1")) > 1:
        return f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}"
    return device


def sum_across(*values, device="cpu"):
    """Each value summed over all processes (the values themselves with one process)."""
    import torch
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()):
        return values
    totals = torch.tensor(values, dtype=torch.float64, device=device)
    dist.all_reduce(totals)
    return tuple(totals.tolist())


def from_primary(value, device="cpu"):
    """Rank 0's value in every process, so that every process takes the same decisions."""
    import torch
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()):
        return value
    shared = torch.tensor([value], dtype=torch.float64, device=device)
    dist.broadcast(shared, src=0)
    return shared.item()
