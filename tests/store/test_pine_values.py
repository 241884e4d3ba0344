"""Tests of the 2025 Pine value files (value/json/deflated, value/binary/deflated)."""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elmreplay.errors import CorruptComponent, UnsupportedStoreFeature
from elmreplay.store.components import Component, component_hash
from elmreplay.store.pine_values import (
    decode_binary_value_file,
    decode_json_value_file,
    encode_binary_value_file,
    encode_json_value_file,
)

PATH = "value/binary/deflated/ab/ab12"


def no_load(h: str) -> Component:
    raise AssertionError(f"the 2025 value files are self-contained; load({h}) must not be called")


def dec_bin(data: bytes) -> Component:
    return decode_binary_value_file(data, path=PATH, load=no_load)


def dec_json(data: bytes) -> Component:
    return decode_json_value_file(data, path=PATH, load=no_load)


def deep_hash(component: Component) -> str:
    """Iterative, memoized component hash (store-format §2.1) for deep or heavily shared values."""
    memo: dict[int, bytes] = {}
    keep: list[Component] = []
    stack: list[tuple[Component, bool]] = [(component, False)]
    while stack:
        value, expanded = stack.pop()
        if id(value) in memo:
            continue
        if isinstance(value, bytes):
            serial = b"blob %d\x00" % len(value) + value
        elif not expanded:
            stack.append((value, True))
            stack.extend((item, False) for item in value)
            continue
        else:
            serial = b"list %d\x00" % len(value) + b"".join(memo[id(item)] for item in value)
        memo[id(value)] = hashlib.sha256(serial).digest()
        keep.append(value)
    return memo[id(component)].hex()


def nested(depth: int) -> Component:
    value: Component = b"\x01"
    for _ in range(depth):
        value = (value,)
    return value


def i32(n: int) -> bytes:
    return struct.pack(">i", n)


def i64(n: int) -> bytes:
    return struct.pack(">q", n)


blobs = st.sampled_from([b"", b"a", b"\xfb\xff", b"\x00\x01\x02"]) | st.binary(max_size=9)
components = st.recursive(blobs, lambda c: st.lists(c, max_size=5).map(tuple), max_leaves=40)


# --- binary: layout -------------------------------------------------------------------------


def test_binary_64bit_hand_written_vector() -> None:
    # decl 0: blob "a" (+3 padding); decl 1 (root): list [ref 0, ref 0, blob ""]
    data = (
        i64(0) + i32(1) + i64(1) + b"a\x00\x00\x00"
        + i64(1) + i32(3) + i64(3) + i32(4) + i64(0) + i32(4) + i64(0) + i32(1) + i64(0)
    )
    assert dec_bin(data) == (b"a", b"a", b"")


def test_binary_32bit_hand_written_vector() -> None:
    data = (
        i32(0) + i32(1) + i32(2) + b"bc\x00\x00"
        + i32(1) + i32(3) + i32(2) + i32(4) + i32(0) + i32(3) + i32(1) + i32(4) + i32(0)
    )
    assert dec_bin(data) == (b"bc", (b"bc",))


@pytest.mark.parametrize("id_size", [4, 8])
def test_encoder_declares_shared_values_and_puts_the_root_last(id_size: Literal[4, 8]) -> None:
    shared_list = (b"x", b"yy")
    value = (shared_list, shared_list, b"yy", b"solo")
    pack = i32 if id_size == 4 else i64
    expected = (
        # shared blob b"yy" (occurs in shared_list and in the root), then the shared list
        pack(0) + i32(1) + pack(2) + b"yy\x00\x00"
        + pack(1) + i32(3) + pack(2) + i32(1) + pack(1) + b"x\x00\x00\x00" + i32(4) + pack(0)
        # root
        + pack(2) + i32(3) + pack(4) + i32(4) + pack(1) + i32(4) + pack(1) + i32(4) + pack(0)
        + i32(1) + pack(4) + b"solo"
    )
    assert encode_binary_value_file(value, id_size=id_size) == expected
    assert dec_bin(expected) == value


def test_64bit_file_is_read_through_the_hosts_fallback() -> None:
    # Read as 32-bit, a host-written 64-bit file has tag 0 (high half of declaration id 0).
    data = encode_binary_value_file((b"a", (b"b",)), id_size=8)
    assert data[:8] == bytes(8)
    assert dec_bin(data) == (b"a", (b"b",))


def test_binary_root_is_the_last_declaration_even_if_unreferenced() -> None:
    data = i32(5) + i32(1) + i32(1) + b"z\x00\x00\x00" + i32(9) + i32(3) + i32(0)
    assert dec_bin(data) == ()


def test_binary_padding_content_and_missing_final_padding_are_ignored_like_the_host() -> None:
    base = i32(0) + i32(1) + i32(1) + b"q"
    assert dec_bin(base + b"\xff\xff\xff") == b"q"
    assert dec_bin(base) == b"q"


# --- binary: errors -------------------------------------------------------------------------


def test_binary_empty_file_is_corrupt_and_names_the_file() -> None:
    with pytest.raises(CorruptComponent, match=r"no declaration.*file value/binary/deflated/ab/ab12"):
        dec_bin(b"")


def test_binary_truncated_root_is_corrupt() -> None:
    data = encode_binary_value_file((b"abc", (b"d", b"e")))
    with pytest.raises(CorruptComponent, match="file ends inside"):
        dec_bin(data[:-5])


@pytest.mark.parametrize("length", [2**31 - 1, -1])
def test_binary_huge_or_negative_blob_length_is_corrupt(length: int) -> None:
    with pytest.raises(CorruptComponent, match="blob length"):
        dec_bin(i32(0) + i32(1) + i32(length) + b"abcd")


def test_binary_huge_list_count_is_rejected_without_allocating() -> None:
    with pytest.raises(CorruptComponent, match="list item count"):
        dec_bin(i64(0) + i32(3) + i64(2**62) + i32(3) + i64(0))


def test_binary_reference_to_undeclared_id_is_corrupt() -> None:
    with pytest.raises(CorruptComponent, match="Reference not found: 7"):
        dec_bin(i32(0) + i32(3) + i32(1) + i32(4) + i32(7))


def test_binary_declaration_cannot_refer_to_itself() -> None:
    with pytest.raises(CorruptComponent, match="Reference not found: 0"):
        dec_bin(i32(0) + i32(3) + i32(1) + i32(4) + i32(0))


def test_binary_unknown_small_tag_is_an_unsupported_feature() -> None:
    with pytest.raises(UnsupportedStoreFeature, match="Unexpected tag: 7"):
        dec_bin(i32(0) + i32(3) + i32(1) + i32(7) + i32(0))


def test_binary_garbage_is_corrupt() -> None:
    with pytest.raises(CorruptComponent):
        dec_bin(b"\xde\xad\xbe\xef" * 5)


def test_binary_every_prefix_decodes_or_raises_a_store_error() -> None:
    data = encode_binary_value_file(((b"ab", b"ab"), (b"ab", b"ab"), b"tail!"))
    for end in range(len(data)):
        try:
            dec_bin(data[:end])
        except (CorruptComponent, UnsupportedStoreFeature):
            pass


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_binary_fuzz_raises_only_store_errors(data: bytes) -> None:
    try:
        dec_bin(data)
    except (CorruptComponent, UnsupportedStoreFeature):
        pass


# --- binary: round trips --------------------------------------------------------------------


@settings(max_examples=200)
@given(components, st.sampled_from([4, 8]))
def test_binary_round_trip(value: Component, id_size: Literal[4, 8]) -> None:
    decoded = dec_bin(encode_binary_value_file(value, id_size=id_size))
    assert decoded == value
    assert component_hash(decoded) == component_hash(value)


@settings(max_examples=100)
@given(components)
def test_binary_round_trip_survives_raw_deflate_with_sync_flush(value: Component) -> None:
    # The host writes DeflateStream output after Flush() only: a sync flush, no final block.
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    file = compressor.compress(encode_binary_value_file(value)) + compressor.flush(zlib.Z_SYNC_FLUSH)
    inflater = zlib.decompressobj(-15)
    assert dec_bin(inflater.decompress(file)) == value


def test_binary_shared_values_are_written_once() -> None:
    big = bytes(range(200))
    data = encode_binary_value_file(((big, b"1"), (big, b"2"), big))
    assert data.count(big) == 1
    assert dec_bin(data) == ((big, b"1"), (big, b"2"), big)


def test_binary_deep_nesting_does_not_recurse() -> None:
    value = nested(100_000)
    decoded = dec_bin(encode_binary_value_file(value))
    assert deep_hash(decoded) == deep_hash(value)


def test_binary_exponential_sharing_stays_small() -> None:
    value: Component = b"leaf"
    for _ in range(60):  # 2**60 leaves when expanded
        value = (value, value)
    data = encode_binary_value_file(value)
    assert len(data) < 10_000
    assert deep_hash(dec_bin(data)) == deep_hash(value)


# --- JSON -----------------------------------------------------------------------------------


def test_json_hand_written_vector_with_escaped_plus_and_extra_fields() -> None:
    text = (
        '[{"Key":"blob-0","Value":{"BlobBytesBase64":"\\u002Bw==","ListItemsKeys":null}},'
        '{"Key":"blob-1","Value":{"BlobBytesBase64":"AAEC","ListItemsKeys":null,"Later":1}},'
        '{"Key":"list-0","Value":{"BlobBytesBase64":null,"ListItemsKeys":["blob-0"]}},'
        '{"Key":"list-1","Value":{"BlobBytesBase64":null,"ListItemsKeys":["list-0","blob-1","list-0"]}}]'
    )
    assert dec_json(text.encode()) == ((b"\xfb",), b"\x00\x01\x02", (b"\xfb",))


def test_json_encoder_matches_the_hosts_shape() -> None:
    encoded = encode_json_value_file(((b"\xfb",), b"\x00\x01\x02", (b"\xfb",)))
    assert encoded == (
        b'[{"Key":"blob-0","Value":{"BlobBytesBase64":"\\u002Bw==","ListItemsKeys":null}},'
        b'{"Key":"blob-1","Value":{"BlobBytesBase64":"AAEC","ListItemsKeys":null}},'
        b'{"Key":"list-0","Value":{"BlobBytesBase64":null,"ListItemsKeys":["blob-0"]}},'
        b'{"Key":"list-1","Value":{"BlobBytesBase64":null,"ListItemsKeys":["list-0","blob-1","list-0"]}}]'
    )


def entry_blob(key: str, b64: str) -> dict[str, object]:
    return {"Key": key, "Value": {"BlobBytesBase64": b64, "ListItemsKeys": None}}


def entry_list(key: str, *items: str) -> dict[str, object]:
    return {"Key": key, "Value": {"BlobBytesBase64": None, "ListItemsKeys": list(items)}}


def js(*entries: dict[str, object]) -> bytes:
    return json.dumps(list(entries)).encode()


def test_json_root_is_the_list_with_most_nodes_not_the_last_entry() -> None:
    data = js(
        entry_blob("b", "YQ=="),
        entry_list("big", "b", "b", "b"),
        entry_list("small", "b"),
    )
    assert dec_json(data) == (b"a", b"a", b"a")


def test_json_root_tie_goes_to_the_first_list() -> None:
    data = js(entry_blob("b", "YQ=="), entry_blob("c", "Yg=="), entry_list("x", "b"), entry_list("y", "c"))
    assert dec_json(data) == (b"a",)


def test_json_nodes_count_counts_descendants_with_multiplicity() -> None:
    # NodesCount: inner 1, deep 3 + 3*1 = 6, wide 5 -> deep, although wide has more items
    data = js(
        entry_blob("b", "YQ=="),
        entry_list("inner", "b"),
        entry_list("deep", "inner", "inner", "inner"),  # 3 + 3 = 6
        entry_list("wide", "b", "b", "b", "b", "b"),  # 5
    )
    assert dec_json(data) == ((b"a",), (b"a",), (b"a",))


def test_json_blob_only_file_returns_the_first_entry() -> None:
    assert dec_json(js(entry_blob("x", "YQ=="), entry_blob("y", "Yg=="))) == b"a"


def test_json_duplicate_key_replaces_the_value() -> None:
    data = js(entry_blob("b", "YQ=="), entry_blob("b", "Yg=="), entry_list("l", "b"))
    assert dec_json(data) == (b"b",)


@settings(max_examples=200)
@given(components)
def test_json_round_trip(value: Component) -> None:
    decoded = dec_json(encode_json_value_file(value))
    assert decoded == value
    assert component_hash(decoded) == component_hash(value)


def test_json_deep_nesting_does_not_recurse() -> None:
    value = nested(50_000)
    assert deep_hash(dec_json(encode_json_value_file(value))) == deep_hash(value)


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        (b"\xff[]", "not valid UTF-8 JSON"),
        (b"[", "not valid UTF-8 JSON"),
        (b"null", "non-empty array"),
        (b"[]", "non-empty array"),
        (b"[1]", "entry 0 is not an object"),
        (js({"Value": {"BlobBytesBase64": "AA=="}}), "no string 'Key'"),
        (js({"key": "a", "Value": {"BlobBytesBase64": "AA=="}}), "no string 'Key'"),
        (js({"Key": "a", "Value": "AA=="}), "no object 'Value'"),
        (js(entry_blob("a", "A")), "invalid base64"),
        (js(entry_blob("a", "A*==")), "invalid base64"),
        (js(entry_list("l", "nope")), "refers to 'nope'"),
        (js(entry_list("l", "l")), "refers to 'l'"),
        (js(entry_list("l", "b"), entry_blob("b", "AA==")), "refers to 'b'"),
        (js({"Key": "a", "Value": {"BlobBytesBase64": 5}}), "not a string"),
        (js({"Key": "a", "Value": {"ListItemsKeys": "b"}}), "not an array"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid UTF-8 JSON|non-empty array|not an object"),
    ],
)
def test_json_bad_data_is_corrupt(data: bytes, pattern: str) -> None:
    with pytest.raises(CorruptComponent, match=pattern) as info:
        dec_json(data)
    assert info.value.path == PATH


def test_json_unknown_entry_kind_is_unsupported() -> None:
    data = js({"Key": "x", "Value": {"BlobBytesBase64": None, "ListItemsKeys": None, "Other": 3}})
    with pytest.raises(UnsupportedStoreFeature, match=r"entry 0 \(x\).*Other"):
        dec_json(data)


def test_json_base64_whitespace_is_skipped_like_dotnet() -> None:
    assert dec_json(js(entry_blob("a", "AA\r\nEC"))) == b"\x00\x01\x02"


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_json_fuzz_raises_only_store_errors(data: bytes) -> None:
    try:
        dec_json(data)
    except (CorruptComponent, UnsupportedStoreFeature):
        pass


json_names = st.sampled_from(["Key", "Value", "BlobBytesBase64", "ListItemsKeys"])
json_documents = st.recursive(
    st.none() | st.integers() | st.text(max_size=5),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(json_names, c, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200)
@given(json_documents)
def test_json_structured_fuzz_raises_only_store_errors(document: object) -> None:
    try:
        dec_json(json.dumps(document).encode())
    except (CorruptComponent, UnsupportedStoreFeature):
        pass


def test_component_hash_helper_agrees_with_the_store_layer() -> None:
    value = ((b"", b"\x00\x01\x02"), b"", ())
    assert deep_hash(value) == component_hash(value)
    assert deep_hash(b"") == "473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813"


def test_json_blob_with_a_character_beyond_ascii_is_a_corrupt_component() -> None:
    # (found by the structured fuzz: base64 raises a bare ValueError for non-ASCII text)
    with pytest.raises(CorruptComponent, match="invalid base64"):
        dec_json(b'[{"Key":"","Value":{"BlobBytesBase64":"\\u0080"}}]')
