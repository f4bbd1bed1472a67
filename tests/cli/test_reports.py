import math

import pytest

from forecast.cli.reports import _number, _significant_decimals


@pytest.mark.parametrize(("value", "expected"), [(0.012345, 5), (123.4, 1), (98765.0, 0), (0.0, 3), (math.inf, 3)])
def test_scores_show_four_significant_digits_and_inf_or_nan_show_as_they_are(value, expected):
    assert _significant_decimals(value) == expected
    assert _significant_decimals(math.nan) == 3 and f"{math.inf:.{_significant_decimals(math.inf)}f}" == "inf"


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [(1234.5, 1, "1,234.5"), (2.3378e160, 0, "2.338e+160"), (-3e15, 2, "-3e+15"), (math.inf, 0, "inf")],
)
def test_huge_scores_are_shown_in_scientific_notation(value, decimals, shown):
    assert _number(value, decimals) == shown
