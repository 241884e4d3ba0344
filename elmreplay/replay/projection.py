"""Projected stores: a store as it would look with one more record appended, held in memory (§5.3).

The host tested every deployment, set-state and revert this way before committing it: append
the record to an in-memory projection (writes land in a dictionary, reads fall back to the real
files), run the restore path on it, and accept the event only if that succeeds. Nothing here can
write to the real store.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Mapping

from ..errors import AppError, ElmCompileError, RestoreError, StoreError
from ..runtime.engine import DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT_S
from ..runtime.sources import RuntimeResolver
from ..errors import UnsupportedStoreFeature
from ..store.componentstore import ComponentReader
from ..store.files import OverlayFiles
from ..store.log import HEAD_HASH_FILE, LAYOUT_CHAIN, LAYOUT_E0, CompositionLog, read_composition_log
from ..store.records import RecordKind
from ..store.store import Store
from ..store.trees import TreeEncoding
from ..store.writer import AppendResult, StoreWriter, WriterEra
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

    @classmethod
    def of(
        cls,
        store: Store,
        *,
        era: WriterEra | None = None,
        tree_encoding: TreeEncoding | None = None,
        after_index: int | None = None,
    ) -> Projection:
        """Project onto ``store`` (or onto the store as it was right after record ``after_index``);
        the writer imitates the store's era unless told otherwise."""
        overlay = OverlayFiles(store.files)
        log = store.log
        if after_index is not None and after_index != len(store.records) - 1:
            log = cut_after(store, overlay, after_index)
        writer = StoreWriter.continuing(overlay, log, era=era)
        encoding = tree_encoding or store_tree_encoding(store)
        if encoding is not None:
            writer.tree_encoding = encoding  # hash new app configs the way this store's host did
        return cls(store, overlay, writer)

    def store(self) -> Store:
        """The projected store, read through the overlay."""
        return Store(self.overlay, name=f"{self.base.name} (projected)")


def cut_after(store: Store, overlay: OverlayFiles, index: int) -> CompositionLog:
    """Make ``overlay`` show the log as it was right after record ``index`` (later records hidden).

    Literal log files after the record's line are cut or hidden; a record in the head-hash chain
    becomes the head again. Reductions of hidden records stay on disk but name no record, so the
    restore path ignores them, as it would have then.
    """
    if not 0 <= index < len(store.records):
        raise IndexError(f"record index {index} out of range: the store has {len(store.records)} records")
    rec = store.records[index]
    if rec.layout == LAYOUT_E0:
        raise UnsupportedStoreFeature("Projecting a 2020-04 JSON-lines store at an earlier record is not supported")
    files_to_cut = dict(store.records.literal_files_from(index + 1))
    for path, first_dropped_line in files_to_cut.items():
        segs = tuple(path.split("/"))
        if first_dropped_line == 1:
            overlay.hide(segs)
        else:
            data = overlay.read(segs) or b""
            overlay.write(segs, b"".join(line + b"\n" for line in data.split(b"\n")[: first_dropped_line - 1]))
    if store.log.torn_tail_file is not None and store.log.torn_tail_file not in files_to_cut:
        segs = tuple(store.log.torn_tail_file.split("/"))
        data = overlay.read(segs) or b""
        overlay.write(segs, data[: len(data) - len(store.log.torn_tail)])
    if rec.layout == LAYOUT_CHAIN:
        overlay.write(HEAD_HASH_FILE, bytes.fromhex(rec.hash))
    return read_composition_log(overlay, ComponentReader(overlay))


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
    ``TestContinueWithCompositionEvent`` did. The restored process is kept when accepted."""
    started = time.perf_counter()
    parent = projection.writer.parent_hash
    result = append(projection.writer)
    generation_2021 = projection.writer.era.uses_literal_log
    restored: Restored | None = None
    projected: Store | None = None
    try:
        projected = projection.store()
        restored = restore(projected, resolver, timeout_s=timeout_s, max_memory=max_memory)
    except (RestoreError, AppError, ElmCompileError, StoreError) as e:
        return TestOutcome(False, f"Failed with exception: {e}", result.record_hash, parent, None, time.perf_counter() - started, projected)
    outcome: Result | None = restored.host.last_set_state_result
    if kind in (RecordKind.DEPLOY_MIGRATE, RecordKind.SET_STATE) and (outcome is None or not outcome.is_ok):
        restored.close()
        err = outcome.err if outcome is not None else "no result"
        prefix = "Failed to migrate Elm app state for this deployment: " if kind is RecordKind.DEPLOY_MIGRATE else ""
        return TestOutcome(False, prefix + str(err), result.record_hash, parent, None, time.perf_counter() - started, projected)
    return TestOutcome(
        True, OK_2021 if generation_2021 else OK_2020, result.record_hash, parent, restored, time.perf_counter() - started, projected
    )


def deploy_appender(files: Mapping[str, bytes], *, migrate: bool, time_ms: int) -> Callable[[StoreWriter], AppendResult]:
    return lambda w: w.append_deploy(files, migrate=migrate, time_ms=time_ms)[0]
