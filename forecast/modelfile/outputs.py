"""Writing output files so that nothing is lost: not an input, not an old output, not half a file.

The rules every output of forecast follows:

- **Atomic replacement.** An output is written to a temporary file beside its target
  (``.NAME.XXXXXXXX.tmp``), flushed and ``fsync``-ed, then renamed over the target with
  `os.replace`, which is atomic on one file system: a reader sees the old file or the new one,
  never a mix. The folder is ``fsync``-ed after the rename where the system allows it.
- **All or nothing.** Outputs written inside `staged_outputs` (directly, or by `atomic_write`
  anywhere below it) stay temporary until the block ends without an error; then all of them are
  moved into place together. On any error, Ctrl-C included, every temporary file is removed and
  no existing output changes; the command line also calls `remove_temporary_files` when a signal
  stops it, for a signal that cuts a write short where the write cannot clean up after itself.
  Outside such a block, `atomic_write` is a block of one file. (Only a rename that fails after
  another succeeded, which takes a folder vanishing mid-way, breaks this.)
- **Symlinks are written through.** The temporary file is made beside the link's final target and
  renamed onto it, so the link stays a link and its target gets the new content.
- **Streams are written, never replaced.** Pipes, sockets and devices (``/dev/null``, a FIFO), and
  the descriptor links under ``/dev`` and ``/proc`` (``/dev/stdout``, ``/dev/fd/3``), which name a
  file some process already has open, are opened for appending and written. Their content waits in
  an anonymous temporary file until the commit, and streams are written before any rename, so that
  a closed pipe still leaves the files untouched.
- **Permissions.** A new file gets mode ``0o666`` less the umask, as any program's new file does;
  a replaced regular file keeps its mode.
- **Checked before any work.** `check_output_paths` refuses an output that is the same file as an
  input, or as another output: the same device and inode where both exist, the same resolved path
  otherwise (streams are exempt: reading a terminal and writing to it is fine).
  `check_output_folder` refuses a folder that is missing, not a folder, or not writable, and an
  existing file that is read-only: its owner protected it, and a rename would replace it regardless.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import secrets
import shutil
import stat
import tempfile

from ..errors import OutputPathError

# Descriptor links (/dev/stdout -> /proc/self/fd/1) live under these folders.
_DESCRIPTOR_FOLDERS = ("/dev/", "/proc/")

_current_outputs = contextvars.ContextVar("forecast_staged_outputs", default=None)
# The temporary files this process created and has not yet moved into place or removed. A name joins
# before its file exists, so that a signal at any point of a write leaves it to `remove_temporary_files`.
_temporaries = set()


def is_stream(path):
    """Whether ``path`` is written in place rather than replaced: a pipe, socket, device or descriptor link.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    bool
    """
    path = os.path.abspath(path)
    # /dev/stdout may lead to a regular file the shell opened with >>: replacing it would lose its content.
    if os.path.islink(path) and path.startswith(_DESCRIPTOR_FOLDERS):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode)


def check_output_paths(outputs, inputs=None):
    """Refuse an output that is the same file as an input, or two outputs that are one file.

    Parameters
    ----------
    outputs, inputs : dict of {str: str or path-like or None}
        Each path under the name the user knows it by (an option such as ``"--plot"``, or
        ``"DATA"``); None stands for a path not given.

    Raises
    ------
    OutputPathError
        Naming both paths and how to fix it.
    """
    outputs = _given(outputs)
    inputs = _given(inputs or {})
    for position, (label, path) in enumerate(outputs):
        for input_label, input_path in inputs:
            if _same_file(path, input_path):
                raise OutputPathError(
                    f"{label} {str(path)!r} is the same file as {input_label} {str(input_path)!r}; "
                    f"writing it would destroy that input: choose another path for {label}"
                )
        for other_label, other_path in outputs[position + 1 :]:
            if _same_file(path, other_path):
                raise OutputPathError(
                    f"{label} {str(path)!r} and {other_label} {str(other_path)!r} are the same file; "
                    "give each output a path of its own"
                )


def check_output_folder(path):
    """Refuse an output whose folder (after symlinks) is missing, not a folder, or not writable, or a read-only file.

    Parameters
    ----------
    path : str or path-like

    Raises
    ------
    OutputPathError
    """
    if is_stream(path):
        return
    folder = os.path.dirname(os.path.realpath(path))
    if not os.path.exists(folder):
        raise OutputPathError(f"the folder of {str(path)!r} does not exist; create it first")
    if not os.path.isdir(folder):
        raise OutputPathError(
            f"the folder of {str(path)!r}, {folder}, is a file, not a folder; choose a path in a folder"
        )
    if not os.access(folder, os.W_OK):
        raise OutputPathError(
            f"the folder of {str(path)!r}, {folder}, is not writable; choose another folder or change its permissions"
        )
    if os.path.isfile(path) and not os.access(path, os.W_OK):
        raise OutputPathError(f"{str(path)!r} is read-only; choose another path, or make it writable to replace it")


class StagedOutputs:
    """Output files kept as temporary files until `commit` moves all of them into place.

    Use it through `staged_outputs`, which commits when its block succeeds and discards otherwise.
    """

    def __init__(self):
        self._files = {}  # final target -> its temporary file beside it
        self._streams = {}  # stream path -> (anonymous temporary file holding the content, its mode)

    @contextlib.contextmanager
    def stage(self, path, mode="wb"):
        """Open a temporary file that takes the place of ``path`` at the commit.

        Parameters
        ----------
        path : str or path-like
        mode : {"wb", "w"}
            Binary, or text in UTF-8.

        Yields
        ------
        file object
            If the block raises, its temporary file is removed and the error propagates.
        """
        if is_stream(path):
            with self._stage_stream(os.fspath(path), mode) as handle:
                yield handle
        else:
            check_output_folder(path)
            with self._stage_file(os.path.realpath(path), mode) as handle:
                yield handle

    @contextlib.contextmanager
    def _stage_stream(self, path, mode):
        buffer = tempfile.TemporaryFile(mode.replace("w", "w+"), **_encoding(mode))  # noqa: SIM115 - open until commit
        try:
            yield buffer
        except BaseException:
            buffer.close()
            raise
        self._discard_stream(path)
        self._streams[path] = (buffer, mode)

    @contextlib.contextmanager
    def _stage_file(self, target, mode):
        handle = _create_beside(target, mode)
        temporary = handle.name
        try:
            with handle:
                _keep_mode(target, temporary)
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            _remove(temporary)
            raise
        self._discard_file(target)
        self._files[target] = temporary

    def commit(self):
        """Write the streams, then rename every temporary file over its target."""
        while self._streams:
            path, (buffer, mode) = self._streams.popitem()
            with buffer, open(path, mode.replace("w", "a"), **_encoding(mode)) as stream:
                buffer.seek(0)
                shutil.copyfileobj(buffer, stream)
        folders = set()
        while self._files:
            target, temporary = self._files.popitem()
            os.replace(temporary, target)
            _temporaries.discard(temporary)
            folders.add(os.path.dirname(target))
        for folder in folders:
            _fsync_folder(folder)

    def discard(self):
        """Remove every temporary file; no output changes."""
        for path in list(self._streams):
            self._discard_stream(path)
        for target in list(self._files):
            self._discard_file(target)

    def _discard_stream(self, path):
        if path in self._streams:
            self._streams.pop(path)[0].close()

    def _discard_file(self, target):
        if target in self._files:
            _remove(self._files.pop(target))


@contextlib.contextmanager
def staged_outputs():
    """Stage every output written in the block; move all into place only if the block succeeds.

    Files written by `atomic_write` inside the block (as ``save``, the plotting functions and the
    command line do) join it. A block inside another one joins the outer block.

    Yields
    ------
    StagedOutputs
        Its `StagedOutputs.stage` opens one more output.

    Examples
    --------
    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     with staged_outputs() as outputs:
    ...         with outputs.stage(os.path.join(folder, "table.csv"), "w") as handle:
    ...             _ = handle.write("a,b\\n")
    ...         print([name.endswith(".tmp") for name in os.listdir(folder)])  # not in place yet
    ...     print(os.listdir(folder))
    [True]
    ['table.csv']
    """
    outputs = _current_outputs.get()
    if outputs is not None:
        yield outputs
        return
    outputs = StagedOutputs()
    token = _current_outputs.set(outputs)
    try:
        yield outputs
        outputs.commit()
    finally:
        _current_outputs.reset(token)
        outputs.discard()


@contextlib.contextmanager
def atomic_write(path, mode="wb"):
    """Open ``path`` for writing by the rules of this module; it changes only when all succeeds.

    Inside `staged_outputs` the file joins that block's outputs; elsewhere it is moved into place
    as soon as this block ends without an error. ``path`` and ``mode`` are as in `StagedOutputs.stage`.
    """
    with staged_outputs() as outputs, outputs.stage(path, mode) as handle:
        yield handle


def remove_temporary_files():
    """Remove every temporary file of this process not yet moved into place: no ``.NAME.XXXXXXXX.tmp`` is left.

    A write removes its own temporary file when it fails; the command line calls this too when a
    signal stops it, since a signal may cut a write short where it cannot clean up: between creating
    the file and guarding it, between taking it from the staged outputs and renaming it, or during
    the cleanup itself (a second Ctrl-C).
    """
    for path in list(_temporaries):
        _remove(path)


def _given(paths):
    return [(label, path) for label, path in paths.items() if path is not None]


def _same_file(first, second):
    if is_stream(first) or is_stream(second):
        return False
    try:
        return os.path.samefile(first, second)  # device and inode: also hard links
    except OSError:  # one of them does not exist yet
        return os.path.normcase(os.path.realpath(first)) == os.path.normcase(os.path.realpath(second))


def _create_beside(target, mode):
    """Create and open a new file with a name of its own in ``target``'s folder.

    ``tempfile.mkstemp`` always creates mode 0o600; `open` creates 0o666 and lets the system take
    off the umask (and apply any default ACL) as for every new file.
    """
    folder, name = os.path.split(target)
    while True:
        temporary = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        _temporaries.add(temporary)
        try:
            return open(temporary, mode.replace("w", "x"), **_encoding(mode))
        except FileExistsError:  # another file took that name: draw again
            _temporaries.discard(temporary)
            continue


def _keep_mode(target, temporary):
    """Give ``temporary`` the mode of the regular file ``target`` it will replace, if there is one."""
    with contextlib.suppress(FileNotFoundError):
        existing = os.stat(target)
        if stat.S_ISREG(existing.st_mode):
            os.chmod(temporary, stat.S_IMODE(existing.st_mode))


def _encoding(mode):
    return {} if "b" in mode else {"encoding": "utf-8"}


def _remove(path):
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    _temporaries.discard(path)


def _fsync_folder(folder):
    """Make the renames in ``folder`` durable; some systems (Windows) cannot open a folder, so try only."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
