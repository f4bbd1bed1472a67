import math

import pytest

from forecast.cli.reports import _significant_decimals


@pytest.mark.parametrize(("value", "expected"), [(0.012345, 5), (123.4, 1), (98765.0, 0), (0.0, 3), (math.inf, 3)])
def test_scores_show_four_significant_digits_and_inf_or_nan_show_as_they_are(value, expected):
    assert _significant_decimals(value) == expected
    assert _significant_decimals(math.nan) == 3 and f"{math.inf:.{_significant_decimals(math.inf)}f}" == "inf"
