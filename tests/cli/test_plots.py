import struct

import numpy as np
import pandas as pd
from conftest import DATASETS

from forecast import LinearForecaster, NaiveForecaster, backtest, read_csv
from forecast.cli import plots
from forecast.cli.plots import plot_backtest


def png_size(path):
    """(width, height) in pixels, from the PNG header."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def long_frame(n_series):
    index = pd.MultiIndex.from_product(
        [[f"s{number}" for number in range(n_series)], pd.date_range("2024-01-01", periods=30)], names=["id", "day"]
    )
    values = np.sin(np.arange(len(index)) / 2) + np.repeat(np.arange(n_series), 30)
    return pd.DataFrame({"sales": values}, index=index)


def test_a_backtest_figure_of_one_series_is_a_png(tmp_path):
    series = read_csv(DATASETS / "airline.csv")
    models = {"linear": LinearForecaster(24, 12), "naive": NaiveForecaster(horizon=12)}
    plot_backtest(backtest(models, series, n_windows=2), series, tmp_path / "airline.png")
    width, height = png_size(tmp_path / "airline.png")
    assert width > 800 and height > 400


def test_the_backtest_figure_draws_at_most_three_series(tmp_path, monkeypatch):
    figures, save = [], plots._save  # drawn; the last one rendered below
    monkeypatch.setattr(plots, "_save", lambda figure, path: figures.append(figure))
    for n_series in (1, 2, 3, 5):
        frame = long_frame(n_series)
        results = backtest(NaiveForecaster(horizon=3), frame, n_windows=2)
        plot_backtest(results, frame, tmp_path / f"{n_series}.png", models={"last value": "NaiveForecaster"})
    heights = [figure.get_size_inches()[1] for figure in figures]
    assert heights[0] < heights[1] < heights[2] == heights[3]
    assert [len(figure.axes) for figure in figures] == [2, 3, 4, 4]  # the scores' panel and one a series drawn
    save(figures[-1], tmp_path / "five.png")
    width, height = figures[-1].get_size_inches() * 110  # the dots per inch of every saved figure
    assert png_size(tmp_path / "five.png") == (round(width), round(height))
