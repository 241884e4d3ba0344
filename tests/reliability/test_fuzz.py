"""Fuzzing the reader: mutated stores and arbitrary record / component / event bytes raise only
documented exceptions (ElmReplayError subclasses), never KeyError, IndexError, RecursionError,
MemoryError, UnicodeDecodeError, zlib.error, ValueError...; memory stays bounded.

CI runs a few thousand cases in total (see ``fuzzing.SCALE`` for the slow profile).
"""

from __future__ import annotations

import json
import tempfile
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from elmreplay.cli import main
from elmreplay.errors import (
    CorruptComponent,
    CorruptRecord,
    CorruptReduction,
    CorruptTree,
    ElmReplayError,
    InflatedSizeExceeded,
    StoreError,
)
from elmreplay.store.components import Component, blob_hash, component_serial, parse_serial_header
from elmreplay.store.componentstore import ComponentReader, inflate_raw
from elmreplay.store.records import RecordKind, RecordLocation, parse_record
from elmreplay.store.reductions import read_reduction
from elmreplay.store.store import Store, describe_event_json, open_store
from elmreplay.store.trees import flatten_tree

from .fuzzing import DictFiles, Mutation, documented, fuzz_settings, mutated, mutations, read_everything
from .stores import BaseStore

# --- the small stores, in memory ------------------------------------------------------------------


@pytest.fixture(scope="module")
def pristine(small_stores: dict[str, BaseStore]) -> dict[str, DictFiles]:
    return {name: DictFiles.from_directory(base.root) for name, base in small_stores.items()}


def check_strict_and_lenient(files: DictFiles) -> None:
    """Strict reading raises only documented errors; lenient reading never raises, and it stops
    exactly when strict reading fails."""
    open_error = documented(lambda: Store(files, name="fuzz"))
    strict_error = open_error or documented(lambda: Store(files, name="fuzz").events())
    lenient = Store(files, name="fuzz", lenient=True)
    assert (lenient.stopped is None) == (open_error is None)
    df = lenient.events(lenient=True)
    stopped = df.attrs["stopped"]
    assert (stopped is None) == (strict_error is None), (stopped, strict_error)
    if stopped is not None:
        assert stopped["after"] == len(df)
        if open_error is None:  # the same event-level damage (with two damages, either may come first)
            assert stopped["error"] == type(strict_error).__name__
    try:
        store = Store(files, name="fuzz")
    except ElmReplayError:
        return
    read_everything(store)


@pytest.mark.parametrize("layout", ["literal", "chain"])
@fuzz_settings(700)
@given(muts=st.lists(mutations, min_size=1, max_size=4))
def test_mutated_stores_raise_only_documented_errors(pristine: dict[str, DictFiles], layout: str, muts: list[Mutation]) -> None:
    check_strict_and_lenient(mutated(pristine[layout], muts))


@fuzz_settings(60)
@given(muts=st.lists(mutations, min_size=1, max_size=3))
def test_mutated_stores_on_disk_through_the_cli(pristine: dict[str, DictFiles], muts: list[Mutation], capsys: pytest.CaptureFixture[str]) -> None:
    """The real directory reader and the CLI: exit 0 or 2 with one line, never a traceback."""
    files = mutated(pristine["literal"], muts)
    with tempfile.TemporaryDirectory() as d:
        root = Path(d) / "store"
        files.write_to(root)
        for argv in (["summary", str(root)], ["events", str(root), "--format", "csv"], ["events", str(root), "--lenient"]):
            code = main(argv)
            _, err = capsys.readouterr()
            assert code in (0, 2), (argv, err)
            assert "Traceback" not in err and len(err.splitlines()) <= 1, err


@fuzz_settings(200)
@given(muts=st.lists(mutations, min_size=1, max_size=3))
def test_memory_stays_bounded_while_reading_mutated_stores(pristine: dict[str, DictFiles], muts: list[Mutation]) -> None:
    files = mutated(pristine["literal"], muts)
    tracemalloc.start()
    try:
        check_strict_and_lenient(files)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20, f"reading a 100 KB store used {peak >> 20} MiB"


# --- records ---------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=16,
)
kinds = st.sampled_from([k.value for k in RecordKind] + ["Unknown", ""])
hex_hashes = st.binary(min_size=32, max_size=32).map(lambda b: b.hex())
value_refs = st.fixed_dictionaries(
    {}, optional={"HashBase16": hex_hashes | json_values, "LiteralStringUtf8": st.text(max_size=50) | json_values}
)
events = st.dictionaries(kinds, value_refs | json_values, max_size=2)
records = st.fixed_dictionaries(
    {},
    optional={
        "parentHashBase16": hex_hashes | json_values,
        "compositionEvent": events | json_values,
        "events": st.lists(events | json_values, max_size=3) | json_values,
    },
)


def parse(raw: bytes) -> None:
    try:
        parsed = parse_record(raw, location=RecordLocation("composition-log/literal/x", 3), record_hash=blob_hash(raw))
    except CorruptRecord as e:
        assert "file composition-log/literal/x line 3" in str(e) and blob_hash(raw) in str(e)
        return
    assert parsed.events and all(isinstance(e.kind, RecordKind) for e in parsed.events)


@fuzz_settings(500)
@given(obj=records)
def test_records_of_any_json_shape(obj: dict[str, Any]) -> None:
    parse(json.dumps(obj).encode())


@fuzz_settings(500)
@given(raw=st.binary(max_size=300))
def test_record_bytes_of_any_kind(raw: bytes) -> None:
    parse(raw)


@fuzz_settings(400)
@given(data=st.data())
def test_mutated_real_records(pristine: dict[str, DictFiles], data: st.DataObject) -> None:
    lines = [line for segs, content in sorted(pristine["literal"].files.items()) if segs[0] == "composition-log" for line in content.split(b"\n") if line]
    raw = bytearray(data.draw(st.sampled_from(lines)))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw)))
        raw[at:at + data.draw(st.integers(0, 3))] = data.draw(st.binary(max_size=3))
    parse(bytes(raw))


@fuzz_settings(300)
@given(event=json_values)
def test_event_json_of_any_shape_is_described(event: object) -> None:
    info = describe_event_json(json.dumps({"HttpRequestEvent": event}))
    assert info.posix_time_milli is None or isinstance(info.posix_time_milli, int)
    describe_event_json(json.dumps(event))


# --- components, deflate, trees, reductions ----------------------------------------------------


@fuzz_settings(300)
@given(serial=st.one_of(st.binary(max_size=100), st.builds(lambda k, n, rest: k + str(n).encode() + b"\x00" + rest,
       st.sampled_from([b"blob ", b"list ", b"blob", b"list  ", b"tree "]), st.integers(-5, 10**30), st.binary(max_size=96))))  # fmt: skip
def test_component_serial_headers(serial: bytes) -> None:
    try:
        kind, count, offset = parse_serial_header(serial, path="literal-element/ab/ab")
    except CorruptComponent as e:
        assert "literal-element/ab/ab" in str(e)
        return
    assert kind in ("blob", "list") and offset <= len(serial)


@fuzz_settings(300)
@given(data=st.one_of(
    st.binary(max_size=200),
    st.builds(lambda head, n, tail: zlib.compress(head + bytes(n) , 9)[2:-4] + tail,
              st.sampled_from([b"blob 10\x00", b"blob 99999999999999\x00", b"list 1\x00", b"", b"blob x\x00"]),
              st.integers(0, 300_000), st.binary(max_size=4)),
))  # fmt: skip
def test_deflated_files(data: bytes) -> None:
    for serial in (True, False):
        try:
            out = inflate_raw(data, path="deflated-literal-element/ab/ab", max_bytes=100_000, serial=serial)
        except (CorruptComponent, InflatedSizeExceeded) as e:
            assert "deflated-literal-element/ab/ab" in str(e)
            continue
        assert len(out) <= 100_000


components: st.SearchStrategy[Component] = st.recursive(
    st.binary(max_size=8), lambda children: st.lists(children, max_size=4).map(tuple), max_leaves=20
)


@fuzz_settings(400)
@given(tree=components)
def test_trees_of_any_shape(tree: Component) -> None:
    try:
        files = flatten_tree(tree, component_hash="ab" * 32)
    except CorruptTree as e:
        assert "ab" * 32 in str(e)
        return
    assert all(isinstance(k, str) and isinstance(v, bytes) for k, v in files.items())


@fuzz_settings(300)
@given(tree=components, flip=st.integers(0, 10_000))
def test_stored_components_with_a_damaged_file(tree: Component, flip: int) -> None:
    """Store a component tree in memory, damage one of its files, load it."""
    files: dict[tuple[str, ...], bytes] = {}
    stack = [tree]
    while stack:
        c = stack.pop()
        s = component_serial(c)
        from hashlib import sha256

        h = sha256(s).hexdigest()
        files[("literal-element", h[:2], h)] = s
        if isinstance(c, tuple):
            stack.extend(c)
    names = sorted(files)
    victim = names[flip % len(names)]
    data = files[victim]
    files[victim] = data[: flip % (len(data) + 1)] + bytes([flip & 0xFF]) + data[flip % (len(data) + 1) + 1 :]
    root = sha256(component_serial(tree)).hexdigest()
    documented(lambda: ComponentReader(DictFiles(files)).load(root))


@fuzz_settings(300)
@given(content=st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode()),
       st.fixed_dictionaries({}, optional={"reducedCompositionHashBase16": st.just("ab" * 32) | json_values,
                                           "elmAppState": value_refs | json_values, "appConfig": value_refs | json_values}
                             ).map(lambda v: json.dumps(v).encode())))  # fmt: skip
def test_reduction_files_of_any_content(content: bytes) -> None:
    files = DictFiles({("provisional-reduction", "ab" * 32): content})
    try:
        read_reduction(files, "ab" * 32)
    except CorruptReduction as e:
        assert "provisional-reduction/" + "ab" * 32 in str(e)


def test_lenient_reading_of_a_real_damaged_sample(copy_of) -> None:  # type: ignore[no-untyped-def]
    """A smoke check of the on-disk lenient path on the biggest sample (not hypothesis: one case)."""
    base = copy_of("tracker")
    log = sorted((base.root / "composition-log" / "literal").rglob("*"))[-1]
    log.write_bytes(b"\xff" + log.read_bytes())
    with pytest.raises(StoreError):
        open_store(base.root)
    store = open_store(base.root, lenient=True)
    assert store.stopped is not None and len(store.records) < 3973
