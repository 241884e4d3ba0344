"""A host-faithful writer of *new* stores (fixtures, samples, recordings) and of projections.

It reproduces the bytes the Elm-fullstack host wrote in each era: record JSON (compact,
declaration order, nulls omitted; Newtonsoft until 2022-03-19, System.Text.Json from 2022-03-20,
§12), component files and directories, the deflate rule of §2.6, tree name encodings and entry
order (§2.4), reduction files, the head-hash file (E1-E4) or the literal log files named from the
host clock (E5+), and from 2025-04 the Pine value files of list components (§1.2).

It writes either into an empty directory (:class:`DirectorySink`, refusing any directory that
already holds files) or into an in-memory overlay over an existing store (the host's projected
store for what-if runs): nothing here can modify an existing store.
"""

from __future__ import annotations

import json
import os
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import BinaryIO, Mapping, Protocol

from ..errors import StoreExists
from ..outputs import check_output
from .components import Component, blob_hash, component_hash, component_serial
from .pine_values import VALUE_BINARY_DEFLATED_DIR, encode_binary_value_file, encode_json_value_file
from .files import Segments
from .log import HEAD_HASH_FILE, LITERAL_LOG_DIR, CompositionLog
from .records import RecordKind
from .reductions import reduction_path
from .trees import TreeEncoding, build_tree

DEFLATE_MIN_SIZE = 10_000


class WriterEra(str, Enum):
    """Which host generation's writer to imitate (store-format §0)."""

    E1 = "E1"  # 2020-05-05: head-hash chain, {"events":[…]} records, component/
    E2 = "E2"  # 2020-05-06: one compositionEvent per record, component/
    E3 = "E3"  # 2020-11-08: + deflated-component/
    E4 = "E4"  # 2021-02-14: literal-element/ and deflated-literal-element/
    E5 = "E5"  # 2021-07-14: composition-log/literal files, events inline
    STJ_2022 = "2022-03"  # 2022-03-20 (7ed769b8): as E5, records written by System.Text.Json (§12)
    PINE_2025 = "2025-04"  # 2025-04-13: + list components as value/binary/deflated files, UTF-32BE names

    @property
    def uses_literal_log(self) -> bool:
        return self in (WriterEra.E5, WriterEra.STJ_2022, WriterEra.PINE_2025)

    @property
    def system_text_json(self) -> bool:
        """Whether this era's host wrote JSON with System.Text.Json (else Newtonsoft)."""
        return self in (WriterEra.STJ_2022, WriterEra.PINE_2025)

    def json(self, value: object) -> bytes:
        """``value`` as this era's host serialized it (records, reductions, admin payloads)."""
        return system_text_json(value) if self.system_text_json else newtonsoft_json(value)

    @property
    def literal_dir(self) -> str:
        return "component" if self in (WriterEra.E1, WriterEra.E2, WriterEra.E3) else "literal-element"

    @property
    def deflated_dir(self) -> str | None:
        if self in (WriterEra.E1, WriterEra.E2):
            return None
        return "deflated-component" if self is WriterEra.E3 else "deflated-literal-element"

    @property
    def default_tree_encoding(self) -> TreeEncoding:
        return {
            WriterEra.E1: TreeEncoding.UTF8_FILES_FIRST,
            WriterEra.E2: TreeEncoding.UTF8,
            WriterEra.E3: TreeEncoding.UTF8,
            WriterEra.PINE_2025: TreeEncoding.UTF32,
        }.get(self, TreeEncoding.CODEPOINTS)


class FileSink(Protocol):
    """Where the writer puts files."""

    def read(self, segments: Segments) -> bytes | None: ...
    def write(self, segments: Segments, data: bytes) -> None: ...
    def append(self, segments: Segments, data: bytes) -> None: ...


class DirectorySink:
    """Files of a NEW store on disk. Refuses a directory that already contains anything."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)
        if self.root.exists():
            if not self.root.is_dir():
                raise StoreExists(f"Not a directory: {self.root}")
            if any(self.root.iterdir()):
                raise StoreExists(f"Refusing to write a new store into a directory that is not empty: {self.root}")
        check_output(self.root)  # nor an empty one inside a store opened in this process
        self.root.mkdir(parents=True, exist_ok=True)
        self._made_dirs: set[str] = set()
        # The log file being appended to stays open (appends are flushed at once, so readers of
        # the store always see every record; opening a file per record dominated big recordings).
        self._appending: tuple[Segments, BinaryIO] | None = None

    def _path(self, segments: Segments) -> str:
        return os.path.join(self.root, *segments)

    def _parent_dir(self, path: str) -> None:
        parent = os.path.dirname(path)
        if parent not in self._made_dirs:
            os.makedirs(parent, exist_ok=True)
            self._made_dirs.add(parent)

    def read(self, segments: Segments) -> bytes | None:
        try:
            with open(self._path(segments), "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def write(self, segments: Segments, data: bytes) -> None:
        p = self._path(segments)
        self._parent_dir(p)
        with open(p, "wb") as f:
            f.write(data)

    def append(self, segments: Segments, data: bytes) -> None:
        if self._appending is None or self._appending[0] != segments:
            self.close()
            p = self._path(segments)
            self._parent_dir(p)
            self._appending = (segments, open(p, "ab"))
        f = self._appending[1]
        f.write(data)
        f.flush()

    def close(self) -> None:
        """Close the log file kept open for appending (every append was flushed already)."""
        if self._appending is not None:
            self._appending[1].close()
            self._appending = None

    def __del__(self) -> None:
        if getattr(self, "_appending", None) is not None:  # __init__ may have refused the directory
            self.close()


def newtonsoft_json(value: object) -> bytes:
    """Compact JSON as Newtonsoft.Json wrote it by default: non-ASCII kept, control characters
    and ``"``/``\\`` escaped, and also U+0085, U+2028, U+2029 (its default escape set)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch in ("\u0085", "\u2028", "\u2029"):
        text = text.replace(ch, "\\u%04x" % ord(ch))
    return text.encode("utf-8")


#: Characters System.Text.Json's default encoder writes as a short escape (all others it escapes
#: are written as ``\uXXXX`` with uppercase hex).
_STJ_SHORT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", "\\": "\\\\"}
#: Printable ASCII System.Text.Json's default encoder escapes anyway (HTML-sensitive characters).
_STJ_HTML_SENSITIVE = frozenset("\"&'+<>`")


def _stj_escape_char(ch: str) -> str:
    short = _STJ_SHORT_ESCAPES.get(ch)
    if short is not None:
        return short
    if " " <= ch <= "~" and ch not in _STJ_HTML_SENSITIVE:
        return ch
    code = ord(ch)
    if code >= 0x10000:  # a surrogate pair, each half escaped
        code -= 0x10000
        return "\\u%04X\\u%04X" % (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF))
    return "\\u%04X" % code


def stj_string(text: str) -> str:
    """A JSON string literal as System.Text.Json's default (null) encoder writes it: printable
    ASCII kept except ``"&'+<>`` and backtick; ``\\b \\t \\n \\f \\r \\\\`` as short escapes; every
    other character (control, DEL, non-ASCII) as ``\\uXXXX`` in uppercase hex, UTF-16 code units.
    Lone surrogates are refused (the host threw on invalid UTF-16)."""
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise ValueError("a lone surrogate cannot be written as JSON by System.Text.Json")
    return '"' + "".join(map(_stj_escape_char, text)) + '"'


def system_text_json(value: object) -> bytes:
    """Compact JSON as System.Text.Json wrote it with default options (the host from 2022-03-20,
    §12): property order kept, strings escaped by :func:`stj_string`, output pure ASCII."""
    parts: list[str] = []
    stack: list[object] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, _Raw):
            parts.append(node.text)
        elif isinstance(node, str):
            parts.append(stj_string(node))
        elif node is None or isinstance(node, (bool, int)):
            parts.append(json.dumps(node))
        elif isinstance(node, float):
            raise TypeError("floats are not written by this writer (no record or reduction holds one)")
        elif isinstance(node, dict):
            items = list(node.items())
            stack.append(_Raw("}"))
            for k in range(len(items) - 1, -1, -1):
                key, item = items[k]
                stack.append(item)
                stack.append(_Raw(("," if k else "") + stj_string(str(key)) + ":"))
            stack.append(_Raw("{"))
        elif isinstance(node, (list, tuple)):
            stack.append(_Raw("]"))
            for k in range(len(node) - 1, -1, -1):
                stack.append(node[k])
                if k:
                    stack.append(_Raw(","))
            stack.append(_Raw("["))
        else:
            raise TypeError(f"cannot write {type(node).__name__} as JSON")
    return "".join(parts).encode("ascii")


@dataclass(frozen=True)
class _Raw:
    """Text emitted as is by :func:`system_text_json` (brackets, separators, keys)."""

    text: str


def utc_from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def literal_log_file(ms: int) -> Segments:
    """``composition-log/literal/<yyyy-MM-dd>/<yyyy-MM-ddTHH-mm>`` for a host-clock time."""
    t = utc_from_ms(ms)
    return (*LITERAL_LOG_DIR, t.strftime("%Y-%m-%d"), t.strftime("%Y-%m-%dT%H-%M"))


@dataclass(frozen=True)
class AppendResult:
    record_hash: str
    record_bytes: bytes


class StoreWriter:
    """Appends records, stores components and writes reductions exactly as the host did.

    Parameters
    ----------
    sink
        A :class:`DirectorySink` (new store) or an ``OverlayFiles`` (projection).
    era
        The writer generation to imitate.
    tree_encoding
        Entry names/order for app-config trees; defaults to the era's usual one.
    parent_hash, current_log_file
        Where an existing history ends (see :meth:`continuing`).
    """

    def __init__(
        self,
        sink: FileSink,
        era: WriterEra = WriterEra.E5,
        *,
        tree_encoding: TreeEncoding | None = None,
        parent_hash: str | None = None,
        current_log_file: Segments | None = None,
    ):
        self.sink = sink
        self.era = era
        self.tree_encoding = tree_encoding or era.default_tree_encoding
        self.parent_hash = parent_hash
        self.current_log_file = current_log_file
        self._stored: set[str] = set()

    @classmethod
    def new_store(cls, directory: str | os.PathLike[str], era: WriterEra = WriterEra.E5, **kw: object) -> StoreWriter:
        """A writer for a new store in an empty (or not yet existing) directory."""
        return cls(DirectorySink(directory), era, **kw)  # type: ignore[arg-type]

    @classmethod
    def continuing(cls, sink: FileSink, log: CompositionLog, *, era: WriterEra | None = None) -> StoreWriter:
        """A writer that appends after an existing history (used for projections)."""
        records = log.records
        head = records[-1] if len(records) else None
        literal = head is not None and head.layout == "literal-log"  # literal files continue a chain, never the reverse
        if era is None:
            shape_e1 = head is not None and head.parsed.shape == "events"
            era = WriterEra.E5 if literal or head is None else WriterEra.E1 if shape_e1 else WriterEra.E4
        current = tuple(head.location.path.split("/")) if literal and head is not None else None
        return cls(sink, era, parent_hash=head.hash if head else None, current_log_file=current)

    # --- components ----------------------------------------------------------------------

    def store_component(self, component: Component) -> str:
        """Store a component and (recursively) its elements; returns its hash. From 2025-04 a
        list is one self-contained ``value/binary/deflated`` file instead (§1.2)."""
        h = component_hash(component)
        if h in self._stored:
            return h
        if self.era is WriterEra.PINE_2025 and isinstance(component, tuple):
            # The host took the bytes after DeflateStream.Flush() (a sync flush, no final block).
            c = zlib.compressobj(9, zlib.DEFLATED, -15, 8)
            data = c.compress(encode_binary_value_file(component)) + c.flush(zlib.Z_SYNC_FLUSH)
            self.sink.write((*VALUE_BINARY_DEFLATED_DIR, h[:2], h), data)
            self._stored.add(h)
            return h
        serial = component_serial(component)
        self._write_serial(h, serial)
        self._stored.add(h)
        if isinstance(component, tuple):
            for element in component:
                self.store_component(element)
        return h

    def _write_serial(self, h: str, serial: bytes) -> None:
        deflated_dir = self.era.deflated_dir
        if deflated_dir is not None and len(serial) >= DEFLATE_MIN_SIZE:
            c = zlib.compressobj(6, zlib.DEFLATED, -15, 8)  # .NET DeflateStream, default level
            d = c.compress(serial) + c.flush()
            if len(d) * 10 < len(serial) * 8:
                self.sink.write((deflated_dir, h[:2], h), d)
                return
        self.sink.write((self.era.literal_dir, h[:2], h), serial)

    def store_blob(self, data: bytes) -> str:
        return self.store_component(bytes(data))

    def store_app_config(self, files: Mapping[str, bytes]) -> str:
        """Store an app-config tree built with this writer's name encoding; returns its hash."""
        return self.store_component(build_tree(files, self.tree_encoding))

    # --- records -------------------------------------------------------------------------

    def _value(self, *, literal: str | None = None, blob: bytes | None = None, ref: str | None = None) -> dict[str, str]:
        if literal is not None:
            if self.era.uses_literal_log:
                return {"LiteralStringUtf8": literal}
            return {"HashBase16": self.store_blob(literal.encode("utf-8"))}
        if blob is not None:
            return {"HashBase16": self.store_blob(blob)}
        assert ref is not None
        return {"HashBase16": ref}

    def record_bytes(self, kind: RecordKind, value: Mapping[str, object]) -> bytes:
        """The record's exact bytes in this era's shape."""
        obj: dict[str, object] = {}
        if self.parent_hash is not None:
            obj["parentHashBase16"] = self.parent_hash
        if self.era is WriterEra.E1:
            obj["events"] = [{kind.value: value}]
        else:
            obj["compositionEvent"] = {kind.value: value}
        return self.era.json(obj)

    def append_record(self, raw: bytes, time_ms: int) -> AppendResult:
        """Append exact record bytes (the caller built them with :meth:`record_bytes`)."""
        h = blob_hash(raw)
        if self.era.uses_literal_log:
            now_file = literal_log_file(time_ms)
            # The host keeps appending to whichever file sorts last (a clock may jump back).
            if self.current_log_file is None or now_file > self.current_log_file:
                self.current_log_file = now_file
            self.sink.append(self.current_log_file, raw + b"\n")
        else:
            self.store_blob(raw)
            self.sink.write(HEAD_HASH_FILE, bytes.fromhex(h))
        self.parent_hash = h
        return AppendResult(h, raw)

    def append_app_event(self, event_json: str, time_ms: int) -> AppendResult:
        value = self._value(literal=event_json)
        return self.append_record(self.record_bytes(RecordKind.UPDATE, value), time_ms)

    def append_set_state(self, state_json: bytes, time_ms: int) -> AppendResult:
        value = self._value(blob=state_json)
        return self.append_record(self.record_bytes(RecordKind.SET_STATE, value), time_ms)

    def append_deploy(self, files: Mapping[str, bytes], *, migrate: bool, time_ms: int) -> tuple[AppendResult, str]:
        """Store the app config and append the deploy record; returns (result, app-config hash)."""
        config_hash = self.store_app_config(files)
        kind = RecordKind.DEPLOY_MIGRATE if migrate else RecordKind.DEPLOY_INIT
        return self.append_record(self.record_bytes(kind, self._value(ref=config_hash)), time_ms), config_hash

    def append_apply_function(self, function_name: str, serialized_arguments_json: list[str], time_ms: int) -> AppendResult:
        """An ``ApplyFunctionOnElmAppState`` record (2023-03-15+): the committed admin function
        and its JSON arguments, as a literal of ``ApplyFunctionOnStateEvent`` (modern-eras §2e)."""
        literal = self.era.json({"functionName": function_name, "serializedArgumentsJson": serialized_arguments_json}).decode("utf-8")
        return self.append_record(self.record_bytes(RecordKind.APPLY_FUNCTION, {"LiteralStringUtf8": literal}), time_ms)

    def append_apply_function_on_literal(self, function: Component, arguments: Component, time_ms: int) -> AppendResult:
        """An ``ApplyFunctionOnLiteralAndState`` record (2025-04-04+): the function value stored as a
        component, the argument list inline as compact value JSON (modern-eras §3b)."""
        value = {
            "Function": {"HashBase16": self.store_component(function)},
            "Arguments": {"LiteralStringUtf8": encode_json_value_file(arguments).decode("utf-8")},
        }
        return self.append_record(self.record_bytes(RecordKind.APPLY_FUNCTION_ON_LITERAL, value), time_ms)

    def append_set_state_value(self, state: Component, time_ms: int) -> AppendResult:
        """A ``SetElmAppState`` record whose state is a Pine value (2025-03-06+)."""
        return self.append_record(self.record_bytes(RecordKind.SET_STATE, {"HashBase16": self.store_component(state)}), time_ms)

    def append_revert(self, target_record_hash: str, time_ms: int) -> AppendResult:
        return self.append_record(self.record_bytes(RecordKind.REVERT, self._value(ref=target_record_hash)), time_ms)

    def append_torn(self, garbage: bytes, time_ms: int) -> None:
        """Simulate a torn append (bytes with no line feed) at the end of the newest log file."""
        if not self.era.uses_literal_log:
            raise ValueError("torn appends exist only in literal log files (E5+)")
        if b"\n" in garbage:
            raise ValueError("a torn append has no line feed")
        if self.current_log_file is None:
            self.current_log_file = literal_log_file(time_ms)
        self.sink.append(self.current_log_file, garbage)

    # --- reductions ----------------------------------------------------------------------

    def write_reduction(
        self,
        record_hash: str,
        *,
        state_json: bytes | None,
        app_config_hash: str | None,
        bom: bool = False,
        state_value: Component | None = None,
    ) -> None:
        """Write ``provisional-reduction/<record_hash>`` (state stored first: a blob of JSON, or
        from 2025-03 a Pine value given as ``state_value``)."""
        obj: dict[str, object] = {"reducedCompositionHashBase16": record_hash}
        if state_value is not None:
            obj["elmAppState"] = {"HashBase16": self.store_component(state_value)}
        elif state_json is not None:
            obj["elmAppState"] = {"HashBase16": self.store_blob(state_json)}
        if app_config_hash is not None:
            obj["appConfig"] = {"HashBase16": app_config_hash}
        self.sink.write(reduction_path(record_hash), (b"\xef\xbb\xbf" if bom else b"") + self.era.json(obj))

