"""Every composition record of a store as compact columns, with records built on demand.

A production store holds up to millions of records. Keeping a Python object per record (its
bytes, parsed JSON and location) cost about 1.4 KB each and dominated the time to open a
store. The table keeps per record only what the store layer checks and looks up: the 32-byte
hash, the event kind and the reverted mark (34 bytes; the log file of each record follows from
the index of each file's first record). A :class:`Record` is rebuilt from its line when asked
for (``table[i]``, its hash checked again), so the table stays a ``Sequence[Record]`` for every
consumer, while the hot paths (events table, replay batches, seeks) read the columns and the
lines directly.

Records outside literal log files (the E0 JSON-lines log and the E1-E4 head-hash chain) and
literal records of unusual shapes are kept whole: they are few in stores of any size, because
the host wrote literal log files from 2021-07-14 on.
"""

from __future__ import annotations

import bisect
import copy
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Sequence, TypeVar, overload

import numpy as np
import orjson

from ..errors import CorruptRecord, HashMismatch, StoreError
from . import linescan, workers
from .components import blob_hash
from .files import FileSource, Segments, file_stamp, join, read_lines
from .hashprefix import prefix_range
from .linescan import Stamp, event_token
from .records import Record, RecordKind, RecordLocation, parse_record

LAYOUT_E0 = "jsonl-2020-04"
LAYOUT_CHAIN = "head-hash-chain"
LAYOUT_LITERAL = "literal-log"

#: Kind codes of the ``kinds`` column: the position in :class:`RecordKind`'s declaration order.
KIND_ORDER: tuple[RecordKind, ...] = tuple(RecordKind)
KIND_CODE: dict[RecordKind, int] = {k: i for i, k in enumerate(KIND_ORDER)}
UPDATE_CODE = KIND_CODE[RecordKind.UPDATE]
assert UPDATE_CODE == 0, "a zeroed kinds column stands for plain app events"
assert linescan.UPDATE == RecordKind.UPDATE.value
_NO_PREVIOUS = object()
E = TypeVar("E", bound=StoreError)
_HASH = 32
#: Literal log files whose bytes are kept for building records on demand (the newest used).
_CACHED_FILES = 4


@dataclass
class LiteralScan:
    """What one pass over the literal log files found (see :func:`scan_literal_log`)."""

    digests: bytearray = field(default_factory=bytearray)  # 32 bytes a record, append order
    count: int = 0  # records read
    paths: list[Segments] = field(default_factory=list)  # files that hold records, in order
    file_starts: list[int] = field(default_factory=list)  # index of each file's first record
    kept: dict[int, Record] = field(default_factory=dict)  # records of unusual shape
    # (every other record is a plain inline app event: kind UPDATE)
    revert_targets: dict[int, str] = field(default_factory=dict)
    # Per file in ``paths``: its stamp when read, if every plain line is in the host's layout.
    stamps: list[Stamp | None] = field(default_factory=list)


def scan_literal_log(
    files: FileSource, paths: Sequence[Segments], older_tails: list[tuple[str, int]], scan: LiteralScan
) -> tuple[bytes, str | None]:
    """Hash, parse and index every line of the literal log files (one tight pass).

    Lines of the usual shape (an app event inline, naming the line before it as parent) take a
    fast path that builds nothing; any other line goes through :func:`parse_record`, which also
    names the file and line of any damage. A big log is shared with worker processes, file by
    file (see :mod:`.workers`). Fills ``scan``; returns the newest file's torn tail. Raises the
    first :class:`StoreError`; ``scan`` then holds the records before it.
    """
    rests: dict[int, bytes | int] = {}
    with workers.share(
        files,
        paths,
        range(len(paths)),
        None,
        lambda group, local: {"task": "scan", "files": [local.paths[n] for n in group]},
    ) as work:
        for n in work.own:
            rests[n] = _scan_file(files, paths[n], scan)
        for group, reply in work.replies():
            if reply is not None and not _scan_reply_fits(reply, len(group)):
                reply = None  # (a worker gone wrong: this process reads the group itself)
            done = reply[0]["files"] if reply is not None else [None] * len(group)
            digests, at = reply[1] if reply is not None else memoryview(b""), 0  # (sliced without copies)
            for n, found in zip(group, done):
                if found is None:  # the worker could not read it: read it here
                    rests[n] = _scan_file(files, paths[n], scan)
                    continue
                size = _HASH * found["lines"]
                rests[n] = _take_worker_file(files, paths[n], scan, digests[at : at + size], found)
                at += size
    tail, tail_file = b"", None
    for n, rest in sorted(rests.items()):
        if rest and n != len(paths) - 1:
            older_tails.append((join(paths[n]), rest if isinstance(rest, int) else len(rest)))
        elif rest:
            tail_file = join(paths[n])
            tail = rest if isinstance(rest, bytes) else (_log_lines(files, paths[n]) or [b""])[-1]
    return tail, tail_file


def _scan_reply_fits(reply: tuple[dict[str, Any], memoryview], files: int) -> bool:
    """Whether a worker's scan reply answers for each of its ``files`` (None, or what
    ``linescan`` says of a file) and brings a hash for each line it counted."""
    found = reply[0].get("files")
    if not isinstance(found, list) or len(found) != files or not all(f is None or _file_reply_fits(f) for f in found):
        return False
    return len(reply[1]) == _HASH * sum(f["lines"] for f in found if f is not None)


def _file_reply_fits(found: object) -> bool:
    if not isinstance(found, dict):
        return False
    lines, slow, rest, stamp = found.get("lines"), found.get("slow"), found.get("rest"), found.get("stamp")
    return (
        type(lines) is int
        and lines >= 0
        and type(rest) is int
        and isinstance(slow, list)
        and all(type(k) is int for k in slow)
        and slow == sorted(set(slow))
        and all(0 <= k < lines for k in slow)
        and (stamp is None or (isinstance(stamp, list) and len(stamp) == 2 and all(type(v) is int for v in stamp)))
    )


def _scan_file(files: FileSource, segs: Segments, scan: LiteralScan) -> bytes:
    """Read, hash and check one literal log file here; returns what follows its last line feed."""
    stamp = file_stamp(files, segs)  # (before reading: a change while it is read shows later)
    lines = _log_lines(files, segs)
    if lines is None:
        return b""
    rest = lines.pop()
    # Before the first literal line, a value no line can name: the first line always takes the
    # full parse (and is kept), so its parent is checked against what comes before it.
    previous = scan.digests[-_HASH:].hex() if scan.count else _NO_PREVIOUS
    digests, slow, host_layout = linescan.scan_lines(lines, previous)
    _add_file(scan, segs, digests, slow, lines.__getitem__, stamp if host_layout else None)
    return rest


def _log_lines(files: FileSource, segs: Segments) -> list[bytes] | None:
    """A literal log file's lines (the last: what follows the last line feed), None when it is
    missing; a line over the line limit is refused, naming it, before it is read whole."""
    try:
        return read_lines(files, segs)
    except linescan.LineTooLong as e:
        raise CorruptRecord(str(e), path=join(segs), line=e.line) from None


def _take_worker_file(files: FileSource, segs: Segments, scan: LiteralScan, digests: bytes | memoryview, found: dict[str, Any]) -> int:
    """Add a file a worker hashed and checked (``found``: its reply about the file); its unusual
    lines are read again here. Returns the length of what follows its last line feed."""
    slow: list[int] = found["slow"]
    lines: list[bytes] = []

    def line_at(k: int) -> bytes:
        if not lines:
            lines.extend((_log_lines(files, segs) or [b""])[:-1])
        line = lines[k] if k < len(lines) else b""
        if blob_hash(line) != digests[k * _HASH : (k + 1) * _HASH].hex():
            location = RecordLocation(join(segs), k + 1)
            raise CorruptRecord("The log file changed while the store was being opened", path=location.path, line=location.line)
        return line

    stamp = found["stamp"]
    _add_file(scan, segs, digests, slow, line_at, (stamp[0], stamp[1]) if stamp else None)
    rest: int = found["rest"]
    return rest


def _add_file(
    scan: LiteralScan, segs: Segments, digests: bytes | memoryview, slow: list[int], line_at: Callable[[int], bytes], stamp: Stamp | None
) -> None:
    """Append a file's records to ``scan``: the hashes, and each unusual line parsed fully."""
    n = len(digests) // _HASH
    if n:
        scan.paths.append(segs)
        scan.file_starts.append(scan.count)
        scan.stamps.append(stamp)
    k = 0
    try:
        for k in slow:
            h = digests[k * _HASH : (k + 1) * _HASH].hex()
            previous = digests[(k - 1) * _HASH : k * _HASH].hex() if k else (scan.digests[-_HASH:].hex() if scan.count else None)
            _slow_line(scan, segs, line_at(k), h, previous, scan.count + k)
        k = n
    finally:  # (on damage, the records before it)
        scan.digests += digests[: k * _HASH]
        scan.count += k


def _slow_line(scan: LiteralScan, segs: Segments, line: bytes, h: str, previous: str | None, index: int) -> None:
    """Parse line ``index`` fully (raises :class:`CorruptRecord` naming it) and keep it."""
    location = RecordLocation(join(segs), index - scan.file_starts[-1] + 1)
    parsed = parse_record(line, location=location, record_hash=h, previous_hash=previous)
    record = Record(index, h, line, parsed, location, LAYOUT_LITERAL)
    scan.kept[index] = record  # rare (deploys, reverts, the first line...): kept, not parsed again
    if record.revert_target is not None:
        scan.revert_targets[index] = record.revert_target


class HashIndex(Mapping[str, int]):
    """Record hash (hex) -> index, over the table's hash column (a read-only mapping).

    A dict of a million hex strings costs ~150 MB; this keeps the first 8 bytes of each hash
    sorted (16 bytes a record) and confirms a match on the whole hash.
    """

    def __init__(self, digests: bytes | bytearray):
        # Not copied: the table drops its index whenever it changes its hash column.
        self._digests = digests
        n = len(digests) // _HASH
        prefixes = np.frombuffer(memoryview(digests), dtype=">u8").reshape(n, _HASH // 8)[:, 0] if n else np.zeros(0, ">u8")
        self._order = np.argsort(prefixes, kind="stable")
        # In native byte order: a search in a big-endian array converts the whole array first
        # (~140 us per lookup in a 400k-record store, paid on every lookup by hash).
        self._sorted = prefixes[self._order].astype(np.uint64)

    def _find(self, record_hash: object) -> int | None:
        if not isinstance(record_hash, str):
            return None
        i = int(self.find_all([record_hash])[0])
        return i if i >= 0 else None

    def find_all(self, record_hashes: Sequence[str]) -> np.ndarray:
        """The index of each hash (-1 where none), looked up together: one search over the
        sorted prefixes for all of them (a store may have thousands of reductions)."""
        out = np.full(len(record_hashes), -1, dtype=np.int64)
        digests = []
        for h in record_hashes:
            try:
                digests.append(bytes.fromhex(h) if len(h) == 2 * _HASH else b"")
            except ValueError:
                digests.append(b"")
        prefixes = np.array([int.from_bytes(d[:8], "big") if d else 0 for d in digests], dtype=np.uint64)
        lows = np.searchsorted(self._sorted, prefixes, side="left")
        highs = np.searchsorted(self._sorted, prefixes, side="right")
        for q, (digest, lo, hi) in enumerate(zip(digests, lows.tolist(), highs.tolist())):
            for k in range(lo, hi) if digest else ():  # the last occurrence wins, as in __getitem__
                i = int(self._order[k])
                if self._digests[i * _HASH : (i + 1) * _HASH] == digest:
                    out[q] = max(out[q], i)
        return out

    def with_prefix(self, prefix: str) -> list[int]:
        """Indices of the records whose hash starts with ``prefix`` (normalized hex), in order."""
        lo, hi = prefix_range(prefix)
        start = int(np.searchsorted(self._sorted, np.array([lo], dtype=np.uint64), side="left")[0])
        stop = len(self._sorted) if hi >= 1 << 64 else int(np.searchsorted(self._sorted, np.array([hi], dtype=np.uint64), side="left")[0])
        found = (int(self._order[k]) for k in range(start, stop))
        return sorted(i for i in found if bytes(self._digests[i * _HASH : (i + 1) * _HASH]).hex().startswith(prefix))

    def __getitem__(self, record_hash: str) -> int:
        i = self._find(record_hash)
        if i is None:
            raise KeyError(record_hash)
        return i

    def __contains__(self, record_hash: object) -> bool:
        return self._find(record_hash) is not None

    def __iter__(self) -> Iterator[str]:
        """The record hashes in append order."""
        d = self._digests
        return (bytes(d[k : k + _HASH]).hex() for k in range(0, len(d), _HASH))

    def __len__(self) -> int:
        return len(self._digests) // _HASH


class RecordTable(Sequence[Record]):
    """Every record in append order, as columns; ``table[i]`` builds the :class:`Record`.

    Records ``0 .. literal_start-1`` came from the E0 log or the head-hash chain and are kept
    whole; records from ``literal_start`` on are lines of literal log files.
    """

    def __init__(self, files: FileSource, kept_records: Sequence[Record], scan: LiteralScan):
        self._files = files
        n_kept = len(kept_records)
        self.literal_start = n_kept
        self._kept: dict[int, Record] = {i: r for i, r in enumerate(kept_records)}
        self._kept.update({n_kept + i: r for i, r in scan.kept.items()})
        self._kept_literal = sorted(n_kept + i for i in scan.kept)
        self.kinds = bytearray(KIND_CODE[r.kind] for r in kept_records) + bytearray(scan.count)  # UPDATE is 0
        for i, r in scan.kept.items():
            self.kinds[n_kept + i] = KIND_CODE[r.kind]
        self.reverted = bytearray(1 if r.reverted else 0 for r in kept_records) + bytearray(scan.count)
        self._digests = bytearray(b"".join(bytes.fromhex(r.hash) for r in kept_records))
        self._digests += scan.digests
        self._paths = scan.paths
        self._stamps = scan.stamps
        self._file_starts = [n_kept + s for s in scan.file_starts]
        self.revert_targets: dict[int, str] = {i: r.revert_target for i, r in enumerate(kept_records) if r.revert_target}
        self.revert_targets.update({n_kept + i: t for i, t in scan.revert_targets.items()})
        self._file_cache: OrderedDict[int, list[bytes]] = OrderedDict()
        self._file_lock = threading.Lock()  # a replay reads the next run's lines in a thread
        self._index: HashIndex | None = None
        self.cut(len(self.kinds))  # a file whose first line was damaged holds no record

    # --- the same table in another process -------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        # Pickled to reopen the store elsewhere (see :meth:`with_files`): the file source, its
        # lock and the caches stay here; the hash index is rebuilt there when asked for.
        state = dict(self.__dict__)
        for local in ("_files", "_file_lock", "_file_cache", "_index"):
            state.pop(local, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._file_lock = threading.Lock()
        self._file_cache = OrderedDict()
        self._index = None

    def with_files(self, files: FileSource) -> RecordTable:
        """This table reading its lines from ``files`` (the same store, opened again elsewhere),
        with caches of its own; the columns are shared, not copied."""
        table = copy.copy(self)
        table._files = files
        return table

    # --- columns --------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.kinds)

    def hash(self, i: int) -> str:
        return self._digests[i * _HASH : (i + 1) * _HASH].hex()

    def hashes(self) -> list[str]:
        d = self._digests
        return [d[k : k + _HASH].hex() for k in range(0, len(d), _HASH)]

    def kind(self, i: int) -> RecordKind:
        return KIND_ORDER[self.kinds[i]]

    def parent_hash(self, i: int) -> str | None:
        kept = self._kept.get(i)
        if kept is not None:
            return kept.parent_hash
        return self.hash(i - 1)  # checked while reading: a plain literal record names the one before

    def parent_hashes(self, hexes: list[str] | None = None) -> list[str | None]:
        """Every record's parent; ``hexes``: :meth:`hashes`, when already at hand."""
        hexes = self.hashes() if hexes is None else hexes
        out: list[str | None] = [None, *hexes[:-1]] if hexes else []
        for i, parent in self.irregular_parents().items():
            out[i] = parent
        return out

    def irregular_parents(self) -> dict[int, str | None]:
        """The parents of the records kept whole, which may not be the record before. (The first
        record, and the first of the literal files, are always kept whole.)"""
        return {i: r.parent_hash for i, r in self._kept.items()}

    def digest_bytes(self) -> bytes:
        """The hash column: 32 bytes a record, in append order."""
        return bytes(self._digests)

    def layout(self, i: int) -> str:
        kept = self._kept.get(i)
        return kept.layout if kept is not None else LAYOUT_LITERAL

    def location(self, i: int) -> RecordLocation:
        kept = self._kept.get(i)
        if kept is not None:
            return kept.location
        f = bisect.bisect_right(self._file_starts, i) - 1
        return RecordLocation(join(self._paths[f]), i - self._file_starts[f] + 1)

    def locations(self) -> list[str]:
        """Every record's location as text (``file:line`` or the component file)."""
        out = [str(self._kept[i].location) for i in range(self.literal_start)]
        bounds = [*self._file_starts, len(self)]
        for f, segs in enumerate(self._paths):
            p = join(segs)
            out.extend(f"{p}:{line}" for line in range(1, bounds[f + 1] - bounds[f] + 1))
        for i, r in self._kept.items():
            if i >= self.literal_start:
                out[i] = str(r.location)
        return out

    def indices_not_of_kind(self, kind: RecordKind) -> list[int]:
        """Indices of the records whose (first) event is of another kind, ascending."""
        codes = np.frombuffer(bytes(self.kinds), dtype=np.uint8)
        return [int(i) for i in np.flatnonzero(codes != KIND_CODE[kind])]

    def view(self, first: int, last: int) -> RecordView:
        """Records ``first .. last`` as a sequence that builds each only when asked for."""
        return RecordView(self, first, last + 1)

    def kept_indices(self) -> list[int]:
        """Indices of the records kept whole (every chain and E0 record, unusual literal ones)."""
        return list(self._kept)

    def kept_literal_indices(self) -> list[int]:
        """Indices of the literal-file records kept whole (unusual shapes), ascending."""
        return list(self._kept_literal)

    def error_at(self, error: type[E], i: int, message: str) -> E:
        """A store error about record ``i``, naming its file, line and hash."""
        location = self.location(i)
        return error(message, path=location.path, line=location.line, record_hash=self.hash(i))

    @property
    def index_of_hash(self) -> HashIndex:
        if self._index is None:
            self._index = HashIndex(self._digests)
        return self._index

    # --- changes while reading the log -----------------------------------------------------

    def cut(self, n: int) -> None:
        """Keep only the first ``n`` records (lenient reading stopped at damage)."""
        del self.kinds[n:], self.reverted[n:], self._digests[n * _HASH :]
        while self._file_starts and self._file_starts[-1] >= n:
            self._file_starts.pop()
            self._paths.pop()
            self._stamps.pop()
        self._kept = {i: r for i, r in self._kept.items() if i < n}
        self._kept_literal = [i for i in self._kept_literal if i < n]
        self.revert_targets = {i: t for i, t in self.revert_targets.items() if i < n}
        self._index = None

    # --- records --------------------------------------------------------------------------

    @overload
    def __getitem__(self, i: int) -> Record: ...
    @overload
    def __getitem__(self, i: slice) -> list[Record]: ...
    def __getitem__(self, i: int | slice) -> Record | list[Record]:
        if isinstance(i, slice):
            return [self._record(k) for k in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"record index {i} out of range: the store has {n} records")
        return self._record(i)

    def __iter__(self) -> Iterator[Record]:
        for i in range(len(self)):
            yield self._record(i)

    def __reversed__(self) -> Iterator[Record]:
        for i in range(len(self) - 1, -1, -1):
            yield self._record(i)

    def _record(self, i: int) -> Record:
        kept = self._kept.get(i)
        if kept is not None:
            reverted = bool(self.reverted[i])
            if kept.index == i and kept.reverted == reverted:
                return kept
            return Record(i, kept.hash, kept.raw, kept.parsed, kept.location, kept.layout, reverted)
        raw = self.raw(i)
        h = self.hash(i)
        if blob_hash(raw) != h:
            raise self.error_at(HashMismatch, i, f"The record changed since the store was opened: its bytes no longer hash to {h}")
        location = self.location(i)
        parsed = parse_record(raw, location=location, record_hash=h, previous_hash=self.parent_hash(i))
        return Record(i, h, raw, parsed, location, LAYOUT_LITERAL, bool(self.reverted[i]))

    def raw(self, i: int) -> bytes:
        """The stored bytes of record ``i``."""
        kept = self._kept.get(i)
        if kept is not None:
            return kept.raw
        f = bisect.bisect_right(self._file_starts, i) - 1
        return self.span_lines(f, i - self._file_starts[f], 1)[0]

    def _file_lines(self, f: int) -> list[bytes]:
        """The lines of literal log file ``f`` (and what follows its last line feed)."""
        with self._file_lock:
            lines = self._file_cache.get(f)
            if lines is None:
                read = _log_lines(self._files, self._paths[f])
                if read is None:
                    raise StoreError("Log file disappeared since the store was opened", path=join(self._paths[f]))
                lines = self._file_cache[f] = read
                while len(self._file_cache) > _CACHED_FILES:
                    self._file_cache.popitem(last=False)
            else:
                self._file_cache.move_to_end(f)
            return lines

    def plain_spans(self, first: int, last: int) -> Iterator[tuple[int, int, int, int]]:
        """The runs of plain inline app events in ``first .. last`` (literal-file records not
        kept whole), file by file: ``(index of the first record, file, its line (0-based),
        records)``, without reading the files (:meth:`span_lines` reads one)."""
        first = max(first, self.literal_start)
        bounds = [*self._file_starts, len(self)]
        kept = self._kept_literal
        f = bisect.bisect_right(self._file_starts, first) - 1
        while 0 <= f < len(self._paths) and bounds[f] <= last and first <= last:
            lo, hi = max(first, bounds[f]), min(last, bounds[f + 1] - 1)
            k = bisect.bisect_left(kept, lo)
            while lo <= hi:
                stop = min(hi + 1, kept[k] if k < len(kept) else hi + 1)
                if stop > lo:
                    yield lo, f, lo - bounds[f], stop - lo
                lo = stop + 1 if stop <= hi else stop  # step over the kept record
                k += 1
            f += 1

    def span_lines(self, f: int, line: int, count: int) -> list[bytes]:
        """Lines ``line .. line+count-1`` (0-based) of literal log file ``f``."""
        lines = self._file_lines(f)
        if line + count > len(lines) - 1:  # the last item is what follows the last line feed
            raise StoreError("Log file changed since the store was opened", path=join(self._paths[f]))
        return lines[line : line + count]

    def host_layout_stamp(self, f: int) -> Stamp | None:
        """Literal log file ``f``'s stamp when it was read, if every plain line in it was in the
        host's layout then (see :func:`linescan.event_columns`)."""
        return self._stamps[f]

    def host_layout_unchanged(self, f: int) -> bool:
        """Whether file ``f``'s plain lines were all in the host's layout and it has not changed."""
        stamp = self._stamps[f]
        return stamp is not None and file_stamp(self._files, self._paths[f]) == stamp

    @property
    def file_starts(self) -> list[int]:
        """The index of each literal log file's first record (file ``f`` of :meth:`plain_spans`)."""
        return list(self._file_starts)

    @property
    def literal_files(self) -> list[Segments]:
        """The literal log files that hold records, in order (file ``f`` of :meth:`plain_spans`)."""
        return list(self._paths)

    def inline_event_tokens(self, first: int, last: int) -> list[bytes] | None:
        """Like :meth:`inline_events`, but each event as the JSON string token it is inside its
        line, not decoded (see :func:`event_token`); lines written otherwise are parsed and the
        event re-encoded. The lines of a file found all in the host's layout when the store was
        opened, and unchanged since, are sliced without a test each."""
        segments = self._plain_segments(first, last)
        if segments is None:
            return None
        tokens: list[bytes] = []
        for lines, host_layout in segments:
            if host_layout:
                tokens.extend(linescan.host_layout_tokens(lines))
            else:
                tokens.extend(t if (t := event_token(line)) is not None else orjson.dumps(inline_event_texts([line])[0]) for line in lines)
        return tokens

    def inline_events(self, first: int, last: int) -> list[str] | None:
        """The app event JSON of records ``first .. last`` when each is a plain inline app event
        of a literal file (the usual case), else None. Reads the files, builds no records."""
        segments = self._plain_segments(first, last)
        return None if segments is None else inline_event_texts([line for lines, _ in segments for line in lines])

    def _plain_segments(self, first: int, last: int) -> list[tuple[list[bytes], bool]] | None:
        """The lines of records ``first .. last`` when each is a plain inline app event, else
        None; in segments, each with whether its lines are known to be in the host's layout.

        A record kept whole whose line is an app event in the host's layout counts too (the
        first line of a file a worker read is kept, for its parent check): one of them in a run
        of thousands must not send the whole run down the slow path."""
        if first < self.literal_start:
            return None
        segments: list[tuple[list[bytes], bool]] = []
        done = first  # the records before it are in segments
        for start, f, line, count in self.plain_spans(first, last):
            if not self._add_kept_events(segments, done, start):
                return None
            segments.append((self.span_lines(f, line, count), self.host_layout_unchanged(f)))
            done = start + count
        if not self._add_kept_events(segments, done, last + 1):
            return None
        return segments if sum(len(lines) for lines, _ in segments) == last - first + 1 else None

    def _add_kept_events(self, segments: list[tuple[list[bytes], bool]], first: int, stop: int) -> bool:
        """Append the lines of the kept records ``first .. stop-1`` (as one segment in the host's
        layout) if each is a plain app event in the host's layout; False if one is not."""
        lines: list[bytes] = []
        for i in range(first, stop):
            record = self._kept.get(i)
            if record is None or record.kind is not RecordKind.UPDATE or event_token(record.raw) is None:
                return False
            lines.append(record.raw)
        if lines:
            segments.append((lines, True))
        return True


def inline_event_texts(lines: list[bytes]) -> list[str]:
    """The app event JSON of plain inline app-event lines (read and checked when the store was
    opened; a line that no longer has that shape means the file changed since)."""
    with _changed_lines_corrupt():
        return linescan.event_texts(lines)


def inline_event_columns(lines: list[bytes], host_layout: bool = False) -> list[Sequence[Any]]:
    """The events table's :data:`linescan.EVENT_COLUMNS` of plain inline app-event lines."""
    with _changed_lines_corrupt():
        return linescan.event_columns(lines, host_layout)


@contextmanager
def _changed_lines_corrupt() -> Iterator[None]:
    try:
        yield
    except linescan.LineChanged as e:
        raise CorruptRecord(f"A composition log file changed since the store was opened ({e})") from None


class RecordView(Sequence[Record]):
    """A range of a :class:`RecordTable`, building records on demand (e.g. the owners of a run
    of app events, needed only to name the record of an error or a log line)."""

    def __init__(self, table: RecordTable, start: int, stop: int):
        self._table, self._start, self._stop = table, start, max(start, stop)

    def __len__(self) -> int:
        return self._stop - self._start

    @overload
    def __getitem__(self, k: int) -> Record: ...
    @overload
    def __getitem__(self, k: slice) -> RecordView: ...
    def __getitem__(self, k: int | slice) -> Record | RecordView:
        if isinstance(k, slice):
            lo, hi, step = k.indices(len(self))
            if step != 1:
                raise ValueError("a RecordView slices with step 1 only")
            return RecordView(self._table, self._start + lo, self._start + hi)
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        return self._table[self._start + k]
