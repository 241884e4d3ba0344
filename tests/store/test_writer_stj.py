"""The 2022-03-20+ writer (System.Text.Json, store-format §12) against an independent escaper
built from Python's own ``json`` module, and record bytes and hashes pinned by hand."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elmreplay.store import open_store
from elmreplay.store.records import RecordKind
from elmreplay.store.writer import StoreWriter, WriterEra, newtonsoft_json, stj_string, system_text_json

from .helpers import NoFiles

#: Text without lone surrogates (System.Text.Json refuses invalid UTF-16).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
_ESCAPE_OR_SENSITIVE = re.compile(r"\\u[0-9a-f]{4}|\\.|[&'+<>`]")


def oracle_string(text: str) -> str:
    """System.Text.Json's default escaping, derived from Python's ASCII-only ``json.dumps`` (which
    already writes ``\\b\\t\\n\\f\\r\\\\`` short, other controls, DEL and non-ASCII as UTF-16 ``\\u``
    escapes): hex made uppercase, ``\\"`` and the HTML-sensitive characters as ``\\u00XX``."""

    def fix(m: re.Match[str]) -> str:
        token = m.group()
        if token.startswith("\\u"):
            return token.upper().replace("\\U", "\\u")
        if token == '\\"':
            return "\\u0022"
        if token.startswith("\\"):
            return token
        return "\\u%04X" % ord(token)

    inner = json.dumps(text, ensure_ascii=True)[1:-1]
    return '"' + _ESCAPE_OR_SENSITIVE.sub(fix, inner) + '"'


@given(TEXT)
@settings(max_examples=400)
def test_string_escaping_matches_the_oracle(text: str) -> None:
    assert stj_string(text) == oracle_string(text)


@given(JSON)
@settings(max_examples=200)
def test_values_round_trip_in_ascii(value: Any) -> None:
    out = system_text_json(value)
    assert json.loads(out) == value
    assert max(out, default=0) < 0x80
    assert not set(b"&'+<>`") & set(_string_contents(out))


@given(JSON)
@settings(max_examples=200)
def test_newtonsoft_and_stj_differ_where_stj_escapes_more(value: Any) -> None:
    """Same bytes when every string is plain printable ASCII; different bytes when some string
    holds a character only System.Text.Json escapes (a quote, an HTML-sensitive character, or
    non-ASCII other than the three Newtonsoft escapes too)."""
    texts = list(_strings(value))
    plain = all(" " <= ch <= "~" and ch not in "\"&'+<>`" for t in texts for ch in t)
    only_stj = any(ch in "\"&'+<>`" or (ord(ch) > 0x7F and ch not in "\u0085\u2028\u2029") for t in texts for ch in t)
    if plain:
        assert newtonsoft_json(value) == system_text_json(value)
    if only_stj:
        assert newtonsoft_json(value) != system_text_json(value)


def test_lone_surrogate_is_refused() -> None:
    with pytest.raises(ValueError):
        stj_string("a\ud800")


# --- records: exact bytes and hashes ---------------------------------------------------------------

EVENT = '{"ArrivedAtTimeEvent":{"posixTimeMilli":1650000000000}}'
#: By hand, from the escaping rules of §12 (not from the writer).
STJ_RECORD = (
    b'{"compositionEvent":{"UpdateElmAppStateForEvent":{"LiteralStringUtf8":'
    b'"{\\u0022ArrivedAtTimeEvent\\u0022:{\\u0022posixTimeMilli\\u0022:1650000000000}}"}}}'
)
NEWTONSOFT_RECORD = (
    b'{"compositionEvent":{"UpdateElmAppStateForEvent":{"LiteralStringUtf8":'
    b'"{\\"ArrivedAtTimeEvent\\":{\\"posixTimeMilli\\":1650000000000}}"}}}'
)


def blob_hash_by_hand(data: bytes) -> str:
    return hashlib.sha256(b"blob " + str(len(data)).encode() + b"\x00" + data).hexdigest()


@pytest.mark.parametrize(("era", "expected"), [(WriterEra.E5, NEWTONSOFT_RECORD), (WriterEra.STJ_2022, STJ_RECORD)])
def test_same_event_different_bytes_and_hash(tmp_path: Path, era: WriterEra, expected: bytes) -> None:
    w = StoreWriter.new_store(tmp_path / "s", era)
    result = w.append_app_event(EVENT, 1_650_000_000_000)
    assert result.record_bytes == expected
    assert result.record_hash == blob_hash_by_hand(expected)
    store = open_store(tmp_path / "s")
    assert store.records[0].hash == result.record_hash and store.event_json(0) == EVENT


def test_pinned_hash_of_store_format_3_3_in_both_writers() -> None:
    """store-format §3.3's computed example has no character either writer escapes: same hash."""
    config = "0bad150060649b05f1722f0cea5f53ad115bd1a476ea883ce22746d3ec22f204"
    for era in (WriterEra.E5, WriterEra.STJ_2022):
        raw = StoreWriter(NoFiles(), era).record_bytes(RecordKind.DEPLOY_INIT, {"HashBase16": config})  # type: ignore[arg-type]
        assert blob_hash_by_hand(raw) == "b04caa7b347f2c3fc3c5d75e2b30f71b09b03806854bd861cb15b0b1ee1b6581"


def test_apply_function_record_escapes_its_literal_twice(tmp_path: Path) -> None:
    """The literal is STJ JSON of ApplyFunctionOnStateEvent, then escaped again in the record
    (modern-eras §2e): an argument that is a JSON string shows ``\\\\u0022`` inside."""
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.STJ_2022)
    result = w.append_apply_function("Backend.ExposeFunctionsToAdmin.rename", ['"Zoë"'], 1_680_000_000_000)
    assert result.record_bytes == (
        b'{"compositionEvent":{"ApplyFunctionOnElmAppState":{"LiteralStringUtf8":"{\\u0022functionName\\u0022:'
        b'\\u0022Backend.ExposeFunctionsToAdmin.rename\\u0022,\\u0022serializedArgumentsJson\\u0022:'
        b'[\\u0022\\\\u0022Zo\\\\u00EB\\\\u0022\\u0022]}"}}}'
    )
    literal = open_store(tmp_path / "s").records[0].parsed.event.value
    assert literal is not None and json.loads(literal.literal_utf8 or "") == {
        "functionName": "Backend.ExposeFunctionsToAdmin.rename",
        "serializedArgumentsJson": ['"Zoë"'],
    }


def test_reduction_file_is_written_by_the_era_serializer(tmp_path: Path) -> None:
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.STJ_2022)
    r = w.append_app_event(EVENT, 1_650_000_000_000)
    w.write_reduction(r.record_hash, state_json=b'{"name":"<&>"}', app_config_hash=None)
    text = (tmp_path / "s" / "provisional-reduction" / r.record_hash).read_bytes()
    assert text.startswith(b'{"reducedCompositionHashBase16":"' + r.record_hash.encode() + b'","elmAppState":{"HashBase16":"')
    store = open_store(tmp_path / "s")
    red = store.reduction(r.record_hash)
    assert red is not None and red.elm_app_state is not None and red.elm_app_state.hash_base16 == blob_hash_by_hand(b'{"name":"<&>"}')


def _strings(value: Any) -> Any:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)


def _string_contents(out: bytes) -> bytes:
    """The bytes inside string literals of compact JSON (escapes kept)."""
    return b"".join(re.findall(rb'"((?:[^"\\]|\\.)*)"', out))
