"""Reading the files a user points at (runtimes, runtime manifests, app directories).

These are not store files (those go through :class:`elmreplay.store.files.DirectoryFiles`), but
they must fail the same way: one :class:`~elmreplay.errors.InputFileError` naming the file, never
a hang or a bare traceback. A path is ``stat``-ed before it is opened, and anything but a regular
file (a FIFO, a device, a socket, a directory) is refused without opening it; the open itself is
non-blocking, so a file swapped for a FIFO in between cannot hang either. Files larger than
``max_bytes`` are refused before they are read.
"""

from __future__ import annotations

import os
import stat

from .errors import InputFileError

__all__ = ["DEFAULT_MAX_INPUT_BYTES", "read_input", "read_input_text", "decode_utf8"]

#: Largest runtime, manifest or app file read (a generated Elm runtime is a few MB).
DEFAULT_MAX_INPUT_BYTES = 256 << 20

_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


def _kind(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def read_input(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> bytes:
    """The bytes of the regular file ``path``; :class:`InputFileError` for anything else."""
    p = os.fspath(path)
    try:
        st = os.stat(p)
        if not stat.S_ISREG(st.st_mode):
            raise InputFileError(f"is {_kind(st.st_mode)}, not a regular file", path=p)
        if st.st_size > max_bytes:
            raise InputFileError(f"is {st.st_size} bytes, more than the limit of {max_bytes}", path=p)
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):  # replaced between the stat and the open
                raise InputFileError(f"is {_kind(st.st_mode)}, not a regular file", path=p)
            chunks: list[bytes] = []
            left = max_bytes + 1
            while left > 0:
                chunk = os.read(fd, min(left, 1 << 24))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise InputFileError("no such file", path=p) from None
    except OSError as e:
        raise InputFileError(f"cannot read: {e.strerror or e}", path=p) from None
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise InputFileError(f"grew past the limit of {max_bytes} bytes while being read", path=p)
    return data


def decode_utf8(data: bytes, path: str | os.PathLike[str]) -> str:
    """``data`` as UTF-8 text; :class:`InputFileError` naming the file and byte offset if it is not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputFileError(f"is not valid UTF-8 (byte {e.start}: {data[e.start:e.start + 1]!r})", path=os.fspath(path)) from None


def read_input_text(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> str:
    """The UTF-8 text of the regular file ``path``."""
    return decode_utf8(read_input(path, max_bytes=max_bytes), path)
