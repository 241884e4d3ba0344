"""App-config trees: name encodings and entry order of each era, and parsing (store-format §2.3, §2.4, §11.2-§11.4)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elmreplay.errors import CorruptTree
from elmreplay.store.components import Component, component_hash, component_serial
from elmreplay.store.trees import (
    TreeEncoding,
    _sort_key_ordinal,
    build_tree,
    decode_name,
    encode_name,
    flatten_tree,
    name_encoding_of,
    unsigned_int_bytes,
)

TREE_A_2021 = "37ad9ecae27f4f5dab39ae399c9474a693cdec632116267bc506a0365813968c"
TREE_A_2020 = "c3fbedf892aa8b1242e732c06340431707510728b839c234570c40085dc776c0"
TREE_A_2025 = "5b250d9ca127c64de245079ff6dbf3db344b760e92619792d8249d131a96d115"

ALL = list(TreeEncoding)
UTF8_ENCODINGS = (TreeEncoding.UTF8_FILES_FIRST, TreeEncoding.UTF8)


def sha(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


# --- known hashes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        (TreeEncoding.UTF8_FILES_FIRST, TREE_A_2020),
        (TreeEncoding.UTF8, TREE_A_2020),
        (TreeEncoding.CODEPOINTS, TREE_A_2021),
        (TreeEncoding.UTF32, TREE_A_2025),
    ],
)
def test_known_tree_hashes(encoding: TreeEncoding, expected: str) -> None:
    assert component_hash(build_tree({"a": bytes([0, 1, 2])}, encoding)) == expected


def test_known_tree_hashes_from_first_principles() -> None:
    """The same three values, built from the serial rules of §2.1 with hashlib only."""

    def blob(b: bytes) -> bytes:
        return sha(b"blob %d\x00" % len(b) + b)

    def lst(*hashes: bytes) -> bytes:
        return sha(b"list %d\x00" % len(hashes) + b"".join(hashes))

    content = blob(bytes([0, 1, 2]))
    assert lst(lst(blob(b"a"), content)).hex() == TREE_A_2020
    assert lst(lst(lst(blob(b"\x61")), content)).hex() == TREE_A_2021
    assert lst(lst(blob(b"\x00\x00\x00\x61"), content)).hex() == TREE_A_2025


# --- names ------------------------------------------------------------------------------------


def test_name_encodings_of_each_era() -> None:
    assert encode_name("a", TreeEncoding.UTF8) == b"a"
    assert encode_name("a", TreeEncoding.CODEPOINTS) == (b"\x61",)
    assert encode_name("a", TreeEncoding.UTF32) == b"\x00\x00\x00\x61"
    # The project's own Composition_from_tree_with_string_path examples.
    assert encode_name("ä", TreeEncoding.CODEPOINTS) == (b"\xe4",)
    assert encode_name("\U0001f600", TreeEncoding.CODEPOINTS) == (b"\x01\xf6\x00",)
    assert encode_name("ä", TreeEncoding.UTF8) == b"\xc3\xa4"
    assert encode_name("\U0001f600", TreeEncoding.UTF32) == b"\x00\x01\xf6\x00"
    assert encode_name("\x00", TreeEncoding.CODEPOINTS) == (b"\x00",)


@pytest.mark.parametrize(("n", "expected"), [(0, b"\x00"), (1, b"\x01"), (255, b"\xff"), (256, b"\x01\x00"), (0x1F600, b"\x01\xf6\x00")])
def test_unsigned_int_bytes_is_minimal_big_endian(n: int, expected: bytes) -> None:
    assert unsigned_int_bytes(n) == expected


def test_decode_names_of_every_era() -> None:
    assert decode_name((b"\xe4",)) == "ä"
    assert decode_name((b"\x01\xf6\x00",)) == "\U0001f600"
    assert decode_name(b"\xc3\xa4") == "ä"
    assert decode_name(b"\x00\x01\xf6\x00") == "\U0001f600"
    assert decode_name(b"") == "" and decode_name(()) == ""


def test_utf8_name_that_is_also_valid_utf32_reads_as_utf32() -> None:
    """The 2025 reading (§2.4): a UTF-8 blob name is taken as UTF-32 when it decodes as such."""
    assert decode_name("\x00\x00\x00a".encode("utf-8")) == "a"


@pytest.mark.parametrize(
    "name",
    [
        (b"",),  # an empty code-point blob
        (b"\x11\x00\x00",),  # beyond U+10FFFF
        ((b"a",),),  # a list inside a name
        b"\xff\xfe",  # neither UTF-32BE nor UTF-8
        b"\x00\x00\xd8\x00\xff",  # not UTF-32 (length), not UTF-8
    ],
)
def test_undecodable_names(name: Component) -> None:
    with pytest.raises(ValueError):
        decode_name(name)


def test_surrogate_code_point_in_list_name_is_undecodable() -> None:
    """The host's char.ConvertFromUtf32 rejects U+D800-U+DFFF (as the UTF-32 branch does)."""
    for cp in (b"\xd8\x00", b"\xdf\xff", b"\xd8\x3d"):
        with pytest.raises(ValueError):
            decode_name((cp,))
        with pytest.raises(ValueError):
            decode_name(b"\x00\x00" + cp)  # also not UTF-8, so undecodable either way
    assert decode_name((b"\xd7\xff",)) == "\ud7ff" and decode_name((b"\xe0\x00",)) == "\ue000"


names = st.text(min_size=1, max_size=8).filter(lambda s: "/" not in s and "\\" not in s)
# A UTF-8 name starting with NUL may be valid UTF-32 too (read as such, see above).
utf8_names = names.filter(lambda s: not s.startswith("\x00"))


@settings(max_examples=100, deadline=None)
@given(st.data(), st.sampled_from(ALL))
def test_decode_name_inverts_encode_name(data: st.DataObject, encoding: TreeEncoding) -> None:
    name = data.draw(utf8_names if encoding in UTF8_ENCODINGS else names)
    assert decode_name(encode_name(name, encoding)) == name


# --- ordering ---------------------------------------------------------------------------------


def entry_names(tree: Component) -> list[str]:
    assert isinstance(tree, tuple)
    names = []
    for entry in tree:
        assert isinstance(entry, tuple)
        names.append(decode_name(entry[0]))
    return names


def test_ordinal_sort_of_section_11_4() -> None:
    expected = ["", "a", "bA", "ba", "ba-", "bb", "c", "testa", "test😃", "tesz", "🌲", "🌿"]
    assert sorted(reversed(expected), key=_sort_key_ordinal) == expected
    files = {n + ("/inner" if n == "c" else ""): b"x" for n in expected if n}
    for encoding in (TreeEncoding.CODEPOINTS, TreeEncoding.UTF32):
        assert entry_names(build_tree(files, encoding)) == expected[1:]


def test_ordinal_is_utf16_code_units_not_code_points() -> None:
    """.NET ordinal order puts an astral character (surrogate D83C) before U+FF21."""
    files = {"\uff21": b"1", "🌲": b"2"}
    assert entry_names(build_tree(files, TreeEncoding.CODEPOINTS)) == ["🌲", "\uff21"]
    assert entry_names(build_tree(files, TreeEncoding.UTF32)) == ["🌲", "\uff21"]
    # UTF-8 byte order (2020) is the code-point order.
    assert entry_names(build_tree(files, TreeEncoding.UTF8)) == ["\uff21", "🌲"]


def test_2020_05_puts_files_before_directories() -> None:
    files = {"b": b"1", "a/x": b"2", "c": b"3", "B/y": b"4"}
    assert entry_names(build_tree(files, TreeEncoding.UTF8_FILES_FIRST)) == ["b", "c", "B", "a"]
    assert entry_names(build_tree(files, TreeEncoding.UTF8)) == ["B", "a", "b", "c"]
    assert entry_names(build_tree(files, TreeEncoding.CODEPOINTS)) == ["B", "a", "b", "c"]


def test_byte_order_prefix_sorts_first() -> None:
    files = {"ab": b"1", "a": b"2", "a-": b"3"}
    assert entry_names(build_tree(files, TreeEncoding.UTF8)) == ["a", "a-", "ab"]


def test_composition_from_file_tree_nested() -> None:
    """Scenario §11.3: flat paths become a sorted nested tree; backslashes split like slashes."""
    tree = build_tree({"src\\Main.elm": b"m", "elm.json": b"{}"}, TreeEncoding.CODEPOINTS)
    assert tree == (
        (encode_name("elm.json", TreeEncoding.CODEPOINTS), b"{}"),
        (encode_name("src", TreeEncoding.CODEPOINTS), ((encode_name("Main.elm", TreeEncoding.CODEPOINTS), b"m"),)),
    )
    assert flatten_tree(tree) == {"elm.json": b"{}", "src/Main.elm": b"m"}


def test_file_and_directory_with_the_same_name_is_rejected() -> None:
    with pytest.raises(ValueError):
        build_tree({"a": b"1", "a/b": b"2"}, TreeEncoding.CODEPOINTS)
    with pytest.raises(ValueError):
        build_tree({"a/b": b"2", "a": b"1"}, TreeEncoding.CODEPOINTS)


# --- build / flatten round trip ------------------------------------------------------------------


def nested(name_strategy: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, object]]:
    return st.dictionaries(
        name_strategy,
        st.recursive(st.binary(max_size=8), lambda ch: st.dictionaries(name_strategy, ch, min_size=1, max_size=3), max_leaves=6),
        min_size=1,
        max_size=4,
    )


def flat(node: dict[str, object], prefix: str = "") -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for k, v in node.items():
        if isinstance(v, dict):
            out.update(flat(v, prefix + k + "/"))
        else:
            assert isinstance(v, bytes)
            out[prefix + k] = v
    return out


@settings(max_examples=40, deadline=None)
@given(st.data(), st.sampled_from(ALL))
def test_build_flatten_round_trip(data: st.DataObject, encoding: TreeEncoding) -> None:
    files = flat(data.draw(nested(utf8_names if encoding in UTF8_ENCODINGS else names)))
    tree = build_tree(files, encoding)
    assert flatten_tree(tree) == files
    expected_encoding = TreeEncoding.UTF8 if encoding in UTF8_ENCODINGS else encoding
    assert name_encoding_of(tree) == expected_encoding
    # Building is deterministic regardless of the mapping's insertion order.
    assert component_hash(build_tree(dict(reversed(list(files.items()))), encoding)) == component_hash(tree)


# --- parse failures ------------------------------------------------------------------------------


def test_flatten_rejects_blob_root() -> None:
    with pytest.raises(CorruptTree) as e:
        flatten_tree(b"file", component_hash="ab" * 32)
    assert f"Unexpected content of appConfigComponent {'ab' * 32}: Failed to parse as tree." in str(e.value)


@pytest.mark.parametrize(
    "entry",
    [(b"a",), (b"a", b"b", b"c"), b"a-blob-instead-of-an-entry", ()],
)
def test_flatten_rejects_entry_that_is_not_a_pair(entry: Component) -> None:
    with pytest.raises(CorruptTree) as e:
        flatten_tree(((b"ok", b"1"), entry), component_hash="cd" * 32)
    assert "cd" * 32 in str(e.value) and "entry 1" in str(e.value)


def test_flatten_rejects_undecodable_name_naming_the_directory() -> None:
    tree = (((b"d",), (((b"",), b"x"),)),)
    with pytest.raises(CorruptTree) as e:
        flatten_tree(tree, component_hash="ef" * 32)
    assert "ef" * 32 in str(e.value) and "'d'" in str(e.value)


def test_empty_tree_is_empty() -> None:
    assert flatten_tree(()) == {}
    assert component_serial(()) == b"list 0\x00"
