import pytest
import torch

from forecast.neural.networks import InstanceNorm, MLPNet, RecurrentNet, count_parameters


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("channel_independent", [True, False])
@pytest.mark.parametrize(("lookback", "segment_length"), [(7, 1), (12, 4), (10, 4)])
def test_recurrent_net_forecasts_at_every_step(cell, channel_independent, lookback, segment_length):
    net = RecurrentNet(
        3,
        lookback,
        5,
        cell=cell,
        hidden_size=8,
        num_layers=2,
        segment_length=segment_length,
        channel_independent=channel_independent,
    )
    out = net(torch.randn(4, lookback, 3))
    n_steps = -(-lookback // segment_length)
    assert out.shape == (4, n_steps, 5, 3)
    assert net.step_ends.tolist()[-1] == lookback - 1
    assert net.step_ends.tolist() == [lookback - 1 - segment_length * k for k in reversed(range(n_steps))]


def test_recurrent_step_forecasts_depend_only_on_rows_seen():
    torch.manual_seed(0)
    net = RecurrentNet(1, 8, 3, hidden_size=8, segment_length=2, instance_norm=None).eval()
    x = torch.randn(1, 8, 1)
    changed = x.clone()
    changed[:, 6:] += 10.0  # rows after step 2 (which has seen rows 0..5)
    before, after = net(x), net(changed)
    torch.testing.assert_close(before[:, :3], after[:, :3])
    assert not torch.allclose(before[:, 3], after[:, 3])


@pytest.mark.parametrize("channel_independent", [True, False])
def test_mlp_net_has_a_single_forecast_point(channel_independent):
    net = MLPNet(2, 6, 4, hidden_size=16, num_layers=3, channel_independent=channel_independent)
    assert net(torch.randn(5, 6, 2)).shape == (5, 1, 4, 2)
    assert net.step_ends.tolist() == [5]


@pytest.mark.parametrize("mode", ["last", "standardize", None])
def test_instance_norm_is_undone_on_the_output(mode):
    norm = InstanceNorm(mode)
    x = torch.randn(3, 10, 2) * 5 + 7
    normalised, stats = norm(x)
    restored = InstanceNorm.inverse(normalised[:, None], stats)[:, 0]  # treat the window as one forecast
    torch.testing.assert_close(restored, x)
    if mode == "last":
        assert torch.all(normalised[:, -1] == 0)


def test_instance_norm_makes_forecasts_shift_with_the_level():
    torch.manual_seed(0)
    net = RecurrentNet(1, 6, 2, hidden_size=8, instance_norm="last").eval()
    x = torch.randn(2, 6, 1)
    torch.testing.assert_close(net(x + 100.0), net(x) + 100.0)


def test_dense_loss_targets_are_the_rows_after_each_step():
    net = RecurrentNet(1, 4, 2, hidden_size=4, segment_length=2)  # steps end at rows 1 and 3
    assert net.step_ends.tolist() == [1, 3]
    windows = torch.arange(12.0).reshape(2, 6, 1)  # lookback 4, horizon 2
    oracle = torch.stack([windows[:, end + 1 : end + 3] for end in (1, 3)], dim=1)  # (B, S, H, C): the next rows
    assert net.loss(oracle, windows) == 0
    assert net.loss(oracle - 1, windows) == 1


def test_last_step_loss_scores_only_the_final_forecast():
    net = RecurrentNet(1, 4, 2, hidden_size=4, segment_length=2, supervision="last")
    windows = torch.arange(12.0).reshape(2, 6, 1)
    forecasts = torch.zeros(2, 2, 2, 1)
    forecasts[:, -1] = windows[:, 4:]  # the last step is perfect, the first is not
    assert net.loss(forecasts, windows) == 0
    mlp = MLPNet(1, 4, 2, hidden_size=4)
    assert mlp.loss(forecasts[:, -1:] + 2, windows) == 4


def test_count_parameters():
    net = MLPNet(1, 4, 2, hidden_size=3, num_layers=1)
    assert count_parameters(net) == (4 * 3 + 3) + (3 * 2 + 2)


@pytest.mark.parametrize("channel_independent", [True, False])
@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: RecurrentNet(2, 8, 3, segment_length=3, hidden_size=8, **kw),
        lambda **kw: MLPNet(2, 8, 3, hidden_size=8, **kw),
    ],
)
def test_covariates_are_inputs_and_future_ones_reach_the_forecast_rows(make, channel_independent):
    torch.manual_seed(0)
    net = make(n_past_covariates=1, n_future_covariates=2, channel_independent=channel_independent).eval()
    x, future = torch.randn(4, 8, 2 + 1 + 2), torch.randn(4, 3, 2)  # targets, past, future-known; future rows
    forecasts = net(x, future)
    assert forecasts.shape[0] == 4 and forecasts.shape[2:] == (3, 2)  # targets only
    changed_future = future.clone()
    changed_future[:, -1, 1] += 1.0  # a future-known value of the last forecast row
    assert not torch.allclose(net(x, changed_future)[:, -1], forecasts[:, -1])
    changed_past = x.clone()
    changed_past[:, -1, 2] += 1.0  # the past covariate at the last input row
    assert not torch.allclose(net(changed_past, future)[:, -1], forecasts[:, -1])
    windows = torch.cat([x, torch.cat([torch.randn(4, 3, 3), future], dim=2)], dim=1)  # (B, L+H, C+P+F)
    inputs = net.inputs(windows)
    torch.testing.assert_close(inputs[0], x)
    torch.testing.assert_close(inputs[1], future)


def test_a_recurrent_step_reads_no_input_row_after_its_own_segment():
    torch.manual_seed(0)
    net = RecurrentNet(1, 6, 2, segment_length=2, hidden_size=8, n_past_covariates=1, n_future_covariates=1).eval()
    x, future = torch.randn(3, 6, 3), torch.randn(3, 2, 1)
    changed = x.clone()
    changed[:, 4:, 1] += 5.0  # the past covariate in the last segment
    before, after = net(x, future), net(changed, future)
    torch.testing.assert_close(before[:, :2], after[:, :2])  # the first two steps saw rows 0-3 only
    assert not torch.allclose(before[:, 2], after[:, 2])


def test_losses_score_the_targets_only():
    net = MLPNet(1, 4, 2, hidden_size=4, n_past_covariates=1)
    windows = torch.arange(12.0).reshape(1, 6, 2)  # channel 0 target, channel 1 a past covariate
    perfect = windows[:, None, 4:, :1]  # (B, 1, H, C)
    assert net.loss(perfect, windows) == 0


@pytest.mark.parametrize("channel_independent", [True, False])
def test_linear_skip_path_starts_at_the_last_value_and_follows_its_weights(channel_independent):
    torch.manual_seed(0)
    net = RecurrentNet(
        2,
        6,
        3,
        hidden_size=8,
        segment_length=2,
        skip="linear",
        instance_norm=None,
        channel_independent=channel_independent,
    ).eval()
    for parameter in net.head.parameters():
        torch.nn.init.zeros_(parameter)  # only the skip path speaks
    x = torch.randn(4, 6, 2)
    out = net(x)  # (4, 3 steps, 3, 2)
    ends = net.step_ends.tolist()  # [1, 3, 5]
    for step, end in enumerate(ends):
        torch.testing.assert_close(out[:, step], x[:, end : end + 1].expand(-1, 3, -1))  # the last value seen
    with torch.no_grad():
        net.skip.weight.zero_()
        net.skip.weight[:, 4] = 1.0  # each forecast: the value one row before the last seen
    out = net(x)
    torch.testing.assert_close(out[:, -1], x[:, 4:5].expand(-1, 3, -1))
    torch.testing.assert_close(out[:, 1], x[:, 2:3].expand(-1, 3, -1))
    # The first step's window starts before row 0: padded with row 0.
    torch.testing.assert_close(out[:, 0], x[:, 0:1].expand(-1, 3, -1))


def test_linear_skip_path_reads_no_row_after_its_step():
    torch.manual_seed(0)
    net = RecurrentNet(1, 8, 3, hidden_size=8, segment_length=2, skip="linear", instance_norm=None).eval()
    torch.nn.init.normal_(net.skip.weight)
    x = torch.randn(1, 8, 1)
    changed = x.clone()
    changed[:, 6:] += 10.0
    before, after = net(x), net(changed)
    torch.testing.assert_close(before[:, :3], after[:, :3])


BOTH_NETWORKS = pytest.mark.parametrize(
    "make",
    [
        lambda *args, **kw: RecurrentNet(*args, hidden_size=8, segment_length=4, **kw),
        lambda *args, **kw: MLPNet(*args, hidden_size=8, **kw),
    ],
    ids=["recurrent", "mlp"],
)


@BOTH_NETWORKS
@pytest.mark.parametrize("channel_independent", [True, False])
def test_linear_skip_path_starts_as_the_seasonal_naive_forecast(make, channel_independent):
    torch.manual_seed(0)
    net = make(2, 8, 6, skip="linear", season_length=4, channel_independent=channel_independent).eval()
    x = torch.randn(3, 8, 2)
    torch.testing.assert_close(net(x)[:, -1], x[:, [4, 5, 6, 7, 4, 5]])
    longer_than_the_window = make(1, 8, 6, skip="linear", season_length=12).eval()
    torch.testing.assert_close(longer_than_the_window(x[..., :1])[:, -1, :, 0], x[:, [7] * 6, 0])


def test_the_mlp_corrects_its_linear_path_and_reads_its_drivers_there_too():
    torch.manual_seed(0)
    net = MLPNet(1, 8, 3, hidden_size=8, skip="linear", n_past_covariates=1, n_future_covariates=1).eval()
    x, future = torch.randn(4, 8, 3), torch.randn(4, 3, 1)
    torch.testing.assert_close(net(x, future)[:, -1, :, 0], x[:, [-1] * 3, 0])  # the last value: season 1
    torch.nn.init.normal_(net.output_layer().weight)
    corrected = net(x, future)
    assert not torch.allclose(corrected[:, -1, :, 0], x[:, [-1] * 3, 0])
    with torch.no_grad():
        net.output_layer().weight.zero_()
        net.skip.weight[:, -1] = 1.0  # the path reads the last forecast row's future-known value
    torch.testing.assert_close(net(x, future)[:, -1, :, 0], x[:, [-1] * 3, 0] + future[:, -1:, 0])


@pytest.mark.parametrize(
    "net",
    [RecurrentNet(1, 3, 2, hidden_size=4, supervision="last", loss="scaled"), MLPNet(1, 3, 2, loss="scaled")],
    ids=["recurrent", "mlp"],
)
def test_the_scaled_loss_divides_each_windows_errors_by_its_naive_error(net):
    windows = torch.tensor([[0.0, 1.0, 3.0, 4.0, 6.0]])[..., None]  # (1, L+H, 1): naive error (1 + 2) / 2
    forecasts = torch.tensor([[[5.0], [6.0]]])[:, None]  # (1, S=1, H, 1)
    torch.testing.assert_close(net.loss(forecasts, windows), torch.tensor(0.5 / 1.5))
    # Calm and noisy windows weigh alike: the loss does not change with a window's scale.
    both = torch.cat([windows, 10 * windows])
    torch.testing.assert_close(net.loss(torch.cat([forecasts, 10 * forecasts]), both), torch.tensor(0.5 / 1.5))
    assert RecurrentNet(1, 3, 2, hidden_size=4).init_args["loss"] == "mse"
