"""A process store opened read-only, with pandas views of its history (the store layer's front door)."""

from __future__ import annotations

import binascii
import html
import os
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Sequence

import numpy as np
import pandas as pd

try:  # (an optional dependency: without it pandas builds the string columns itself)
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:  # pragma: no cover
    pa = pc = None

from ..errors import CorruptComponent, CorruptRecord, CorruptReduction, CorruptTree, MissingComponent, StoreError, StoreNotFound
from ..outputs import protect
from .appconfig import AppConfig
from .componentstore import DEFLATED_DIRS, LITERAL_DIRS, PINE_VALUE_DIRS, ComponentReader
from .files import DirectoryFiles, FileSource, Segments, join
from .linescan import Stamp
from .log import LAYOUT_CHAIN, LAYOUT_E0, LAYOUT_LITERAL, CompositionLog, log_file_stamps, paused_gc, read_composition_log
from .records import DEPLOY_KINDS, Record, RecordKind, ValueRef
from . import hashprefix, linescan, workers
from .interfaces import InterfaceFinding, app_interface, is_pine_era
from .recordtable import KIND_ORDER, HashIndex, RecordTable, inline_event_columns
from .pine_values import pine_value_json
from .reductions import Reduction, UsableReduction, is_pine_state, list_reduction_hashes, load_usable, read_reduction
from .trees import flatten_tree, name_encoding_of

#: Top-level names that mark a directory as a process store.
STORE_MARKERS = (
    "composition-log",
    "composition-log-head-hash",
    "provisional-reduction",
    *LITERAL_DIRS,
    *DEFLATED_DIRS,
    "value",
)

HTTP_EVENT_TYPES = linescan.HTTP_EVENT_TYPES
#: This process's share of a shared events table, relative to a worker's: it also builds the
#: columns that need no event meanwhile (measured best on a 1M-record log, 2 cores).
EVENTS_OWN_WEIGHT = 0.9


@dataclass(frozen=True)
class EventInfo:
    """What the events table shows of one app event's JSON."""

    event_type: str | None
    posix_time_milli: int | None
    http_method: str | None
    http_uri: str | None
    http_request_id: str | None
    #: A field present with the wrong type (named), shown as None above rather than defaulted.
    problem: str | None = None


def describe_event_json(text: str | bytes) -> EventInfo:
    """Pick type, time and HTTP request line out of an app event's JSON (any interface era)."""
    return EventInfo(*linescan.event_fields(text))


class _RunDamage(Exception):
    """Damage met in a run of plain app events, with the index of the run's first record."""

    def __init__(self, error: StoreError, first_record: int):
        super().__init__(str(error))
        self.error, self.first_record = error, first_record


def _event_reply_values(reply: tuple[dict[str, Any], memoryview], group: list[tuple[int, int, int, int]]) -> tuple[list[bool], list[list[Any]]] | None:
    """A worker's events reply as (done per run, the columns' values), if it answers for each
    run of ``group`` and brings a value of each column for each row of the runs it did."""
    try:
        done = reply[0]["ok"]
        values = [linescan.decode_column(c) for c in reply[0]["columns"]]
    except (KeyError, TypeError, IndexError):
        return None
    if not isinstance(done, list) or len(done) != len(group) or len(values) != len(linescan.EVENT_COLUMNS):
        return None
    rows = sum(count for (*_, count), ok in zip(group, done) if ok)
    return (done, values) if all(len(v) == rows for v in values) else None


class Store:
    """A process store, opened read-only.

    Opening reads the composition log (all records, raw bytes and hashes) and lists the
    reductions; components (events of older eras, states, app configs) load on demand.
    Nothing is ever written to the store's directory.

    Parameters
    ----------
    files
        The store's files (a directory on disk, or an in-memory projection over one).
    name
        How to refer to the store in messages and reprs.
    lenient
        Read a damaged log up to the damage instead of raising (see :attr:`stopped`).
    """

    def __init__(self, files: FileSource, *, name: str = "store", lenient: bool = False, log: CompositionLog | None = None):
        if isinstance(files, DirectoryFiles):
            protect(files.root)  # from now on no output of this process may land in it
        self.files = files
        self.name = name
        self.lenient = lenient
        self.components = ComponentReader(files)
        # (``log``: these files' log, read before by another process; see :func:`reopen_store`)
        self.log: CompositionLog = (
            read_composition_log(files, self.components, lenient=lenient) if log is None else log.with_files(files)
        )
        self._reduction_hashes = list_reduction_hashes(files)
        self._app_configs: dict[str, AppConfig] = {}
        self._interfaces: dict[str, InterfaceFinding] = {}

    # --- records --------------------------------------------------------------------------

    @property
    def stopped(self) -> StoreError | None:
        """Lenient stores only: the damage that stopped reading the log (None: read completely)."""
        return self.log.stopped

    @property
    def records(self) -> RecordTable:
        """Every record in append order (including reverted ones): a ``Sequence[Record]`` that
        builds each record on demand, with column accessors for whole-history work."""
        return self.log.records

    def __len__(self) -> int:
        return len(self.log.records)

    def record(self, index: int) -> Record:
        """The record at 0-based append-order ``index`` (negative counts from the end)."""
        try:
            return self.log.records[index]
        except IndexError:
            raise IndexError(f"record index {index} out of range: the store has {len(self)} records") from None

    @property
    def index_of_hash(self) -> HashIndex:
        """Record hash -> append-order index (a read-only mapping)."""
        return self.log.records.index_of_hash

    @property
    def head_hash(self) -> str | None:
        """Hash of the newest record (the parent of the next append)."""
        return self.log.head_hash

    def value_bytes(self, ref: ValueRef, *, record: Record | None = None) -> bytes:
        """The bytes a ``ValueInFileStructure`` stands for (an inline string, or a blob component)."""
        if ref.literal_utf8 is not None:
            return ref.literal_utf8.encode("utf-8")
        assert ref.hash_base16 is not None
        try:
            data, _ = self.components.load_blob(ref.hash_base16)
        except StoreError as e:
            if record is not None and e.record_hash is None:
                e.record_hash = record.hash
                e.args = (f"{e.args[0]} (referenced by record {record.hash} at {record.location})",)
            raise
        return data

    def event_json(self, index: int) -> str:
        """The app event JSON of an ``UpdateElmAppStateForEvent`` record, as the app received it."""
        rec = self.record(index)
        ev = rec.parsed.event
        if ev.kind is not RecordKind.UPDATE or ev.value is None:
            raise ValueError(f"record {index} ({rec.hash}) is a {ev.kind.value}, not an app event")
        return self.value_bytes(ev.value, record=rec).decode("utf-8", errors="replace")

    def app_events(self, rec: Record) -> list[str]:
        """All app-event JSON strings of a record (E0/E1 records may carry several)."""
        return [
            self.value_bytes(e.value, record=rec).decode("utf-8", errors="replace")
            for e in rec.parsed.events
            if e.kind is RecordKind.UPDATE and e.value is not None
        ]

    def set_state_json(self, index: int) -> bytes:
        """The state JSON of a ``SetElmAppState`` record (a 2025 Pine value shown as
        :func:`~elmreplay.store.pine_values.pine_value_json`)."""
        rec = self.record(index)
        ev = rec.parsed.event
        if ev.kind is not RecordKind.SET_STATE or ev.value is None:
            raise ValueError(f"record {index} ({rec.hash}) is a {ev.kind.value}, not a set-state")
        try:
            data = self.value_bytes(ev.value, record=rec)
        except (CorruptComponent, MissingComponent) as e:
            # Not a blob: a list state, which only the 2025 Pine host stored (in value/ files
            # from 2025-04-04, which the blob reader does not look into).
            if ev.value.hash_base16 is None or (isinstance(e, MissingComponent) and not self.holds_pine_states):
                raise
            return pine_value_json(self.components.load(ev.value.hash_base16)).encode()
        return pine_value_json(data).encode() if is_pine_state(data, self.holds_pine_states) else data

    # --- app configs ----------------------------------------------------------------------

    def record_hash(self, hash_or_prefix: str) -> str:
        """The full hash of the one record whose hash starts with ``hash_or_prefix`` (a unique
        prefix of at least 4 hex digits, as ``summary`` prints them); else :class:`AmbiguousHash`."""
        h = hashprefix.normalize(hash_or_prefix, what="record hash")
        index = self.index_of_hash
        found = [h] if len(h) == hashprefix.FULL and h in index else sorted({self.records.hash(i) for i in index.with_prefix(h)})
        return hashprefix.one(hash_or_prefix, found, what="record hash")

    def index_of(self, hash_or_prefix: str) -> int:
        """The append-order index of the record with this hash or unique hash prefix."""
        return self.index_of_hash[self.record_hash(hash_or_prefix)]

    def app_config_hashes(self) -> list[str]:
        """The app configs this store's deployments and reductions name (what prefixes resolve among)."""
        found = {str(h).lower() for h in self.deployments()["app_config_hash"] if isinstance(h, str)}
        for h in self._reduction_hashes:
            try:
                red = self.reduction(h)
            except StoreError:
                continue  # an unreadable reduction names nothing
            if red is not None and red.app_config is not None and red.app_config.hash_base16:
                found.add(red.app_config.hash_base16.lower())
        return sorted(found)

    def app_config(self, config_hash: str) -> AppConfig:
        """The app config tree with this component hash (or a unique prefix of a deployed or
        reduced one, as ``summary`` prints it), as ``{path: bytes}``."""
        config_hash = config_hash.strip().lower()
        if len(config_hash) != hashprefix.FULL:
            config_hash = hashprefix.resolve(config_hash, self.app_config_hashes(), what="app config hash")
        if config_hash not in self._app_configs:
            tree = self.components.load(config_hash)
            try:
                files = flatten_tree(tree, component_hash=config_hash)
            except CorruptTree as e:
                raise CorruptTree(f"Failed to load component {config_hash} as tree: {e}") from None
            self._app_configs[config_hash] = AppConfig(config_hash, files, name_encoding_of(tree))
        return self._app_configs[config_hash]

    def app_interface(self, config_hash: str) -> InterfaceFinding:
        """The host interface of an app config (:func:`~.interfaces.app_interface`), found once
        per config: every replay session asks, and the search reads the app's main module."""
        config = self.app_config(config_hash)
        if config.hash not in self._interfaces:
            self._interfaces[config.hash] = app_interface(config.files)
        return self._interfaces[config.hash]

    # --- reductions -----------------------------------------------------------------------

    @property
    def reduction_hashes(self) -> list[str]:
        """Record hashes that have a provisional-reduction file."""
        return self._reduction_hashes

    def reduction(self, record_hash: str) -> Reduction | None:
        """The reduction file after a record (its hash, or a unique prefix among the reductions)."""
        if len(record_hash) != hashprefix.FULL:
            record_hash = hashprefix.resolve(record_hash, self._reduction_hashes, what="reduction's record hash")
        return read_reduction(self.files, record_hash)

    def usable_reduction(self, record_hash: str) -> UsableReduction | None:
        """The reduction of a record if the host would use it (§4), else None."""
        red = self.reduction(record_hash)
        return load_usable(self.components, red, pine_states=self.holds_pine_states) if red is not None else None

    @cached_property
    def holds_pine_states(self) -> bool:
        """Whether this is a 2025-04+ Pine-era store, whose states are Pine values (§12)."""
        table = self.log.records
        kinds = [KIND_ORDER[code] for code in range(len(KIND_ORDER)) if code in table.kinds]
        return is_pine_era(self.component_dirs, kinds)

    # --- eras -----------------------------------------------------------------------------

    @cached_property
    def component_dirs(self) -> list[str]:
        candidates = [*LITERAL_DIRS, *DEFLATED_DIRS, *("/".join(d) for d in PINE_VALUE_DIRS)]
        return [d for d in candidates if self.files.list_files(tuple(d.split("/")))]

    @property
    def era(self) -> str:
        """Which writer era(s) the store's layout shows (store-format §0)."""
        layouts = self.log.layouts
        if LAYOUT_E0 in layouts:
            return "E0 (2020-04-30 .. 2020-05-04, JSON-lines log)"
        dirs = self.component_dirs
        if any(d.startswith("value/") for d in dirs):
            return "2025-04+ (Pine value directories)"
        if LAYOUT_LITERAL in layouts:
            return "E5+ (2021-07-14+, literal log files" + (" over an E1-E4 head-hash chain)" if LAYOUT_CHAIN in layouts else ")")
        if LAYOUT_CHAIN in layouts:
            if len(self.log.records) and self.log.records[-1].parsed.shape == "events":
                return "E1 (2020-05-05, head-hash chain, 'events' records)"
            if "literal-element" in dirs or "deflated-literal-element" in dirs:
                return "E4 (2021-02-14 .. 2021-07-13, head-hash chain)"
            if "deflated-component" in dirs:
                return "E3 (2020-11-08 .. 2021-02-13, head-hash chain)"
            return "E2-E3 (2020-05-06 .. 2021-02-13, head-hash chain)"
        return "empty"

    # --- pandas views ---------------------------------------------------------------------

    def _event_info(self, rec: Record) -> tuple[tuple[Any, ...], int | None, str | None]:
        """Event fields, payload size and deployed app config of one record."""
        ev = rec.parsed.events[0]
        kind, value = ev.kind, ev.value
        if kind is RecordKind.UPDATE and value is not None:
            payload = value.literal_utf8.encode("utf-8") if value.literal_utf8 is not None else self.value_bytes(value, record=rec)
            return linescan.event_fields(payload), len(payload), None
        if kind in DEPLOY_KINDS and value is not None:
            return linescan.NO_EVENT_FIELDS, None, value.hash_base16
        if kind is RecordKind.SET_STATE and value is not None and value.literal_utf8 is not None:
            return linescan.NO_EVENT_FIELDS, len(value.literal_utf8.encode()), None
        return linescan.NO_EVENT_FIELDS, None, None

    def _event_columns(self, lenient: bool) -> tuple[dict[str, Any], StoreError | None]:
        """The events table as columns. The plain inline app events of literal log files (nearly
        every record of a big store) are read straight from the files, shared with worker
        processes in a big store; other records are built.
        ``lenient``: damage (an event component, or a log file changed since the store was
        opened) ends the table at the record it is about, and is returned; else it is raised."""
        table = self.log.records
        n = len(table)
        # The columns of linescan.EVENT_COLUMNS, then the app config and event count.
        columns: list[list[Any]] = [[None] * n for _ in linescan.EVENT_COLUMNS]
        configs: list[str | None] = [None] * n
        counts = [1] * n
        damage: StoreError | None = None
        with self._plain_event_work() as work:
            # Columns that need no event, built while the workers do their share.
            record_columns = self._record_columns()
            try:
                for span in work.own:
                    self._fill_span(columns, *span)
                for group, reply in work.replies():
                    self._take_event_reply(columns, group, reply)
            except _RunDamage as e:
                if not lenient:
                    raise e.error from None
                damage, n = e.error, e.first_record
        for i in sorted(table.kept_indices()):
            if i >= n:
                break
            rec = table[i]
            try:
                fields, size, configs[i] = self._event_info(rec)
            except StoreError as e:
                if not lenient:
                    raise
                damage, n = e, i
                break
            for column, value in zip(columns, (*fields, size)):
                column[i] = value
            counts[i] = len(rec.parsed.events)
        for column in (*columns, configs, counts):
            del column[n:]
        event_type, times, methods, uris, request_ids, problems, sizes = columns
        record_columns = {name: values[:n] for name, values in record_columns.items()}
        return {
            "index": np.arange(n, dtype=np.int64),
            **{k: record_columns[k] for k in ("record_hash", "parent_hash", "kind", "reverted", "has_reduction")},
            "app_config_hash": _strings(configs),
            "event_type": _strings(event_type),
            "posix_time_milli": _int64_column(times),
            "http_method": _strings(methods),
            "http_uri": _strings(uris),
            "http_request_id": _strings(request_ids),
            "payload_size": _int64_column(sizes),
            "revert_target": record_columns["revert_target"],
            "event_count": np.array(counts, dtype=np.int64),
            "location": record_columns["location"],
            "problem": _strings(problems),
        }, damage

    def _record_columns(self) -> dict[str, Any]:
        """The events table's columns that come from the record table alone (every record)."""
        table = self.log.records
        n = len(table)
        hashes, parents = _hash_columns(table, n)
        has_reduction = np.zeros(n, dtype=bool)
        found = table.index_of_hash.find_all(self._reduction_hashes)
        has_reduction[found[found >= 0]] = True
        reverts = table.revert_targets
        return {
            "record_hash": hashes,
            "parent_hash": parents,
            "kind": _kind_names(table.kinds),
            "reverted": np.frombuffer(bytes(table.reverted), dtype=np.uint8).astype(bool),
            "has_reduction": has_reduction,
            "revert_target": _strings([reverts.get(i) for i in range(n)] if reverts else [None] * n),
            "location": _location_column(table, n),
        }

    def _plain_event_work(self) -> workers.SharedWork[tuple[int, int, int, int]]:
        """The runs of plain inline app events (:meth:`RecordTable.plain_spans`), shared with
        worker processes when the log is big and on disk."""
        table = self.log.records
        spans = list(table.plain_spans(table.literal_start, len(table) - 1))
        return workers.share(
            self.files,
            table.literal_files,
            spans,
            [count for *_, count in spans],
            lambda group, local: {"task": "events", "runs": [[local.paths[f], line, count, table.host_layout_stamp(f)] for _, f, line, count in group]},
            own_weight=EVENTS_OWN_WEIGHT,
        )  # fmt: skip

    def _take_event_reply(self, columns: list[list[Any]], group: list[tuple[int, int, int, int]], reply: tuple[dict[str, Any], memoryview] | None) -> None:
        """Put a worker's event columns in place; do here what it could not (or all, if it failed)."""
        fitting = _event_reply_values(reply, group) if reply is not None else None
        # (no reply, or one from a worker gone wrong: this process does the whole group itself)
        done, values = fitting if fitting is not None else ([False] * len(group), [])
        at = 0
        for (start, f, line, count), ok in zip(group, done):
            if not ok:  # the worker could not read the run, or found it changed
                self._fill_span(columns, start, f, line, count)
                continue
            for column, computed in zip(columns, values):
                column[start : start + count] = computed[at : at + count]
            at += count

    def _fill_span(self, columns: list[list[Any]], start: int, f: int, line: int, count: int) -> None:
        try:
            table = self.log.records
            computed = inline_event_columns(table.span_lines(f, line, count), table.host_layout_unchanged(f))
        except StoreError as e:
            raise _RunDamage(e, start) from None
        for column, values in zip(columns, computed):
            column[start : start + count] = values

    EVENT_COLUMNS = (
        "index", "record_hash", "parent_hash", "kind", "reverted", "has_reduction", "app_config_hash",
        "event_type", "posix_time_milli", "time", "http_method", "http_uri", "http_request_id",
        "payload_size", "revert_target", "event_count", "location", "problem",
    )  # fmt: skip

    def events(self, *, lenient: bool | None = None, strict: bool = False) -> pd.DataFrame:
        """One row per record in append order, reverted records included (``reverted`` is True).

        Columns: ``index`` (0-based append order), ``record_hash``, ``parent_hash``, ``kind``,
        ``reverted``, ``has_reduction``, ``app_config_hash`` (deploys), ``event_type``,
        ``posix_time_milli`` and ``time`` (UTC) where the event carries a time, ``http_method``,
        ``http_uri``, ``http_request_id``, ``payload_size`` (bytes of the event JSON),
        ``revert_target``, ``event_count`` (E0/E1 records may hold several events),
        ``location`` (file and line, or record component file), ``problem`` (a field of the
        event present with the wrong type, e.g. ``posixTimeMilli is a string, not an integer``:
        that field's column is null rather than a made-up value; null when there is none).

        ``strict``: a wrong-typed field is a :class:`CorruptRecord` naming the record and field.

        ``lenient`` (default: as the store was opened): on damage, list the rows before it
        instead of raising; ``df.attrs["stopped"]`` then says where it stopped (None when the
        whole log was read): ``error`` (class name), ``message``, ``path``, ``line``,
        ``record_hash`` and ``after`` (rows listed).
        """
        with paused_gc():  # every value lives on in the table: no collections to rescan them
            columns, damage = self._event_columns(self.lenient if lenient is None else lenient)
            df = pd.DataFrame(columns)
        # Damage met here comes before any the log reader stopped at (it read further).
        stopped = damage if damage is not None else self.log.stopped
        df.insert(
            list(df.columns).index("posix_time_milli") + 1,
            "time",
            # A time beyond what datetime64 holds is shown as NaT (the milliseconds stay).
            pd.to_datetime(df["posix_time_milli"], unit="ms", utc=True, errors="coerce"),
        )
        df = df.set_index("index", drop=False).rename_axis(None)
        df.attrs["stopped"] = None if stopped is None else _stop_info(stopped, len(df))
        if strict:
            _refuse_problems(df)
        return df

    def deployments(self) -> pd.DataFrame:
        """One row per deploy record: index, hash, mode (init/migrate), app config, reverted."""
        rows = []
        for rec in self._records_of_kinds(DEPLOY_KINDS):
            ev = rec.parsed.event
            if ev.value is not None:
                rows.append(
                    {
                        "index": rec.index,
                        "record_hash": rec.hash,
                        "mode": "init" if ev.kind is RecordKind.DEPLOY_INIT else "migrate",
                        "app_config_hash": ev.value.hash_base16,
                        "reverted": rec.reverted,
                    }
                )
        return pd.DataFrame(rows, columns=["index", "record_hash", "mode", "app_config_hash", "reverted"])

    def _records_of_kinds(self, kinds: tuple[RecordKind, ...]) -> list[Record]:
        """The records whose (first) event is of one of ``kinds`` (found in the kind column)."""
        table = self.log.records
        return [table[i] for i in table.indices_not_of_kind(RecordKind.UPDATE) if table.kind(i) in kinds]

    def reductions(self, *, check_usable: bool = False) -> pd.DataFrame:
        """One row per reduction file: the record it follows (index, or missing), state and config.

        With ``check_usable=True`` also loads its components and applies the host's usability
        rule (§4), which costs a component load per reduction.
        """
        rows = []
        for h in self._reduction_hashes:
            red = self.reduction(h)
            if red is None:  # listed a moment ago: the store changed under us
                raise CorruptReduction("Reduction file disappeared while reading", path=f"provisional-reduction/{h}")
            row: dict[str, Any] = {
                "record_hash": h,
                "index": self.index_of_hash.get(h),
                "app_config_hash": red.app_config.hash_base16 if red.app_config else None,
                "elm_app_state_hash": red.elm_app_state.hash_base16 if red.elm_app_state else None,
                "had_bom": red.had_bom,
            }
            if check_usable:
                row["usable"] = load_usable(self.components, red, pine_states=self.holds_pine_states) is not None
            rows.append(row)
        cols = ["record_hash", "index", "app_config_hash", "elm_app_state_hash", "had_bom"]
        df = pd.DataFrame(rows, columns=cols + (["usable"] if check_usable else []))
        df["index"] = df["index"].astype("Int64")
        return df.sort_values("index", na_position="first", kind="stable").reset_index(drop=True)

    # --- summary and reprs ----------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """A JSON-able summary: era, counts, head, deployments, torn tail, truncation."""
        table = self.log.records
        present = sorted((table.kinds.find(code), code) for code in range(len(KIND_ORDER)) if code in table.kinds)
        kinds = {KIND_ORDER[code].value: table.kinds.count(code) for _, code in present}  # in order of first appearance
        deploys = [
            {"index": r.index, "record_hash": r.hash, "mode": "init" if r.kind is RecordKind.DEPLOY_INIT else "migrate",
             "app_config_hash": r.parsed.event.value.hash_base16 if r.parsed.event.value else None, "reverted": r.reverted}
            for r in self._records_of_kinds(DEPLOY_KINDS)
        ]  # fmt: skip
        return {
            "store": self.name,
            "era": self.era,
            "layouts": self.log.layouts,
            "component_dirs": self.component_dirs,
            "record_count": len(self.log.records),
            "reverted_count": table.reverted.count(1),
            "kinds": kinds,
            "reduction_count": len(self._reduction_hashes),
            "head_hash": self.head_hash,
            "deployments": deploys,
            "truncated_history": self.log.truncated,
            "torn_tail_bytes": len(self.log.torn_tail),
            "torn_tail_file": self.log.torn_tail_file,
            "older_torn_tails": [{"file": f, "bytes": n} for f, n in self.log.older_torn_tails],
            "ignored_legacy_files": self.log.ignored_legacy_files,
        }

    def _summary_lines(self) -> list[str]:
        s = self.summary()
        lines = [
            f"Store {s['store']!r}: {s['era']}",
            f"  {s['record_count']} records ({s['reverted_count']} reverted), {s['reduction_count']} reductions",
            f"  head {s['head_hash'] or '-'}",
        ]
        for d in s["deployments"]:
            lines.append(
                f"  deploy+{d['mode']} at #{d['index']}: app config {str(d['app_config_hash'])[:16]}…"
                + (" (reverted)" if d["reverted"] else "")
            )
        for t in s["older_torn_tails"]:
            lines.append(f"  torn append in an older log file: {t['bytes']} bytes ignored in {t['file']}")
        if s["torn_tail_bytes"]:
            lines.append(f"  torn last append: {s['torn_tail_bytes']} bytes ignored in {s['torn_tail_file']}")
        if s["truncated_history"]:
            lines.append("  history truncated: the oldest record's parent is not in the store")
        return lines

    def __repr__(self) -> str:
        return "\n".join(self._summary_lines())

    def _repr_html_(self) -> str:
        lines = self._summary_lines()
        items = "".join(f"<li>{html.escape(x.strip())}</li>" for x in lines[1:])
        return f"<div class='elmreplay-store'><b>{html.escape(lines[0])}</b><ul>{items}</ul></div>"


def _strings(values: Sequence[str | None]) -> Any:
    """A string column (pandas' default ``str`` dtype), built through Arrow directly: half
    the time of letting pandas infer it from a million Python strings."""
    if pa is None:  # pragma: no cover - pandas infers the column itself
        return values
    return _from_arrow(pa.array(values, type=pa.large_string()))


def _hash_columns(table: RecordTable, n: int) -> tuple[Any, Any]:
    """The ``record_hash`` and ``parent_hash`` columns of the first ``n`` records, hex-encoded in
    one call into Arrow buffers (no Python string per row). A parent is the record before
    unless irregular, so the parent column shares the hash column's characters, its offsets
    shifted by one record (no copy)."""
    if pa is None:  # pragma: no cover
        hexes = table.hashes()[:n]
        return hexes, table.parent_hashes()[:n]
    offsets = np.arange(0, 64 * (n + 1), 64, dtype=np.int64)
    characters = pa.py_buffer(binascii.hexlify(table.digest_bytes()[: 32 * n]))
    hashes = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), characters)
    if not n:
        return _from_arrow(hashes), _from_arrow(hashes)
    valid = bytearray(b"\xff" * ((n + 7) // 8))
    valid[0] &= 0xFE  # the first record's parent is given below if it has one
    parent_offsets = np.concatenate([offsets[:1], offsets[:-1]])
    parents = pa.LargeStringArray.from_buffers(n, pa.py_buffer(parent_offsets), characters, pa.py_buffer(valid), null_count=1)
    # (a record kept whole mostly names the record before it all the same)
    irregular = sorted(
        (i, p) for i, p in table.irregular_parents().items() if i < n and p != (table.hash(i - 1) if i else None)
    )  # fmt: skip
    if irregular:
        mask = np.zeros(n, dtype=bool)
        mask[[i for i, _ in irregular]] = True
        parents = pc.replace_with_mask(parents, pa.array(mask), pa.array([p for _, p in irregular], type=pa.large_string()))
    return _from_arrow(hashes), _from_arrow(parents)


def _location_column(table: RecordTable, n: int) -> Any:
    """The ``location`` column of the first ``n`` records. For the lines of a literal log file,
    ``file:1file:2…`` is one ``str.join`` and the offsets follow from the digits of each line
    number: no string per row (a million f-strings took a third of a second)."""
    if pa is None:  # pragma: no cover
        return table.locations()[:n]
    head = [str(table.location(i)) for i in range(min(n, table.literal_start))]
    bounds = [*table.file_starts, len(table)]
    counts = np.diff(bounds).astype(np.int64)
    numbers = [b"%d" % k for k in range(1, int(counts.max(initial=0)) + 1)]
    prefixes = [(join(segs) + ":").encode() for segs in table.literal_files]
    characters = "".join(head).encode() + b"".join(p.join([b"", *numbers[:m]]) for p, m in zip(prefixes, counts.tolist()))
    lines = np.arange(bounds[0], bounds[-1], dtype=np.int64) - np.repeat(np.asarray(bounds[:-1], dtype=np.int64), counts) + 1
    digits = np.searchsorted(10 ** np.arange(1, 19, dtype=np.int64), lines, side="right") + 1
    lengths = np.concatenate([[len(h.encode()) for h in head], np.repeat([len(p) for p in prefixes], counts) + digits]).astype(np.int64)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    column = pa.LargeStringArray.from_buffers(len(lengths), pa.py_buffer(offsets), pa.py_buffer(characters))
    return _from_arrow(column.slice(0, n))


def _kind_names(codes: bytearray) -> Any:
    """The ``kind`` column from the table's kind codes (a lookup, no string per row)."""
    if pa is None:  # pragma: no cover
        return [KIND_ORDER[k].value for k in codes]
    names = pa.array([k.value for k in KIND_ORDER], type=pa.large_string())
    return _from_arrow(names.take(pa.array(np.frombuffer(bytes(codes), dtype=np.uint8))))


def _from_arrow(strings: Any) -> Any:
    """Arrow large strings as pandas' default string column, without a copy."""
    try:
        dtype = pd.StringDtype(storage="pyarrow", na_value=np.nan)
        return pd.arrays.ArrowStringArray(strings, dtype=dtype)  # type: ignore[call-arg]  # (pandas 3 takes dtype)
    except TypeError:  # pragma: no cover - older pandas: let it infer the column
        return strings.to_pylist()


def _int64_column(values: list[Any]) -> Any:
    """A nullable Int64 column; a value beyond 64 bits has none (NA)."""
    try:
        if pa is not None:  # (through Arrow: a third of the time pandas takes from a list)
            arrow = pa.array(values, type=pa.int64())
            mask = arrow.is_null().to_numpy(zero_copy_only=False)
            return pd.arrays.IntegerArray(pc.fill_null(arrow, 0).to_numpy(), mask)
        return pd.array(values, dtype="Int64")
    except (OverflowError, TypeError, ValueError):
        return pd.array([_int64_or_none(v) for v in values], dtype="Int64")


def _int64_or_none(value: Any) -> int | None:
    """Event times as the Int64 column holds them; a time beyond 64 bits has none (NA)."""
    if isinstance(value, int) and -(1 << 63) <= value < (1 << 63):
        return value
    return None


def _refuse_problems(df: pd.DataFrame) -> None:
    """:class:`CorruptRecord` for the first row with a wrong-typed field (``events(strict=True)``)."""
    flagged = df["problem"].notna()
    if flagged.any():
        row = df[flagged].iloc[0]
        more = int(flagged.sum()) - 1
        raise CorruptRecord(
            f"Record #{row['index']} has a wrong-typed field in its event: {row['problem']}"
            + (f" ({more} more records have one)" if more else ""),
            record_hash=str(row["record_hash"]),
        )


def _stop_info(error: StoreError, rows: int) -> dict[str, Any]:
    return {
        "error": type(error).__name__,
        "message": str(error),
        "path": error.path,
        "line": error.line,
        "record_hash": error.record_hash,
        "after": rows,
    }


@dataclass(frozen=True)
class ReadLog:
    """A store's composition log as one process read it, to open the same store in another
    process (a verify worker) without reading every record again (:func:`reopen_store`)."""

    log: CompositionLog
    lenient: bool
    #: The log's files when this was made (see :func:`~.log.log_file_stamps`).
    stamps: tuple[tuple[Segments, Stamp | None], ...]


def read_log(store: Store) -> ReadLog | None:
    """What :func:`reopen_store` needs to open ``store`` again elsewhere (None: not a
    directory on disk)."""
    if not isinstance(store.files, DirectoryFiles):
        return None
    return ReadLog(store.log, store.lenient, log_file_stamps(store.files))


def reopen_store(path: str | os.PathLike[str], read: ReadLog) -> Store | None:
    """The store at ``path`` with the log another process read (pickled), if its log files
    are still those it read them from, by name, size and modification time; else None (open
    the store to read them)."""
    files = DirectoryFiles(path)
    if log_file_stamps(files) != read.stamps or any(stamp is None for _, stamp in read.stamps):
        return None
    return Store(files, name=os.fspath(path), lenient=read.lenient, log=read.log)


def open_store(path: str | os.PathLike[str], *, lenient: bool = False) -> Store:
    """Open a process store directory read-only.

    ``lenient=True`` reads a damaged composition log up to the damage instead of raising:
    ``Store.stopped`` is the error, ``Store.records`` what could be read before it (for the
    head-hash chain of 2020-2021: the newer records above the damage).

    Raises
    ------
    StoreNotFound
        The path does not exist, is not a directory, or holds none of a store's files.
    StoreError
        Some file of the store is damaged (the subclass and message say which and where).
    """
    files = DirectoryFiles(path)
    if not any((files.root / m).exists() for m in STORE_MARKERS):
        raise StoreNotFound(f"Not a process store (none of {', '.join(STORE_MARKERS[:3])}, … found): {path}")
    return Store(files, name=os.fspath(path), lenient=lenient)
