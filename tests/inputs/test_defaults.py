from forecast.inputs.defaults import default_window, lookback_choices, window_of


def test_default_window_is_one_season_ahead_from_two():
    assert default_window("MS") == (24, 12)
    assert default_window("h") == (48, 24)
    assert default_window("30min") == (96, 48)
    assert default_window("YS-JAN") == (10, 5)
    assert default_window("D", lookback=30) == (30, 7)


def test_default_lookback_covers_a_season_longer_than_two_horizons_where_the_series_allow():
    assert default_window("W-SUN") == (52, 5)
    assert default_window("W-SUN", horizon=13) == (52, 13)
    assert default_window("W-SUN", horizon=13, rows=130) == (52, 13)
    assert default_window("W-SUN", horizon=13, rows=129) == (26, 13)  # under two seasons and horizons
    assert default_window("15min") == (96, 5)  # a day of quarter-hours
    assert default_window("min") == (10, 5)  # a day of minutes is longer than MAX_SEASON_LOOKBACK
    assert default_window("W-SUN", lookback=20, horizon=13) == (20, 13)


def test_networks_choose_among_the_default_window_half_of_it_and_half_again():
    assert lookback_choices(24) == (24, 12, 36)
    assert lookback_choices(3) == (3, 1, 4)
    assert lookback_choices(1) == (1,)  # half is at least one row, and no choice is repeated


def test_lookback_choices_leave_out_those_a_typical_series_is_too_short_to_try():
    assert lookback_choices(24, horizon=12, rows=96) == (24, 12, 36)  # 2 * (36 + 12) rows
    assert lookback_choices(24, horizon=12, rows=95) == (24, 12)
    assert lookback_choices(24, horizon=12, rows=10) == (24,)  # the first is always kept
    assert window_of((24, 12, 36)) == 24 and window_of(24) == 24
