"""The ports' Base64/UTF-8 (mirroring the apps' Base64.elm) and Elm's Dict/Set ordering."""

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
def test_strict_utf8_decoding_matches_python(lib: Port, data: bytes) -> None:
    try:
        expected: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        expected = None
    assert json.loads(str(js_decode(lib, base64.b64encode(data).decode("ascii")))) == [expected]


@pytest.mark.parametrize("text", ["YQ", "Y===", "YQ=a", "YQ= ", "YQ==YQ==", "é0==", "Y\nQ="])
def test_invalid_base64_is_rejected(lib: Port, text: str) -> None:
    assert json.loads(str(js_decode(lib, text))) == ["no base64"]


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
