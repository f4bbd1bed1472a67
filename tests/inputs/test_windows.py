import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecast import DataError, chronological_split, make_windows


@given(
    n_rows=st.integers(2, 60),
    n_channels=st.integers(1, 3),
    lookback=st.integers(1, 12),
    horizon=st.integers(1, 12),
    stride=st.integers(1, 5),
)
def test_make_windows_shapes_and_contents(n_rows, n_channels, lookback, horizon, stride):
    values = np.arange(n_rows * n_channels, dtype=float).reshape(n_rows, n_channels)
    if n_rows < lookback + horizon:
        with pytest.raises(DataError, match="fewer than lookback \\+ horizon"):
            make_windows(values, lookback, horizon, stride)
        return
    X, Y = make_windows(values, lookback, horizon, stride)
    n_windows = (n_rows - lookback - horizon) // stride + 1
    assert X.shape == (n_windows, lookback, n_channels)
    assert Y.shape == (n_windows, horizon, n_channels)
    for i in range(n_windows):
        start = i * stride
        np.testing.assert_array_equal(X[i], values[start : start + lookback])
        np.testing.assert_array_equal(Y[i], values[start + lookback : start + lookback + horizon])
    assert np.shares_memory(X, values) and np.shares_memory(Y, values)  # views, not copies


def test_make_windows_of_a_1d_series_has_one_channel():
    X, Y = make_windows(np.arange(8.0), lookback=5, horizon=2)
    assert X.shape == (2, 5, 1) and Y.shape == (2, 2, 1)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "5"])
def test_make_windows_refuses_bad_sizes(bad):
    with pytest.raises(DataError, match="lookback must be a whole number >= 1"):
        make_windows(np.arange(10.0), lookback=bad, horizon=1)


@given(
    n_rows=st.integers(2, 200),
    lookback=st.integers(1, 20),
    horizon=st.integers(1, 20),
    validation_size=st.one_of(st.integers(0, 60), st.floats(0, 0.5)),
    test_size=st.one_of(st.integers(0, 60), st.floats(0, 0.5)),
)
def test_chronological_split_never_leaks(n_rows, lookback, horizon, validation_size, test_size):
    try:
        split = chronological_split(n_rows, lookback, horizon, validation_size=validation_size, test_size=test_size)
    except DataError as error:
        assert "fewer than lookback + horizon" in str(error)
        return
    length = lookback + horizon
    # Training windows, inputs and targets, stay in the training rows.
    assert len(split.train) >= 1
    assert split.train.min() == 0 and split.train.max() + length <= split.train_rows
    # Validation and test targets start at their boundary and never reach back into earlier targets.
    for starts, first_target in ((split.validation, split.train_rows), (split.test, None)):
        if len(starts):
            assert starts.min() + lookback >= (first_target if first_target is not None else split.train_rows)
            assert starts.max() + length <= n_rows
    if len(split.validation) and len(split.test):
        assert split.test.min() + lookback >= split.validation.max() + length
    # Every part is in time order and consecutive (stride 1).
    for starts in (split.train, split.validation, split.test):
        assert np.all(np.diff(starts) == 1)


def test_chronological_split_matches_the_etth1_protocol():
    split = chronological_split(8640 + 2880 + 2880, lookback=96, horizon=96, validation_size=2880, test_size=2880)
    assert split.train_rows == 8640
    assert split.validation[0] + 96 == 8640  # the first validation target is the boundary row
    assert split.test[0] + 96 == 8640 + 2880
    assert len(split.test) == 2880 - 96 + 1


def test_chronological_split_refuses_bad_sizes():
    with pytest.raises(DataError, match="test_size as a fraction must be below 1"):
        chronological_split(100, 5, 5, test_size=1.5)
    with pytest.raises(DataError, match="validation_size must be a row count"):
        chronological_split(100, 5, 5, validation_size=-1)
