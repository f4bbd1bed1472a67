"""Open a CSV file as text, whatever its compression and encoding, without its comment lines.

Compression is recognised by the file's first bytes (gzip, bz2, xz, zip), so a
compressed file reads whatever its name. Text is decoded by its byte-order
mark (UTF-8, UTF-16 LE or BE), else as UTF-8, else as cp1252 (Windows'
Western European code page, a superset of Latin-1's printable characters);
``encoding=`` overrides all of this. Lines whose first non-blank character is
``#`` are comments and are removed; a ``#`` inside a value is data. Excel
workbooks, OpenDocument spreadsheets, Parquet files and model files of `forecast fit` are
named as such.
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import gzip
import io
import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass

from ..errors import DataError

_MAGIC_BYTES = ((b"\x1f\x8b", "gzip"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "xz"), (b"PK\x03\x04", "zip"))
# Files often passed for a CSV, by their first bytes, or (zip archives) by a member they always hold.
_OTHER_FORMATS = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls)"),
    (b"PAR1", "a Parquet file"),
)
_OTHER_FORMAT_MEMBERS = (
    ("xl/workbook.xml", "an Excel workbook (.xlsx)"),
    ("content.xml", "an OpenDocument spreadsheet"),
)
# The member every model file of `forecast fit` holds (see forecast.modelfile.fileformat): a common mistake for DATA.
_MODEL_FILE_MEMBER = "__header__.npy"
_OPENERS = {"gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}
_BYTE_ORDER_MARKS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
FALLBACK_ENCODING = "cp1252"
_DECOMPRESSION_ERRORS = (OSError, EOFError, lzma.LZMAError, zipfile.BadZipFile, zlib.error)
_COMMENT_START = re.compile(r"^[ \t]*#", re.MULTILINE)
_COMMENT_LINE = re.compile(r"^[ \t]*#[^\r\n]*(?:\r\n|\r|\n)?", re.MULTILINE)
_SNIFF_BYTES = 64 * 1024
_CHUNK_CHARACTERS = 1024 * 1024


@dataclass(frozen=True)
class CsvText:
    """What `pandas.read_csv` needs to read a file as the text it holds."""

    source: object  # the path, or the text in a StringIO once comment lines are removed
    encoding: str | None  # None for text already decoded
    compression: str | None  # a pandas compression name, None for none or text already decoded
    first_line: str  # the header line, to tell the field separator


def open_csv_text(path, encoding=None):
    """Find how to read ``path`` as text: its compression, its encoding, and whether it has comment lines.

    Parameters
    ----------
    path : pathlib.Path
        An existing file.
    encoding : str, optional
        The text encoding; by default told from a byte-order mark, else UTF-8,
        else cp1252.

    Returns
    -------
    CsvText
    """
    compression = _compression(path)
    with _decompressed(path, compression) as stream:
        head = stream.read(_SNIFF_BYTES)
    if encoding is not None:
        encoding = _known_encoding(encoding)
    encoding = encoding or _byte_order_mark_encoding(head)
    if b"\x00" in head and not (encoding or "").startswith(("utf-16", "utf_16", "utf-32", "utf_32")):
        raise DataError(f"{path}: not a text CSV file (it holds binary data){_utf16_hint(head)}")
    candidates = [encoding] if encoding else ["utf-8", FALLBACK_ENCODING]
    for candidate in candidates:
        with contextlib.suppress(UnicodeDecodeError):
            return _scan(path, compression, candidate)
    raise DataError(
        f"{path}: not a text CSV file (cannot decode it as {' or as '.join(candidates)}); "
        "pass its encoding with encoding= (--encoding), for example 'latin-1' or 'utf-16'"
    )


def _compression(path):
    try:
        with open(path, "rb") as handle:
            start = handle.read(8)
    except OSError as error:  # no read permission, say: the first read of the file tells
        raise DataError(f"{path}: cannot read the file ({error.strerror}); check its permissions") from None
    for magic, kind in _OTHER_FORMATS:
        if start.startswith(magic):
            _refuse_another_format(path, kind)
    return next((name for magic, name in _MAGIC_BYTES if start.startswith(magic)), None)


def _refuse_another_format(path, kind):
    raise DataError(f"{path}: {kind}, not a CSV file; save or export it as CSV and pass that file")


@contextlib.contextmanager
def _decompressed(path, compression):
    """The file's bytes, decompressed; a corrupt archive becomes a `DataError`."""
    if compression is None:
        with open(path, "rb") as stream:
            yield stream
        return
    try:
        with _open_binary(path, compression) as stream:
            yield stream
    except _DECOMPRESSION_ERRORS as error:
        raise DataError(
            f"{path}: cannot decompress this {compression} file ({error}); check that it is complete"
        ) from None


def _open_binary(path, compression):
    if compression != "zip":
        return _OPENERS[compression](path, "rb")
    archive = zipfile.ZipFile(path)
    names = [name for name in archive.namelist() if not name.endswith("/")]
    for member, kind in _OTHER_FORMAT_MEMBERS:
        if member in names:
            archive.close()
            _refuse_another_format(path, kind)
    if _MODEL_FILE_MEMBER in names:
        archive.close()
        raise DataError(
            f"{path}: a forecast model file, not a CSV file; pass it with --model, and the data as a CSV file"
        )
    if len(names) != 1:
        archive.close()
        raise DataError(
            f"{path}: a zip archive of {len(names)} files ({', '.join(names) or 'none'}); "
            "it must hold exactly one CSV file"
        )
    return archive.open(names[0])


def _known_encoding(encoding):
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise DataError(
            f"encoding={encoding!r} is not a known text encoding; use one such as 'utf-8', 'utf-16' or 'latin-1'"
        ) from None


def _byte_order_mark_encoding(head):
    return next((name for mark, name in _BYTE_ORDER_MARKS if head.startswith(mark)), None)


def _utf16_hint(head):
    """A hint when the NUL bytes look like UTF-16 text written without a byte-order mark."""
    for zeros, name in ((head[1::2], "utf-16-le"), (head[0::2], "utf-16-be")):
        if zeros and zeros.count(0) >= 0.9 * len(zeros):
            return f"; if it is {name.upper()} text without a byte-order mark, pass encoding={name!r} (--encoding)"
    return "; pass a CSV file"


def _scan(path, compression, encoding):
    """Decode the whole file once: a decoding error surfaces here, and comment lines are found."""
    with _decompressed(path, compression) as stream:
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        first_chunk = text.read(_CHUNK_CHARACTERS)
        commented = _has_comment_lines(first_chunk, text)
    if not commented:
        return CsvText(path, encoding, compression, _first_line(first_chunk))
    with _decompressed(path, compression) as stream:
        kept = _COMMENT_LINE.sub("", io.TextIOWrapper(stream, encoding=encoding, newline="").read())
    return CsvText(io.StringIO(kept), None, None, _first_line(kept))


def _has_comment_lines(first_chunk, text):
    """Whether a line of the text starts with ``#``, reading ``text`` on after ``first_chunk`` until one does."""
    carry = ""
    for chunk in _chunks(first_chunk, text):
        block = carry + chunk
        complete = block.rfind("\n") + 1
        if "#" in block and _COMMENT_START.search(block, 0, complete):  # "in" is far faster than the pattern
            return True
        carry = block[complete:]
    return bool(_COMMENT_START.search(carry))


def _chunks(first_chunk, text):
    yield first_chunk
    yield from iter(lambda: text.read(_CHUNK_CHARACTERS), "")


def _first_line(text):
    return next((line for line in text.splitlines() if line.strip()), "")
