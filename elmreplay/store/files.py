"""Read-only access to the files of a store, and an in-memory overlay for projections.

Paths inside a store are tuples of segments (store-format §1). Nothing here can write to the
directory of a store: :class:`DirectoryFiles` only ever opens files with mode ``"rb"``, and
:class:`OverlayFiles` keeps every write in a dictionary (the host's projected store, §5.3).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Callable, Iterable, Protocol, TypeVar

from ..errors import StoreError, StoreNotFound, UnsafePath
from .linescan import LineTooLong, read_split, read_up_to, too_long_line

T = TypeVar("T")

Segments = tuple[str, ...]

#: Largest single file the reader loads (a hand-edited or damaged store must not exhaust memory).
DEFAULT_MAX_FILE_BYTES = 1 << 30


def join(segments: Segments) -> str:
    """A store-relative path as text, for messages."""
    return "/".join(segments)


class FileSource(Protocol):
    """What the store layer needs from a store's files."""

    def read(self, segments: Segments) -> bytes | None:
        """The file's bytes, or None when there is no such file."""

    def list_files(self, directory: Segments) -> list[Segments]:
        """Every file below ``directory`` (recursively), as full segment tuples, unordered."""

    def exists(self, segments: Segments) -> bool:
        """Whether the file exists."""


class DirectoryFiles:
    """The files of a store directory on disk, read-only.

    Symlinks are followed only when they stay inside the store; a link leading outside is an
    error naming the file, so a hostile copy cannot make the reader disclose other files.
    """

    def __init__(self, root: str | os.PathLike[str], *, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES):
        path = Path(root)
        if not path.exists():
            raise StoreNotFound(f"No such directory: {path}")
        if not path.is_dir():
            raise StoreNotFound(f"Not a directory: {path}")
        self.root = path
        self._root_text = os.fspath(path)
        self._real_root_text = os.path.realpath(path)
        self._real_dirs: dict[str, str] = {}
        # Directories found missing: component lookups try up to four directories per hash
        # (§2.5), most of which a store of a given era never had; each miss then costs a set
        # lookup instead of an lstat and an open. (The store is a copy being inspected: a
        # directory that appears after it was opened is not looked for again.)
        self._missing_dirs: set[str] = set()
        self.max_file_bytes = max_file_bytes

    def _path(self, segments: Segments) -> str:
        for s in segments:
            if not s or s in (".", "..") or "/" in s or "\\" in s or "\x00" in s:
                raise StoreError(f"Invalid path segment {s!r}", path=join(segments))
        return os.sep.join((self._root_text, *segments))

    def _check_inside(self, path: str, segments: Segments, *, is_link: bool | None = None) -> None:
        """Refuse a path that resolves outside the store. Directories are resolved once and
        cached; a file costs one ``lstat`` unless it is itself a link (or ``is_link`` says)."""
        parent = os.path.dirname(path)
        real_parent = self._real_dirs.get(parent)
        if real_parent is None:
            real_parent = self._real_dirs[parent] = os.path.realpath(parent)
        real = real_parent
        try:
            if is_link if is_link is not None else stat.S_ISLNK(os.lstat(path).st_mode):
                real = os.path.realpath(path)
        except OSError:
            pass  # missing: nothing to disclose
        if real != self._real_root_text and not real.startswith(self._real_root_text + os.sep):
            raise UnsafePath("Symbolic link leads outside the store", path=join(segments))

    def read(self, segments: Segments) -> bytes | None:
        def whole(fd: int, size: int) -> tuple[bytes, int]:
            # What the file holds (up to the limit, plus one byte to notice growth).
            data = read_up_to(fd, min(size, self.max_file_bytes) + 1)
            return data, len(data)

        return self._read_with(segments, whole)

    def read_lines(self, segments: Segments) -> list[bytes] | None:
        """The file's lines (the last item: what follows the last line feed), or None when there
        is no such file. A line longer than the line limit raises :class:`LineTooLong` before it
        is held whole (see :func:`linescan.read_split`)."""
        return self._read_with(segments, lambda fd, size: read_split(fd, size, self.max_file_bytes))

    def _read_with(self, segments: Segments, reader: Callable[[int, int], tuple[T, int]]) -> T | None:
        """``reader(fd, size)``'s value for the file (it returns the value and the bytes read)."""
        path = self._path(segments)
        parent = path.rpartition(os.sep)[0]
        if parent in self._missing_dirs:
            return None
        self._check_inside(path, segments, is_link=False)  # the directories; the file itself below
        try:
            # O_NONBLOCK: a FIFO planted in a damaged copy must not hang the reader. O_NOFOLLOW:
            # a link fails (ELOOP) and is checked before it is followed, no lstat for the rest.
            try:
                fd = os.open(path, _READ_FLAGS | _NOFOLLOW)
            except OSError as e:
                if e.errno != errno.ELOOP or not _NOFOLLOW:
                    raise
                self._check_inside(path, segments, is_link=True)
                fd = os.open(path, _READ_FLAGS)
            try:
                st = os.fstat(fd)
                if not stat.S_ISREG(st.st_mode):
                    # A directory, FIFO or device where the store has a file: damage, not absence.
                    raise UnsafePath("Not a regular file", path=join(segments))
                if st.st_size > self.max_file_bytes:  # refused by its size, before any of it is read
                    raise self._too_large(segments)
                value, read = reader(fd, st.st_size)
            finally:
                os.close(fd)
        except FileNotFoundError:
            if not os.path.isdir(parent):
                self._missing_dirs.add(parent)
            return None
        except (NotADirectoryError, IsADirectoryError):
            return None
        except OSError as e:
            raise StoreError(f"Cannot read file: {e.strerror}", path=join(segments)) from None
        if read > self.max_file_bytes:  # it grew while it was read
            raise self._too_large(segments)
        return value

    def _too_large(self, segments: Segments) -> StoreError:
        return StoreError(f"File is larger than the reader's limit of {self.max_file_bytes} bytes", path=join(segments))

    def exists(self, segments: Segments) -> bool:
        return os.path.isfile(self._path(segments))

    def stamp(self, segments: Segments) -> tuple[int, int] | None:
        """The file's size and modification time (ns), to notice a change since it was read."""
        try:
            st = os.stat(self._path(segments))
        except OSError:
            return None
        return (st.st_size, st.st_mtime_ns)

    def local_path(self, segments: Segments) -> str:
        """The file's path on disk, for a worker process that reads it itself: its directories
        are checked here; the worker refuses a file that is itself a link (``O_NOFOLLOW``)."""
        path = self._path(segments)
        self._check_inside(path, segments, is_link=False)
        return path

    def list_files(self, directory: Segments) -> list[Segments]:
        base = self._path(directory) if directory else self._root_text
        if not os.path.isdir(base):
            return []
        self._check_inside(base, directory)
        found: list[Segments] = []
        stack: list[tuple[str, Segments]] = [(base, directory)]
        while stack:
            path, rel = stack.pop()
            with os.scandir(path) as entries:
                for entry in entries:
                    segs = (*rel, entry.name)
                    if entry.is_symlink():
                        self._check_inside(entry.path, segs)
                        if os.path.isdir(entry.path):
                            continue  # never descend through links
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((entry.path, segs))
                    else:
                        found.append(segs)
        return found


def read_lines(files: FileSource, segments: Segments) -> list[bytes] | None:
    """A log file's lines (the last item: what follows the last line feed), or None when there
    is no such file; a line over the line limit raises :class:`LineTooLong`, on disk before it
    is held whole."""
    if isinstance(files, DirectoryFiles):
        return files.read_lines(segments)
    data = files.read(segments)
    if data is None:
        return None
    lines = data.split(b"\n")
    long = too_long_line(lines, len(data))
    if long is not None:
        raise LineTooLong(long + 1, len(lines[long]))
    return lines


def file_stamp(files: FileSource, segments: Segments) -> tuple[int, int] | None:
    """A file's size and modification time where it is on disk (else None: no stamp)."""
    return files.stamp(segments) if isinstance(files, DirectoryFiles) else None


class OverlayFiles:
    """An in-memory overlay over another file source: writes land in a dict, reads fall back.

    This is the host's projected store (§5.3, with the 2021-12 fix that also lists projected
    files). Files can also be hidden (to project a store as it was at an earlier record).
    The real store is never touched.
    """

    def __init__(self, base: FileSource):
        self.base = base
        self._files: dict[Segments, list[bytes]] = {}
        self._hidden: set[Segments] = set()

    @property
    def files(self) -> dict[Segments, bytes]:
        """Every file written to the overlay, with its full content."""
        return {s: self._joined(s) for s in self._files}

    def _joined(self, segments: Segments) -> bytes:
        chunks = self._files[segments]
        if len(chunks) > 1:
            chunks[:] = [b"".join(chunks)]
        return chunks[0]

    def write(self, segments: Segments, data: bytes) -> None:
        self._files[segments] = [bytes(data)]
        self._hidden.discard(segments)

    def append(self, segments: Segments, data: bytes) -> None:
        if segments not in self._files:
            self._files[segments] = [self.read(segments) or b""]
            self._hidden.discard(segments)
        self._files[segments].append(bytes(data))  # joined lazily: many appends stay linear

    def hide(self, segments: Segments) -> None:
        """Make a file of the base invisible (reads None, not listed)."""
        self._files.pop(segments, None)
        self._hidden.add(segments)

    def read(self, segments: Segments) -> bytes | None:
        if segments in self._files:
            return self._joined(segments)
        if segments in self._hidden:
            return None
        return self.base.read(segments)

    def exists(self, segments: Segments) -> bool:
        if segments in self._files:
            return True
        return segments not in self._hidden and self.base.exists(segments)

    def list_files(self, directory: Segments) -> list[Segments]:
        n = len(directory)
        listed = set(self.base.list_files(directory)) - self._hidden
        listed.update(s for s in self._files if s[:n] == directory and len(s) > n)
        return list(listed)


_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def iter_sorted_by_segments(paths: Iterable[Segments]) -> list[Segments]:
    """Ordinal order by path segments, as the host orders composition-log files (§1.2)."""
    return sorted(paths)
