"""Composition records: their JSON shapes of every era and the values they carry (§3.1-§3.3).

A record is kept as its exact stored bytes; its hash is always computed over those bytes
(never over a re-serialization). Two shapes exist:

* E0/E1 (until 2020-05-06): ``{"parentHashBase16":…,"events":[{…event…}, …]}``;
* E2+ : ``{"parentHashBase16":…,"compositionEvent":{…event…}}``.

An event is an object with exactly one known field (the event kind) whose value is a
``ValueInFileStructure`` (``{"HashBase16":…}`` or ``{"LiteralStringUtf8":…}``), except
``ApplyFunctionOnLiteralAndState`` (2025), which holds ``Function`` and ``Arguments``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

import orjson

from ..errors import CorruptRecord


class RecordKind(str, Enum):
    """The composition event kinds, in the host's declaration order."""

    UPDATE = "UpdateElmAppStateForEvent"
    SET_STATE = "SetElmAppState"
    DEPLOY_INIT = "DeployAppConfigAndInitElmAppState"
    DEPLOY_MIGRATE = "DeployAppConfigAndMigrateElmAppState"
    REVERT = "RevertProcessTo"
    APPLY_FUNCTION = "ApplyFunctionOnElmAppState"  # 2023-03-15
    APPLY_FUNCTION_ON_LITERAL = "ApplyFunctionOnLiteralAndState"  # 2025-04-04


_KINDS = {k.value: k for k in RecordKind}
DEPLOY_KINDS = (RecordKind.DEPLOY_INIT, RecordKind.DEPLOY_MIGRATE)


@dataclass(frozen=True, slots=True)
class ValueRef:
    """A ``ValueInFileStructure``: a component hash, or an inline UTF-8 string (2021-07-14+)."""

    hash_base16: str | None = None
    literal_utf8: str | None = None

    @property
    def is_literal(self) -> bool:
        return self.literal_utf8 is not None


@dataclass(frozen=True, slots=True)
class CompositionEvent:
    """One composition event: its kind and the value it refers to."""

    kind: RecordKind
    value: ValueRef | None
    #: For ``ApplyFunctionOnLiteralAndState``: the ``Function`` and ``Arguments`` values.
    function: ValueRef | None = None
    arguments: ValueRef | None = None


@dataclass(frozen=True, slots=True)
class RecordLocation:
    """Where a record's bytes are stored: a log file and line, or a record component file."""

    path: str
    line: int | None = None  # 1-based line in a composition-log file

    def __str__(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    """The JSON content of a record."""

    parent_hash: str | None
    events: tuple[CompositionEvent, ...]
    shape: str  # "compositionEvent" (E2+) or "events" (E0/E1)

    @property
    def event(self) -> CompositionEvent:
        """The (first) event of the record."""
        return self.events[0]


def _value_ref(obj: Any, *, what: str) -> ValueRef:
    if not isinstance(obj, dict):
        raise ValueError(f"{what} is not an object")
    literal = obj.get("LiteralStringUtf8")
    h = obj.get("HashBase16")
    if literal is not None:  # preferred when non-null (§3.2)
        if not isinstance(literal, str):
            raise ValueError(f"{what}.LiteralStringUtf8 is not a string")
        return ValueRef(literal_utf8=literal)
    if h is None:
        raise ValueError(f"{what} has neither HashBase16 nor LiteralStringUtf8")
    if not isinstance(h, str) or len(h) != 64 or not _is_hex(h):
        raise ValueError(f"{what}.HashBase16 is not a 64-digit hex hash: {str(h)[:80]!r}")
    return ValueRef(hash_base16=h.lower())


def _is_hex(s: str) -> bool:
    try:
        bytes.fromhex(s)
    except ValueError:
        return False
    return True


def parse_event(obj: Any) -> CompositionEvent:
    """Parse one composition event object (raises ValueError on a wrong shape)."""
    if not isinstance(obj, dict):
        raise ValueError("composition event is not an object")
    if len(obj) == 1 and next(iter(obj.values())) is not None:
        present = list(obj)  # the usual shape, without scanning
    else:
        present = [k for k, v in obj.items() if v is not None]
    if len(present) != 1:
        raise ValueError(f"composition event must have exactly one field, has {sorted(present)}")
    name = present[0]
    kind = _KINDS.get(name)
    if kind is None:
        raise ValueError(f"unknown composition event kind {name!r}")
    body = obj[name]
    if kind is RecordKind.APPLY_FUNCTION_ON_LITERAL:
        if not isinstance(body, dict):
            raise ValueError(f"{name} is not an object")
        return CompositionEvent(
            kind,
            None,
            function=_value_ref(body.get("Function"), what=f"{name}.Function"),
            arguments=_value_ref(body.get("Arguments"), what=f"{name}.Arguments"),
        )
    return CompositionEvent(kind, _value_ref(body, what=name))


def parse_record(
    raw: bytes, *, location: RecordLocation, record_hash: str, previous_hash: str | None = None
) -> ParsedRecord:
    """Parse a record's bytes; any problem is a :class:`CorruptRecord` naming file, line and hash.

    ``previous_hash``: the hash of the record read before it; when it is the parent, that
    string object is kept instead of a copy (one hash string less per record in memory).
    """

    def fail(why: str) -> CorruptRecord:
        return CorruptRecord(
            f"Corrupt composition record: {why}", path=location.path, line=location.line, record_hash=record_hash
        )

    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        if b"\n" not in raw and raw.strip() == b"":
            raise fail("empty record") from None
        raise fail(f"not valid UTF-8 JSON ({e})") from None
    if not isinstance(obj, dict):
        raise fail("not a JSON object")
    parent = obj.get("parentHashBase16")
    if parent is not None and (not isinstance(parent, str) or len(parent) != 64 or not _is_hex(parent)):
        raise fail(f"parentHashBase16 is not a 64-digit hex hash: {str(parent)[:80]!r}")
    try:
        if "compositionEvent" in obj and obj["compositionEvent"] is not None:
            events: tuple[CompositionEvent, ...] = (parse_event(obj["compositionEvent"]),)
            shape = "compositionEvent"
        elif isinstance(obj.get("events"), list):
            events = tuple(parse_event(e) for e in obj["events"])
            shape = "events"
            if not events:
                raise ValueError("record has an empty 'events' list")
        else:
            raise ValueError("record has neither 'compositionEvent' nor 'events'")
    except ValueError as e:
        raise fail(str(e)) from None
    if parent is not None and parent == previous_hash:
        return ParsedRecord(previous_hash, events, shape)
    return ParsedRecord(parent.lower() if parent else None, events, shape)


@dataclass(frozen=True, slots=True)
class Record:
    """One composition record as stored, in append order.

    ``index`` is the 0-based position in append order, counting every record present in the
    store, including records a later revert made invisible (``reverted``).
    """

    index: int
    hash: str
    raw: bytes
    parsed: ParsedRecord
    location: RecordLocation
    layout: str  # "jsonl-2020-04" (E0), "head-hash-chain" (E1-E4) or "literal-log" (E5+)
    reverted: bool = False

    @property
    def parent_hash(self) -> str | None:
        return self.parsed.parent_hash

    @property
    def kind(self) -> RecordKind:
        return self.parsed.event.kind

    @property
    def revert_target(self) -> str | None:
        ev = self.parsed.event
        if ev.kind is RecordKind.REVERT and ev.value is not None and ev.value.hash_base16:
            return ev.value.hash_base16
        return None
