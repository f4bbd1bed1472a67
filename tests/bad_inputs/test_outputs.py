"""Output paths from the command line: nothing an input, an old output or a stream holds is ever lost."""

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATASETS

from forecast import NaiveForecaster, read_csv
from forecast.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A working folder holding data.csv (airline) and model.npz (a naive model with horizon 3)."""
    shutil.copy(DATASETS / "airline.csv", tmp_path / "data.csv")
    NaiveForecaster(horizon=3).fit(read_csv(tmp_path / "data.csv")).save(tmp_path / "model.npz")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def snapshot(folder):
    """Each entry's name with its kind, mode and content (a link's target), to show that nothing changed."""
    state = {}
    for entry in sorted(os.listdir(folder)):
        path = folder / entry
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            state[entry] = ("link", os.readlink(path))
        elif stat.S_ISREG(info.st_mode):
            state[entry] = ("file", stat.S_IMODE(info.st_mode), path.read_bytes())
        else:
            state[entry] = (stat.S_IFMT(info.st_mode), stat.S_IMODE(info.st_mode))
    return state


def assert_refused(result, exit_code, *fragments):
    assert result.exit_code == exit_code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output


def link(folder, name, target, hard=False):
    (folder / name).hardlink_to(folder / target) if hard else (folder / name).symlink_to(target)


SAME_FILE_CASES = {
    "fit over its data": ([], ["fit", "data.csv", "--model", "naive", "-o", "data.csv"], "is the same file as DATA"),
    "fit through a symlink": (
        [("alias.npz", "data.csv", False)],
        ["fit", "data.csv", "--model", "naive", "-o", "alias.npz"],
        "--output 'alias.npz' is the same file as DATA 'data.csv'",
    ),
    "fit through a hard link": (
        [("copy.npz", "data.csv", True)],
        ["fit", "data.csv", "--model", "linear", "-o", "copy.npz"],
        "--output 'copy.npz' is the same file as DATA 'data.csv'",
    ),
    "fit over its data spelled otherwise": (
        [],
        ["fit", "./data.csv", "--model", "naive", "-o", "../{folder}/data.csv"],
        "is the same file as DATA './data.csv'",
    ),
    "predict over its model": (
        [],
        ["predict", "--model", "model.npz", "-o", "model.npz"],
        "--output 'model.npz' is the same file as --model 'model.npz'",
    ),
    "predict over its data": (
        [],
        ["predict", "data.csv", "--model", "model.npz", "-o", "data.csv"],
        "--output 'data.csv' is the same file as DATA 'data.csv'",
    ),
    "a plot over the model": (
        [("model.png", "model.npz", False)],
        ["predict", "--model", "model.npz", "--plot", "model.png"],
        "--plot 'model.png' is the same file as --model 'model.npz'",
    ),
    "two outputs, one path": (
        [],
        ["predict", "--model", "model.npz", "-o", "out.png", "--plot", "out.png"],
        "--output 'out.png' and --plot 'out.png' are the same file; give each output a path of its own",
    ),
    "two outputs, one through a symlink": (
        [("shown.svg", "plot.svg", False)],
        ["predict", "--model", "model.npz", "-o", "shown.svg", "--plot", "plot.svg"],
        "--output 'shown.svg' and --plot 'plot.svg' are the same file",
    ),
    "a report over the data": (
        [("report.md", "data.csv", False)],
        ["compare", "data.csv", "--models", "naive,linear", "--report", "report.md"],
        "--report 'report.md' is the same file as DATA 'data.csv'",
    ),
    "the report's plot over the data": (
        [("report.png", "data.csv", True)],
        ["compare", "data.csv", "--models", "naive,linear", "--report", "report.md"],
        "--plot 'report.png' is the same file as DATA 'data.csv'",
    ),
}


@pytest.mark.parametrize("links, args, fragment", SAME_FILE_CASES.values(), ids=SAME_FILE_CASES)
def test_an_output_that_is_an_input_or_another_output_is_refused_before_any_work(folder, links, args, fragment):
    for name, target, hard in links:
        link(folder, name, target, hard)
    before = snapshot(folder)
    result = run(*(arg.format(folder=folder.name) for arg in args))
    assert_refused(result, 1, fragment)
    assert result.stdout == ""  # refused before the data was even read
    assert snapshot(folder) == before


OPTION_CASES = {
    "a plot in an unknown format": (
        ["predict", "--model", "model.npz", "--plot", "out.jpg"],
        "'--plot': 'out.jpg' does not end in .png, .svg, .pdf",
    ),
    "a plot without an extension": (
        ["compare", "data.csv", "--models", "naive", "--plot", "figure"],
        "'figure' does not end in .png, .svg, .pdf",
    ),
    "a report that is not Markdown": (
        ["compare", "data.csv", "--models", "naive", "--report", "report.txt"],
        "'--report': 'report.txt' does not end in .md",
    ),
    "a folder that is a file": (
        ["fit", "data.csv", "--model", "naive", "-o", "data.csv/model.npz"],
        "is a file, not a folder",
    ),
    "a missing folder": (
        ["predict", "--model", "model.npz", "-o", "missing/out.csv"],
        "'--output' / '-o': the folder of 'missing/out.csv' does not exist; create it first",
    ),
    "a plot under a file": (
        ["predict", "--model", "model.npz", "--plot", "model.npz/plot.png"],
        "'--plot': the folder of 'model.npz/plot.png'",
    ),
}


@pytest.mark.parametrize("args, fragment", OPTION_CASES.values(), ids=OPTION_CASES)
def test_output_options_are_checked_when_parsed(folder, args, fragment):
    before = snapshot(folder)
    assert_refused(run(*args), 2, fragment)
    assert snapshot(folder) == before


def test_a_failing_plot_leaves_the_old_csv_alone(folder, monkeypatch):
    def fail(*args, **kwargs):
        raise ValueError("the figure could not be drawn")

    (folder / "out.csv").write_text("old forecast\n")
    before = snapshot(folder)
    monkeypatch.setattr("forecast.cli.plots.plot_forecast", fail)
    result = run("predict", "--model", "model.npz", "-o", "out.csv", "--plot", "out.png")
    assert_refused(result, 1, "the figure could not be drawn")
    assert snapshot(folder) == before


def test_a_failing_report_leaves_the_old_plot_alone(folder, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device", "report.md")

    (folder / "report.png").write_bytes(b"old figure")
    before = snapshot(folder)
    monkeypatch.setattr("forecast.cli.reports.markdown_report", full_disk)
    result = run("compare", "data.csv", "--models", "naive,linear", "--report", "report.md", "--quiet")
    assert_refused(result, 1, "report.md: No space left on device")
    assert snapshot(folder) == before


def test_an_interrupted_save_leaves_the_old_model_alone(folder, monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    before = snapshot(folder)
    monkeypatch.setattr("numpy.savez", interrupt)
    result = run("fit", "data.csv", "--model", "naive", "-o", "model.npz")
    assert_refused(result, 130, "interrupted; no file was written")
    assert snapshot(folder) == before


def test_a_signal_just_before_the_rename_leaves_no_temporary_file(folder, monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt  # as the SIGTERM, SIGHUP or Ctrl-C handler raises it

    before = snapshot(folder)
    monkeypatch.setattr("forecast.modelfile.outputs.os.replace", interrupt)
    result = run("fit", "data.csv", "--model", "naive", "-o", "model.npz")
    assert_refused(result, 130, "interrupted; no file was written")
    assert snapshot(folder) == before


def test_an_interrupt_a_library_turns_into_its_own_error_is_still_an_interrupt(folder, monkeypatch):
    def interrupt_inside_a_library(*args, **kwargs):
        try:
            raise KeyboardInterrupt  # as the SIGTERM, SIGHUP or Ctrl-C handler raises it
        except BaseException as error:
            raise RuntimeError("drawing failed") from error

    before = snapshot(folder)
    monkeypatch.setattr("matplotlib.figure.Figure.savefig", interrupt_inside_a_library)
    result = run("predict", "--model", "model.npz", "-o", "forecast.csv", "--plot", "plot.png")
    assert_refused(result, 130, "interrupted; no file was written")
    assert snapshot(folder) == before


def test_a_second_signal_during_the_cleanup_leaves_no_temporary_file(folder, monkeypatch):
    from forecast.modelfile import outputs

    remove, signals = outputs._remove, []

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    def interrupted_once(path):
        if not signals:
            signals.append(path)
            raise KeyboardInterrupt
        remove(path)

    before, handlers = snapshot(folder), [signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)]
    monkeypatch.setattr("numpy.savez", interrupt)  # the first signal, while the model is written
    monkeypatch.setattr(outputs, "_remove", interrupted_once)  # the second, while its temporary file is removed
    result = run("fit", "data.csv", "--model", "naive", "-o", "model.npz")
    assert_refused(result, 130, "interrupted; no file was written")
    assert signals and snapshot(folder) == before
    assert [signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)] == handlers  # back as they were


def test_a_failing_command_sends_nothing_down_a_pipe(folder, monkeypatch):
    def fail(*args, **kwargs):
        raise ValueError("the figure could not be drawn")

    os.mkfifo(folder / "pipe")
    reader = os.open(folder / "pipe", os.O_RDONLY | os.O_NONBLOCK)
    try:
        monkeypatch.setattr("forecast.cli.plots.plot_forecast", fail)
        result = run("predict", "--model", "model.npz", "-o", "pipe", "--plot", "out.png")
        assert_refused(result, 1, "the figure could not be drawn")
        assert os.read(reader, 1000) == b""
    finally:
        os.close(reader)
    assert sorted(os.listdir(folder)) == ["data.csv", "model.npz", "pipe"]


def test_a_symlinked_output_is_written_through(folder):
    (folder / "runs").mkdir()
    (folder / "runs" / "today.csv").write_text("old\n")
    link(folder, "latest.csv", "runs/today.csv")
    assert run("predict", "--model", "model.npz", "-o", "latest.csv").exit_code == 0
    assert os.readlink(folder / "latest.csv") == "runs/today.csv"
    assert (folder / "runs" / "today.csv").read_text() == run("predict", "--model", "model.npz").stdout
    assert os.listdir(folder / "runs") == ["today.csv"]


def test_pipes_and_devices_are_written_into(folder):
    os.mkfifo(folder / "pipe")
    reader = os.open(folder / "pipe", os.O_RDONLY | os.O_NONBLOCK)
    try:
        result = run("predict", "--model", "model.npz", "-o", "pipe", "--plot", "plot.png")
        assert result.exit_code == 0, result.output
        assert os.read(reader, 10_000).decode().splitlines()[0] == "date,passengers"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(folder / "pipe").st_mode)
    assert run("predict", "--model", "model.npz", "-o", os.devnull).exit_code == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert sorted(os.listdir(folder)) == ["data.csv", "model.npz", "pipe", "plot.png"]


def test_new_outputs_honour_the_umask_and_replaced_ones_keep_their_mode(folder):
    (folder / "kept.csv").write_text("old\n")
    (folder / "kept.csv").chmod(0o600)
    previous = os.umask(0o027)
    try:
        assert run("predict", "--model", "model.npz", "-o", "new.csv", "--plot", "new.png").exit_code == 0
        assert run("predict", "--model", "model.npz", "-o", "kept.csv").exit_code == 0
    finally:
        os.umask(previous)
    modes = {name: stat.S_IMODE(os.stat(folder / name).st_mode) for name in ("new.csv", "new.png", "kept.csv")}
    assert modes == {"new.csv": 0o640, "new.png": 0o640, "kept.csv": 0o600}
    assert (folder / "kept.csv").read_text().startswith("date,passengers\n")


@pytest.mark.parametrize("name, magic", [("plot.svg", b"<?xml"), ("plot.pdf", b"%PDF"), ("plot.PNG", b"\x89PNG")])
def test_the_plot_takes_the_format_its_extension_names(folder, name, magic):
    assert run("predict", "--model", "model.npz", "--plot", name).exit_code == 0
    assert (folder / name).read_bytes().startswith(magic)


def forecast_process(*args, cwd):
    return subprocess.Popen(
        [sys.executable, "-m", "forecast", *map(str, args)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.long
def test_sigterm_while_writing_removes_every_temporary_file(folder):
    os.mkfifo(folder / "pipe")  # nobody reads it: the command waits there, its plot staged beside plot.png
    process = forecast_process(
        "predict", "--model", folder / "model.npz", "-o", folder / "pipe", "--plot", folder / "plot.png", cwd=ROOT
    )
    deadline = time.monotonic() + 60  # generous: a loaded machine imports torch slowly
    while not any(name.startswith(".plot.png.") for name in os.listdir(folder)) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert any(name.startswith(".plot.png.") for name in os.listdir(folder)), "the plot was never staged"
    time.sleep(0.2)  # let it reach the pipe
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=5)
    assert process.returncode == 130, stderr
    assert stderr.strip() == "Error: interrupted; no file was written"  # after the newline click ends ^C with
    assert sorted(os.listdir(folder)) == ["data.csv", "model.npz", "pipe"]
