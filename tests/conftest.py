from pathlib import Path

import pytest

DATASETS = Path(__file__).resolve().parent.parent / "datasets"


@pytest.fixture
def datasets():
    """The folder of bundled CSVs."""
    return DATASETS


@pytest.fixture
def write_csv(tmp_path):
    """Write text to a CSV file in a fresh folder and return its path."""

    def write(text, name="data.csv"):
        path = tmp_path / name
        path.write_text(text)
        return path

    return write
