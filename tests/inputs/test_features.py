import numpy as np
import pandas as pd
import pytest

from forecast.inputs.features import calendar_features, calendar_periods
from forecast.reading.calendar import ObservedCalendar


@pytest.mark.parametrize(
    ("freq", "periods"),
    [
        ("h", ["hour_of_day", "day_of_week", "day_of_year"]),
        ("15min", ["hour_of_day", "day_of_week", "day_of_year"]),
        ("D", ["day_of_week", "day_of_year"]),
        ("B", ["day_of_week", "day_of_year"]),
        ("W", ["day_of_year"]),
        ("MS", ["month_of_year"]),
        ("QS", ["month_of_year"]),
        ("YS", []),
        (None, []),
    ],
)
def test_periods_follow_the_step_of_the_data(freq, periods):
    assert calendar_periods(freq) == periods


def test_an_observed_calendar_has_the_periods_of_its_step():
    calendar = ObservedCalendar("1h", [pd.Timedelta(hours=9 + k) for k in range(8)])
    assert calendar_periods(calendar) == ["hour_of_day", "day_of_week", "day_of_year"]


def test_encodings_are_periodic_and_on_the_unit_circle():
    index = pd.date_range("2023-12-31 23:00", periods=50, freq="h")
    features = calendar_features(index, ["hour_of_day", "day_of_week", "month_of_year"])
    assert list(features.columns) == [
        "hour_of_day_sin",
        "hour_of_day_cos",
        "day_of_week_sin",
        "day_of_week_cos",
        "month_of_year_sin",
        "month_of_year_cos",
    ]
    for name in ("hour_of_day", "day_of_week", "month_of_year"):
        np.testing.assert_allclose(features[f"{name}_sin"] ** 2 + features[f"{name}_cos"] ** 2, 1.0)
    same_hour = features["hour_of_day_sin"].to_numpy()
    np.testing.assert_allclose(same_hour[1], same_hour[25], atol=1e-12)  # midnight, a day apart
    assert features.loc["2024-01-01 00:00", "day_of_week_cos"] == pytest.approx(1.0)  # Monday 00:00
    assert features.loc["2024-01-01 00:00", "month_of_year_cos"] == pytest.approx(1.0)  # January


def test_a_period_the_data_does_not_hold_twice_is_left_out():
    assert calendar_periods("h", pd.Timedelta(days=300)) == ["hour_of_day", "day_of_week"]
    assert calendar_periods("h", pd.Timedelta(days=800)) == ["hour_of_day", "day_of_week", "day_of_year"]
    assert calendar_periods("h", pd.Timedelta(days=10)) == ["hour_of_day"]
    assert calendar_periods("MS", pd.Timedelta(days=600)) == []
