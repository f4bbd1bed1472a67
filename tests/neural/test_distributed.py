import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from forecast.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fit_arguments(output):
    return [
        "fit",
        "data.csv",
        "--model",
        "gru",
        "--lookback",
        "24",
        "--horizon",
        "6",
        "--epochs",
        "3",
        "--seed",
        "0",
        "-o",
        output,
        "--quiet",
    ]


def _fit_under_torchrun(tmp_path, output, processes):
    command = [
        "-m",
        "torch.distributed.run",
        f"--nproc-per-node={processes}",
        "--master-addr=127.0.0.1",
        f"--master-port={_free_port()}",
        str(ROOT / "cli.py"),
        *_fit_arguments(output),
    ]
    environment = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, *command], cwd=tmp_path, capture_output=True, text=True, env=environment, timeout=240
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.long
def test_two_processes_under_torchrun_match_one_and_only_rank_0_writes(tmp_path, monkeypatch):
    steps = np.arange(480)
    values = np.sin(steps / 6) + 0.5 * np.sin(steps / 20) + 0.1 * np.random.default_rng(0).normal(size=480)
    frame = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=480, freq="h"), "load": values})
    frame.to_csv(tmp_path / "data.csv", index=False)

    monkeypatch.chdir(tmp_path)
    single = CliRunner().invoke(cli, _fit_arguments("single.npz"))  # one process: this one
    assert single.exit_code == 0, single.output
    double = _fit_under_torchrun(tmp_path, "double.npz", processes=2)

    assert double.count("model saved to double.npz") == 1  # one process prints and writes
    assert sorted(os.listdir(tmp_path)) == ["data.csv", "double.npz", "single.npz"]
    mse = [float(re.search(r"validation .*: MSE ([0-9.]+)", output).group(1)) for output in (single.stdout, double)]
    # Same effective batch and gradients averaged over processes: only the shuffle differs.
    assert abs(mse[1] - mse[0]) <= 0.05 * mse[0], mse
