import os

import numpy as np
import pytest
import torch

from forecast import RNNForecaster
from forecast.neural import threads
from forecast.neural.threads import MULTIPLY_ADDS_PER_THREAD, available_cores, threads_for, torch_threads


@pytest.fixture
def default_threads(monkeypatch):
    """torch at its default of one thread per available core, with no thread variable set by the user."""
    for name in threads.USER_THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(threads, "available_cores", lambda: 4)
    monkeypatch.setattr(threads, "torch_default_threads", lambda: 4)
    previous = torch.get_num_threads()
    torch.set_num_threads(4)
    yield
    torch.set_num_threads(previous)


def test_small_work_gets_one_thread_and_large_work_one_per_share_up_to_the_cores():
    assert threads_for(0, cores=8) == 1
    assert threads_for(MULTIPLY_ADDS_PER_THREAD - 1, cores=8) == 1
    assert threads_for(2 * MULTIPLY_ADDS_PER_THREAD, cores=8) == 2
    assert threads_for(3.5 * MULTIPLY_ADDS_PER_THREAD, cores=8) == 3
    assert threads_for(1000 * MULTIPLY_ADDS_PER_THREAD, cores=8) == 8
    assert threads_for(1000 * MULTIPLY_ADDS_PER_THREAD, cores=1) == 1


def test_available_cores_follow_the_affinity_shared_among_torchruns_processes_on_the_machine(monkeypatch):
    monkeypatch.delenv("LOCAL_WORLD_SIZE", raising=False)
    assert available_cores() == len(os.sched_getaffinity(0))
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)))
    monkeypatch.setenv("LOCAL_WORLD_SIZE", "2")
    assert available_cores() == 4
    monkeypatch.setenv("LOCAL_WORLD_SIZE", "16")
    assert available_cores() == 1


def test_the_count_is_set_inside_and_restored_after(default_threads):
    with torch_threads(10) as inside:
        assert inside == torch.get_num_threads() == 1
    assert torch.get_num_threads() == 4
    with torch_threads(2.5 * MULTIPLY_ADDS_PER_THREAD) as inside:
        assert inside == torch.get_num_threads() == 2
    assert torch.get_num_threads() == 4


def test_the_count_is_restored_when_the_block_fails(default_threads):
    with pytest.raises(RuntimeError, match="inside"), torch_threads(10):
        raise RuntimeError("inside")
    assert torch.get_num_threads() == 4


def test_a_count_set_by_the_user_wins(default_threads, monkeypatch):
    torch.set_num_threads(3)
    with torch_threads(10) as inside:
        assert inside == torch.get_num_threads() == 3
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    torch.set_num_threads(4)
    with torch_threads(10) as inside:
        assert inside == torch.get_num_threads() == 4


def test_fit_and_predict_run_small_networks_on_one_thread_and_restore_the_count(default_threads, monkeypatch):
    seen = []
    model = RNNForecaster(lookback=8, horizon=2, hidden_size=8, max_epochs=2, random_state=0)
    model.fit(np.sin(np.arange(80.0)), on_epoch_end=lambda record: seen.append(torch.get_num_threads()))
    assert seen == [1, 1] and torch.get_num_threads() == 4
    monkeypatch.setattr(torch, "set_num_threads", lambda count: seen.append(count))
    model.predict()
    assert seen[2:] == [1, 4]


def test_a_count_other_than_torchs_own_default_is_the_users_choice(monkeypatch):
    for name in threads.USER_THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    default, previous = threads.torch_default_threads(), torch.get_num_threads()
    try:
        torch.set_num_threads(default)
        assert not threads.user_chose_threads()
        torch.set_num_threads(default + 1)  # differs from the default even where cores and default differ
        assert threads.user_chose_threads()
    finally:
        torch.set_num_threads(previous)
