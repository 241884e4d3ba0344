"""Reading a log file's lines in pieces (a file longer than the line limit) gives exactly what
splitting the whole file gives, and refuses a line over the limit at the line's number.
Oracle: ``bytes.split`` of the whole file. The limits are lowered so that small files take the
piecewise path."""

from __future__ import annotations

import os
import tempfile
from typing import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elmreplay.store import linescan
from elmreplay.store.files import DirectoryFiles

LINE_LIMIT = 8


@pytest.fixture(autouse=True)
def small_limits() -> Iterator[None]:
    saved = linescan.MAX_RECORD_BYTES, linescan.CHUNK_BYTES
    linescan.MAX_RECORD_BYTES, linescan.CHUNK_BYTES = LINE_LIMIT, 3  # pieces smaller than the limit too
    yield
    linescan.MAX_RECORD_BYTES, linescan.CHUNK_BYTES = saved


def split_file(data: bytes, max_bytes: int = 1 << 20) -> tuple[list[bytes], int]:
    with tempfile.TemporaryFile() as f:
        f.write(data)
        f.flush()
        os.lseek(f.fileno(), 0, os.SEEK_SET)
        return linescan.read_split(f.fileno(), len(data), max_bytes)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"x")), max_size=8), st.booleans())
def test_pieces_split_as_the_whole_file(lines: list[bytes], trailing_newline: bool) -> None:
    data = b"\n".join(lines) + (b"\n" if trailing_newline and lines else b"")
    expected = data.split(b"\n")
    too_long = next((k for k, line in enumerate(expected) if len(line) > LINE_LIMIT), None)
    if too_long is None:
        assert split_file(data) == (expected, len(data))
    else:
        with pytest.raises(linescan.LineTooLong) as info:
            split_file(data)
        assert info.value.line == too_long + 1 and info.value.length > LINE_LIMIT


def test_a_file_that_grew_past_its_limit_is_reported_by_the_bytes_read() -> None:
    lines, read = split_file(b"abc\n" * 10, max_bytes=20)
    assert read == 21 and b"".join(line + b"\n" for line in lines[:-1]).startswith(b"abc\n" * 5)


def test_directory_files_name_the_line(tmp_path: os.PathLike[str]) -> None:
    root = os.fspath(tmp_path)
    with open(os.path.join(root, "log"), "wb") as f:
        f.write(b"short\nshort\n" + b"y" * 100 + b"\nshort\n")
    with pytest.raises(linescan.LineTooLong) as info:
        DirectoryFiles(root).read_lines(("log",))
    assert info.value.line == 3 and info.value.length <= LINE_LIMIT + 3  # refused after a piece past the limit
    assert DirectoryFiles(root).read_lines(("missing",)) is None
