"""The 2025 aggregate value files of the Pine host: ``value/json/deflated`` and ``value/binary/deflated``.

From 2025-04-04 (``97a17a3a``) the host stores each *list* component as one self-contained file
holding the whole value (all descendants inline, shared sub-values declared once). Blobs still go to
``literal-element`` / ``deflated-literal-element``. The host reads ``value/binary/deflated`` first,
then ``value/json/deflated``, then the normalized hash-tree files (see ``docs/pine-2025-values.md``).

Both formats are self-contained: no child is referenced by component hash, so the ``load`` callback
of the decoders is never called. The host does not verify the component hash of these files; callers
should compare :func:`elmreplay.store.components.component_hash` of the result with the file name.

JSON format (writer 2025-04-04 … 2025-04-10, ``PineValueCompactBuild``)::

    [{"Key":"blob-0","Value":{"BlobBytesBase64":"AAEC","ListItemsKeys":null}},
     {"Key":"list-0","Value":{"BlobBytesBase64":null,"ListItemsKeys":["blob-0","blob-0"]}}]

Entries may only refer to keys defined before them. The root is the list entry with the greatest
``NodesCount`` (number of descendants, counted with multiplicity); the first such entry wins a tie.

Binary format (``PineValueBinaryEncoding``, later ``ValueBinaryEncodingClassic``): a sequence of
declarations ``id expression``; the root is the last declaration. An expression is a 4-byte
big-endian tag followed by:

* tag 1 (blob): length, the bytes, zero padding to a multiple of 4 bytes;
* tag 3 (list): item count, then the items as expressions;
* tag 4 (reference): the id of an earlier declaration.

Ids, lengths and counts are signed big-endian integers of 8 bytes (writer 2025-04-11 … 2025-10-01)
or 4 bytes (writer from 2025-10-02, ``6414f48d``). The host tries the 4-byte reading first and falls
back to the 8-byte one when that fails; this module does the same.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from ..errors import CorruptComponent, UnsupportedStoreFeature
from .components import Component

__all__ = [
    "VALUE_BINARY_DEFLATED_DIR",
    "VALUE_JSON_DEFLATED_DIR",
    "decode_binary_value_file",
    "decode_json_value_file",
    "encode_binary_value_file",
    "encode_json_value_file",
    "pine_value_json",
]

#: Store-relative directory of the 2025-04-04 … 2025-04-10 JSON value files (raw DEFLATE).
VALUE_JSON_DEFLATED_DIR: tuple[str, ...] = ("value", "json", "deflated")
#: Store-relative directory of the binary value files (raw DEFLATE, written from 2025-04-11).
VALUE_BINARY_DEFLATED_DIR: tuple[str, ...] = ("value", "binary", "deflated")

_TAG_BLOB = 1
_TAG_LIST = 3
_TAG_REFERENCE = 4
_TAG_SIZE = 4

Loader = Callable[[str], Component]


# --- binary ----------------------------------------------------------------------------------


@dataclass
class _BinaryFailure(Exception):
    """Why one reading (4- or 8-byte ids) of a binary value file failed, and where."""

    message: str
    offset: int
    unsupported: bool = False


def _read_int(data: bytes, pos: int, size: int, what: str) -> int:
    if pos + size > len(data):
        raise _BinaryFailure(f"file ends inside the {what}", pos)
    return int.from_bytes(data[pos : pos + size], "big", signed=True)


def _decode_expression(
    data: bytes, pos: int, width: int, declarations: dict[int, Component]
) -> tuple[Component, int]:
    """Decode one expression starting at ``pos``; iterative so nesting depth is unbounded."""
    # Open lists: (items decoded so far, declared item count).
    open_lists: list[tuple[list[Component], int]] = []
    min_item_size = _TAG_SIZE + width
    while True:
        start = pos
        tag = _read_int(data, pos, _TAG_SIZE, "tag")
        pos += _TAG_SIZE
        value: Component
        if tag == _TAG_BLOB:
            length = _read_int(data, pos, width, "blob length")
            pos += width
            if length < 0 or length > len(data) - pos:
                raise _BinaryFailure(
                    f"blob length {length} exceeds the {len(data) - pos} bytes left in the file", start
                )
            value = data[pos : pos + length]
            # The host skips the padding without looking at it (and without checking the file end).
            pos += length + (-length % 4)
        elif tag == _TAG_LIST:
            count = _read_int(data, pos, width, "list item count")
            pos += width
            if count < 0 or count * min_item_size > len(data) - pos:
                raise _BinaryFailure(
                    f"list item count {count} cannot fit in the {len(data) - pos} bytes left", start
                )
            if count > 0:
                open_lists.append(([], count))
                continue
            value = ()
        elif tag == _TAG_REFERENCE:
            ref = _read_int(data, pos, width, "reference id")
            pos += width
            if ref not in declarations:
                raise _BinaryFailure(f"Reference not found: {ref}", start)
            value = declarations[ref]
        else:
            # A small positive tag looks like a later kind of expression; anything else like damage.
            raise _BinaryFailure(f"Unexpected tag: {tag}", start, unsupported=0 < tag < 256)
        while open_lists:
            items, count = open_lists[-1]
            items.append(value)
            if len(items) < count:
                break
            open_lists.pop()
            value = tuple(items)
        else:
            return value, pos


def _decode_binary_declarations(data: bytes, width: int) -> Component:
    declarations: dict[int, Component] = {}
    root: Component | None = None
    pos = 0
    while pos < len(data):
        decl_id = _read_int(data, pos, width, "declaration id")
        value, pos = _decode_expression(data, pos + width, width, declarations)
        # Registered only after decoding, as in the host: a declaration cannot refer to itself.
        declarations[decl_id] = value
        root = value
    if root is None:
        raise _BinaryFailure("the file holds no declaration", 0)
    return root


def decode_binary_value_file(data: bytes, *, path: str, load: Loader) -> Component:
    """Decode an inflated ``value/binary/deflated`` file to its root component.

    Parameters
    ----------
    data
        The inflated file content (the host's files lack a final DEFLATE block; inflate with
        ``zlib.decompressobj(-15)``, not ``zlib.decompress``).
    path
        The store-relative file path, used in error messages.
    load
        Unused: the format is self-contained. Accepted for a uniform decoder signature.

    Returns
    -------
    Component
        The last declaration of the file (``bytes`` or nested ``tuple``).

    Raises
    ------
    CorruptComponent
        Neither the 4-byte nor the 8-byte reading decodes the file.
    UnsupportedStoreFeature
        The file is well-formed up to an expression tag this version does not know.
    """
    del load
    failures: list[tuple[int, _BinaryFailure]] = []
    for width in (4, 8):  # the host's order
        try:
            return _decode_binary_declarations(data, width)
        except _BinaryFailure as failure:
            failures.append((width, failure))
    # Report the reading that got furthest: that is most likely the format the writer used.
    width, worst = max(failures, key=lambda wf: wf[1].offset)
    details = "; ".join(f"{w * 8}-bit ids: {f.message} at offset {f.offset}" for w, f in failures)
    message = f"binary value file does not decode ({details})"
    if worst.unsupported:
        raise UnsupportedStoreFeature(message, path=path)
    raise CorruptComponent(message, path=path)


@dataclass(frozen=True)
class _Node:
    """One distinct component of an interned value: blob bytes or the indices of its items."""

    blob: bytes | None
    items: tuple[int, ...]
    nodes_count: int  # descendants with multiplicity (the host's ListValue.NodesCount)


def _intern(component: Component) -> tuple[list[_Node], int]:
    """Number the distinct components of ``component`` (children before parents).

    Iterative and keyed by child indices, so neither deep nesting nor deep tuple hashing recurses.
    """
    nodes: list[_Node] = []
    index_of_key: dict[tuple[object, ...], int] = {}
    index_of_object: dict[int, int] = {}
    keep_alive: list[Component] = []  # id() keys stay valid while the objects live
    stack: list[tuple[Component, bool]] = [(component, False)]
    while stack:
        value, expanded = stack.pop()
        if id(value) in index_of_object:
            continue
        node: _Node
        if isinstance(value, bytes):
            node = _Node(value, (), 0)
            key: tuple[object, ...] = (b"b", value)
        else:
            if not expanded:
                stack.append((value, True))
                stack.extend((item, False) for item in reversed(value))
                continue
            items = tuple(index_of_object[id(item)] for item in value)
            count = len(items) + sum(nodes[i].nodes_count for i in items)
            node = _Node(None, items, count)
            key = (b"l",) + items
        if key not in index_of_key:
            index_of_key[key] = len(nodes)
            nodes.append(node)
        index_of_object[id(value)] = index_of_key[key]
        keep_alive.append(value)
    return nodes, index_of_object[id(component)]


def _declaration_order(nodes: list[_Node], indices: Iterable[int]) -> list[int]:
    """Blobs by length, then lists by NodesCount (children first), as both host writers order them."""
    chosen = list(indices)
    blobs = sorted((i for i in chosen if nodes[i].blob is not None), key=lambda i: len(nodes[i].blob or b""))
    lists = sorted((i for i in chosen if nodes[i].blob is None), key=lambda i: nodes[i].nodes_count)
    return blobs + lists


def encode_binary_value_file(component: Component, *, id_size: Literal[4, 8] = 4) -> bytes:
    """Encode ``component`` like the host's binary value writer (before DEFLATE).

    Values occurring more than once are declared first (blobs by length, then lists by
    ``NodesCount``) and referenced by id; the root is the last declaration. Ties are broken by
    first occurrence, so the output may differ from the host's in declaration order only.

    Parameters
    ----------
    component
        The value to encode.
    id_size
        4 for the layout written from 2025-10-02, 8 for 2025-04-11 … 2025-10-01.
    """
    nodes, root = _intern(component)
    occurrences = [0] * len(nodes)
    for node in nodes:
        for item in node.items:
            occurrences[item] += 1
    shared = _declaration_order(nodes, [i for i in range(len(nodes)) if occurrences[i] >= 2])

    out = bytearray()
    declared: dict[int, int] = {}

    def put(value: int) -> None:
        out.extend(value.to_bytes(id_size, "big", signed=True))

    def write_expression(top: int) -> None:
        stack = [top]
        while stack:
            index = stack.pop()
            node = nodes[index]
            if index in declared and index != top:
                out.extend(_TAG_REFERENCE.to_bytes(_TAG_SIZE, "big"))
                put(declared[index])
            elif node.blob is not None:
                out.extend(_TAG_BLOB.to_bytes(_TAG_SIZE, "big"))
                put(len(node.blob))
                out.extend(node.blob)
                out.extend(bytes(-len(node.blob) % 4))
            else:
                out.extend(_TAG_LIST.to_bytes(_TAG_SIZE, "big"))
                put(len(node.items))
                stack.extend(reversed(node.items))

    for decl_id, index in enumerate([*shared, root]):
        put(decl_id)
        write_expression(index)
        declared[index] = decl_id
    return bytes(out)


# --- JSON ------------------------------------------------------------------------------------

_BASE64_WHITESPACE = re.compile(r"[ \t\r\n]")  # .NET Convert.FromBase64String skips these


def _json_entry(
    entry: object, index: int, entries: dict[str, tuple[Component, int | None]], path: str
) -> tuple[str, Component, int | None]:
    """Decode one ``{"Key":…,"Value":{…}}`` entry; returns (key, value, NodesCount or None for blobs)."""
    if not isinstance(entry, dict):
        raise CorruptComponent(f"JSON value entry {index} is not an object", path=path)
    key = entry.get("Key")
    body = entry.get("Value")
    if not isinstance(key, str):
        raise CorruptComponent(f"JSON value entry {index} has no string 'Key'", path=path)
    if not isinstance(body, dict):
        raise CorruptComponent(f"JSON value entry {index} ({key}) has no object 'Value'", path=path)
    where = f"JSON value entry {index} ({key})"
    blob_text = body.get("BlobBytesBase64")
    item_keys = body.get("ListItemsKeys")
    if blob_text is not None:  # the host checks the blob field first
        if not isinstance(blob_text, str):
            raise CorruptComponent(f"{where}: BlobBytesBase64 is not a string", path=path)
        try:
            blob = base64.b64decode(_BASE64_WHITESPACE.sub("", blob_text), validate=True)
        except (binascii.Error, ValueError) as e:  # (ValueError: a character beyond ASCII)
            raise CorruptComponent(f"{where}: invalid base64: {e}", path=path) from e
        return key, blob, None
    if item_keys is not None:
        if not isinstance(item_keys, list):
            raise CorruptComponent(f"{where}: ListItemsKeys is not an array", path=path)
        items: list[Component] = []
        nodes_count = len(item_keys)
        for item_key in item_keys:
            if not isinstance(item_key, str) or item_key not in entries:
                raise CorruptComponent(
                    f"{where} refers to {item_key!r}, which no earlier entry defines",
                    path=path,
                )
            item, item_nodes = entries[item_key]
            items.append(item)
            nodes_count += item_nodes or 0
        return key, tuple(items), nodes_count
    raise UnsupportedStoreFeature(
        f"{where} has neither BlobBytesBase64 nor ListItemsKeys "
        f"(fields: {sorted(body)})",
        path=path,
    )


def decode_json_value_file(data: bytes, *, path: str, load: Loader) -> Component:
    """Decode an inflated ``value/json/deflated`` file to its root component.

    The same text is used inline as ``LiteralStringUtf8`` of ``ApplyFunctionOnLiteralAndState``
    ``Arguments``; pass its UTF-8 bytes.

    Parameters
    ----------
    data
        The inflated file content (UTF-8 JSON).
    path
        The store-relative file path (or record description), used in error messages.
    load
        Unused: the format is self-contained. Accepted for a uniform decoder signature.

    Returns
    -------
    Component
        The list entry with the greatest ``NodesCount`` (the first one on a tie), or the first
        entry if no entry is a list -- the host's root selection.

    Raises
    ------
    CorruptComponent
        Not UTF-8 JSON of the entry-array shape, bad base64, or a reference to an undefined key.
    UnsupportedStoreFeature
        An entry of a kind other than blob or list.
    """
    del load
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise CorruptComponent(f"JSON value file is not valid UTF-8 JSON: {e}", path=path) from e
    if not isinstance(document, list) or not document:
        raise CorruptComponent("JSON value file must be a non-empty array of entries", path=path)
    # A later entry with the same key replaces the value but keeps the position (.NET Dictionary).
    entries: dict[str, tuple[Component, int | None]] = {}
    for index, entry in enumerate(document):
        key, value, nodes_count = _json_entry(entry, index, entries, path)
        entries[key] = (value, nodes_count)
    root, root_nodes = next(iter(entries.values()))
    for value, nodes_count in entries.values():
        if nodes_count is not None and (root_nodes is None or root_nodes < nodes_count):
            root, root_nodes = value, nodes_count
    return root


def _json_string(text: str) -> str:
    # System.Text.Json's default encoder escapes '+' (the only such character in base64 text).
    return '"' + text.replace("+", "\\u002B") + '"'


def encode_json_value_file(component: Component) -> bytes:
    """Encode ``component`` like the host's 2025-04 JSON value writer (before DEFLATE).

    Every distinct blob gets an entry ``blob-<i>`` (ordered by length), then every distinct list
    ``list-<i>`` (ordered by ``NodesCount``, so the root is last). Ties are broken by first
    occurrence; the host's tie order is unspecified, so only that may differ.
    """
    nodes, _root = _intern(component)
    keys: dict[int, str] = {}
    parts: list[str] = []
    counters = {"blob": 0, "list": 0}
    for index in _declaration_order(nodes, range(len(nodes))):
        node = nodes[index]
        kind = "list" if node.blob is None else "blob"
        keys[index] = f"{kind}-{counters[kind]}"
        counters[kind] += 1
        if node.blob is None:
            blob_field = "null"
            items_field = "[" + ",".join(f'"{keys[i]}"' for i in node.items) + "]"
        else:
            blob_field = _json_string(base64.b64encode(node.blob).decode("ascii"))
            items_field = "null"
        value = f'{{"BlobBytesBase64":{blob_field},"ListItemsKeys":{items_field}}}'
        parts.append(f'{{"Key":"{keys[index]}","Value":{value}}}')
    return ("[" + ",".join(parts) + "]").encode("utf-8")


# --- showing a Pine value as JSON ------------------------------------------------------------


def pine_value_json(value: Component) -> str:
    """A Pine value (a 2025 state) as compact JSON: lists as arrays, blobs as lowercase base16
    strings (an empty blob is ``""``). Lossless and deterministic, so states can be shown and
    diffed without knowing how the app's Elm values were encoded. Iterative: values are deep."""
    out: list[str] = []
    stack: list[Component | str] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):  # a separator or closing bracket queued earlier
            out.append(node)
        elif isinstance(node, bytes):
            out.append(f'"{node.hex()}"')
        else:
            out.append("[")
            stack.append("]")
            for k in range(len(node) - 1, -1, -1):
                stack.append(node[k])
                if k:
                    stack.append(",")
    return "".join(out)
