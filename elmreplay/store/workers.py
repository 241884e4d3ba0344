"""Worker processes that share the line work of a big load (see :mod:`.linescan`).

Opening a store of a million records and building its events table are CPU-bound Python loops;
threads would not help (the work holds the GIL), so the files are split between this process
and ``workers`` others. A worker is a fresh interpreter running ``linescan.py`` (not
``multiprocessing``, which would re-import a user's ``__main__`` script), reading only the
files it is given, read-only. Everything a worker returns is an optimization: whatever it
could not do, or if it fails altogether, this process does itself, with the same functions.

``ELMREPLAY_WORKERS`` sets how many workers a load may start (0: none); by default one fewer
than the CPUs this process may use, at most 3.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import warnings
from dataclasses import dataclass
from typing import IO, Any, Callable, Generic, Iterator, Sequence, TypeVar

import orjson

from . import linescan
from .files import DirectoryFiles, FileSource, Segments

#: Below this many bytes of log a worker's start (~0.1 s) costs more than it saves.
MIN_BYTES = 32 << 20
#: Bytes of log this process works through while a worker starts (~0.045 s at ~190 MB/s on 2
#: cores), taken on top of its share: in a 100k-record log (44 MB) this cut the events
#: table's time by 8-11%; in 1M records it is noise.
HEAD_START_BYTES = 8 << 20
MAX_WORKERS = 3
T = TypeVar("T")


def worker_count() -> int:
    """How many worker processes a load may start."""
    configured = os.environ.get("ELMREPLAY_WORKERS")
    if configured is not None:
        try:
            return max(0, int(configured))
        except ValueError:
            return 0
    if not _runs_python(sys.executable):
        return 0  # (embedded: the executable is some host program, not an interpreter)
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(0, min(MAX_WORKERS, cpus - 1))


def _runs_python(executable: str | None) -> bool:
    return bool(executable) and os.path.basename(executable or "").lower().startswith(("python", "pypy"))


@dataclass(frozen=True)
class LocalFiles:
    """Store files that workers can read themselves: where they are on disk, their sizes, and
    the reader's file size limit."""

    paths: list[str]
    sizes: list[int]
    max_file_bytes: int


def local_files(files: FileSource, paths: Sequence[Segments], min_bytes: int) -> LocalFiles | None:
    """``paths`` as :class:`LocalFiles` when workers can share reading them: a store directory
    on disk (not an in-memory projection), workers allowed, and at least ``min_bytes`` to read."""
    if not isinstance(files, DirectoryFiles) or worker_count() == 0:
        return None
    local = [files.local_path(p) for p in paths]
    sizes = [stamp[0] if (stamp := files.stamp(p)) else 0 for p in paths]
    return LocalFiles(local, sizes, files.max_file_bytes) if sum(sizes) >= min_bytes else None


def share(
    files: FileSource,
    file_paths: Sequence[Segments],
    items: Sequence[T],
    weights: Sequence[int] | None,
    request: Callable[[list[T], LocalFiles], dict[str, Any]],
    own_weight: float = 1.0,
) -> SharedWork[T]:
    """The work on ``items`` (which lie in the log files ``file_paths``), shared with workers
    when the files are big enough and on disk (else all this process's). ``weights``: each
    item's; None when the items are the files themselves, weighed by size. ``request(group,
    local)`` is a group's request (the reader's file size limit is added to it). For
    ``own_weight`` see :class:`SharedWork`; this process also takes :data:`HEAD_START_BYTES`
    first."""
    local = local_files(files, file_paths, MIN_BYTES) if items else None
    if local is None:
        return SharedWork(items, [], 1, lambda group: {})
    weights = local.sizes if weights is None else weights
    # (weights in other units, lines say, count the head start at the files' mean per byte)
    head_start = HEAD_START_BYTES * sum(weights) // max(1, sum(local.sizes))
    return SharedWork(
        items,
        weights,
        worker_count() + 1,
        lambda group: {**request(group, local), "max_file_bytes": local.max_file_bytes},
        own_weight,
        head_start,
    )


def own_share(total: int, parts: int, own_weight: float, head_start: int) -> float:
    """This process's fraction of ``total`` weight shared by ``parts`` (see :class:`SharedWork`)."""
    if total <= 0:
        return 1.0
    head = min(max(head_start, 0), total)
    return (head + (total - head) * own_weight / (own_weight + parts - 1)) / total


def split_by_weight(items: Sequence[T], weights: Sequence[int], parts: int, first_share: float | None = None) -> list[list[T]]:
    """``items`` in order, cut into at most ``parts`` contiguous groups (none empty): the first
    with about ``first_share`` of the total weight (default: an equal share), the others with
    equal shares of the rest."""
    total = sum(weights)
    first = 1 / parts if first_share is None else first_share
    # Where each group after the first starts, as a fraction of the total weight.
    cuts = [first + (1 - first) * k / max(parts - 1, 1) for k in range(parts - 1)]
    groups: list[list[T]] = [[]]
    done = 0
    for item, weight in zip(items, weights):
        if groups[-1] and len(groups) < parts and done >= total * cuts[len(groups) - 1]:
            groups.append([])
        groups[-1].append(item)
        done += weight
    return groups if groups[0] else []


class SharedWork(Generic[T]):
    """Items cut into contiguous groups: the first is this process's (:attr:`own`), each other
    goes to a worker at once (``request(group)``). This process first takes ``head_start``
    (in units of the weights: what it does while a worker starts, a fixed cost that matters in a
    small load), then of the rest a share that weighs ``own_weight`` times a worker's (less than
    1 when it has other work to do meanwhile). :meth:`replies` then gives each worker's group
    with its reply, or None where the worker failed. Use as a context manager, so that leaving
    early stops the workers."""

    def __init__(
        self,
        items: Sequence[T],
        weights: Sequence[int],
        parts: int,
        request: Callable[[list[T]], dict[str, Any]],
        own_weight: float = 1.0,
        head_start: int = 0,
    ):
        first = own_share(sum(weights), parts, own_weight, head_start)
        groups = split_by_weight(items, weights, parts, first) if parts > 1 else [list(items)]
        self.own: list[T] = groups[0] if groups else []
        requests = [request(group) for group in groups[1:]]  # (all built before any worker starts)
        self._shared = [(group, WorkerCall(r)) for group, r in zip(groups[1:], requests)]

    def replies(self) -> Iterator[tuple[list[T], tuple[dict[str, Any], memoryview] | None]]:
        for group, call in self._shared:
            yield group, call.result()

    def stop(self) -> None:
        for _, call in self._shared:
            call.stop()

    def __enter__(self) -> SharedWork[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class WorkerCall:
    """One request to a worker process, running while this process does its own share.

    A thread feeds the request and collects the reply, so neither side waits on a full pipe.
    :meth:`result` returns the decoded reply, or None when the worker could not run or failed
    (the caller then does the work itself); :meth:`stop` ends it early.
    """

    def __init__(self, request: dict[str, Any]):
        self._reply: tuple[bytes | bytearray, int] | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        try:
            self._process = subprocess.Popen(
                _worker_command(),
                env=_worker_environment(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                close_fds=True,
            )
        except OSError:
            return
        self._thread = threading.Thread(target=self._communicate, args=(orjson.dumps(request),), daemon=True)
        self._thread.start()

    def _communicate(self, request: bytes) -> None:
        # The worker reads the whole request before it writes: write it, then read the reply
        # into one buffer of the size it announces (chunks joined afterwards would leave their
        # memory behind in this process's heap: a million records' hashes are 32 MB).
        process = self._process
        assert process is not None and process.stdin is not None and process.stdout is not None
        try:
            with process.stdin:
                process.stdin.write(request)
            size = int.from_bytes(_read_into(process.stdout, bytearray(8)), "big")
            if size > MAX_REPLY_BYTES:
                raise ValueError("not a worker's reply")
            reply = _read_into(process.stdout, bytearray(size))
            self._reply = (reply if len(reply) == size else b"", process.wait())
        except (OSError, ValueError, MemoryError):  # (a broken pipe: the worker died early)
            self._reply = None
            process.kill()  # (whatever it is doing: this process does the work itself)
            process.wait()
        finally:
            process.stdout.close()

    def result(self) -> tuple[dict[str, Any], memoryview] | None:
        if self._thread is None:
            _warn_once("could not be started")
            return None
        self._thread.join()
        if self._reply is None or self._reply[1] != 0:
            _warn_once(f"failed (exit status {self._reply[1] if self._reply else 'unknown'})")
            return None
        try:
            return linescan.decode_reply(self._reply[0])
        except (ValueError, orjson.JSONDecodeError):
            _warn_once("gave a malformed reply")
            return None

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
        if self._thread is not None:
            self._thread.join()


#: A reply larger than this is not read (a worker gone wrong must not exhaust memory).
MAX_REPLY_BYTES = 1 << 32


def _read_into(stream: IO[bytes], buffer: bytearray) -> bytearray:
    """Fill ``buffer`` from ``stream``; shorter if the stream ends first."""
    view, got = memoryview(buffer), 0
    while got < len(buffer):
        n = stream.readinto(view[got:])  # type: ignore[attr-defined]
        if not n:
            view.release()  # (a bytearray with a view on it cannot shrink)
            del buffer[got:]
            break
        got += n
    return buffer


_warned = False


def _warn_once(what: str) -> None:
    """Say once per process that workers do not work here (the load itself goes on, slower)."""
    global _warned
    if not _warned:
        _warned = True
        warnings.warn(
            f"elmreplay: a worker process {what} ({' '.join(_worker_command())}); big loads continue in "
            "this process alone (set ELMREPLAY_WORKERS=0 to stop trying)",
            RuntimeWarning,
            stacklevel=4,
        )


def _worker_command() -> list[str]:
    # -S: no site module, whose .pth files (an editable install's finder, say) cost a worker's
    # start ~10 ms of its ~45 ms; the worker finds orjson by the path it is given instead.
    # -P (3.11+): the worker's own directory must not come first on its module path.
    flags = ["-S", "-P"] if sys.version_info >= (3, 11) else ["-S"]
    return [sys.executable or "python3", *flags, linescan.__file__]


def _worker_environment() -> dict[str, str]:
    """This process's environment, with the directory orjson was imported from (the only
    package a worker needs beyond the standard library) first on the module path."""
    module = os.path.abspath(orjson.__file__ or "")
    package = os.path.basename(module).startswith("__init__.")  # (else a single-file module)
    orjson_home = os.path.dirname(os.path.dirname(module) if package else module)
    inherited = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": orjson_home if not inherited else orjson_home + os.pathsep + inherited}
