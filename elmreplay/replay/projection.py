"""Projected stores: a store as it would look with one more record appended, held in memory (§5.3).

The host tested every deployment, set-state and revert this way before committing it: append
the record to an in-memory projection (writes land in a dictionary, reads fall back to the real
files), run the restore path on it, and accept the event only if that succeeds. Nothing here can
write to the real store.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Mapping

from ..errors import AppError, ElmCompileError, RestoreError, StoreError
from ..runtime.engine import DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT_S
from ..runtime.sources import RuntimeResolver
from ..errors import UnsupportedStoreFeature
from ..store.componentstore import ComponentReader
from ..store.files import OverlayFiles, Segments
from ..store.indexing import resolve_index
from ..store.log import HEAD_HASH_FILE, LITERAL_LOG_DIR, CompositionLog, read_composition_log
from ..store.recordtable import LAYOUT_CHAIN, LAYOUT_E0, LAYOUT_LITERAL
from ..store.reductions import reduction_path
from ..store.records import RecordKind
from ..store.store import Store
from ..store.trees import TreeEncoding
from ..store.writer import AppendResult, StoreWriter, WriterEra, literal_log_file
from .host import Result
from .restore import Restored, restore

OK_2020 = "Successfully deployed this configuration and started the web server."
OK_2021 = "Successfully applied this composition event to the process."


@dataclass
class Projection:
    """A store with appended records, in memory."""

    base: Store
    overlay: OverlayFiles
    writer: StoreWriter
    #: The record the projection continues from (None: the store has no records).
    cut_index: int | None = None

    @classmethod
    def of(
        cls,
        store: Store,
        *,
        era: WriterEra | None = None,
        tree_encoding: TreeEncoding | None = None,
        after_index: int | None = None,
    ) -> Projection:
        """Project onto ``store`` as it stood right after record ``after_index`` (default: the
        newest record; negative counts from the end, see :func:`resolve_index`); the writer
        imitates the store's era unless told otherwise."""
        overlay = OverlayFiles(store.files)
        n = len(store.records)
        cut: int | None = None
        log = store.log
        if n:
            cut = resolve_index(after_index if after_index is not None else -1, n)
            log, new_file = cut_after(store, overlay, cut)
        elif after_index is not None:
            resolve_index(after_index, 0)  # raises: there is no record to project after
        writer = StoreWriter.continuing(overlay, log, era=era)
        if n and writer.era.uses_literal_log and new_file is not None:
            writer.current_log_file = new_file
        encoding = tree_encoding or store_tree_encoding(store)
        if encoding is not None:
            writer.tree_encoding = encoding  # hash new app configs the way this store's host did
        return cls(store, overlay, writer, cut)

    def store(self) -> Store:
        """The projected store, read through the overlay."""
        return Store(self.overlay, name=f"{self.base.name} (projected)")


def cut_after(store: Store, overlay: OverlayFiles, index: int) -> tuple[CompositionLog, Segments | None]:
    """Make ``overlay`` show the store as it stood right after record ``index`` (§5.1 on it then).

    Nothing after the record exists: literal log files that sort after its file are hidden, its
    own file ends with its line (later lines and a torn tail dropped), a chain record becomes
    the head again, and every reduction that does not name one of records ``0 .. index`` is
    hidden. Reductions go by position, not by hash: a projected record that happens to have the
    bytes (and so the hash) of a later real record must not start from that record's reduction.

    Returns the cut log and, when the record's line was followed by a torn append (the host
    crashed mid-append and restarted later, in a new minute), the log file that sorts right
    after the record's file, where the host's next append went.
    """
    rec = store.records[index]
    if rec.layout == LAYOUT_E0 and index != len(store.records) - 1:
        raise UnsupportedStoreFeature("Projecting a 2020-04 JSON-lines store at an earlier record is not supported")
    index_of = store.index_of_hash
    for h in store.reduction_hashes:
        i = index_of.get(h)
        if i is None or i > index:
            overlay.hide(reduction_path(h))
    new_file: Segments | None = None
    if rec.layout == LAYOUT_E0:
        return store.log, None
    own: Segments | None = tuple(rec.location.path.split("/")) if rec.layout == LAYOUT_LITERAL else None
    for segs in store.files.list_files(LITERAL_LOG_DIR):
        if own is None or segs > own:
            overlay.hide(segs)
    if own is not None:
        data = store.files.read(own) or b""
        lines = data.split(b"\n")
        kept, rest = lines[: rec.location.line], lines[rec.location.line :]
        if rest != [b""]:
            overlay.write(own, b"".join(line + b"\n" for line in kept))
            if len(rest) == 1:  # only a partial line followed: a torn append
                new_file = next_log_file(own)
    if rec.layout == LAYOUT_CHAIN:
        overlay.write(HEAD_HASH_FILE, bytes.fromhex(rec.hash))
    if index == len(store.records) - 1:
        return store.log, new_file  # at the head only bytes that are no records went away
    return read_composition_log(overlay, ComponentReader(overlay)), new_file


def next_log_file(path: Segments) -> Segments:
    """A literal log file name that sorts right after ``path``: the next minute of the host's
    clock for the host's ``<yyyy-MM-dd>/<yyyy-MM-ddTHH-mm>`` names (else the name plus ``-``)."""
    try:
        minute = datetime.strptime(path[-1], "%Y-%m-%dT%H-%M").replace(tzinfo=timezone.utc)
    except ValueError:
        return (*path[:-1], path[-1] + "-")
    following = literal_log_file(int((minute + timedelta(minutes=1)).timestamp() * 1000))
    return following if following > path else (*path[:-1], path[-1] + "-")


def store_tree_encoding(store: Store) -> TreeEncoding | None:
    """The tree-name encoding of the newest deployed app config, if any."""
    table = store.records
    for i in reversed(table.indices_not_of_kind(RecordKind.UPDATE)):
        ev = table[i].parsed.event
        if ev.kind in (RecordKind.DEPLOY_INIT, RecordKind.DEPLOY_MIGRATE) and ev.value and ev.value.hash_base16:
            try:
                return store.app_config(ev.value.hash_base16).name_encoding
            except StoreError:
                return None
    return None


#: The host's prefix for a rejected migrate-deploy or set-state (§5.3; the 2020 code and the
#: 2021 code before the migration moved into the backend root module, both ``lastSetElmAppStateResult``).
REJECTED_SET_STATE = "Failed to migrate Elm app state for this deployment: "
#: 2021's ``TestContinueWithCompositionEvent``: any exception fails the test with this prefix.
FAILED_WITH_EXCEPTION = "Failed with exception: "


@dataclass
class TestOutcome:
    """The host's verdict on appending a composition event."""

    accepted: bool
    message: str
    record_hash: str
    parent_hash: str | None
    restored: Restored | None
    seconds: float
    projected: Store | None
    #: Which host generation answered: "2020" (head-hash chain writers) or "2021" (literal log files).
    generation: str = "2021"
    #: 2020 did not catch exceptions of the test restore (a compile error, an app crash): the
    #: admin request ended in HTTP 500 with the exception, not in a 400 report.
    uncaught: bool = False

    @property
    def http_status(self) -> int:
        return 200 if self.accepted else 500 if self.uncaught else 400


def test_continue_with(
    projection: Projection,
    kind: RecordKind,
    append: Callable[[StoreWriter], AppendResult],
    resolver: RuntimeResolver,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_memory: int = DEFAULT_MAX_MEMORY,
) -> TestOutcome:
    """Append via ``append`` to the projection and run restore on it, as the host's
    ``TestContinueWithCompositionEvent`` did. The restored process is kept when accepted.

    Texts per generation (§5.3): a migrate-deploy or set-state whose result is not Ok is
    rejected with ``Failed to migrate Elm app state for this deployment: <err>`` (both); an
    exception during the restore is ``Failed with exception: <exception>`` in 2021, and was not
    caught in 2020 (HTTP 500 with the exception's text).
    """
    started = time.perf_counter()
    parent = projection.writer.parent_hash
    result = append(projection.writer)
    generation = "2021" if projection.writer.era.uses_literal_log else "2020"
    restored: Restored | None = None
    projected: Store | None = None

    def outcome(accepted: bool, message: str, *, uncaught: bool = False) -> TestOutcome:
        return TestOutcome(
            accepted, message, result.record_hash, parent, restored if accepted else None,
            time.perf_counter() - started, projected, generation, uncaught,
        )  # fmt: skip

    try:
        projected = projection.store()
        restored = restore(projected, resolver, timeout_s=timeout_s, max_memory=max_memory)
    except (RestoreError, AppError, ElmCompileError, StoreError) as e:
        if generation == "2020":
            return outcome(False, str(e), uncaught=True)
        return outcome(False, FAILED_WITH_EXCEPTION + str(e))
    last: Result | None = restored.host.last_set_state_result
    if kind in (RecordKind.DEPLOY_MIGRATE, RecordKind.SET_STATE) and (last is None or not last.is_ok):
        restored.close()
        restored = None
        return outcome(False, REJECTED_SET_STATE + (last.err or "" if last is not None else ""))
    return outcome(True, OK_2021 if generation == "2021" else OK_2020)


def deploy_appender(files: Mapping[str, bytes], *, migrate: bool, time_ms: int) -> Callable[[StoreWriter], AppendResult]:
    return lambda w: w.append_deploy(files, migrate=migrate, time_ms=time_ms)[0]
