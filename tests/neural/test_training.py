import math

import numpy as np
import pytest
import torch

from forecast import RNNForecaster, TrainingError
from forecast.neural.networks import MLPNet, RecurrentNet
from forecast.neural.training import TrainingConfig, WindowData, train


def _sine_data(n_rows=200, lookback=8, horizon=4):
    series = torch.sin(torch.arange(n_rows, dtype=torch.float32) / 4)[:, None]
    starts = torch.arange(n_rows - lookback - horizon + 1)
    return WindowData(series, starts[:120], starts[150:], lookback, horizon)


def test_history_has_one_dict_per_epoch_and_the_callback_sees_each():
    seen = []
    torch.manual_seed(0)
    history = train(MLPNet(1, 8, 4, hidden_size=16), _sine_data(), TrainingConfig(max_epochs=4), seen.append)
    assert seen == history and len(history) == 4
    assert set(history[0]) == {"epoch", "train_loss", "validation_loss", "learning_rate", "seconds"}
    assert history[-1]["train_loss"] < history[0]["train_loss"]


def test_early_stopping_restores_the_best_weights():
    from forecast.neural.training import loss_on_windows

    torch.manual_seed(0)
    net = MLPNet(1, 8, 4, hidden_size=16)
    data = _sine_data()
    history = train(net, data, TrainingConfig(max_epochs=200, patience=3, learning_rate=0.05, lr_schedule=None))
    assert len(history) < 200
    best = min(record["validation_loss"] for record in history)
    assert best < history[-1]["validation_loss"]
    assert loss_on_windows(net, data, data.validation_starts, 64) == pytest.approx(best, rel=1e-5)


def test_training_that_never_beats_the_starting_network_keeps_it():
    from forecast.neural.training import loss_on_windows

    torch.manual_seed(0)
    net = MLPNet(1, 8, 4, hidden_size=16)
    data = _sine_data()
    start = loss_on_windows(net, data, data.validation_starts, 64)
    # A learning rate this large makes every epoch worse than the random start.
    history = train(net, data, TrainingConfig(max_epochs=200, patience=3, learning_rate=0.5, lr_schedule=None))
    assert min(record["validation_loss"] for record in history) > start
    assert len(history) == 3
    assert loss_on_windows(net, data, data.validation_starts, 64) == pytest.approx(start, rel=1e-5)


@pytest.mark.parametrize("make", [MLPNet, RecurrentNet])
def test_a_network_with_covariates_never_ends_worse_on_validation_than_its_linear_start(make):
    from forecast.neural.training import loss_on_windows

    torch.manual_seed(0)
    rows = torch.arange(200, dtype=torch.float32)
    series = torch.stack([torch.sin(rows / 4), torch.cos(rows / 4), torch.randn(200)], dim=1)  # target, past, future
    starts = torch.arange(200 - 8 - 4 + 1)
    data = WindowData(series, starts[:120], starts[150:], 8, 4)
    net = make(1, 8, 4, hidden_size=16, n_past_covariates=1, n_future_covariates=1, skip="linear", season_length=4)
    start = loss_on_windows(net, data, data.validation_starts, 64)
    # A learning rate this large makes every epoch worse than the seasonal naive start.
    history = train(net, data, TrainingConfig(max_epochs=4, patience=4, learning_rate=0.5, lr_schedule=None))
    assert min(record["validation_loss"] for record in history) > start
    assert loss_on_windows(net, data, data.validation_starts, 64) == pytest.approx(start, rel=1e-5)


def test_diverging_loss_is_reported():
    torch.manual_seed(0)
    data = _sine_data()
    data.series[100] = 1e30  # an extreme value the network cannot absorb
    with pytest.raises(TrainingError, match="diverged at epoch 1 .*lower learning_rate"):
        train(MLPNet(1, 8, 4, instance_norm=None), data, TrainingConfig(max_epochs=3, gradient_clip=0))


def test_random_state_makes_fits_bit_identical():
    y = np.sin(np.arange(150) / 3) + np.arange(150) / 50

    def make():
        return RNNForecaster(lookback=12, horizon=3, max_epochs=5, dropout=0.2, random_state=7)

    def without_times(history):
        return [{k: v for k, v in record.items() if k != "seconds"} for record in history]

    first, second = make().fit(y), make().fit(y)
    assert without_times(first.history_) == without_times(second.history_)
    for a, b in zip(first.module_.state_dict().values(), second.module_.state_dict().values()):
        assert torch.equal(a, b)
    assert first.predict().equals(second.predict())
    different = RNNForecaster(lookback=12, horizon=3, max_epochs=5, dropout=0.2, random_state=8).fit(y)
    assert not different.predict().equals(first.predict())


def test_fitting_leaves_the_global_torch_rng_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    RNNForecaster(lookback=6, horizon=2, max_epochs=2, random_state=0).fit(np.arange(60.0))
    assert torch.equal(torch.rand(3), expected)
    assert math.isfinite(expected.sum().item())


def test_early_stopping_scores_an_evenly_spaced_sample_of_many_validation_windows():
    from forecast.neural.training import loss_on_windows

    torch.manual_seed(0)
    net = MLPNet(1, 8, 4, hidden_size=16)
    data = _sine_data()  # 39 validation windows
    history = train(net, data, TrainingConfig(max_epochs=3, validation_windows=4))
    best = min(record["validation_loss"] for record in history)
    sample = data.validation_starts[[0, 9, 19, 29]]  # window i * 39 // 4
    assert loss_on_windows(net, data, sample, 64) == pytest.approx(best, rel=1e-5)
    assert loss_on_windows(net, data, data.validation_starts, 64) != pytest.approx(best, rel=1e-3)


@pytest.fixture
def gathered(monkeypatch):
    """The start rows of every batch of windows gathered, in order."""
    batches, gather = [], WindowData.gather

    def recording_gather(self, starts):
        batches.append(starts.clone())
        return gather(self, starts)

    monkeypatch.setattr(WindowData, "gather", recording_gather)
    return batches


def _no_validation_data():
    data = _sine_data()
    return WindowData(data.series, data.train_starts, data.validation_starts[:0], data.lookback, data.horizon)


def test_an_epoch_visits_at_most_epoch_windows_distinct_windows_drawn_afresh_each_epoch(gathered):
    data = _no_validation_data()  # 120 training windows
    torch.manual_seed(0)
    train(MLPNet(1, 8, 4, hidden_size=16), data, TrainingConfig(max_epochs=2, batch_size=8, epoch_windows=20))
    assert [len(batch) for batch in gathered] == [8, 8, 4] * 2
    first, second = torch.cat(gathered[:3]), torch.cat(gathered[3:])
    assert len(set(first.tolist())) == len(set(second.tolist())) == 20
    assert set(first.tolist()) != set(second.tolist())
    assert set(first.tolist()) <= set(data.train_starts.tolist())


def test_max_steps_bounds_the_optimiser_steps_of_the_whole_fit(gathered):
    data = _no_validation_data()  # 120 training windows: 15 steps of 8 an epoch
    torch.manual_seed(0)
    history = train(MLPNet(1, 8, 4, hidden_size=16), data, TrainingConfig(max_epochs=10, batch_size=8, max_steps=20))
    assert len(gathered) == 20 and len(history) == 2


@pytest.mark.parametrize(("n_windows", "world_size"), [(10, 1), (10, 3), (2, 4)])
def test_epoch_shards_are_the_distributed_samplers_so_a_small_fit_trains_as_before(n_windows, world_size):
    from torch.utils.data import DistributedSampler

    from forecast.neural.training import epoch_shard

    for rank in range(world_size):
        sampler = DistributedSampler(range(n_windows), num_replicas=world_size, rank=rank, shuffle=True, seed=7)
        sampler.set_epoch(3)
        assert epoch_shard(n_windows, 7 + 3, rank, world_size).tolist() == list(sampler)


def test_early_stopping_counts_only_improvements_above_min_improvement_but_keeps_the_best_weights():
    from forecast.neural.training import loss_on_windows

    def fit(min_improvement):
        torch.manual_seed(0)
        net = MLPNet(1, 8, 4, hidden_size=16)
        config = TrainingConfig(max_epochs=40, patience=2, lr_schedule=None, min_improvement=min_improvement)
        return net, train(net, _sine_data(), config)

    _, steady = fit(0.0)
    net, strict = fit(0.5)  # progress means halving the loss
    assert len(strict) < len(steady)
    assert [record["validation_loss"] for record in strict] == [r["validation_loss"] for r in steady[: len(strict)]]
    best = min(record["validation_loss"] for record in strict)
    assert loss_on_windows(net, _sine_data(), _sine_data().validation_starts, 64) == pytest.approx(best, rel=1e-5)
