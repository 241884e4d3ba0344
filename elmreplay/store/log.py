"""The composition log: every record of every layout, in append order (store-format §1.2, §3.3, §3.4).

Three layouts exist and a store may combine the last two:

* ``composition-log/<day>/<day>T<HH>.composition.jsonl`` (E0, 2020-04-30 ... 05-04), read only
  when the store has neither of the later layouts (later hosts ignore it);
* the head-hash chain (E1-E4): ``composition-log-head-hash`` names the newest record, each record
  is a blob component pointing at its parent;
* literal log files ``composition-log/literal/<yyyy-MM-dd>/<yyyy-MM-ddTHH-mm>`` (E5+), which
  continue the chain.

The reader lists *all* records, including those a revert made invisible, and marks the
invisible ones with the host's exact skip rule (§3.4).
"""

from __future__ import annotations

import bisect
import functools
import gc
import hashlib
from dataclasses import dataclass, field, replace
from contextlib import contextmanager
from typing import Callable, Iterator, ParamSpec, TypeVar

from ..errors import BrokenParentChain, CorruptRecord, MissingComponent, RevertTargetUnknown, StoreError
from . import linescan
from .componentstore import ComponentReader
from .components import blob_hash
from .files import FileSource, Segments, file_stamp, join
from .linescan import Stamp
from .records import ParsedRecord, Record, RecordLocation, parse_record
from .recordtable import LAYOUT_CHAIN, LAYOUT_E0, LAYOUT_LITERAL, LiteralScan, RecordTable, scan_literal_log

HEAD_HASH_FILE: Segments = ("composition-log-head-hash",)
LITERAL_LOG_DIR: Segments = ("composition-log", "literal")
LEGACY_LOG_DIR: Segments = ("composition-log",)
MAX_HEAD_FILE_BYTES = 1000  # the host's corruption check (2021-06-04)

P = ParamSpec("P")
T = TypeVar("T")



@dataclass
class CompositionLog:
    """All records of a store in append order, with what was learned while reading them."""

    records: RecordTable
    layouts: list[str]
    #: Bytes after the last LF of the newest log file (a torn append, ignored like the host).
    torn_tail: bytes = b""
    torn_tail_file: str | None = None
    #: The oldest record present names a parent that is not in the store (truncated history).
    truncated: bool = False
    #: Revert records whose reverted records are no longer in the store (truncated away).
    reverted_records_missing: list[str] = field(default_factory=list)
    #: E0 files present but ignored because a later layout exists (as later hosts did).
    ignored_legacy_files: int = 0
    #: Lenient reading only: the damage that stopped it (``records`` is what could be read).
    stopped: StoreError | None = None
    #: Partial records at the end of OLDER log files ``(file, bytes)``: a host that crashed
    #: mid-append and restarted in a later minute left them; it dropped them like any torn tail.
    older_torn_tails: list[tuple[str, int]] = field(default_factory=list)

    @property
    def head_hash(self) -> str | None:
        return self.records.hash(len(self.records) - 1) if len(self.records) else None

    def with_files(self, files: FileSource) -> CompositionLog:
        """This log over ``files``: the same store's files opened again (another process)."""
        return replace(self, records=self.records.with_files(files))


def log_file_stamps(files: FileSource) -> tuple[tuple[Segments, Stamp | None], ...]:
    """Every file a composition log is read from, with its size and modification time: the
    log directories and the head-hash file. (The chain's records are components, named by
    their hash.) While these are the same, a log read before stands for the files."""
    listed = sorted(files.list_files(LEGACY_LOG_DIR))
    if files.exists(HEAD_HASH_FILE):
        listed.append(HEAD_HASH_FILE)
    return tuple((segs, file_stamp(files, segs)) for segs in listed)


def split_log_file(data: bytes) -> tuple[list[bytes], bytes]:
    """Split a literal log file into records: each LF ends one; bytes after the last are dropped."""
    parts = data.split(b"\n")
    return parts[:-1], parts[-1]


class Stop:
    """Where damage goes: strict reading raises it, lenient reading keeps the first and stops."""

    def __init__(self, lenient: bool = False):
        self.lenient = lenient
        self.error: StoreError | None = None

    def __call__(self, error: StoreError) -> None:
        if not self.lenient:
            raise error
        if self.error is None:
            self.error = error


def _make_record(
    raw: bytes, h: str, location: RecordLocation, layout: str, index: int = -1, previous_hash: str | None = None
) -> Record:
    parsed = parse_record(raw, location=location, record_hash=h, previous_hash=previous_hash)
    return Record(index, h, raw, parsed, location, layout)


def read_literal_log(
    files: FileSource, stop: Stop | None = None, older_tails: list[tuple[str, int]] | None = None
) -> tuple[LiteralScan, bytes, str | None]:
    """Index the E5+ literal log files in append order; also the newest file's torn tail.

    Bytes after the last line feed of any file are dropped, as the host did (§3.4); those of
    older files are listed in ``older_tails``. With a lenient ``stop``, damage ends the reading
    and the records before it are kept.
    """
    scan = LiteralScan()
    tail, tail_file = b"", None
    try:
        paths = sorted(files.list_files(LITERAL_LOG_DIR))
        tail, tail_file = scan_literal_log(files, paths, older_tails if older_tails is not None else [], scan)
    except StoreError as e:
        (stop or Stop())(e)
    return scan, tail, tail_file


def read_head_hash(files: FileSource) -> str | None:
    """The head of the E1-E4 chain, or None when there is no head-hash file."""
    data = files.read(HEAD_HASH_FILE)
    if data is None:
        return None
    if len(data) != 32:
        why = "longer than 1000 bytes" if len(data) > MAX_HEAD_FILE_BYTES else f"{len(data)} bytes long"
        raise CorruptRecord(
            f"composition-log-head-hash must hold the 32 raw bytes of a SHA-256 hash, but it is {why}",
            path=join(HEAD_HASH_FILE),
        )
    return data.hex()


class _ChainReader:
    def __init__(self, components: ComponentReader):
        self.components = components

    def load(self, h: str, *, referenced_by: str | None) -> Record:
        try:
            raw, path = self.components.load_blob(h)
        except MissingComponent:
            raise MissingComponent(
                f"Failed to load composition record component {h}",
                component_hash=h,
                record_hash=referenced_by,
            ) from None
        return _make_record(raw, h, RecordLocation(path), LAYOUT_CHAIN)


def read_chain(
    files: FileSource, components: ComponentReader, head: str, stop: Stop | None = None
) -> tuple[list[Record], bool, list[str]]:
    """Records of the head-hash chain in append order.

    Follows the restore path (parents, and revert targets like the host), and for each revert
    also walks its parents down to the target to list the reverted records.
    Returns (records, truncated, reverts whose reverted records are missing). With a lenient
    ``stop``, damage ends the walk: the newer records read so far are returned, as truncated.
    """
    reader = _ChainReader(components)
    newest_first: list[Record] = []
    seen: set[str] = set()
    missing_reverted: list[str] = []
    truncated = False
    h: str | None = head
    child: str | None = None
    try:
        while h is not None:
            if h in seen:
                raise BrokenParentChain(f"The parent chain loops back to record {h}", record_hash=child)
            try:
                rec = reader.load(h, referenced_by=child)
            except MissingComponent:
                if newest_first and _reduction_exists(files, newest_first[-1].hash):
                    truncated = True  # truncate-process-history deleted what restore does not need
                    break
                raise
            seen.add(h)
            newest_first.append(rec)
            target = rec.revert_target
            if target is None:
                child, h = h, rec.parent_hash
                continue
            p = rec.parent_hash
            while p is not None and p != target:
                if p in seen:
                    raise BrokenParentChain(f"The parent chain loops back to record {p}", record_hash=rec.hash)
                try:
                    reverted = reader.load(p, referenced_by=rec.hash)
                except MissingComponent:
                    missing_reverted.append(rec.hash)
                    break
                seen.add(p)
                newest_first.append(replace(reverted, reverted=True))
                p = reverted.parent_hash
            else:
                if p is None:
                    raise RevertTargetUnknown(
                        f"RevertProcessTo names record {target}, which is not earlier in the history", record_hash=rec.hash
                    )
            child, h = rec.hash, target
    except StoreError as e:
        (stop or Stop())(e)
        truncated = True  # lenient: the older part could not be read
    newest_first.reverse()
    return newest_first, truncated, missing_reverted


def _reduction_exists(files: FileSource, record_hash: str) -> bool:
    return files.exists(("provisional-reduction", record_hash))


def read_e0_log(files: FileSource) -> list[Record]:
    """Records of the 2020-04-30 JSON-lines layout (E0): hash = H(recordBytes) (§3.3)."""
    paths = sorted(
        (s for s in files.list_files(LEGACY_LOG_DIR) if s[:2] != LITERAL_LOG_DIR and s[-1].endswith(".composition.jsonl")),
        key=lambda s: "".join(s),
    )
    records: list[Record] = []
    for segs in paths:
        data = files.read(segs) or b""
        p = join(segs)
        # The host split on CR and LF and dropped empty entries; count lines as an editor would (CRLF is one).
        for line_no, line in enumerate(data.splitlines(), start=1):
            if not line:
                continue
            if len(line) > linescan.MAX_RECORD_BYTES:  # (a legacy layout: refused before it is parsed)
                raise CorruptRecord(str(linescan.LineTooLong(line_no, len(line))), path=p, line=line_no)
            h = hashlib.sha256(line).hexdigest()
            records.append(_make_record(line, h, RecordLocation(p, line_no), LAYOUT_E0))
    return records


def mark_literal_reverts(table: RecordTable, first_literal: int) -> None:
    """Apply the §3.4 skip rule (newest to oldest) to the literal-log records; the legacy chain
    part keeps its own marks (a pending revert is not carried into it, as in the host).

    Walking down from the newest record, a revert hides every record down to its target; the
    target's own revert (if any) applies next. Only revert records need looking at.
    """
    reverts = sorted(i for i in table.revert_targets if i >= first_literal)
    k = len(reverts) - 1
    while k >= 0:
        r = reverts[k]
        target = table.index_of_hash.get(table.revert_targets[r])
        if target is None or target >= r or target < first_literal:
            target = first_literal - 1  # no such record below: everything down to the chain is skipped
        table.reverted[target + 1 : r] = b"\x01" * (r - target - 1)
        k = bisect.bisect_right(reverts, target) - 1


def _at_index(rec: Record, index: int) -> Record:
    """``replace(rec, index=index)`` without dataclasses.replace's per-field introspection
    (2.5x faster; it ran once per record)."""
    return Record(index, rec.hash, rec.raw, rec.parsed, rec.location, rec.layout, rec.reverted)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many long-lived objects: the
    collections their allocations trigger would rescan every object built so far (a third of
    the time of reading a big log) and free nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _without_gc(read: Callable[P, T]) -> Callable[P, T]:
    """Run a bulk reader inside :func:`paused_gc`."""

    @functools.wraps(read)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        with paused_gc():
            return read(*args, **kwargs)

    return paused


@_without_gc
def read_composition_log(files: FileSource, components: ComponentReader, *, lenient: bool = False) -> CompositionLog:
    """Read every record of a store in append order and check the parent chain and reverts.

    ``lenient=True``: instead of raising at the first damage, keep the records that can be
    read before it (for the head-hash chain: the newer records above it) and record the error
    in ``CompositionLog.stopped``.
    """
    stop = Stop(lenient)
    older_tails: list[tuple[str, int]] = []
    scan, tail, tail_file = read_literal_log(files, stop, older_tails)
    head: str | None = None
    try:
        head = read_head_hash(files)
    except StoreError as e:
        stop(e)
    layouts: list[str] = []
    chain: list[Record] = []
    truncated = False
    missing_reverted: list[str] = []
    ignored = 0
    if head is not None:
        chain, truncated, missing_reverted = read_chain(files, components, head, stop)
        layouts.append(LAYOUT_CHAIN)
    if scan.count:
        layouts.append(LAYOUT_LITERAL)
    e0: list[Record] = []
    if head is None and not scan.count and stop.error is None:
        e0 = read_e0_log(files)
        if e0:
            layouts.append(LAYOUT_E0)
    else:
        try:
            ignored = sum(1 for s in files.list_files(LEGACY_LOG_DIR) if s[-1].endswith(".composition.jsonl"))
        except StoreError as e:  # the same damage the literal log reader met (lenient only)
            stop(e)
    kept = [r if r.index == i else _at_index(r, i) for i, r in enumerate(e0 + chain)]
    table = RecordTable(files, kept, scan)
    if len(table) and table.parent_hash(0) is not None and table.layout(0) != LAYOUT_E0:
        truncated = True
    if truncated:
        # truncate-process-history deletes what restore does not need, reverted records and revert targets included
        missing_reverted += [table.hash(i) for i, t in sorted(table.revert_targets.items()) if t not in table.index_of_hash]
    for check in (_first_broken_parent, _first_unknown_revert_target):
        bad = check(table, first_checked=len(kept), allow_missing=truncated)
        if bad is not None:
            stop(bad[1])
            table.cut(bad[0])
    mark_literal_reverts(table, len(kept))
    if not len(table) and stop.error is None:
        _check_not_missing(files, stop)
    return CompositionLog(table, layouts, tail, tail_file, truncated, missing_reverted, ignored, stop.error, older_tails)


def _check_not_missing(files: FileSource, stop: Stop) -> None:
    """Reductions are written only after a record (section 4): with no record, the log is lost."""
    reductions = [s for s in files.list_files(("provisional-reduction",)) if len(s) == 2]
    if reductions:
        stop(
            CorruptRecord(
                f"The store has {len(reductions)} provisional reductions but no composition record: its "
                "composition log (composition-log-head-hash or composition-log/literal/) is missing or misnamed"
            )
        )


def _first_broken_parent(table: RecordTable, *, first_checked: int, allow_missing: bool = False) -> tuple[int, StoreError] | None:
    """Each literal-log record's parent must be the record appended before it. (Reading a
    literal file already compared each parent with the line before; a record whose parent
    differs is kept whole, so only kept records need a look.)"""
    for i in table.kept_literal_indices():
        if i < max(first_checked, 1):
            continue
        parent, previous = table.parent_hash(i), table.hash(i - 1)
        if parent != previous:
            return i, table.error_at(BrokenParentChain, i, f"parentHashBase16 is {parent}, but the record before it is {previous}")
    return None


def _first_unknown_revert_target(
    table: RecordTable, *, first_checked: int = 0, allow_missing: bool = False
) -> tuple[int, StoreError] | None:
    """A revert must name an earlier record; in a truncated history it may name a deleted one
    (but never a later one)."""
    for i, target in sorted(table.revert_targets.items()):
        at = table.index_of_hash.get(target)  # (built only when there is a revert)
        if (at is None and not allow_missing) or (at is not None and at >= i):
            message = f"RevertProcessTo names record {target}, which is not earlier in the history"
            return i, table.error_at(RevertTargetUnknown, i, message)
    return None


def parse_only(raw: bytes) -> ParsedRecord:
    """Parse record bytes outside a store (tests, tools)."""
    return parse_record(raw, location=RecordLocation("<bytes>"), record_hash=blob_hash(raw))

