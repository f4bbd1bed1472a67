import numpy as np
import pytest

from forecast import DataError, ParameterError, mae, mase, mse, rmse, smape
from forecast.evaluation.metrics import coverage, interval_score, interval_width, msis


def test_error_metrics_on_known_values():
    y_true, y_pred = np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 2.0, 1.0, 4.0])
    assert mse(y_true, y_pred) == pytest.approx(5 / 4)
    assert rmse(y_true, y_pred) == pytest.approx(np.sqrt(5 / 4))
    assert mae(y_true, y_pred) == pytest.approx(3 / 4)
    assert smape(y_true, y_pred) == pytest.approx(200 / 4 * (1 / 3 + 2 / 4))


def test_smape_counts_zero_over_zero_as_no_error():
    assert smape([0.0, 1.0], [0.0, 1.0]) == 0.0


def test_mase_scales_by_the_seasonal_naive_in_sample_error():
    y_train = np.array([1.0, 3.0, 2.0, 4.0, 3.0, 5.0])
    # Season 2: in-sample errors |2-1|, |4-3|, |3-2|, |5-4| = 1 each.
    assert mase([6.0, 8.0], [5.0, 8.0], y_train=y_train, season_length=2) == pytest.approx(0.5)
    # Season 1: mean |diff| = (2 + 1 + 2 + 1 + 2) / 5 = 1.6.
    assert mase([6.0], [5.0], y_train=y_train) == pytest.approx(1 / 1.6)


def test_mase_scales_each_channel_by_its_own_differences():
    y_train = np.array([[0.0, 0.0], [1.0, 10.0], [2.0, 20.0]])
    y_true, y_pred = np.array([[3.0, 30.0]]), np.array([[4.0, 40.0]])
    assert mase(y_true, y_pred, y_train=y_train) == pytest.approx(1.0)


def test_metrics_refuse_mismatched_shapes_and_flat_training_series():
    with pytest.raises(DataError, match="shape"):
        mae([1.0, 2.0], [1.0])
    with pytest.raises(DataError, match="does not change"):
        mase([1.0], [1.0], y_train=[2.0, 2.0, 2.0])


def test_coverage_and_width_of_intervals():
    y_true, lo, hi = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.0, 2.5, 3.0, 1.0]), np.array([2.0, 3.0, 3.0, 4.0])
    assert coverage(y_true, lo, hi) == pytest.approx(75.0)  # bounds count as inside; 2 is below [2.5, 3]
    assert interval_width(lo, hi) == pytest.approx((2 + 0.5 + 0 + 3) / 4)


def test_msis_is_m4s_interval_score_over_the_seasonal_naive_scale():
    y_train = np.array([1.0, 3.0, 2.0, 4.0, 3.0, 5.0])  # season 2: in-sample MAE 1; season 1: 1.6
    y_true, lo, hi = np.array([6.0, 8.0, 5.0]), np.array([5.0, 9.0, 1.0]), np.array([7.0, 10.0, 4.0])
    # Level 80: alpha 0.2, so a miss costs 2 / 0.2 = 10 per unit. Widths 2, 1, 3; misses 0, 1 below, 1 above.
    scores = [2, 1 + 10 * 1, 3 + 10 * 1]
    assert interval_score(y_true, lo, hi, level=80) == pytest.approx(np.mean(scores))
    assert msis(y_true, lo, hi, y_train=y_train, season_length=2, level=80) == pytest.approx(np.mean(scores))
    assert msis(y_true, lo, hi, y_train=y_train, level=80) == pytest.approx(np.mean(scores) / 1.6)
    # Level 95: a miss costs 2 / 0.05 = 40.
    assert msis(y_true, lo, hi, y_train=y_train, season_length=2, level=95) == pytest.approx(np.mean([2, 41, 43]))


def test_interval_metrics_refuse_bad_levels_and_shapes():
    with pytest.raises(ParameterError, match=r"level must be a number in \(0, 100\)"):
        msis([1.0], [0.0], [2.0], y_train=[1.0, 2.0], level=0.95 * 100 + 5)
    with pytest.raises(DataError, match="shape"):
        coverage([1.0, 2.0], [0.0], [2.0, 3.0])


@pytest.mark.parametrize("bad", [["a", "b"], [1j, 2j]], ids=["text", "complex"])
def test_metrics_refuse_values_that_are_not_real_numbers(bad):
    with pytest.raises(DataError, match="y_true must be .*real numbers"):
        mse(bad, [1.0, 2.0])
    with pytest.raises(DataError, match="y_train must be .*real numbers"):
        mase([1.0], [2.0], y_train=bad)


def test_metrics_refuse_empty_input_and_let_a_missing_value_show():
    with pytest.raises(DataError, match="no values to score"):
        mse([], [])
    assert np.isnan(smape([np.nan, 1.0], [1.0, 1.0]))


@pytest.mark.parametrize("season_length", [0, -1, 1.5, True])
def test_mase_refuses_a_season_length_that_is_not_a_whole_number_of_steps(season_length):
    with pytest.raises(DataError, match="season_length must be a whole number >= 1"):
        mase([1.0], [2.0], y_train=[1.0, 2.0, 4.0], season_length=season_length)


@pytest.mark.parametrize("y_train", [5.0, np.ones((3, 3, 3))], ids=["scalar", "cube"])
def test_mase_refuses_a_training_series_of_another_shape(y_train):
    with pytest.raises(DataError, match=r"y_train must have shape \(T,\) or \(T, C\)"):
        mase([1.0], [2.0], y_train=y_train)


def test_interval_metrics_name_the_bound_that_is_wrong():
    with pytest.raises(DataError, match=r"y_true has shape \(2,\) but hi has shape \(1,\)"):
        coverage([1.0, 2.0], [0.0, 1.0], [2.0])
    with pytest.raises(DataError, match="hi must be .*real numbers"):
        interval_width([0.0, 1.0], ["a", "b"])
    with pytest.raises(DataError, match=r"lo has shape \(2,\) but hi has shape \(3,\)"):
        interval_width([0.0, 1.0], [1.0, 2.0, 3.0])
