import numpy as np
import pytest
import torch

from forecast.neural.networks import MLPNet, RecurrentNet
from forecast.neural.starts import STARTS, start_candidates, start_matrix


@pytest.mark.parametrize("kind", STARTS)
@pytest.mark.parametrize(("lookback", "horizon", "season"), [(12, 5, 4), (8, 10, 4), (6, 3, 1), (5, 3, 12)])
def test_every_start_moves_with_the_level(kind, lookback, horizon, season):
    matrix = start_matrix(kind, lookback, horizon, season)
    assert matrix.shape == (horizon, lookback)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0)


def test_the_profile_forecasts_a_repeating_season_at_the_last_seasons_level():
    pattern = np.array([3.0, 1.0, 4.0, 1.0])
    window = np.concatenate([pattern + 1.0, pattern + 3.0, pattern + 1.0])  # three seasons at levels 1, 3, 1
    np.testing.assert_allclose(start_matrix("profile", 12, 6, 4) @ window, np.tile(pattern, 2)[:6] + 1.0)
    trending = np.arange(12.0) + np.tile(pattern - pattern.mean(), 3)
    # The trend is no part of the profile: the last season's mean, 9.5, and the pattern.
    np.testing.assert_allclose(start_matrix("profile", 12, 6, 4) @ trending, 9.5 + np.tile(pattern - 2.25, 2)[:6])
    np.testing.assert_allclose(start_matrix("profile", 4, 6, 4), start_matrix("seasonal", 4, 6, 4))


def test_theta_adds_half_the_trend_to_the_profile():
    trend = np.arange(12.0)
    with_season = trend + np.tile([1.0, -1.0, 2.0, -2.0], 3)
    # One row a step; the level sits mid-season at row 9.5, so row 12 + h is 2.5 + h rows ahead of it.
    expected = 9.5 + 0.5 * (2.5 + np.arange(6)) + np.tile([1.0, -1.0, 2.0, -2.0], 2)[:6]
    np.testing.assert_allclose(start_matrix("theta", 12, 6, 4) @ with_season, expected)
    np.testing.assert_allclose(start_matrix("theta", 12, 3, 1) @ trend, 11.0 + 0.5 * np.arange(1, 4))


def test_candidates_are_the_starts_that_differ_from_seasonal_naive():
    assert start_candidates(12, 5, 4) == ["profile", "theta"]
    assert start_candidates(6, 5, 4) == []  # one whole season: both are seasonal naive
    assert start_candidates(26, 13, 52) == ["theta"]  # the season does not fit: the last value, and its drift
    assert start_candidates(1, 1, 1) == []


@pytest.mark.parametrize("network", [RecurrentNet, MLPNet])
def test_a_network_started_from_a_map_forecasts_that_map_with_covariates_unread(network):
    torch.manual_seed(0)
    net = network(1, 12, 6, hidden_size=8, skip="linear", season_length=4, n_past_covariates=1).eval()
    matrix = start_matrix("theta", 12, 6, 4)
    net.start_from_map(matrix)
    x = torch.randn(3, 12, 2, dtype=torch.float64)
    expected = x[:, :, 0] @ torch.as_tensor(matrix).T  # (3, 6)
    torch.testing.assert_close(net.double()(x)[:, -1, :, 0], expected)
