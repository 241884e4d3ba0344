"""Bad input: one test per damage, asserting the exact exception class and that the message names
the file (and line, for log files) and/or the record hash."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import zlib
from pathlib import Path
from typing import Any, Callable

import pytest

from elmreplay.errors import (
    BrokenParentChain,
    CorruptComponent,
    CorruptRecord,
    CorruptReduction,
    CorruptTree,
    HashMismatch,
    InflatedSizeExceeded,
    MissingComponent,
    RevertTargetUnknown,
    StoreError,
    UnsafePath,
    StoreNotFound,
)
from elmreplay.store import Store, open_store
from elmreplay.store.componentstore import ComponentReader
from elmreplay.store.components import blob_hash, blob_serial, component_hash
from elmreplay.store.files import DirectoryFiles
from elmreplay.store.records import RecordKind
from elmreplay.store.writer import StoreWriter, WriterEra

from .helpers import (
    T0,
    literal_event_record,
    log_file,
    put_component,
    put_tree,
    record_json,
    time_event,
    write_file,
)


def raises_exactly(cls: type[Exception], fn: Callable[[], Any]) -> Exception:
    with pytest.raises(cls) as e:
        fn()
    assert type(e.value) is cls, f"expected exactly {cls.__name__}, got {type(e.value).__name__}: {e.value}"
    return e.value


def lit(minute: int) -> str:
    return "/".join(log_file(minute))


def literal_store(root: Path, files: list[list[bytes]]) -> None:
    for minute, lines in enumerate(files):
        write_file(root, log_file(minute), b"".join(line + b"\n" for line in lines))


def chain_of(n: int) -> list[bytes]:
    raws = [literal_event_record(time_event(0), None)]
    for i in range(1, n):
        raws.append(literal_event_record(time_event(i), blob_hash(raws[-1])))
    return raws


def write_chain(root: Path, raws: list[bytes]) -> None:
    for raw in raws:
        put_component(root, raw, "component")
    write_file(root, ("composition-log-head-hash",), bytes.fromhex(blob_hash(raws[-1])))


# --- the directory -----------------------------------------------------------------------------------


def test_missing_directory(tmp_path: Path) -> None:
    err = raises_exactly(StoreNotFound, lambda: open_store(tmp_path / "no-such-store"))
    assert str(tmp_path / "no-such-store") in str(err)


def test_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "src").mkdir()
    err = raises_exactly(StoreNotFound, lambda: open_store(tmp_path))
    assert str(tmp_path) in str(err) and "Not a process store" in str(err)


def test_a_file_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    err = raises_exactly(StoreNotFound, lambda: open_store(tmp_path / "f"))
    assert str(tmp_path / "f") in str(err)


# --- log files ------------------------------------------------------------------------------------


def test_truncated_record_line_in_a_middle_log_file(tmp_path: Path) -> None:
    raws = chain_of(4)
    write_file(tmp_path, log_file(0), raws[0] + b"\n" + raws[1] + b"\n" + raws[2][:30])
    write_file(tmp_path, log_file(1), raws[3] + b"\n")
    # The cut line ends the older file, so it is dropped like a torn append (§3.4); the record
    # after it then names a parent that is not there.
    err = raises_exactly(BrokenParentChain, lambda: open_store(tmp_path))
    assert f"file {lit(1)} line 1" in str(err)
    assert (err.path, err.line) == (lit(1), 1)  # type: ignore[attr-defined]


def test_non_json_record_in_a_log_file(tmp_path: Path) -> None:
    raws = chain_of(1)
    bad = b'{"parentHashBase16":"' + blob_hash(raws[0]).encode() + b'","compositionEvent":{oops}}'
    literal_store(tmp_path, [[raws[0]], [literal_event_record(time_event(5), blob_hash(raws[0])), bad]])
    err = raises_exactly(CorruptRecord, lambda: open_store(tmp_path))
    assert f"file {lit(1)} line 2" in str(err) and blob_hash(bad) in str(err)
    assert "not valid UTF-8 JSON" in str(err)


def test_non_json_record_in_the_chain(tmp_path: Path) -> None:
    bad = b"\x00\x01 not json"
    h = put_component(tmp_path, bad, "component")
    write_file(tmp_path, ("composition-log-head-hash",), bytes.fromhex(h))
    err = raises_exactly(CorruptRecord, lambda: open_store(tmp_path))
    assert f"file component/{h[:2]}/{h}" in str(err) and f"record {h}" in str(err)


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b'["compositionEvent"]', "not a JSON object"),
        (b'{"compositionEvent":{"SetElmAppState":{"HashBase16":"' + b"a" * 64 + b'"},"RevertProcessTo":{"HashBase16":"' + b"a" * 64 + b'"}}}', "exactly one field"),
        (b'{"compositionEvent":{"DeleteEverything":{"HashBase16":"' + b"a" * 64 + b'"}}}', "unknown composition event kind 'DeleteEverything'"),
        (b'{"somethingElse":{}}', "neither 'compositionEvent' nor 'events'"),
    ],
    ids=["array", "two-kinds", "unknown-kind", "no-event"],
)
def test_record_of_wrong_shape_or_unknown_kind(tmp_path: Path, raw: bytes, why: str) -> None:
    first = chain_of(1)[0]
    literal_store(tmp_path, [[first, raw]])
    err = raises_exactly(CorruptRecord, lambda: open_store(tmp_path))
    assert why in str(err) and f"file {lit(0)} line 2" in str(err) and blob_hash(raw) in str(err)


def test_empty_line_in_a_log_file(tmp_path: Path) -> None:
    write_file(tmp_path, log_file(0), chain_of(1)[0] + b"\n\n")
    err = raises_exactly(CorruptRecord, lambda: open_store(tmp_path))
    assert "empty record" in str(err) and f"file {lit(0)} line 2" in str(err)


def test_broken_parent_chain_in_literal_files(tmp_path: Path) -> None:
    raws = chain_of(3)
    stray = literal_event_record(time_event(9), "ab" * 32)
    literal_store(tmp_path, [[raws[0], raws[1]], [raws[2], stray]])
    err = raises_exactly(BrokenParentChain, lambda: open_store(tmp_path))
    assert f"file {lit(1)} line 2" in str(err) and f"record {blob_hash(stray)}" in str(err)
    assert f"parentHashBase16 is {'ab' * 32}, but the record before it is {blob_hash(raws[2])}" in str(err)


def test_broken_parent_chain_across_files(tmp_path: Path) -> None:
    raws = chain_of(3)
    literal_store(tmp_path, [[raws[0]], [raws[2]]])  # raws[1] is missing
    err = raises_exactly(BrokenParentChain, lambda: open_store(tmp_path))
    assert f"file {lit(1)} line 1" in str(err) and blob_hash(raws[2]) in str(err)


def test_broken_parent_between_chain_and_literal_files(tmp_path: Path) -> None:
    write_chain(tmp_path, chain_of(2))
    stray = literal_event_record(time_event(9), "cd" * 32)
    literal_store(tmp_path, [[stray]])
    err = raises_exactly(BrokenParentChain, lambda: open_store(tmp_path))
    assert f"file {lit(0)} line 1" in str(err) and blob_hash(stray) in str(err)


# --- the head-hash chain -----------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [0, 31, 33, 64, 2000])
def test_head_file_of_wrong_length(tmp_path: Path, length: int) -> None:
    write_file(tmp_path, ("composition-log-head-hash",), b"\xab" * length)
    err = raises_exactly(CorruptRecord, lambda: open_store(tmp_path))
    assert "file composition-log-head-hash" in str(err)
    assert ("longer than 1000 bytes" if length > 1000 else f"{length} bytes long") in str(err)


def test_missing_head_record_component(tmp_path: Path) -> None:
    write_file(tmp_path, ("composition-log-head-hash",), bytes.fromhex("ab" * 32))
    err = raises_exactly(MissingComponent, lambda: open_store(tmp_path))
    assert f"Failed to load composition record component {'ab' * 32}" in str(err)


def test_missing_record_component_in_the_chain(tmp_path: Path) -> None:
    raws = chain_of(3)
    write_chain(tmp_path, raws)
    missing = blob_hash(raws[1])
    (tmp_path / "component" / missing[:2] / missing).unlink()
    err = raises_exactly(MissingComponent, lambda: open_store(tmp_path))
    assert f"Failed to load composition record component {missing}" in str(err)
    assert f"record {blob_hash(raws[2])}" in str(err)  # the record that names it as parent
    assert err.component_hash == missing  # type: ignore[attr-defined]


def test_record_component_that_is_not_a_blob(tmp_path: Path) -> None:
    h = put_tree(tmp_path, (b"a", b"b"), "component")
    write_file(tmp_path, ("composition-log-head-hash",), bytes.fromhex(h))
    err = raises_exactly(CorruptComponent, lambda: open_store(tmp_path))
    assert f"component/{h[:2]}/{h}" in str(err) and "not a blob" in str(err)


def test_record_component_with_bad_header(tmp_path: Path) -> None:
    data = b"blub 3\x00abc"
    h = hashlib.sha256(data).hexdigest()
    write_file(tmp_path, ("literal-element", h[:2], h), data)
    write_file(tmp_path, ("composition-log-head-hash",), bytes.fromhex(h))
    err = raises_exactly(CorruptComponent, lambda: open_store(tmp_path))
    assert "Invalid prefix: 'blub 3'" in str(err) and f"literal-element/{h[:2]}/{h}" in str(err)


def test_hash_mismatch_in_a_record_component(tmp_path: Path) -> None:
    raws = chain_of(2)
    write_chain(tmp_path, raws)
    h = blob_hash(raws[0])
    write_file(tmp_path, ("component", h[:2], h), blob_serial(raws[0].replace(b"ArrivedAtTime", b"ArrivedAtTimf")))
    err = raises_exactly(HashMismatch, lambda: open_store(tmp_path))
    assert f"Unexpected content in file {h}: Content hash does not match." in str(err)
    assert f"file component/{h[:2]}/{h}" in str(err)


# --- components referenced by records ----------------------------------------------------------------


def e4_store(root: Path) -> tuple[str, str, str]:
    """An E4 chain with one app event; returns (event component hash, record hash, its file)."""
    w = StoreWriter.new_store(root, WriterEra.E4)
    r = w.append_app_event(time_event(1), T0)
    event = component_hash(time_event(1).encode())
    return event, r.record_hash, f"literal-element/{r.record_hash[:2]}/{r.record_hash}"


def test_missing_event_component(tmp_path: Path) -> None:
    event, record, location = e4_store(tmp_path)
    (tmp_path / "literal-element" / event[:2] / event).unlink()
    store = open_store(tmp_path)  # event payloads load on demand
    for fn in (store.events, lambda: store.event_json(0)):
        err = raises_exactly(MissingComponent, fn)
        assert f"Failed to load component {event}" in str(err)
        assert f"referenced by record {record} at {location}" in str(err)
        assert err.record_hash == record  # type: ignore[attr-defined]


def test_hash_mismatch_in_an_event_component(tmp_path: Path) -> None:
    event, record, _ = e4_store(tmp_path)
    write_file(tmp_path, ("literal-element", event[:2], event), blob_serial(time_event(2).encode()))
    err = raises_exactly(HashMismatch, open_store(tmp_path).events)
    assert f"file literal-element/{event[:2]}/{event}" in str(err) and f"referenced by record {record}" in str(err)


def test_hash_mismatch_in_a_deflated_component(tmp_path: Path) -> None:
    w = StoreWriter.new_store(tmp_path, WriterEra.E4)
    _, config = w.append_deploy({"big.txt": b"a" * 20_000}, migrate=False, time_ms=T0)
    big = component_hash(b"a" * 20_000)
    path = tmp_path / "deflated-literal-element" / big[:2] / big
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    path.write_bytes(c.compress(blob_serial(b"b" * 20_000)) + c.flush())
    err = raises_exactly(HashMismatch, lambda: open_store(tmp_path).app_config(config))
    assert f"deflated-literal-element/{big[:2]}/{big}" in str(err)


def test_deflate_bomb(tmp_path: Path) -> None:
    serial = blob_serial(b"\x00" * 1_000_000)
    h = blob_hash(b"\x00" * 1_000_000)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = c.compress(serial) + c.flush()
    assert len(bomb) < 2_000
    write_file(tmp_path, ("deflated-literal-element", h[:2], h), bomb)
    reader = ComponentReader(DirectoryFiles(tmp_path), max_inflated_bytes=100_000)
    err = raises_exactly(InflatedSizeExceeded, lambda: reader.load(h))
    assert f"file deflated-literal-element/{h[:2]}/{h}" in str(err) and "100000" in str(err)
    assert ComponentReader(DirectoryFiles(tmp_path)).load(h) == b"\x00" * 1_000_000  # the default cap is larger


@pytest.mark.parametrize(
    "serial",
    [
        b"blob 10\x00" + b"\x00" * 1_000_000,  # the header declares little, the stream holds much more
        b"not a header" + b"\x00" * 1_000_000,  # no parsable header at all
        b"list 99999999999999\x00" + b"\x00" * 1_000_000,  # the header itself declares too much
    ],
    ids=["lying-header", "no-header", "huge-declared"],
)
def test_deflate_bomb_variants(tmp_path: Path, serial: bytes) -> None:
    h = "ab" * 32
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    write_file(tmp_path, ("deflated-literal-element", h[:2], h), c.compress(serial) + c.flush())
    reader = ComponentReader(DirectoryFiles(tmp_path), max_inflated_bytes=100_000)
    err = raises_exactly(InflatedSizeExceeded, lambda: reader.load(h))
    assert f"file deflated-literal-element/{h[:2]}/{h}" in str(err)


def test_truncated_deflate_stream(tmp_path: Path) -> None:
    data = bytes(range(256)) * 100
    h = blob_hash(data)
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    full = c.compress(blob_serial(data)) + c.flush()
    write_file(tmp_path, ("deflated-literal-element", h[:2], h), full[: len(full) // 2])
    err = raises_exactly(CorruptComponent, lambda: ComponentReader(DirectoryFiles(tmp_path)).load(h))
    assert f"deflated-literal-element/{h[:2]}/{h}" in str(err)


# --- reverts -----------------------------------------------------------------------------------------------


def test_revert_to_unknown_record_in_literal_files(tmp_path: Path) -> None:
    raws = chain_of(2)
    revert = record_json(RecordKind.REVERT, {"HashBase16": "ef" * 32}, blob_hash(raws[1]))
    literal_store(tmp_path, [raws, [revert]])
    err = raises_exactly(RevertTargetUnknown, lambda: open_store(tmp_path))
    assert f"RevertProcessTo names record {'ef' * 32}" in str(err)
    assert f"file {lit(1)} line 1" in str(err) and f"record {blob_hash(revert)}" in str(err)


def test_revert_to_unknown_record_in_the_chain(tmp_path: Path) -> None:
    raws = chain_of(2)
    revert = record_json(RecordKind.REVERT, {"HashBase16": "ef" * 32}, blob_hash(raws[1]))
    write_chain(tmp_path, [*raws, revert])
    err = raises_exactly(RevertTargetUnknown, lambda: open_store(tmp_path))
    assert f"RevertProcessTo names record {'ef' * 32}" in str(err) and f"record {blob_hash(revert)}" in str(err)


def test_revert_to_a_later_record(tmp_path: Path) -> None:
    """Only constructible where parents are not checked (E0): the target follows the revert."""
    later = json.dumps({"events": [{"SetElmAppState": {"HashBase16": "aa" * 32}}]}).encode()
    revert = json.dumps({"events": [{"RevertProcessTo": {"HashBase16": hashlib.sha256(later).hexdigest()}}]}).encode()
    write_file(tmp_path, ("composition-log", "2020-04-30", "2020-04-30T10.composition.jsonl"), revert + b"\n" + later + b"\n")
    err = raises_exactly(RevertTargetUnknown, lambda: open_store(tmp_path))
    assert "composition-log/2020-04-30/2020-04-30T10.composition.jsonl line 1" in str(err)
    assert hashlib.sha256(revert).hexdigest() in str(err)


# --- reductions and trees ----------------------------------------------------------------------------------


def test_reduction_whose_name_does_not_match(tmp_path: Path) -> None:
    literal_store(tmp_path, [chain_of(1)])
    write_file(tmp_path, ("provisional-reduction", "ab" * 32), json.dumps({"reducedCompositionHashBase16": "cd" * 32}).encode())
    err = raises_exactly(CorruptReduction, open_store(tmp_path).reductions)
    assert f"file provisional-reduction/{'ab' * 32}" in str(err) and "composition hash does not match" in str(err)


def deployed_tree_store(root: Path, tree: Any) -> tuple[Store, str]:
    h = put_tree(root, tree)
    write_file(root, log_file(), record_json(RecordKind.DEPLOY_INIT, {"HashBase16": h}) + b"\n")
    return open_store(root), h


@pytest.mark.parametrize(
    "name",
    [(b"",), (b"\x7f\xff\xff\xff",), b"\xff\xfe\xfd", ((b"a",),)],
    ids=["empty-code-point", "beyond-unicode", "not-utf8-nor-utf32", "nested-list"],
)
def test_undecodable_tree_name(tmp_path: Path, name: Any) -> None:
    store, h = deployed_tree_store(tmp_path, (((b"s", b"r", b"c"), ((name, b"x"),)),))
    err = raises_exactly(CorruptTree, lambda: store.app_config(h))
    assert f"Failed to load component {h} as tree" in str(err) and "'src'" in str(err)


@pytest.mark.parametrize("entry", [(b"a",), (b"a", b"b", b"c"), b"loose blob"], ids=["one", "three", "blob"])
def test_tree_entry_that_is_not_a_pair(tmp_path: Path, entry: Any) -> None:
    store, h = deployed_tree_store(tmp_path, (((b"a",), b"1"), entry))
    err = raises_exactly(CorruptTree, lambda: store.app_config(h))
    assert h in str(err) and "entry 1" in str(err) and "not a list of exactly two components" in str(err)


# --- hostile file system entries ------------------------------------------------------------------------


def test_symlinked_component_leading_outside(tmp_path: Path) -> None:
    store_dir, outside = tmp_path / "store", tmp_path / "secret"
    outside.write_bytes(blob_serial(b"secret"))
    w = StoreWriter.new_store(store_dir, WriterEra.E4)
    r = w.append_app_event(time_event(1), T0)
    event = component_hash(time_event(1).encode())
    link = store_dir / "literal-element" / event[:2] / event
    link.unlink()
    link.symlink_to(outside)
    store = open_store(store_dir)
    err = raises_exactly(UnsafePath, store.events)
    assert "Symbolic link leads outside the store" in str(err)
    assert f"literal-element/{event[:2]}/{event}" in str(err) and r.record_hash in str(err)


def test_symlinked_log_directory_leading_outside(tmp_path: Path) -> None:
    store_dir, outside = tmp_path / "store", tmp_path / "elsewhere"
    literal_store(outside, [chain_of(1)])
    (store_dir / "composition-log").mkdir(parents=True)
    (store_dir / "composition-log" / "literal").symlink_to(outside / "composition-log" / "literal")
    err = raises_exactly(UnsafePath, lambda: open_store(store_dir))
    assert "Symbolic link leads outside the store" in str(err) and "composition-log/literal" in str(err)


def test_symlinked_log_file_leading_outside(tmp_path: Path) -> None:
    store_dir, outside = tmp_path / "store", tmp_path / "elsewhere"
    literal_store(outside, [chain_of(1)])
    target = outside.joinpath(*log_file(0))
    link = store_dir.joinpath(*log_file(0))
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    err = raises_exactly(UnsafePath, lambda: open_store(store_dir))
    assert "Symbolic link leads outside the store" in str(err) and lit(0) in str(err)


def test_symlink_inside_the_store_is_followed(tmp_path: Path) -> None:
    literal_store(tmp_path, [chain_of(2)])
    real = tmp_path.joinpath(*log_file(0))
    moved = tmp_path / "kept" / "log"
    moved.parent.mkdir()
    real.rename(moved)
    real.symlink_to(moved)
    assert len(open_store(tmp_path)) == 2


def run_with_guard(fn: Callable[[], Any]) -> list[Any]:
    """Run ``fn`` in a daemon thread; a hang shows as a missing result instead of a stuck suite."""
    out: list[Any] = []

    def target() -> None:
        try:
            out.append(fn())
        except BaseException as e:  # noqa: BLE001 - reported to the test
            out.append(e)

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(timeout=60)
    assert out, "reading a store with a FIFO in it hung"
    return out


FIFO_PLACES = [
    "log-file",
    "component",
    "head-hash",
    "reduction",
]


@pytest.mark.parametrize("where", FIFO_PLACES)
def test_fifo_in_the_store_does_not_hang(tmp_path: Path, where: str) -> None:
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E4 if where in ("component", "head-hash") else WriterEra.E5)
    w.append_app_event(time_event(1), T0)
    root = tmp_path / "s"
    if where == "log-file":
        fifo = root.joinpath(*log_file(5))
    elif where == "component":
        event = component_hash(time_event(1).encode())
        fifo = root / "literal-element" / event[:2] / event
        fifo.unlink()
    elif where == "head-hash":
        fifo = root / "composition-log-head-hash"
        fifo.unlink()
    else:
        fifo = root / "provisional-reduction" / ("ab" * 32)
    fifo.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(fifo)

    def read_everything() -> object:
        store = open_store(root)
        store.summary()
        store.events()
        store.reductions(check_usable=True)
        return store

    (result,) = run_with_guard(read_everything)
    if isinstance(result, BaseException):
        assert isinstance(result, StoreError), repr(result)
        assert fifo.name in str(result) or "Failed to load" in str(result)
    else:
        assert isinstance(result, Store)
