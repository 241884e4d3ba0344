"""File trees (app configs) as components: name encodings and entry order of each era (§2.3-§2.4).

A tree node is a blob (a file) or a list of entries ``[name, node]``. Names are encoded as

* ``utf8``: a blob of the name's UTF-8 bytes (2020-04-30 ... 2020-12-18);
* ``codepoints``: a list with one blob per code point, minimal big-endian (2020-12-19 ... 2025-04-12);
* ``utf32``: a blob of UTF-32BE (2025-04-13 onwards).

The reader accepts all three. The writer reproduces each era's names *and* entry order, since
both change the app-config hash.
"""

from __future__ import annotations

from enum import Enum
from typing import Mapping

from ..errors import CorruptTree
from .components import Component

MAX_TREE_DEPTH = 200


class TreeEncoding(str, Enum):
    """How an era names and orders tree entries."""

    #: 2020-04-30 ... 2020-07-15: UTF-8 blob names; files first, then directories, each by bytes.
    UTF8_FILES_FIRST = "2020-05"
    #: 2020-07-16 ... 2020-12-18: UTF-8 blob names; files and directories mixed, by bytes.
    UTF8 = "2020-07"
    #: 2020-12-19 ... 2025-04-12: code-point list names; ordinal (UTF-16 code unit) order.
    CODEPOINTS = "2021"
    #: 2025-04-13 onwards: UTF-32BE blob names; ordinal order.
    UTF32 = "2025"


def encode_name(name: str, encoding: TreeEncoding) -> Component:
    """The component holding a tree entry name in the given era's encoding."""
    if encoding in (TreeEncoding.UTF8_FILES_FIRST, TreeEncoding.UTF8):
        return name.encode("utf-8")
    if encoding is TreeEncoding.UTF32:
        return name.encode("utf-32-be")
    return tuple(unsigned_int_bytes(ord(c)) for c in name)


def unsigned_int_bytes(n: int) -> bytes:
    """Minimal big-endian bytes of a non-negative integer; zero is ``[00]`` (§2.4, §2.5)."""
    return n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")


def _decode_utf32_strict(data: bytes) -> str | None:
    if len(data) % 4:
        return None
    chars = []
    for i in range(0, len(data), 4):
        cp = int.from_bytes(data[i : i + 4], "big")
        if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
            return None
        chars.append(chr(cp))
    return "".join(chars)


def decode_name(name: Component) -> str:
    """Decode an entry name of any era.

    A list is a code-point list. A blob is UTF-32BE when it is valid as such (the 2025 reading,
    which also accepts UTF-8 names that happen to decode as UTF-32), else UTF-8 (2020).
    Raises ValueError when it is neither.
    """
    if isinstance(name, tuple):
        cps = []
        for element in name:
            if not isinstance(element, bytes) or not element:
                raise ValueError("a code-point list element is not a non-empty blob")
            cp = int.from_bytes(element, "big")
            if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:  # the host's char.ConvertFromUtf32 rejects these
                raise ValueError(f"code point {cp:#x} is not a Unicode scalar value")
            cps.append(chr(cp))
        return "".join(cps)
    utf32 = _decode_utf32_strict(name) if name else ""
    if utf32 is not None:
        return utf32
    try:
        return name.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("a blob name is neither UTF-32BE nor UTF-8") from None


def name_encoding_of(tree: Component) -> TreeEncoding | None:
    """The name encoding a tree's first entry uses (None for an empty tree or a single file)."""
    if isinstance(tree, tuple) and tree and isinstance(tree[0], tuple) and len(tree[0]) == 2:
        name = tree[0][0]
        if isinstance(name, tuple):
            return TreeEncoding.CODEPOINTS
        return TreeEncoding.UTF8 if _decode_utf32_strict(name) is None else TreeEncoding.UTF32
    return None


def flatten_tree(tree: Component, *, component_hash: str | None = None) -> dict[str, bytes]:
    """A tree component as ``{"dir/file": bytes}``; entries are taken in stored order.

    Raises :class:`CorruptTree` naming the component and the entry path where parsing failed.
    """
    where = f"Unexpected content of appConfigComponent {component_hash}" if component_hash else "Tree"
    if isinstance(tree, bytes):
        raise CorruptTree(f"{where}: Failed to parse as tree. (the root is a blob, not a list of entries)")
    files: dict[str, bytes] = {}
    stack: list[tuple[tuple[str, ...], Component]] = [((), tree)]
    while stack:
        prefix, node = stack.pop()
        if isinstance(node, bytes):
            files["/".join(prefix)] = node
            continue
        if len(prefix) > MAX_TREE_DEPTH:
            raise CorruptTree(f"{where}: Failed to parse as tree. (deeper than {MAX_TREE_DEPTH} levels)")
        entries = []
        for i, entry in enumerate(node):
            if not isinstance(entry, tuple) or len(entry) != 2:
                raise CorruptTree(
                    f"{where}: Failed to parse as tree. (entry {i} of '{'/'.join(prefix) or '/'}' "
                    "is not a list of exactly two components)"
                )
            try:
                name = decode_name(entry[0])
            except ValueError as e:
                raise CorruptTree(
                    f"{where}: Failed to parse as tree. (name of entry {i} of '{'/'.join(prefix) or '/'}': {e})"
                ) from None
            entries.append(((*prefix, name), entry[1]))
        stack.extend(reversed(entries))
    return files


def _sort_key_bytes(name: str) -> bytes:
    return name.encode("utf-8")


def _sort_key_ordinal(name: str) -> bytes:
    # Comparing UTF-16BE bytes is the .NET ordinal (UTF-16 code unit) order.
    return name.encode("utf-16-be", "surrogatepass")


def build_tree(files: Mapping[str, bytes], encoding: TreeEncoding) -> Component:
    """Build the tree component for ``{path: bytes}`` as the host of the given era did.

    Paths are split on ``/`` and ``\\`` (like the host reading a zip archive).
    """
    root: dict[str, object] = {}
    for path, content in files.items():
        parts = [p for p in path.replace("\\", "/").split("/") if p]
        if not parts:
            raise ValueError(f"empty file path {path!r}")
        node = root
        for p in parts[:-1]:
            child = node.setdefault(p, {})
            if not isinstance(child, dict):
                raise ValueError(f"{path!r}: '{p}' is both a file and a directory")
            node = child
        if isinstance(node.get(parts[-1]), dict):
            raise ValueError(f"{path!r} is both a file and a directory")
        node[parts[-1]] = bytes(content)
    return _build_node(root, encoding)


def _build_node(node: dict[str, object], encoding: TreeEncoding) -> Component:
    if encoding is TreeEncoding.UTF8_FILES_FIRST:
        names = sorted((n for n in node if not isinstance(node[n], dict)), key=_sort_key_bytes) + sorted(
            (n for n in node if isinstance(node[n], dict)), key=_sort_key_bytes
        )
    elif encoding is TreeEncoding.UTF8:
        names = sorted(node, key=_sort_key_bytes)
    else:
        names = sorted(node, key=_sort_key_ordinal)
    entries: list[Component] = []
    for name in names:
        child = node[name]
        value: Component = _build_node(child, encoding) if isinstance(child, dict) else child  # type: ignore[assignment]
        entries.append((encode_name(name, encoding), value))
    return tuple(entries)
