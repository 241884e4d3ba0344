"""Every file elmreplay writes goes through :func:`write_output`, which cannot hit a store.

The promise is that a store being inspected is never written. Outputs (``-o``, exports, the
compile cache, reports) are therefore:

* written to a new temporary file in the target's directory and renamed over the target, so an
  existing file is replaced, never truncated or written in place (a hard link to a store file
  keeps the store's bytes even if every check below were missed);
* refused with :class:`~elmreplay.errors.UnsafeOutput` when the target is inside a store opened
  in this process (by path, after resolving links, or through a bind mount of it: any directory
  above the target being the store's directory), or is the same file (device and inode) as one
  of that store's files.

Stores register themselves when they are opened (:func:`protect`). OS failures (no space, no
permission, a missing directory, a directory where the file should be) become
:class:`~elmreplay.errors.OutputError` with one line naming the file. An existing character
device or FIFO (``/dev/stdout``, ``/dev/null``) is written in place: there is nothing to rename.
"""

from __future__ import annotations

import os
import secrets
import stat
import threading
from pathlib import Path
from typing import BinaryIO, Callable, Union

from .errors import OutputError, UnsafeOutput

__all__ = ["protect", "protected_roots", "write_output", "check_output"]

Content = Union[bytes, str, Callable[[BinaryIO], object]]

_lock = threading.Lock()
#: real path of each opened store directory -> its (device, inode)
_protected: dict[str, tuple[int, int]] = {}


def protect(root: str | os.PathLike[str]) -> None:
    """Register a store directory: no output of this process may land in it or on its files."""
    real = os.path.realpath(root)
    try:
        st = os.stat(real)
    except OSError:
        return
    with _lock:
        _protected[real] = (st.st_dev, st.st_ino)


def protected_roots() -> list[str]:
    return sorted(_live_roots())


def _live_roots() -> dict[str, tuple[int, int]]:
    """The registered stores still where they were: a store directory removed since (a
    temporary copy) is forgotten, so that a new directory reusing its inode is not taken for it."""
    with _lock:
        roots = dict(_protected)
    for root, key in list(roots.items()):
        try:
            st = os.stat(root)
            alive = (st.st_dev, st.st_ino) == key
        except OSError:
            alive = False
        if not alive:
            del roots[root]
            with _lock:
                if _protected.get(root) == key:
                    del _protected[root]
    return roots


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _same_file_in(root: str, dev: int, ino: int) -> str | None:
    """The store-relative path of a file of ``root`` with this device and inode, if any."""
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            full = os.path.join(dirpath, name)
            try:
                st = os.lstat(full)
            except OSError:
                continue
            if st.st_ino == ino and st.st_dev == dev:
                return os.path.relpath(full, root)
    return None


def check_output(target: str | os.PathLike[str]) -> None:
    """Raise :class:`UnsafeOutput` when writing ``target`` could touch an opened store."""
    path = os.fspath(target)
    real_target = os.path.realpath(path)  # follows a link at the target itself, too
    real_parent = os.path.realpath(os.path.dirname(os.path.abspath(path)))
    roots = _live_roots()
    for root, (dev, ino) in roots.items():
        for candidate in (real_target, real_parent):
            if _within(candidate, root):
                raise UnsafeOutput(f"refusing to write inside the store {root} being inspected", path=path)
        # A bind mount (or another path) of the store directory: compare directories by inode.
        d = real_parent
        while True:
            try:
                st = os.stat(d)
            except OSError:
                break
            if (st.st_dev, st.st_ino) == (dev, ino):
                raise UnsafeOutput(f"refusing to write inside the store {root} being inspected (same directory)", path=path)
            up = os.path.dirname(d)
            if up == d:
                break
            d = up
    try:
        st = os.stat(path)
    except OSError:
        return  # a new file: it cannot be one of the store's files
    if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:  # a file with one name is no store file (checked above)
        for root in roots:
            found = _same_file_in(root, st.st_dev, st.st_ino)
            if found is not None:
                raise UnsafeOutput(f"refusing to write: it is the same file as {found} of the store {root} (a hard link)", path=path)


def write_output(target: str | os.PathLike[str], content: Content) -> Path:
    """Write ``content`` (bytes, UTF-8 text, or a function writing to a binary file) to ``target``.

    The file appears complete or not at all; on any failure nothing is left behind and the
    previous file (if any) is unchanged.
    """
    path = os.fspath(target)
    check_output(path)
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise OutputError(f"cannot write: {e.strerror}", path=path) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError("cannot write: is a directory", path=path)
    if st is not None and (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        _write_in_place(path, content)
        return Path(path)
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise OutputError("cannot write: not a regular file", path=path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise OutputError(f"cannot write: the directory {directory} does not exist", path=path)
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as e:
        raise OutputError(f"cannot write: {e.strerror}", path=path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            _put(f, content)
            f.flush()
            os.fsync(f.fileno())
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
        check_output(path)  # again: the target may have changed while we wrote
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise OutputError(f"cannot write: {e.strerror or e}", path=path) from None
        raise
    return Path(path)


def _write_in_place(path: str, content: Content) -> None:
    try:
        with open(path, "wb", buffering=0) as f:
            _put(f, content)
    except OSError as e:
        raise OutputError(f"cannot write: {e.strerror or e}", path=path) from None


def _put(f: BinaryIO, content: Content) -> None:
    if isinstance(content, str):
        f.write(content.encode("utf-8"))
    elif isinstance(content, (bytes, bytearray, memoryview)):
        f.write(content)
    else:
        content(f)
