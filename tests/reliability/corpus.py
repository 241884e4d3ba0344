"""The corruption corpus: kinds of damage applied to copies of the base stores at test time.

Each kind is a function that damages a fresh copy in place and returns an :class:`Expect`:
the exact exception type, the texts its message must contain (the file, the record hash, the
line), the stage at which the damage is found, and what ``events --lenient`` lists when that
is well-defined. A few kinds describe damage the reader must *tolerate* (``error=None``).

Stages:

* ``open``: :func:`open_store` raises (every CLI command fails);
* ``events``: opening works, :meth:`Store.events` raises (a referenced event component);
* ``reductions``: :meth:`Store.reductions` / ``verify`` raise;
* ``app_config``: :meth:`Store.app_config` raises ``error``; a replay raises ``replay_error``.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from elmreplay.errors import (
    BrokenParentChain,
    CorruptComponent,
    CorruptRecord,
    CorruptReduction,
    CorruptTree,
    HashMismatch,
    InflatedSizeExceeded,
    MissingComponent,
    RestoreError,
    RevertTargetUnknown,
    UnsafePath,
)
from elmreplay.store import open_store
from elmreplay.store.components import Component, blob_hash, blob_serial, component_hash, component_serial, list_serial
from elmreplay.store.records import Record
from elmreplay.store.store import Store
from elmreplay.store.trees import TreeEncoding, encode_name
from elmreplay.store.writer import newtonsoft_json

from .stores import BaseStore

@dataclass
class Expect:
    """What reading a damaged store must do."""

    error: type[Exception] | None
    where: tuple[str, ...] = ()
    stage: str = "open"
    #: Record hashes ``events --lenient`` lists before it stops (None: not well-defined).
    lenient: list[str] | None = None
    #: The error of a whole replay (``verify``), when it differs from ``error``.
    replay_error: type[Exception] | None = None
    replay_where: tuple[str, ...] = ()
    #: For ``app_config``: the hash to load.
    config_hash: str | None = None
    #: For tolerated damage: a check on the damaged store.
    check: Callable[[Store], None] | None = None


@dataclass
class Ctx:
    """A fresh copy of a base store and what it held before the damage."""

    base: BaseStore
    store: Store  # the pristine copy, opened
    records: list[Record] = field(init=False)

    def __post_init__(self) -> None:
        self.records = list(self.store.records)

    @property
    def root(self) -> Path:
        return self.base.root

    @property
    def hashes(self) -> list[str]:
        return [r.hash for r in self.records]

    def rel(self, p: Path) -> str:
        return p.relative_to(self.root).as_posix()

    def component_file(self, h: str) -> Path:
        for d in ("literal-element", "component", "deflated-literal-element", "deflated-component"):
            p = self.root / d / h[:2] / h
            if p.exists():
                return p
        raise FileNotFoundError(h)

    def put_component(self, component: Component, directory: str | None = None) -> str:
        """Write one component's serial form (not its elements) and return its hash."""
        directory = directory or ("literal-element" if (self.root / "literal-element").exists() else "component")
        h = component_hash(component)
        self.put_serial(component_serial(component), directory)
        return h

    def put_serial(self, serial: bytes, directory: str | None = None) -> str:
        directory = directory or ("literal-element" if (self.root / "literal-element").exists() else "component")
        h = hashlib.sha256(serial).hexdigest()
        p = self.root / directory / h[:2] / h
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(serial)
        return h

    # --- literal log files ----------------------------------------------------------------

    def log_files(self) -> list[Path]:
        return sorted(p for p in (self.root / "composition-log" / "literal").rglob("*") if p.is_file())

    def line_of(self, index: int) -> tuple[Path, int]:
        loc = self.records[index].location
        assert loc.line is not None, "not a literal-log record"
        return self.root / loc.path, loc.line

    def rewrite_line(self, index: int, raw: bytes) -> str:
        """Replace the bytes of record ``index``'s line; returns the new line's record hash."""
        path, line = self.line_of(index)
        lines = path.read_bytes().split(b"\n")
        lines[line - 1] = raw
        path.write_bytes(b"\n".join(lines))
        return blob_hash(raw)

    def append_literal(self, raw: bytes) -> str:
        """Append a record line to the newest log file (after any torn tail is removed)."""
        newest = self.log_files()[-1]
        data = newest.read_bytes()
        data = data[: data.rfind(b"\n") + 1]
        newest.write_bytes(data + raw + b"\n")
        return blob_hash(raw)

    # --- head-hash chain ------------------------------------------------------------------

    def append_chain(self, raw: bytes) -> str:
        """Store ``raw`` as a record blob and make it the head."""
        h = self.put_component(raw, "component")
        (self.root / "composition-log-head-hash").write_bytes(bytes.fromhex(h))
        return h

    def append(self, raw: bytes) -> str:
        return self.append_literal(raw) if self.records[-1].location.line is not None else self.append_chain(raw)

    @property
    def head(self) -> str:
        return self.records[-1].hash


def record(kind: str, value: Any, parent: str | None) -> bytes:
    obj: dict[str, Any] = {}
    if parent is not None:
        obj["parentHashBase16"] = parent
    obj["compositionEvent"] = {kind: value}
    return newtonsoft_json(obj)


def fake_hash(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def where_line(ctx: Ctx, index: int) -> tuple[str, ...]:
    loc = ctx.records[index].location
    return (f"file {loc.path} line {loc.line}",)


Damager = Callable[[Ctx], Expect]
#: name -> (base store, damage)
KINDS: dict[str, tuple[str, Damager]] = {}


def kind(name: str, *bases: str) -> Callable[[Damager], Damager]:
    def register(fn: Damager) -> Damager:
        for b in bases:
            KINDS[f"{b}:{name}"] = (b, fn)
        return fn

    return register


# === composition records in literal log files ========================================================

MID = 9  # a record in the middle of the small literal store (not in its newest file)


@kind("line-cut-in-the-middle", "literal", "tracker")
def line_cut(ctx: Ctx) -> Expect:
    i = MID if ctx.base.name == "literal" else 1234
    path, line = ctx.line_of(i)
    raw = ctx.records[i].raw
    ctx.rewrite_line(i, raw[: len(raw) // 2])
    return Expect(CorruptRecord, (*where_line(ctx, i), "not valid UTF-8 JSON"), lenient=ctx.hashes[:i])


@kind("non-utf8-bytes", "literal", "counter_admin")
def non_utf8(ctx: Ctx) -> Expect:
    i = 7
    raw = ctx.records[i].raw
    cut = raw.index(b"posixTimeMilli")
    new = raw[:cut] + b"\xff\xfe\xc3" + raw[cut:]
    h = ctx.rewrite_line(i, new)
    return Expect(CorruptRecord, (*where_line(ctx, i), h), lenient=ctx.hashes[:i])


@kind("json-array-not-object", "literal")
def json_array(ctx: Ctx) -> Expect:
    h = ctx.rewrite_line(MID, b"[1,2,3]")
    return Expect(CorruptRecord, (*where_line(ctx, MID), h, "not a JSON object"), lenient=ctx.hashes[:MID])


@kind("event-with-two-kinds", "literal")
def two_kinds(ctx: Ctx) -> Expect:
    raw = record("UpdateElmAppStateForEvent", {"LiteralStringUtf8": "{}"}, ctx.head)
    raw = raw.replace(b'}}}', b'},"SetElmAppState":{"HashBase16":"' + fake_hash("x").encode() + b'"}}}')
    h = ctx.append(raw)
    return Expect(CorruptRecord, (h, "exactly one field"), lenient=ctx.hashes)


@kind("unknown-event-kind", "literal", "chain")
def unknown_kind(ctx: Ctx) -> Expect:
    h = ctx.append(record("FrobnicateProcess", {"HashBase16": fake_hash("f")}, ctx.head))
    chain = ctx.base.name == "chain"
    return Expect(CorruptRecord, (h, "unknown composition event kind 'FrobnicateProcess'"), lenient=[] if chain else ctx.hashes)


@kind("hash-not-hex", "literal")
def hash_not_hex(ctx: Ctx) -> Expect:
    h = ctx.append(record("DeployAppConfigAndInitElmAppState", {"HashBase16": "zz" * 32}, ctx.head))
    return Expect(CorruptRecord, (h, "not a 64-digit hex hash"), lenient=ctx.hashes)


@kind("parent-points-nowhere", "literal")
def parent_nowhere(ctx: Ctx) -> Expect:
    raw = ctx.records[MID].raw.replace(ctx.records[MID - 1].hash.encode(), fake_hash("nowhere").encode())
    h = ctx.rewrite_line(MID, raw)
    return Expect(BrokenParentChain, (*where_line(ctx, MID), h, fake_hash("nowhere")), lenient=ctx.hashes[:MID])


@kind("parent-is-a-later-record", "literal")
def parent_later(ctx: Ctx) -> Expect:
    """A cycle cannot be written (a record's hash covers its parent), so: a parent that comes later."""
    raw = ctx.records[MID].raw.replace(ctx.records[MID - 1].hash.encode(), ctx.records[MID + 1].hash.encode())
    h = ctx.rewrite_line(MID, raw)
    return Expect(BrokenParentChain, (*where_line(ctx, MID), h), lenient=ctx.hashes[:MID])


@kind("duplicated-record", "literal", "tracker")
def duplicated(ctx: Ctx) -> Expect:
    i = MID if ctx.base.name == "literal" else 2000
    path, line = ctx.line_of(i)
    lines = path.read_bytes().split(b"\n")
    lines.insert(line, lines[line - 1])
    path.write_bytes(b"\n".join(lines))
    loc = ctx.records[i].location
    return Expect(
        BrokenParentChain, (f"file {loc.path} line {(loc.line or 0) + 1}", ctx.hashes[i]), lenient=ctx.hashes[: i + 1]
    )


@kind("revert-to-unknown-record", "literal", "chain")
def revert_unknown(ctx: Ctx) -> Expect:
    target = fake_hash("not in this store")
    h = ctx.append(record("RevertProcessTo", {"HashBase16": target}, ctx.head))
    chain = ctx.base.name == "chain"
    return Expect(RevertTargetUnknown, (h, target), lenient=None if chain else ctx.hashes)


@kind("revert-to-a-reduction-name", "literal")
def revert_to_reduction_only(ctx: Ctx) -> Expect:
    """The target is a name under provisional-reduction/ but no record of the log."""
    target = fake_hash("orphan reduction")
    (ctx.root / "provisional-reduction" / target).write_bytes(newtonsoft_json({"reducedCompositionHashBase16": target}))
    h = ctx.append(record("RevertProcessTo", {"HashBase16": target}, ctx.head))
    return Expect(RevertTargetUnknown, (h, target), lenient=ctx.hashes)


@kind("log-files-out-of-order", "literal")
def files_out_of_order(ctx: Ctx) -> Expect:
    """The newest log file renamed so that it sorts first (a copy that lost the day directory)."""
    newest = ctx.log_files()[-1]
    moved = newest.parent.parent / "2021-07-12" / "2021-07-12T00-00"
    moved.parent.mkdir()
    newest.rename(moved)
    n = sum(1 for r in ctx.records if r.location.path == ctx.rel(newest))
    return Expect(
        BrokenParentChain,
        (f"file {ctx.records[0].location.path} line 1", ctx.hashes[0]),
        lenient=ctx.hashes[-n:],
    )


@kind("partial-line-in-an-older-file", "literal", "counter_admin")
def partial_older(ctx: Ctx) -> Expect:
    older = ctx.log_files()[0]
    data = older.read_bytes()
    older.write_bytes(data[:-1])  # the last record of that file lost its line feed
    # The host drops the partial record like any torn tail, so the next file's first record
    # names a parent that is gone.
    before = [r.hash for r in ctx.records if r.location.path == ctx.rel(older)][:-1]
    newer = ctx.log_files()[1]
    return Expect(BrokenParentChain, (f"file {ctx.rel(newer)} line 1",), lenient=before)


@kind("deeply-nested-json-record", "literal")
def nested_json(ctx: Ctx) -> Expect:
    raw = b'{"parentHashBase16":"' + ctx.head.encode() + b'","compositionEvent":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    h = ctx.append(raw)
    return Expect(CorruptRecord, (h,), lenient=ctx.hashes)


@kind("huge-number-in-record", "literal")
def huge_number(ctx: Ctx) -> Expect:
    raw = record("UpdateElmAppStateForEvent", {"LiteralStringUtf8": "x"}, ctx.head).replace(b'"x"', b"1e999999")
    h = ctx.append(raw)
    return Expect(CorruptRecord, (h,), lenient=ctx.hashes)


@kind("huge-string-event", "literal")
def huge_string(ctx: Ctx) -> Expect:
    event = '{"HttpRequestEvent":{"posixTimeMilli":5,"request":{"method":"GET","uri":"/' + "u" * 5_000_000 + '"}}}'
    ctx.append(record("UpdateElmAppStateForEvent", {"LiteralStringUtf8": event}, ctx.head))

    def check(store: Store) -> None:
        df = store.events()
        assert df["payload_size"].iloc[-1] == len(event)
        assert len(df["http_uri"].iloc[-1]) == 5_000_001

    return Expect(None, check=check)


@kind("huge-and-out-of-range-times", "literal")
def huge_times(ctx: Ctx) -> Expect:
    head = ctx.head
    times = [10**16, -(10**16), 2**63 + 5, 2**64 - 1]
    for t in times:
        head = ctx.append(record("UpdateElmAppStateForEvent", {"LiteralStringUtf8": f'{{"ArrivedAtTimeEvent":{{"posixTimeMilli":{t}}}}}'}, head))

    def check(store: Store) -> None:
        df = store.events()
        assert len(df) == len(ctx.records) + len(times)
        assert df["time"].iloc[-len(times) :].isna().all()  # no datetime for these, but no crash

    return Expect(None, check=check)


@kind("zero-length-log-file", "literal")
def empty_log_file(ctx: Ctx) -> Expect:
    first = ctx.log_files()[0]
    (first.parent / (first.name[:-2] + "39")).write_bytes(b"")  # sorts before the first file

    def check(store: Store) -> None:
        assert [r.hash for r in store.records] == ctx.hashes

    return Expect(None, check=check)


@kind("log-directory-with-unexpected-case", "literal")
def log_dir_case(ctx: Ctx) -> Expect:
    (ctx.root / "composition-log" / "literal").rename(ctx.root / "composition-log" / "Literal")
    return Expect(CorruptRecord, ("composition-log", "provisional reduction"), lenient=None)


@kind("symlinked-log-directory-outside", "literal")
def symlink_log_dir(ctx: Ctx) -> Expect:
    day = ctx.log_files()[0].parent
    outside = ctx.root.parent / "outside-day"
    day.rename(outside)
    day.symlink_to(outside, target_is_directory=True)
    return Expect(UnsafePath, (ctx.rel(day), "outside the store"))


@kind("symlinked-log-file-outside", "literal")
def symlink_log_file(ctx: Ctx) -> Expect:
    f = ctx.log_files()[-1]
    outside = ctx.root.parent / "outside-log"
    f.rename(outside)
    f.symlink_to(outside)
    return Expect(UnsafePath, (ctx.rel(f), "outside the store"))


@kind("garbage-head-hash-beside-log-files", "literal")
def head_beside_literal(ctx: Ctx) -> Expect:
    (ctx.root / "composition-log-head-hash").write_bytes(bytes.fromhex(fake_hash("head")))
    return Expect(MissingComponent, (fake_hash("head"),))


# === head-hash chain =================================================================================


@kind("head-file-missing", "chain")
def head_missing(ctx: Ctx) -> Expect:
    (ctx.root / "composition-log-head-hash").unlink()
    return Expect(CorruptRecord, ("composition-log-head-hash", "provisional reduction"))


@kind("head-file-zero-length", "chain")
def head_empty(ctx: Ctx) -> Expect:
    (ctx.root / "composition-log-head-hash").write_bytes(b"")
    return Expect(CorruptRecord, ("file composition-log-head-hash", "0 bytes long"), lenient=None)


@kind("head-file-holds-hex-text", "chain")
def head_hex(ctx: Ctx) -> Expect:
    (ctx.root / "composition-log-head-hash").write_bytes(ctx.head.encode())
    return Expect(CorruptRecord, ("file composition-log-head-hash", "64 bytes long"))


@kind("head-file-too-long", "chain")
def head_long(ctx: Ctx) -> Expect:
    (ctx.root / "composition-log-head-hash").write_bytes(bytes.fromhex(ctx.head) * 40)
    return Expect(CorruptRecord, ("file composition-log-head-hash", "longer than 1000 bytes"))


@kind("head-points-nowhere", "chain")
def head_nowhere(ctx: Ctx) -> Expect:
    (ctx.root / "composition-log-head-hash").write_bytes(bytes.fromhex(fake_hash("gone")))
    return Expect(MissingComponent, (fake_hash("gone"),), lenient=[])


@kind("head-points-at-a-list", "chain")
def head_list(ctx: Ctx) -> Expect:
    config = ctx.base.meta["app_config_hash"]
    assert isinstance(config, str)
    (ctx.root / "composition-log-head-hash").write_bytes(bytes.fromhex(config))
    return Expect(CorruptComponent, (config, "not a blob"), lenient=[])


@kind("parent-points-nowhere", "chain")
def chain_parent_nowhere(ctx: Ctx) -> Expect:
    i = 25  # its child (#26) has no reduction, so this is no truncate-process-history
    ctx.component_file(ctx.hashes[i]).unlink()
    return Expect(MissingComponent, (ctx.hashes[i], f"record {ctx.hashes[i + 1]}"), lenient=ctx.hashes[i + 1 :])


@kind("flipped-byte-in-record", "chain", "counter")
def chain_flip(ctx: Ctx) -> Expect:
    i = 26 if ctx.base.name == "chain" else 200
    p = ctx.component_file(ctx.hashes[i])
    data = bytearray(p.read_bytes())
    data[len(data) // 2] ^= 0x20
    p.write_bytes(bytes(data))
    return Expect(HashMismatch, (ctx.rel(p), "Content hash does not match"), lenient=ctx.hashes[i + 1 :])


@kind("truncated-record-component", "chain")
def chain_truncated(ctx: Ctx) -> Expect:
    p = ctx.component_file(ctx.head)
    p.write_bytes(p.read_bytes()[:40])
    return Expect(HashMismatch, (ctx.rel(p),), lenient=[])


@kind("record-json-wrong-shape", "chain")
def chain_wrong_shape(ctx: Ctx) -> Expect:
    h = ctx.append_chain(newtonsoft_json({"parentHashBase16": ctx.head, "compositionEvent": "DeployAppConfig"}))
    return Expect(CorruptRecord, (h, f"component/{h[:2]}/{h}"), lenient=[])


@kind("record-not-utf8", "chain")
def chain_not_utf8(ctx: Ctx) -> Expect:
    h = ctx.append_chain(b'{"parentHashBase16":"' + ctx.head.encode() + b'","compositionEvent":\xff\xff}')
    return Expect(CorruptRecord, (h, "not valid UTF-8 JSON"), lenient=[])


@kind("component-directory-with-unexpected-case", "chain")
def component_dir_case(ctx: Ctx) -> Expect:
    (ctx.root / "component").rename(ctx.root / "Component")
    return Expect(MissingComponent, (ctx.head,), lenient=[])


@kind("uppercase-component-names", "chain")
def uppercase_names(ctx: Ctx) -> Expect:
    """E0-style uppercase hex names are a documented lookup: tolerated."""
    for p in sorted((ctx.root / "component").rglob("*")):
        if p.is_file():
            up = ctx.root / "component" / p.name[:2].upper() / p.name.upper()
            up.parent.mkdir(exist_ok=True)
            p.rename(up)

    def check(store: Store) -> None:
        assert [r.hash for r in store.records] == ctx.hashes
        store.events()

    return Expect(None, check=check)


@kind("event-component-missing", "chain")
def event_missing(ctx: Ctx) -> Expect:
    i = 3
    ref = ctx.records[i].parsed.event.value
    assert ref is not None and ref.hash_base16 is not None
    ctx.component_file(ref.hash_base16).unlink()
    return Expect(MissingComponent, (ref.hash_base16, ctx.hashes[i]), stage="events", lenient=ctx.hashes[:i])


@kind("event-component-is-a-list", "chain")
def event_list(ctx: Ctx) -> Expect:
    lst = ctx.put_component((b"a", b"b"), "component")
    ctx.put_component(b"a", "component")
    ctx.put_component(b"b", "component")
    h = ctx.append_chain(record("UpdateElmAppStateForEvent", {"HashBase16": lst}, ctx.head))
    return Expect(CorruptComponent, (lst, "not a blob", h), stage="events", lenient=ctx.hashes)


@kind("revert-to-a-later-record", "chain")
def chain_revert_later(ctx: Ctx) -> Expect:
    """A chain record reverting to a record *newer* than itself: its revert target is a record
    appended later (by hash). Impossible to write honestly; here the later record is a sibling
    branch that the head never reaches."""
    later = ctx.append_chain(record("UpdateElmAppStateForEvent", {"HashBase16": ctx.records[1].parsed.event.value.hash_base16}, ctx.head))  # type: ignore[union-attr]
    (ctx.root / "composition-log-head-hash").write_bytes(bytes.fromhex(ctx.head))  # back to the old head
    h = ctx.append_chain(record("RevertProcessTo", {"HashBase16": later}, ctx.head))
    return Expect(RevertTargetUnknown, (h, later))


# === components ======================================================================================


def _config(ctx: Ctx) -> str:
    h = ctx.base.meta.get("app_config_hash")
    if isinstance(h, str):
        return h
    return next(r.parsed.event.value.hash_base16 for r in ctx.records if r.kind.value.startswith("Deploy"))  # type: ignore[union-attr,return-value]


def _big_deflated(ctx: Ctx) -> Path:
    files = [p for d in ("deflated-literal-element", "deflated-component") for p in (ctx.root / d).rglob("*") if p.is_file()]
    assert files, "the base store has no deflated component"
    return sorted(files)[0]


def _config_file_damage(ctx: Ctx, p: Path, error: type[Exception], *texts: str) -> Expect:
    """Damage in file ``p`` of the deployed app config: met when the config loads and by a
    replay, both naming the file. (``verify`` reports the reductions naming that config as
    unreadable and goes on; the replay then fails where the host did, deploying it.)"""
    return Expect(
        error, (ctx.rel(p), *texts), stage="app_config", config_hash=_config(ctx),
        replay_error=RestoreError, replay_where=(ctx.rel(p), "Failed to load component"),
    )  # fmt: skip


@kind("flipped-byte-in-component", "literal")
def component_flip(ctx: Ctx) -> Expect:
    h = _config(ctx)
    p = ctx.component_file(h)
    data = bytearray(p.read_bytes())
    data[-1] ^= 0x01
    p.write_bytes(bytes(data))
    return _config_file_damage(ctx, p, HashMismatch)


@kind("truncated-component", "literal")
def component_truncated(ctx: Ctx) -> Expect:
    h = _config(ctx)
    p = ctx.component_file(h)
    p.write_bytes(p.read_bytes()[:-5])
    return _config_file_damage(ctx, p, HashMismatch)


@kind("zero-length-component", "literal")
def component_empty(ctx: Ctx) -> Expect:
    h = _config(ctx)
    p = ctx.component_file(h)
    p.write_bytes(b"")
    return _config_file_damage(ctx, p, HashMismatch)


@kind("flipped-byte-in-deflated-component", "literal", "counter")
def deflated_flip(ctx: Ctx) -> Expect:
    p = _big_deflated(ctx)
    data = bytearray(p.read_bytes())
    data[0] |= 0x06  # BTYPE 11: a reserved block type, so inflating fails
    p.write_bytes(bytes(data))
    return _config_file_damage(ctx, p, CorruptComponent, "does not inflate")


@kind("truncated-deflated-component", "literal")
def deflated_truncated(ctx: Ctx) -> Expect:
    p = _big_deflated(ctx)
    p.write_bytes(p.read_bytes()[:-10])
    return _config_file_damage(ctx, p, CorruptComponent, "truncated")


@kind("deflate-bomb-declared-size", "literal")
def bomb_declared(ctx: Ctx) -> Expect:
    """A deflated file whose header declares a blob far beyond the cap."""
    p = _big_deflated(ctx)
    p.write_bytes(deflate(b"blob 99999999999999\x00" + bytes(1 << 20)))
    return _config_file_damage(ctx, p, InflatedSizeExceeded)


@kind("deflate-bomb-beyond-declared-size", "literal")
def bomb_undeclared(ctx: Ctx) -> Expect:
    """A deflated file of 50 KB that inflates to 64 MB behind a small declared size."""
    p = _big_deflated(ctx)
    p.write_bytes(deflate(b"blob 10\x00" + bytes(64 << 20)))
    return _config_file_damage(ctx, p, InflatedSizeExceeded)


@kind("symlinked-component-outside", "literal")
def symlink_component(ctx: Ctx) -> Expect:
    h = _config(ctx)
    p = ctx.component_file(h)
    outside = ctx.root.parent / "outside-component"
    p.rename(outside)
    p.symlink_to(outside)
    return _config_file_damage(ctx, p, UnsafePath, "outside the store")


def _deploy_config(ctx: Ctx, serial_or_tree: Component | bytes, *, raw_serial: bool = False) -> tuple[str, str]:
    """Append a deploy of a (damaged) app config; returns (config hash, record hash)."""
    if raw_serial:
        assert isinstance(serial_or_tree, bytes)
        config = ctx.put_serial(serial_or_tree)
    else:
        config = ctx.put_component(serial_or_tree)
        stack = [serial_or_tree]
        while stack:  # store the elements too
            node = stack.pop()
            if isinstance(node, tuple):
                for c in node:
                    ctx.put_component(c)
                    stack.append(c)
    h = ctx.append(record("DeployAppConfigAndInitElmAppState", {"HashBase16": config}, ctx.head))
    return config, h


def _deploy_expect(ctx: Ctx, error: type[Exception], config: str, rec: str, *texts: str) -> Expect:
    return Expect(
        error, (config, *texts), stage="app_config", config_hash=config,
        replay_error=RestoreError, replay_where=(rec, f"event index {len(ctx.records)}", config),
    )  # fmt: skip


@kind("tree-entry-not-a-pair", "literal", "chain")
def tree_entry_triple(ctx: Ctx) -> Expect:
    enc = TreeEncoding.CODEPOINTS if ctx.base.name == "literal" else TreeEncoding.UTF8
    tree = ((encode_name("elm.json", enc), b"{}", b"extra"),)
    config, h = _deploy_config(ctx, tree)
    return _deploy_expect(ctx, CorruptTree, config, h, "not a list of exactly two components")


@kind("tree-name-not-decodable", "literal")
def tree_bad_name(ctx: Ctx) -> Expect:
    tree = (((b"\x11\x00\x00",), b"{}"),)  # code point 0x110000
    config, h = _deploy_config(ctx, tree)
    return _deploy_expect(ctx, CorruptTree, config, h, "not a Unicode scalar value")


@kind("tree-root-is-a-blob", "literal")
def tree_blob(ctx: Ctx) -> Expect:
    config, h = _deploy_config(ctx, b"just a file")
    return _deploy_expect(ctx, CorruptTree, config, h, "Failed to parse as tree")


@kind("list-count-disagrees-with-length", "literal", "chain")
def list_count(ctx: Ctx) -> Expect:
    child = ctx.put_component(b"x")
    serial = b"list 3\x00" + bytes.fromhex(child) * 2
    config, h = _deploy_config(ctx, serial, raw_serial=True)
    return _deploy_expect(ctx, CorruptComponent, config, h, "Unexpected count")


@kind("list-element-missing", "literal")
def list_element_missing(ctx: Ctx) -> Expect:
    gone = fake_hash("element")
    config, h = _deploy_config(ctx, list_serial([bytes.fromhex(gone)]), raw_serial=True)
    return _deploy_expect(ctx, MissingComponent, config, h, "Failed to load list element " + gone)


@kind("invalid-component-prefix", "literal")
def bad_prefix(ctx: Ctx) -> Expect:
    config, h = _deploy_config(ctx, b"tree 2\x00ab", raw_serial=True)
    return _deploy_expect(ctx, CorruptComponent, config, h, "Invalid prefix")


@kind("deeply-nested-lists", "literal")
def nested_lists(ctx: Ctx) -> Expect:
    """1100 lists (the reader stops at 1000), each holding the next (built bottom-up: hashing it as a value is quadratic)."""
    h = ctx.put_serial(blob_serial(b"leaf"))
    for _ in range(1100):
        h = ctx.put_serial(list_serial([bytes.fromhex(h)]))
    config, rec = _deploy_config(ctx, list_serial([bytes.fromhex(h)]), raw_serial=True)
    return _deploy_expect(ctx, CorruptComponent, config, rec, "nested deeper")


# === provisional reductions ==========================================================================


def _reduction(ctx: Ctx, n: int = 0) -> Path:
    return sorted((ctx.root / "provisional-reduction").iterdir())[n]


@kind("reduction-names-another-record", "literal", "tracker")
def reduction_other(ctx: Ctx) -> Expect:
    p = _reduction(ctx)
    other = next(h for h in ctx.hashes if h != p.name)
    p.write_bytes(p.read_bytes().replace(p.name.encode(), other.encode()))
    return Expect(CorruptReduction, (f"provisional-reduction/{p.name}", "composition hash does not match"), stage="reductions")


@kind("reduction-flipped-byte", "literal", "counter")
def reduction_flip(ctx: Ctx) -> Expect:
    p = _reduction(ctx)
    data = bytearray(p.read_bytes())
    data[0] = ord("z")
    p.write_bytes(bytes(data))
    return Expect(CorruptReduction, (f"provisional-reduction/{p.name}", "Not valid UTF-8 JSON"), stage="reductions")


@kind("reduction-zero-length", "chain")
def reduction_empty(ctx: Ctx) -> Expect:
    p = _reduction(ctx)
    p.write_bytes(b"")
    return Expect(CorruptReduction, (f"provisional-reduction/{p.name}",), stage="reductions")


@kind("reduction-config-not-a-tree", "literal")
def reduction_config_blob(ctx: Ctx) -> Expect:
    p = _reduction(ctx)
    blob = ctx.put_component(b"not a tree")
    p.write_bytes(p.read_bytes().replace(_config(ctx).encode(), blob.encode()))
    return Expect(CorruptReduction, (f"provisional-reduction/{p.name}", "Failed to parse as tree"), stage="reductions")


@kind("reduction-state-is-a-list", "literal")
def reduction_state_list(ctx: Ctx) -> Expect:
    p = _reduction(ctx)
    red = ctx.store.reduction(p.name)
    assert red is not None and red.elm_app_state is not None
    lst = ctx.put_component((b"1",))
    ctx.put_component(b"1")
    p.write_bytes(p.read_bytes().replace(str(red.elm_app_state.hash_base16).encode(), lst.encode()))
    return Expect(CorruptReduction, (f"provisional-reduction/{p.name}", "This is not a blob"), stage="reductions")


@kind("reduction-wrong-json-shape", "literal")
def reduction_shape(ctx: Ctx) -> Expect:
    p = _reduction(ctx)
    p.write_bytes(newtonsoft_json({"reducedCompositionHashBase16": p.name, "elmAppState": "100"}))
    return Expect(CorruptReduction, (f"provisional-reduction/{p.name}", "elmAppState is not an object"), stage="reductions")


@kind("reduction-is-a-fifo", "literal")
def reduction_fifo(ctx: Ctx) -> Expect:
    p = _reduction(ctx)
    p.unlink()
    os.mkfifo(p)
    return Expect(UnsafePath, (f"provisional-reduction/{p.name}", "Not a regular file"), stage="reductions")


def _missing_reduction_part(ctx: Ctx, part: str) -> Expect:
    p = _reduction(ctx)
    red = ctx.store.reduction(p.name)
    assert red is not None
    ref = red.elm_app_state if part == "state" else red.app_config
    assert ref is not None and ref.hash_base16 is not None
    if part == "state":
        ctx.component_file(ref.hash_base16).unlink()
    else:  # point at a config that is not stored (the real one is still needed by the deploy)
        p.write_bytes(p.read_bytes().replace(ref.hash_base16.encode(), fake_hash("config").encode()))

    def check(store: Store) -> None:
        # the host's rule (section 4): a reduction with a missing component is silently unusable
        assert store.usable_reduction(p.name) is None
        assert store.reductions(check_usable=True).set_index("record_hash").loc[p.name, "usable"] == False  # noqa: E712

    return Expect(None, check=check)


@kind("reduction-state-missing", "literal")
def reduction_state_missing(ctx: Ctx) -> Expect:
    return _missing_reduction_part(ctx, "state")


@kind("reduction-config-missing", "literal")
def reduction_config_missing(ctx: Ctx) -> Expect:
    return _missing_reduction_part(ctx, "config")


# === the store root ==================================================================================


@kind("directory-where-a-file-belongs", "chain")
def head_is_dir(ctx: Ctx) -> Expect:
    p = ctx.root / "composition-log-head-hash"
    p.unlink()
    p.mkdir()
    return Expect(UnsafePath, ("file composition-log-head-hash", "Not a regular file"), lenient=[])


def apply(name: str, base: BaseStore) -> tuple[Ctx, Expect]:
    """Damage ``base`` (a fresh copy) with kind ``name``."""
    _, fn = KINDS[name]
    ctx = Ctx(base, open_store(base.root))
    return ctx, fn(ctx)
