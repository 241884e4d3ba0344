"""The component model: blobs and lists, their serial form and SHA-256 ids (store-format §2.1-§2.2).

A component is represented as plain Python values:

* a blob is ``bytes``;
* a list is a ``tuple`` of components.

The serial representation is ``b"blob N\\0" + bytes`` or ``b"list N\\0" + 32-byte child hashes``
and the component id is the lowercase hex SHA-256 of it.
"""

from __future__ import annotations

import hashlib
from typing import Union

from ..errors import CorruptComponent

Component = Union[bytes, tuple["Component", ...]]

HASH_BYTES = 32


def blob_serial(data: bytes) -> bytes:
    """The serial representation of a blob."""
    return b"blob %d\x00" % len(data) + data


def blob_hash(data: bytes) -> str:
    """Lowercase hex id of a blob; also the record hash of E1+ composition records (§3.3)."""
    h = hashlib.sha256()
    h.update(b"blob %d\x00" % len(data))
    h.update(data)
    return h.hexdigest()


def list_serial(child_hashes: list[bytes]) -> bytes:
    """The serial representation of a list, given the raw 32-byte hashes of its elements."""
    return b"list %d\x00" % len(child_hashes) + b"".join(child_hashes)


def component_serial(component: Component) -> bytes:
    """The serial representation of any component."""
    if isinstance(component, bytes):
        return blob_serial(component)
    return list_serial([bytes.fromhex(component_hash(c)) for c in component])


def component_hash(component: Component) -> str:
    """Lowercase hex SHA-256 id of a component.

    Iterative, and memoized by object identity: values decoded from 2025 files share
    sub-values heavily, and trees may be deep.
    """
    memo: dict[int, bytes] = {}
    stack: list[tuple[Component, bool]] = [(component, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in memo:
            continue
        if isinstance(node, bytes):
            memo[id(node)] = hashlib.sha256(blob_serial(node)).digest()
        elif children_done:
            memo[id(node)] = hashlib.sha256(list_serial([memo[id(c)] for c in node])).digest()
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in node if id(c) not in memo)
    return memo[id(component)].hex()


def parse_serial_header(serial: bytes, *, path: str | None = None) -> tuple[str, int, int]:
    """Split ``serial`` into (kind, declared count, offset of the payload).

    Raises :class:`CorruptComponent` with the host's texts (``Invalid prefix``, ``Unexpected count``).
    """
    nul = serial.find(b"\x00", 0, 64)
    if nul < 0:
        raise CorruptComponent(
            f"Invalid prefix: {serial[:16]!r} (no NUL byte after the 'blob N'/'list N' header)", path=path
        )
    head = serial[:nul]
    kind, sep, count_text = head.partition(b" ")
    if not sep or kind not in (b"blob", b"list") or not count_text.isdigit():
        raise CorruptComponent(f"Invalid prefix: '{head.decode('latin-1')}'", path=path)
    count = int(count_text)
    payload = len(serial) - nul - 1
    expected = count if kind == b"blob" else count * HASH_BYTES
    if payload != expected:
        raise CorruptComponent(
            f"Unexpected count: got {payload}, but I expected {expected}", path=path
        )
    return kind.decode(), count, nul + 1


def list_child_hashes(serial: bytes, offset: int, count: int) -> list[str]:
    """The lowercase hex hashes of a list component's elements."""
    return [serial[offset + i * HASH_BYTES : offset + (i + 1) * HASH_BYTES].hex() for i in range(count)]
