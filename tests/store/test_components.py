"""Components: serial form, hashes, lookup order and verification (store-format §1.3, §2.1, §2.2, §2.6)."""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elmreplay.errors import CorruptComponent, HashMismatch, MissingComponent
from elmreplay.store.componentstore import ComponentReader
from elmreplay.store.components import (
    Component,
    blob_hash,
    blob_serial,
    component_hash,
    component_serial,
    list_child_hashes,
    parse_serial_header,
)
from elmreplay.store.files import DirectoryFiles, OverlayFiles
from elmreplay.store.writer import StoreWriter, WriterEra

from .helpers import NoFiles, put_component, put_tree, write_file

EMPTY_BLOB = "473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813"
BLOB_012 = "456354a4bc229ae2703b26924e00c5f2858b1abbad79b2d8bba6f2000415a141"


components: st.SearchStrategy[Component] = st.recursive(
    st.binary(max_size=40), lambda children: st.lists(children, max_size=4).map(tuple), max_leaves=16
)


# --- known values ------------------------------------------------------------------------------


def test_known_blob_hashes() -> None:
    assert blob_hash(b"") == EMPTY_BLOB
    assert component_hash(b"") == EMPTY_BLOB
    assert blob_hash(bytes([0, 1, 2])) == BLOB_012
    assert component_hash(bytes([0, 1, 2])) == BLOB_012
    # H("") itself (the E0 first parent, §3.3) is a different value.
    assert hashlib.sha256(b"").hexdigest().startswith("e3b0c442") and hashlib.sha256(b"").hexdigest() != EMPTY_BLOB


def test_serial_examples_of_section_2_1() -> None:
    assert blob_serial(bytes([0, 1, 2])) == bytes.fromhex("62 6c 6f 62 20 33 00 00 01 02")
    two_empty = component_serial((b"", b""))
    assert two_empty == bytes.fromhex("6c 69 73 74 20 32 00") + bytes.fromhex(EMPTY_BLOB) * 2
    assert component_hash((b"", b"")) == hashlib.sha256(two_empty).hexdigest()


def test_list_count_is_the_element_count_not_the_byte_count() -> None:
    serial = component_serial((b"a", b"b", b"c"))
    assert serial.startswith(b"list 3\x00") and len(serial) == 7 + 3 * 32


# --- parsing -----------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(components)
def test_serial_parse_round_trip(component: Component) -> None:
    serial = component_serial(component)
    assert component_hash(component) == hashlib.sha256(serial).hexdigest()
    kind, count, offset = parse_serial_header(serial)
    if isinstance(component, bytes):
        assert (kind, count, serial[offset:]) == ("blob", len(component), component)
    else:
        assert (kind, count) == ("list", len(component))
        assert list_child_hashes(serial, offset, count) == [component_hash(c) for c in component]


@settings(max_examples=40, deadline=None)
@given(components, st.sampled_from([WriterEra.E1, WriterEra.E3, WriterEra.E4]))
def test_store_and_load_round_trip(component: Component, era: WriterEra) -> None:
    overlay = OverlayFiles(NoFiles())
    h = StoreWriter(overlay, era).store_component(component)
    assert h == component_hash(component)
    assert ComponentReader(overlay).load(h) == component


@pytest.mark.parametrize(
    ("serial", "message"),
    [
        (b"blob 3\x00ab", "Unexpected count: got 2, but I expected 3"),
        (b"blob 1\x00ab", "Unexpected count: got 2, but I expected 1"),
        (b"list 1\x00" + b"\x00" * 31, "Unexpected count: got 31, but I expected 32"),
        (b"blub 1\x00a", "Invalid prefix: 'blub 1'"),
        (b"blob x\x00a", "Invalid prefix: 'blob x'"),
        (b"blob1\x00a", "Invalid prefix: 'blob1'"),
        (b"no nul byte at all", "Invalid prefix"),
    ],
)
def test_corrupt_serial_headers(serial: bytes, message: str) -> None:
    with pytest.raises(CorruptComponent) as e:
        parse_serial_header(serial, path="literal-element/ab/abcd")
    assert message in str(e.value)
    assert "literal-element/ab/abcd" in str(e.value) and e.value.path == "literal-element/ab/abcd"


# --- files, lookup order, verification -----------------------------------------------------------


def test_lookup_order_literal_element_before_component(tmp_path: Path) -> None:
    """E4+: literal-element/ is read first, so a damaged copy there wins over a good one in component/."""
    h = put_component(tmp_path, b"payload", "component")
    reader = ComponentReader(DirectoryFiles(tmp_path))
    assert reader.load(h) == b"payload"
    write_file(tmp_path, ("literal-element", h[:2], h), blob_serial(b"PAYLOAD"))
    with pytest.raises(HashMismatch) as e:
        ComponentReader(DirectoryFiles(tmp_path)).load(h)
    assert f"literal-element/{h[:2]}/{h}" in str(e.value)
    # An opened store remembers which directories it lacks (a copy under inspection does not grow).
    assert reader.load(h) == b"payload"


def test_literal_directories_before_deflated(tmp_path: Path) -> None:
    h = component_hash(b"x")
    write_file(tmp_path, ("deflated-literal-element", h[:2], h), b"not deflate data")
    write_file(tmp_path, ("component", h[:2], h), blob_serial(b"x"))
    assert ComponentReader(DirectoryFiles(tmp_path)).load(h) == b"x"


@pytest.mark.parametrize("directory", ["deflated-literal-element", "deflated-component"])
def test_reads_raw_deflate(tmp_path: Path, directory: str) -> None:
    data = b"abc" * 5000
    h = blob_hash(data)
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    write_file(tmp_path, (directory, h[:2], h), c.compress(blob_serial(data)) + c.flush())
    found = ComponentReader(DirectoryFiles(tmp_path)).find_serial(h)
    assert found is not None and found.deflated and found.path == f"{directory}/{h[:2]}/{h}"
    assert ComponentReader(DirectoryFiles(tmp_path)).load(h) == data


def test_zlib_wrapped_file_is_not_raw_deflate(tmp_path: Path) -> None:
    h = blob_hash(b"abc")
    write_file(tmp_path, ("deflated-literal-element", h[:2], h), zlib.compress(blob_serial(b"abc")))
    with pytest.raises(CorruptComponent) as e:
        ComponentReader(DirectoryFiles(tmp_path)).load(h)
    assert f"deflated-literal-element/{h[:2]}/{h}" in str(e.value)


def test_uppercase_e0_component_names(tmp_path: Path) -> None:
    """Before 2020-05-01 directory and file names were uppercase hex (§1.2)."""
    h = put_component(tmp_path, b"old", "component", upper=True)
    assert (tmp_path / "component" / h[:2].upper() / h.upper()).is_file()
    reader = ComponentReader(DirectoryFiles(tmp_path))
    assert reader.load(h) == b"old"
    assert reader.load(h.upper()) == b"old"
    assert reader.exists(h)


def test_every_list_element_is_verified(tmp_path: Path) -> None:
    tree = ((b"name", b"content"), (b"other", b"x"))
    h = put_tree(tmp_path, tree)
    reader = ComponentReader(DirectoryFiles(tmp_path))
    assert reader.load(h) == tree
    child = component_hash(b"content")
    write_file(tmp_path, ("literal-element", child[:2], child), blob_serial(b"CONTENT"))
    with pytest.raises(HashMismatch) as e:
        reader.load(h)
    assert f"Hash for loaded element does not match {child}" in str(e.value)
    assert f"literal-element/{child[:2]}/{child}" in str(e.value)


def test_missing_list_element(tmp_path: Path) -> None:
    tree = ((b"name", b"content"),)
    h = put_component(tmp_path, tree)
    entry = component_hash(tree[0])
    with pytest.raises(MissingComponent) as e:
        ComponentReader(DirectoryFiles(tmp_path)).load(h)
    assert e.value.component_hash == entry
    assert f"Failed to load list element {entry}" in str(e.value)
    assert f"literal-element/{h[:2]}/{h}" in str(e.value)  # the list that references it


def test_missing_root_component(tmp_path: Path) -> None:
    with pytest.raises(MissingComponent) as e:
        ComponentReader(DirectoryFiles(tmp_path)).load(EMPTY_BLOB)
    assert e.value.component_hash == EMPTY_BLOB and EMPTY_BLOB in str(e.value)


def test_load_blob_rejects_a_list(tmp_path: Path) -> None:
    h = put_tree(tmp_path, (b"a",))
    with pytest.raises(CorruptComponent) as e:
        ComponentReader(DirectoryFiles(tmp_path)).load_blob(h)
    assert "not a blob" in str(e.value) and h in str(e.value)


def test_shared_children_load_once_and_compare_equal(tmp_path: Path) -> None:
    shared = (b"s", (b"t",))
    tree = (shared, shared, (shared,))
    h = put_tree(tmp_path, tree)
    assert ComponentReader(DirectoryFiles(tmp_path)).load(h) == tree
