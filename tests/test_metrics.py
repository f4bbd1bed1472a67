import numpy as np
import pytest

from forecast import DataError, mae, mase, mse, rmse, smape


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
