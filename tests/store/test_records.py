"""Composition records: shapes of every era, ValueInFileStructure, record hashes (store-format §3.1-§3.3)."""

from __future__ import annotations

import hashlib
import json

import pytest

from elmreplay.errors import CorruptRecord
from elmreplay.store.components import blob_hash
from elmreplay.store.log import parse_only
from elmreplay.store.records import RecordKind, RecordLocation, ValueRef, parse_record
from elmreplay.store.writer import StoreWriter, WriterEra

from .helpers import NoFiles

CONFIG = "0bad150060649b05f1722f0cea5f53ad115bd1a476ea883ce22746d3ec22f204"
EXAMPLE = b'{"compositionEvent":{"DeployAppConfigAndInitElmAppState":{"HashBase16":"' + CONFIG.encode() + b'"}}}'
EXAMPLE_HASH = "b04caa7b347f2c3fc3c5d75e2b30f71b09b03806854bd861cb15b0b1ee1b6581"
P = "9f" * 32


def test_record_hash_example_of_section_3_3() -> None:
    assert blob_hash(EXAMPLE) == EXAMPLE_HASH
    assert hashlib.sha256(b"blob %d\x00" % len(EXAMPLE) + EXAMPLE).hexdigest() == EXAMPLE_HASH
    parsed = parse_only(EXAMPLE)
    assert parsed.parent_hash is None
    assert parsed.event.kind is RecordKind.DEPLOY_INIT and parsed.event.value == ValueRef(hash_base16=CONFIG)


def test_writer_produces_the_example_bytes() -> None:
    from elmreplay.store.files import OverlayFiles

    w = StoreWriter(OverlayFiles(NoFiles()), WriterEra.E4)
    raw = w.record_bytes(RecordKind.DEPLOY_INIT, {"HashBase16": CONFIG})
    assert raw == EXAMPLE
    assert w.append_record(raw, 0).record_hash == EXAMPLE_HASH


def test_e1_events_shape() -> None:
    raw = json.dumps(
        {
            "parentHashBase16": P,
            "events": [{"UpdateElmAppStateForEvent": {"HashBase16": "aa" * 32}}, {"SetElmAppState": {"HashBase16": "bb" * 32}}],
        }
    ).encode()
    parsed = parse_only(raw)
    assert parsed.shape == "events" and parsed.parent_hash == P
    assert [e.kind for e in parsed.events] == [RecordKind.UPDATE, RecordKind.SET_STATE]


def test_uppercase_hex_is_lowercased() -> None:
    raw = json.dumps({"parentHashBase16": P.upper(), "compositionEvent": {"RevertProcessTo": {"HashBase16": "AB" * 32}}}).encode()
    parsed = parse_only(raw)
    assert parsed.parent_hash == P
    assert parsed.event.value == ValueRef(hash_base16="ab" * 32)


def test_literal_preferred_over_hash_and_nulls_ignored() -> None:
    raw = json.dumps(
        {
            "parentHashBase16": None,
            "compositionEvent": {
                "UpdateElmAppStateForEvent": {"HashBase16": "aa" * 32, "LiteralStringUtf8": "{}"},
                "SetElmAppState": None,
            },
        }
    ).encode()
    parsed = parse_only(raw)
    assert parsed.parent_hash is None
    assert parsed.event.value == ValueRef(literal_utf8="{}") and parsed.event.value.is_literal


def test_null_literal_falls_back_to_hash() -> None:
    raw = b'{"compositionEvent":{"SetElmAppState":{"HashBase16":"' + b"cd" * 32 + b'","LiteralStringUtf8":null}}}'
    assert parse_only(raw).event.value == ValueRef(hash_base16="cd" * 32)


@pytest.mark.parametrize("kind", ["ApplyFunctionOnElmAppState"])
def test_2023_apply_function_is_recognised(kind: str) -> None:
    payload = json.dumps({"functionName": "f", "serializedArgumentsJson": ["1"]})
    raw = json.dumps({"parentHashBase16": P, "compositionEvent": {kind: {"LiteralStringUtf8": payload}}}).encode()
    assert parse_only(raw).event.kind is RecordKind.APPLY_FUNCTION


def test_2025_apply_function_on_literal_and_state_is_recognised() -> None:
    raw = json.dumps(
        {
            "parentHashBase16": P,
            "compositionEvent": {
                "ApplyFunctionOnLiteralAndState": {"Function": {"HashBase16": "aa" * 32}, "Arguments": {"LiteralStringUtf8": "[]"}}
            },
        }
    ).encode()
    ev = parse_only(raw).event
    assert ev.kind is RecordKind.APPLY_FUNCTION_ON_LITERAL
    assert ev.function == ValueRef(hash_base16="aa" * 32) and ev.arguments == ValueRef(literal_utf8="[]")


def test_kind_declaration_order() -> None:
    assert [k.value for k in RecordKind][:5] == [
        "UpdateElmAppStateForEvent",
        "SetElmAppState",
        "DeployAppConfigAndInitElmAppState",
        "DeployAppConfigAndMigrateElmAppState",
        "RevertProcessTo",
    ]


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b'{"compositionEvent":', "not valid UTF-8 JSON"),
        (b"", "empty record"),
        (b"[1,2]", "not a JSON object"),
        (b'{"parentHashBase16":"abc","compositionEvent":{"SetElmAppState":{"HashBase16":"' + b"a" * 64 + b'"}}}', "parentHashBase16"),
        (b'{"parentHashBase16":"' + P.encode() + b'"}', "neither 'compositionEvent' nor 'events'"),
        (b'{"events":[]}', "empty 'events' list"),
        (b'{"compositionEvent":{"FlyToTheMoon":{"HashBase16":"' + b"a" * 64 + b'"}}}', "unknown composition event kind 'FlyToTheMoon'"),
        (b'{"compositionEvent":{"SetElmAppState":{"HashBase16":"' + b"a" * 64 + b'"},"RevertProcessTo":{"HashBase16":"' + b"b" * 64 + b'"}}}', "exactly one field"),
        (b'{"compositionEvent":{"SetElmAppState":{}}}', "neither HashBase16 nor LiteralStringUtf8"),
        (b'{"compositionEvent":{"SetElmAppState":{"HashBase16":"xyz"}}}', "64-digit hex"),
        (b'{"compositionEvent":{"SetElmAppState":{"LiteralStringUtf8":5}}}', "not a string"),
        (b'{"compositionEvent":{"SetElmAppState":"0bad"}}', "not an object"),
        (b'{"compositionEvent":[]}', "not an object"),
        (b'{"compositionEvent":{"UpdateElmAppStateForEvent":{"LiteralStringUtf8":"\xff"}}}', "not valid UTF-8 JSON"),
    ],
)
def test_corrupt_records_name_file_line_and_hash(raw: bytes, why: str) -> None:
    h = blob_hash(raw)
    with pytest.raises(CorruptRecord) as e:
        parse_record(raw, location=RecordLocation("composition-log/literal/2021-07-13/2021-07-13T12-40", 3), record_hash=h)
    text = str(e.value)
    assert why in text
    assert "file composition-log/literal/2021-07-13/2021-07-13T12-40 line 3" in text and h in text
    assert (e.value.path, e.value.line, e.value.record_hash) == ("composition-log/literal/2021-07-13/2021-07-13T12-40", 3, h)


def test_record_location_text() -> None:
    assert str(RecordLocation("a/b", 2)) == "a/b:2" and str(RecordLocation("literal-element/ab/abcd")) == "literal-element/ab/abcd"
