import numpy as np
import pytest

from forecast.reading.styles import value_decimals


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([12.5, 3.0], 1),
        ([0.0, 0.25], 2),
        ([1e-5, 0.3], 5),
        ([1.0025e-10, 2e-10], None),  # too small for six decimals: significant digits, never zeros
        ([100.5, 1e-300], None),
        (np.float32([0.1, 0.7]), None),  # float32 values are not the decimals they were read from
        ([1234567.1], 1),
    ],
)
def test_value_decimals_are_those_written_or_none_beyond_six(values, expected):
    assert value_decimals(values) == expected
