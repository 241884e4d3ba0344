"""The ports' Base64/UTF-8 (mirroring danfishgold/base64-bytes 1.0.3 over elm/bytes 1.0.8) and Elm's
Dict/Set ordering. With Elm, tests/elmcompile/test_sample_apps.py checks odd bodies against the
compiled apps too."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .harness import Port
from .test_replay import body_text, http_responses


@pytest.fixture(scope="module")
def lib() -> Iterator[Port]:
    port = Port("counter/v2_string_builder")
    yield port
    port.close()


def js_base64_from_string(lib: Port, text: str) -> str:
    return str(lib.ctx.call("ElmPortLib.Base64.fromString", text))


def js_decode(lib: Port, b64: str) -> object:
    return lib.eval(
        f"(function (B) {{ var bytes = B.toBytes({json.dumps(b64)});"
        " return JSON.stringify(bytes === null ? ['no base64'] : [B.decodeUtf8(bytes)]); })(ElmPortLib.Base64)"
    )


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_base64_of_utf8_matches_python(lib: Port, text: str) -> None:
    expected = base64.b64encode(text.encode("utf-8")).decode("ascii")
    assert js_base64_from_string(lib, text) == expected
    assert json.loads(str(js_decode(lib, expected))) == [text]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=40))
def test_well_formed_utf8_decodes_like_python(lib: Port, data: bytes) -> None:
    try:
        expected = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    assert json.loads(str(js_decode(lib, base64.b64encode(data).decode("ascii")))) == [expected]


# Bytes.Decode.string does not validate: continuation bits are masked, stray bytes take the
# four-byte branch; it fails (Nothing) only when a sequence runs past the end. Values worked
# out by hand from elm/bytes 1.0.8's _Bytes_read_string.
@pytest.mark.parametrize(("data", "expected"), [
    (b"\xc3", None),
    (b"a\xe2\x82", None),
    (b"\xf0\x9f\x98", None),
    (b"\xc3\x41", "\u00c1"),  # (0xC3 & 0x1F) << 6 | (0x41 & 0x3F)
    (b"\xed\xa0\x80", "\ud800"),  # an encoded surrogate passes through
    (b"\xc0\x80", "\u0000"),  # overlong
    (b"\xffABC", "\udec4\udc83"),  # 0x1C1083 - 0x10000 = 0x1B1083
    (b"\x80ABC", "\ud7c4\ud883"),  # 0x001083 - 0x10000 = -61309: JS floor and % of a negative
])
def test_utf8_decoding_as_elm_bytes(lib: Port, data: bytes, expected: str | None) -> None:
    got = lib.eval(
        "(function (B) { var s = B.decodeUtf8(%s); return JSON.stringify(s === null ? null :"
        " Array.prototype.map.call(s, function (c) { return c.charCodeAt(0); })); })(ElmPortLib.Base64)"
        % json.dumps(list(data))
    )
    want = None if expected is None else [ord(c) for c in expected]
    assert json.loads(str(got)) == want


# danfishgold/base64-bytes 1.0.3 `toBytes`: chunks of four; a last chunk of two or three
# characters is taken as padded; '=' only in a chunk's last two places, and decoding goes on
# after a padded chunk; leftover low bits are dropped.
@pytest.mark.parametrize(("text", "expected"), [
    ("", b""), ("YQ", b"a"), ("YWI", b"ab"), ("YQ==YQ==", b"aa"), ("YR==", b"a"), ("YWJj", b"abc"),
    ("YWI=YQ", b"aba"),
])
def test_base64_accepted_as_the_package_does(lib: Port, text: str, expected: bytes) -> None:
    got = lib.eval(f"JSON.stringify(ElmPortLib.Base64.toBytes({json.dumps(text)}))")
    assert json.loads(str(got)) == list(expected)


@pytest.mark.parametrize("text", ["Y", "YWJjZ", "Y===", "=QYQ", "YQ=a", "YQ= ", "é0==", "Y\nQ=", "YQ-_", "YQ==\ud83d\ude00"])
def test_invalid_base64_is_rejected(lib: Port, text: str) -> None:
    assert json.loads(str(js_decode(lib, text))) == ["no base64"]


@pytest.mark.parametrize(("text", "expected"), [
    ("\ud800", [0xF0, 0x80, 0x80, 0x80]),  # a high surrogate at the end reads NaN as its partner
    ("\ud800a", [0xF0, 0x82, 0x91, 0xA1]),  # 0x2461 after the kernel's arithmetic
    ("\udc00", [0xED, 0xB0, 0x80]),  # a lone low surrogate takes the three-byte branch
    ("\u00e9\U0001f600", [0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80]),
])
def test_utf8_encoding_as_elm_bytes(lib: Port, text: str, expected: list[int]) -> None:
    assert json.loads(str(lib.eval(f"JSON.stringify(ElmPortLib.Base64.encodeUtf8({json.dumps(text)}))"))) == expected


def test_non_ascii_body_through_the_string_builder() -> None:
    port = Port("counter/v2_string_builder")
    try:
        port.init()
        text = "grüße 😀 李"
        event = json.dumps({"HttpRequestEvent": {"posixTimeMilli": 1, "httpRequestId": "1-1",
                                                 "requestContext": {"clientAddress": "::1"},
                                                 "request": {"method": "POST", "uri": "http://localhost/",
                                                             "bodyAsBase64": base64.b64encode(text.encode()).decode(),
                                                             "headers": []}}}, separators=(",", ":"))
        (response,) = http_responses(port.process(event))
        assert response["response"]["bodyAsBase64"] == base64.b64encode(text.encode()).decode()
        assert body_text(response) == text
        assert port.state() == json.dumps(text, ensure_ascii=False)
    finally:
        port.close()


def _post(port: Port, number: int, body: dict[str, object]) -> None:
    event = json.dumps({"HttpRequestEvent": {"posixTimeMilli": 1000 + number, "httpRequestId": f"{1000 + number}-{number}",
                                             "requestContext": {"clientAddress": "::1"},
                                             "request": {"method": "POST", "uri": "http://localhost/",
                                                         "bodyAsBase64": base64.b64encode(json.dumps(body).encode()).decode(),
                                                         "headers": []}}}, separators=(",", ":"))
    (response,) = http_responses(port.process(event))
    assert response["response"]["statusCode"] == 200, body_text(response)


def test_dict_and_set_order_follows_elm_compare() -> None:
    port = Port("tracker/v1")
    try:
        port.init()
        user_ids = ["b", "a", "é", "😀", "\uffff", "Z", "aa"]
        for n, user_id in enumerate(user_ids):
            _post(port, n, {"op": "addUser", "userId": user_id, "displayName": user_id})
        for n in range(12):
            _post(port, 100 + n, {"op": "createIssue", "reporter": "a", "title": f"t{n}", "labels": ["😀", "\uffff", "b", "B"]})
        state = json.loads(port.state())
        # Strings compare by UTF-16 code units: U+1F600 (D83D DE00) sorts before U+FFFF.
        assert [user_id for user_id, _ in state["users"]] == ["Z", "a", "aa", "b", "é", "😀", "\uffff"]
        assert [issue_id for issue_id, _ in state["issues"]] == list(range(1, 13))
        assert state["issues"][0][1]["labels"] == ["B", "b", "😀", "\uffff"]
    finally:
        port.close()
