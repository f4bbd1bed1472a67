import os
import stat

import pytest

from forecast.errors import OutputPathError
from forecast.modelfile import outputs
from forecast.modelfile.outputs import atomic_write, check_output_folder, check_output_paths, is_stream, staged_outputs


@pytest.fixture
def umask_027():
    """Run with umask 027, then restore the process's umask."""
    previous = os.umask(0o027)
    yield 0o027
    os.umask(previous)


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_file_gets_0o666_less_the_umask(tmp_path, umask_027):
    with atomic_write(tmp_path / "out.csv", "w") as handle:
        handle.write("a,b\n")
    assert (tmp_path / "out.csv").read_text() == "a,b\n"
    assert mode_of(tmp_path / "out.csv") == 0o666 & ~umask_027


@pytest.mark.parametrize("mode", [0o600, 0o644, 0o664])
def test_a_replaced_file_keeps_its_mode(tmp_path, mode):
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")
    path.chmod(mode)
    with atomic_write(path) as handle:
        handle.write(b"new")
    assert path.read_bytes() == b"new"
    assert mode_of(path) == mode


def test_text_is_written_as_utf8(tmp_path):
    with atomic_write(tmp_path / "report.md", "w") as handle:
        handle.write("0.51 ± 0.02\n")
    assert (tmp_path / "report.md").read_bytes() == "0.51 ± 0.02\n".encode()


def test_a_failing_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old")
    with pytest.raises(RuntimeError, match="disk full"), atomic_write(path, "w") as handle:
        handle.write("half")
        raise RuntimeError("disk full")
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_the_file_is_fsynced_before_it_is_renamed(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: events.append("fsync") or real_fsync(fd))
    monkeypatch.setattr(os, "replace", lambda *paths: events.append("replace") or real_replace(*paths))
    with atomic_write(tmp_path / "out.bin") as handle:
        handle.write(b"data")
    # the file before the rename; then its folder, so that the rename itself survives a crash
    assert events == ["fsync", "replace", "fsync"]


def test_a_symlink_is_written_through_beside_its_target(tmp_path):
    (tmp_path / "store").mkdir()
    (tmp_path / "links").mkdir()
    target = tmp_path / "store" / "model.npz"
    target.write_bytes(b"old")
    link = tmp_path / "links" / "model.npz"
    link.symlink_to(target)
    with atomic_write(link) as handle:
        handle.write(b"new")
        assert os.path.dirname(handle.name) == str(tmp_path / "store")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path / "store") == ["model.npz"]
    assert os.listdir(tmp_path / "links") == ["model.npz"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "latest.csv"
    link.symlink_to("run-1.csv")
    with atomic_write(link, "w") as handle:
        handle.write("x\n")
    assert link.is_symlink()
    assert (tmp_path / "run-1.csv").read_text() == "x\n"


def test_a_fifo_is_written_into_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, so that opening to write does not wait
    try:
        with atomic_write(fifo, "w") as handle:
            handle.write("a,b\n1,2\n")
        assert os.read(reader, 1000) == b"a,b\n1,2\n"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["pipe"]


def test_a_descriptor_link_appends_to_the_open_file(tmp_path):
    # `forecast predict -o /dev/stdout >> all.csv`: the shell's file must keep what it held.
    log = tmp_path / "all.csv"
    log.write_text("earlier\n")
    descriptor = os.open(log, os.O_WRONLY | os.O_APPEND)
    inode = os.stat(log).st_ino
    try:
        with atomic_write(f"/dev/fd/{descriptor}", "w") as handle:
            handle.write("later\n")
    finally:
        os.close(descriptor)
    assert log.read_text() == "earlier\nlater\n"
    assert os.stat(log).st_ino == inode


def test_the_null_device_stays_a_device():
    with atomic_write(os.devnull) as handle:
        handle.write(b"discarded")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_streams_and_files_are_told_apart(tmp_path):
    (tmp_path / "file.csv").write_text("x")
    (tmp_path / "to-null").symlink_to(os.devnull)
    (tmp_path / "to-file").symlink_to(tmp_path / "file.csv")
    os.mkfifo(tmp_path / "pipe")
    assert is_stream("/dev/stdout") and is_stream(os.devnull) and is_stream(tmp_path / "pipe")
    assert is_stream(tmp_path / "to-null")
    assert not is_stream(tmp_path / "file.csv") and not is_stream(tmp_path / "to-file")
    assert not is_stream(tmp_path / "absent.csv")


def test_staged_outputs_move_into_place_together_at_the_end(tmp_path):
    with staged_outputs() as outputs:
        with outputs.stage(tmp_path / "a.csv", "w") as handle:
            handle.write("a")
        with atomic_write(tmp_path / "b.png") as handle:  # joins the block
            handle.write(b"b")
        assert not (tmp_path / "a.csv").exists() and not (tmp_path / "b.png").exists()
    assert (tmp_path / "a.csv").read_text() == "a" and (tmp_path / "b.png").read_bytes() == b"b"
    assert sorted(os.listdir(tmp_path)) == ["a.csv", "b.png"]


@pytest.mark.parametrize("failure", [RuntimeError("plot failed"), KeyboardInterrupt()])
def test_a_failure_after_one_output_changes_none_of_them(tmp_path, failure):
    (tmp_path / "a.csv").write_text("old a")
    (tmp_path / "b.png").write_bytes(b"old b")
    with pytest.raises(type(failure)), staged_outputs():
        with atomic_write(tmp_path / "a.csv", "w") as handle:
            handle.write("new a")
        with atomic_write(tmp_path / "b.png") as handle:
            handle.write(b"half")
            raise failure
    assert (tmp_path / "a.csv").read_text() == "old a"
    assert (tmp_path / "b.png").read_bytes() == b"old b"
    assert sorted(os.listdir(tmp_path)) == ["a.csv", "b.png"]


def test_a_failed_stream_write_leaves_the_files_untouched(tmp_path):
    (tmp_path / "a.csv").write_text("old a")
    # /dev/full: every write fails, as on a full disk
    with pytest.raises(OSError, match="No space left"), staged_outputs():
        with atomic_write(tmp_path / "a.csv", "w") as handle:
            handle.write("new a")
        with atomic_write("/dev/full", "w") as handle:
            handle.write("rows")
    assert (tmp_path / "a.csv").read_text() == "old a"
    assert os.listdir(tmp_path) == ["a.csv"]


def test_a_write_that_failed_and_was_handled_drops_only_its_own_output(tmp_path):
    with staged_outputs():
        with atomic_write(tmp_path / "kept.csv", "w") as handle:
            handle.write("kept")
        with pytest.raises(ValueError), atomic_write(tmp_path / "dropped.csv", "w") as handle:
            handle.write("half")
            raise ValueError("bad value")
    assert os.listdir(tmp_path) == ["kept.csv"]


def test_writing_one_path_twice_keeps_the_last(tmp_path):
    with staged_outputs():
        for text in ("first", "second"):
            with atomic_write(tmp_path / "out.csv", "w") as handle:
                handle.write(text)
    assert os.listdir(tmp_path) == ["out.csv"]
    assert (tmp_path / "out.csv").read_text() == "second"


def test_a_block_inside_another_commits_with_the_outer_one(tmp_path):
    with pytest.raises(RuntimeError), staged_outputs():
        with staged_outputs(), atomic_write(tmp_path / "inner.csv", "w") as handle:
            handle.write("inner")
        assert not (tmp_path / "inner.csv").exists()
        raise RuntimeError("later failure")
    assert os.listdir(tmp_path) == []


def test_staging_into_a_missing_folder_is_refused(tmp_path):
    staging = atomic_write(tmp_path / "missing" / "out.csv", "w")
    with pytest.raises(OutputPathError, match="does not exist; create it first"), staging:
        pass


def test_an_output_that_is_an_input_is_refused(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("date,v\n")
    (tmp_path / "hard.csv").hardlink_to(data)
    (tmp_path / "soft.csv").symlink_to(data)
    for alias in (data, tmp_path / "hard.csv", tmp_path / "soft.csv", tmp_path / "sub" / ".." / "data.csv"):
        with pytest.raises(OutputPathError) as caught:
            check_output_paths({"--output": alias}, {"DATA": data})
        message = str(caught.value)
        assert f"--output '{alias}' is the same file as DATA '{data}'" in message
        assert "choose another path for --output" in message


def test_two_outputs_that_are_one_file_are_refused(tmp_path):
    (tmp_path / "link.svg").symlink_to("plot.svg")  # neither exists yet: compared by resolved path
    with pytest.raises(OutputPathError, match="--output '.*link.svg' and --plot '.*plot.svg' are the same file"):
        check_output_paths({"--output": tmp_path / "link.svg", "--plot": tmp_path / "plot.svg"})


def test_distinct_paths_absent_ones_and_streams_pass(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("date,v\n")
    check_output_paths({"--output": tmp_path / "out.csv", "--plot": None}, {"DATA": data, "--model": None})
    check_output_paths({"--output": os.devnull, "--plot": os.devnull}, {"DATA": os.devnull})


def test_output_folders_are_checked(tmp_path, monkeypatch):
    (tmp_path / "data.csv").write_text("x")
    check_output_folder(tmp_path / "out.csv")
    check_output_folder(os.devnull)
    with pytest.raises(OutputPathError, match="does not exist; create it first"):
        check_output_folder(tmp_path / "missing" / "out.csv")
    with pytest.raises(OutputPathError, match="is a file, not a folder"):
        check_output_folder(tmp_path / "data.csv" / "out.csv")
    monkeypatch.setattr(outputs.os, "access", lambda path, mode: False)  # root may write anywhere
    with pytest.raises(OutputPathError, match="is not writable; choose another folder or change its permissions"):
        check_output_folder(tmp_path / "out.csv")
