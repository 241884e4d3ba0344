"""Loading content-addressed components from a store (store-format §1.3, §2.2, §2.6, §12).

The reader accepts every directory of every era. It looks in the union of the eras' lookup
orders: ``literal-element`` -> ``component`` -> ``deflated-literal-element`` ->
``deflated-component`` -> ``value/binary/deflated`` -> ``value/json/deflated``. (E6+ hosts
no longer read ``component/``; reading more can only find what older hosts wrote.) Every
loaded component and every list element is verified against its hash.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass

from ..errors import CorruptComponent, HashMismatch, InflatedSizeExceeded, MissingComponent
from .components import HASH_BYTES, Component, component_hash, list_child_hashes, parse_serial_header
from .files import FileSource, Segments, join

LITERAL_DIRS = ("literal-element", "component")
DEFLATED_DIRS = ("deflated-literal-element", "deflated-component")
PINE_VALUE_DIRS = (("value", "binary", "deflated"), ("value", "json", "deflated"))

#: Cap on the inflated size of one deflated file: a deflate bomb must fail, not eat memory.
DEFAULT_MAX_INFLATED_BYTES = 512 << 20
#: Cap on list nesting while loading (trees are shallow; a hostile store must not recurse forever).
MAX_DEPTH = 1000


def component_paths(directory: str | Segments, h: str) -> list[Segments]:
    """Where component ``h`` can be stored in one directory: lowercase, then uppercase (E0) names."""
    base = (directory,) if isinstance(directory, str) else directory
    paths = [(*base, h[:2], h)]
    if h != h.upper():
        paths.append((*base, h[:2].upper(), h.upper()))
    return paths


def inflate_raw(data: bytes, *, path: str, max_bytes: int, require_end: bool = True, serial: bool = False) -> bytes:
    """Raw DEFLATE (RFC 1951) inflate with a size cap (§2.6).

    ``serial=True``: the content is a component's serial representation, whose header declares
    its size; inflating stops there, so a deflate bomb costs at most the declared size (itself
    capped), never the size it would inflate to.
    ``require_end=False`` accepts a stream without a final block: the 2025 host took the bytes
    of ``value/binary/deflated`` files after a sync flush, before closing the stream.
    """
    d = zlib.decompressobj(-15)
    limit, declared = max_bytes, False
    try:
        out = d.decompress(data, 64) if serial else b""
        if serial:
            size = _declared_serial_size(out)
            if size is not None:
                if size > max_bytes:
                    raise InflatedSizeExceeded(
                        f"Deflated file declares {size} bytes, more than the limit of {max_bytes} bytes", path=path
                    )
                limit, declared = size, True
        if len(out) <= limit:
            out += d.decompress(d.unconsumed_tail if serial else data, limit - len(out) + 1)
    except zlib.error as e:
        raise CorruptComponent(f"Deflated file does not inflate: {e}", path=path) from None
    if len(out) > limit or (not declared and d.unconsumed_tail):
        what = f"the {limit} bytes its header declares" if declared else f"the limit of {max_bytes} bytes"
        raise InflatedSizeExceeded(f"Deflated file inflates to more than {what}", path=path)
    if require_end and not d.eof:
        raise CorruptComponent("Deflated file is truncated (no end of DEFLATE stream)", path=path)
    return out


def _declared_serial_size(head: bytes) -> int | None:
    """Total size a ``blob N``/``list N`` header declares, or None when it does not parse."""
    nul = head.find(b"\x00")
    kind, sep, count = head[: max(nul, 0)].partition(b" ")
    if nul < 0 or not sep or kind not in (b"blob", b"list") or not count.isdigit() or len(count) > 20:
        return None
    return nul + 1 + int(count) * (1 if kind == b"blob" else HASH_BYTES)


@dataclass(frozen=True)
class LoadedSerial:
    """The serial bytes of one component, and the store file they came from."""

    serial: bytes
    path: str
    deflated: bool


class ComponentReader:
    """Loads and verifies components by hash from a :class:`FileSource`."""

    def __init__(self, files: FileSource, *, max_inflated_bytes: int = DEFAULT_MAX_INFLATED_BYTES):
        self.files = files
        self.max_inflated_bytes = max_inflated_bytes

    def find_serial(self, h: str) -> LoadedSerial | None:
        """The serial representation of component ``h`` (not yet verified), or None."""
        h = h.lower()
        for directory in LITERAL_DIRS:
            for segs in component_paths(directory, h):
                data = self.files.read(segs)
                if data is not None:
                    return LoadedSerial(data, join(segs), False)
        for directory in DEFLATED_DIRS:
            for segs in component_paths(directory, h):
                data = self.files.read(segs)
                if data is not None:
                    p = join(segs)
                    return LoadedSerial(inflate_raw(data, path=p, max_bytes=self.max_inflated_bytes, serial=True), p, True)
        return None

    def _find_pine_value(self, h: str) -> Component | None:
        for directory in PINE_VALUE_DIRS:
            segs = (*directory, h[:2], h)
            data = self.files.read(segs)
            if data is None:
                continue
            p = join(segs)
            binary = directory[1] == "binary"
            inflated = inflate_raw(data, path=p, max_bytes=self.max_inflated_bytes, require_end=not binary)
            from . import pine_values  # the 2025 encodings are rare; import on demand

            decode = pine_values.decode_binary_value_file if binary else pine_values.decode_json_value_file
            value: Component = decode(inflated, path=p, load=self.load)
            # The host did not verify these files; we do, like every other component.
            if component_hash(value) != h:
                raise HashMismatch(f"Unexpected content in file {h}: Content hash does not match.", path=p)
            return value
        return None

    def exists(self, h: str) -> bool:
        """Whether some file claims to hold component ``h`` (nothing is verified)."""
        h = h.lower()
        dirs: list[str | Segments] = [*LITERAL_DIRS, *DEFLATED_DIRS, *PINE_VALUE_DIRS]
        return any(self.files.exists(s) for d in dirs for s in component_paths(d, h))

    def load_verified_serial(self, h: str, *, referenced_by: str | None = None) -> LoadedSerial:
        """The serial bytes of ``h``, checked to hash to ``h``."""
        h = h.lower()
        found = self.find_serial(h)
        if found is None:
            what = f"Failed to load list element {h}" if referenced_by else f"Failed to load component {h}"
            raise MissingComponent(what, component_hash=h, path=referenced_by)
        if hashlib.sha256(found.serial).hexdigest() != h:
            raise HashMismatch(f"Unexpected content in file {h}: Content hash does not match.", path=found.path)
        return found

    def load_blob(self, h: str) -> tuple[bytes, str]:
        """A blob component's bytes and its file; a list is a :class:`CorruptComponent`."""
        found = self.load_verified_serial(h)
        kind, _, offset = parse_serial_header(found.serial, path=found.path)
        if kind != "blob":
            raise CorruptComponent(f"Component {h} is not a blob", path=found.path)
        return found.serial[offset:], found.path

    def load(self, h: str) -> Component:
        """Load component ``h`` with all its elements, verifying every hash (iteratively)."""
        h = h.lower()
        if self.find_serial(h) is None:
            pine = self._find_pine_value(h)
            if pine is not None:
                return pine
        root = self.load_verified_serial(h)
        # Iterative depth-first build: (hash, serial info, children hashes, built children).
        memo: dict[str, Component] = {}

        def header(found: LoadedSerial) -> tuple[str, list[str], bytes]:
            kind, count, offset = parse_serial_header(found.serial, path=found.path)
            if kind == "blob":
                return kind, [], found.serial[offset:]
            return kind, list_child_hashes(found.serial, offset, count), b""

        kind, children, data = header(root)
        if kind == "blob":
            return data
        stack: list[tuple[str, str, list[str], list[Component]]] = [(h, root.path, children, [])]
        while True:
            node_hash, node_path, todo, built = stack[-1]
            if len(built) == len(todo):
                stack.pop()
                value: Component = tuple(built)
                memo[node_hash] = value
                if not stack:
                    return value
                stack[-1][3].append(value)
                continue
            child = todo[len(built)]
            if child in memo:
                built.append(memo[child])
                continue
            if len(stack) >= MAX_DEPTH:
                raise CorruptComponent(f"Lists nested deeper than {MAX_DEPTH} levels below component {h}", path=node_path)
            found = self.find_serial(child)
            if found is None:
                raise MissingComponent(f"Failed to load list element {child}", component_hash=child, path=node_path)
            if hashlib.sha256(found.serial).hexdigest() != child:
                raise HashMismatch(f"Hash for loaded element does not match {child}", path=found.path)
            ckind, cchildren, cdata = header(found)
            if ckind == "blob":
                memo[child] = cdata
                built.append(cdata)
            else:
                stack.append((child, found.path, cchildren, []))
