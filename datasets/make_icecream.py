"""Write the synthetic ice-cream sales of ``icecream.csv`` and the next week's drivers, ``icecream_future.csv``.

Daily units sold by one shop in Melbourne over 2023, with two drivers: the
planned price (known ahead: price rises and promotion weeks are decided in
advance) and the day's mean temperature (known ahead through the weather
forecast). Sales rise with temperature above 15 °C, fall with the price, and
are higher on weekends. The numbers are made up, seeded, and rewritten identically by

    python datasets/make_icecream.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

HISTORY_DAYS = 365
FUTURE_DAYS = 7  # one week: the default horizon of daily data
FOLDER = Path(__file__).resolve().parent


def temperatures(days, rng):
    """Daily mean temperature (°C): a southern yearly cycle peaking in late January, plus weather that persists."""
    season = 15 + 6 * np.cos(2 * np.pi * (days.day_of_year - 25) / 365.25)
    weather = np.zeros(len(days))
    for day in range(1, len(days)):
        weather[day] = 0.75 * weather[day - 1] + rng.normal(0, 1.8)
    return season + weather


def prices(days, rng):
    """The planned price: 3.20 from May (3.00 before), 20% off in promotion weeks (about one week in seven)."""
    price = np.where(days < pd.Timestamp("2023-05-01"), 3.00, 3.20)
    weeks = days.to_period("W").astype(str)
    promotion_weeks = {week for week in sorted(set(weeks)) if rng.random() < 1 / 7}
    return np.where(np.isin(weeks, sorted(promotion_weeks)), 0.8 * price, price)


def units_sold(days, price, temperature, rng):
    """Sales: a base level, warm-weather demand, a price response, busier weekends, and noise."""
    warmth = np.maximum(temperature - 15, 0)
    weekend = days.day_of_week >= 5
    expected = 60 + 9 * warmth + 40 * weekend - 45 * (price - 3.0)
    return np.maximum(np.round(expected + rng.normal(0, 8, len(days))), 0)


def main():
    rng = np.random.default_rng(2023)
    days = pd.date_range("2023-01-01", periods=HISTORY_DAYS + FUTURE_DAYS, freq="D", name="date")
    temperature = np.round(temperatures(days, rng), 1)
    price = np.round(prices(days, rng), 2)
    frame = pd.DataFrame(
        {
            "units_sold": units_sold(days, price, temperature, rng).astype(int),
            "price": price,
            "temperature": temperature,
        },
        index=days,
    )
    frame.iloc[:HISTORY_DAYS].to_csv(FOLDER / "icecream.csv")
    frame.iloc[HISTORY_DAYS:][["price", "temperature"]].to_csv(FOLDER / "icecream_future.csv")


if __name__ == "__main__":
    main()
