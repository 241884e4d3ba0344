"""Exact Json.Decode error texts (as elm/json 1.1.3's errorToString builds them) and the
DeserializeFailed behaviour of the generated root module."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from .harness import Port


@pytest.fixture
def counter() -> Iterator[Port]:
    port = Port("counter/v1")
    port.init()
    yield port
    port.close()


@pytest.fixture(scope="module")
def lib() -> Iterator[Port]:
    port = Port("counter/v1")
    yield port
    port.close()


def failed_state(error: str) -> str:
    return json.dumps({"Interface_DeserializeFailed": {"error": error}}, separators=(",", ":"), ensure_ascii=False)


def test_wrong_type_gives_deserialize_failed(counter: Port) -> None:
    counter.set_state('"abc"')
    expected = (
        "Json.Decode.oneOf failed in the following 2 ways:\n\n\n\n"
        "(1) Problem with the given value:\n    \n    \"abc\"\n    \n"
        "    Expecting an OBJECT with a field named `Interface_DeserializeFailed`\n\n\n\n"
        "(2) Problem with the given value:\n    \n    \"abc\"\n    \n    Expecting an INT"
    )
    assert counter.state() == failed_state(expected)


def test_deserialize_failed_state_ignores_events(counter: Port) -> None:
    counter.set_state('"abc"')
    before = counter.state()
    assert counter.process('{"ArrivedAtTimeEvent":{"posixTimeMilli":1}}') == "[]"
    assert counter.process("not even JSON") == "[]"
    assert counter.state() == before


def test_error_object_round_trips(counter: Port) -> None:
    counter.set_state('{"Interface_DeserializeFailed":{"error":"boom"}}')
    assert counter.state() == failed_state("boom")
    counter.set_state("41")
    assert counter.state() == "41"


def test_invalid_json(counter: Port) -> None:
    counter.set_state("x")
    error = json.loads(counter.state())["Interface_DeserializeFailed"]["error"]
    # The rest is the JavaScript engine's own JSON.parse message.
    assert error.startswith('Problem with the given value:\n\n"x"\n\nThis is not valid JSON! ')


def test_nested_field_error_with_indentation() -> None:
    # The JSON (encode 4) is indented once by the Failure text and once more inside oneOf.
    port = Port("counter/candidate_ok")
    try:
        port.set_state('{"text":"a","length":"1"}')
        expected = (
            "Json.Decode.oneOf failed in the following 2 ways:\n\n\n\n"
            "(1) Problem with the given value:\n    \n    {\n            \"text\": \"a\",\n            \"length\": \"1\"\n        }\n    \n"
            "    Expecting an OBJECT with a field named `Interface_DeserializeFailed`\n\n\n\n"
            "(2) Problem with the value at json.length:\n    \n        \"1\"\n    \n    Expecting an INT"
        )
        assert port.state() == failed_state(expected)
    finally:
        port.close()


def test_record_fields_are_checked_last_first() -> None:
    # The generated record decoder nests map2 so that the last declared field is tried first.
    port = Port("counter/candidate_reject")
    try:
        assert port.migrate("{}") == json.dumps(
            {"Err": ["Problem with the given value:\n\n{}\n\nExpecting an OBJECT with a field named `otherState`"]},
            separators=(",", ":"),
        )
        assert port.migrate('{"otherState":""}') == json.dumps(
            {"Err": ['Problem with the given value:\n\n{\n        "otherState": ""\n    }\n\n'
                     "Expecting an OBJECT with a field named `maybeString`"]},
            separators=(",", ":"),
        )
    finally:
        port.close()


def test_undecodable_event_text(counter: Port) -> None:
    one = "Problem with the given value:\n    \n    {}\n    \n    Expecting an OBJECT with a field named `{}`"
    expected = "Failed to deserialize event: Json.Decode.oneOf failed in the following 3 ways:" + "".join(
        f"\n\n\n\n({i}) " + one.replace("`{}`", f"`{name}`")
        for i, name in enumerate(["ArrivedAtTimeEvent", "TaskCompleteEvent", "HttpRequestEvent"], start=1)
    )
    assert counter.process("{}") == json.dumps({"DecodeEventError": expected}, separators=(",", ":"))


@pytest.mark.parametrize(
    ("decoder", "json_text", "expected"),
    [
        ("D.field('a_b', D.string)", '{"a_b":1}', "Problem with the value at json['a_b']:\n\n    1\n\nExpecting a STRING"),
        ("D.field('é', D.string)", '{"é":1}', "Problem with the value at json['é']:\n\n    1\n\nExpecting a STRING"),
        ("D.field('a1', D.field('1a', D.int))", '{"a1":{"1a":"x"}}',
         "Problem with the value at json.a1['1a']:\n\n    \"x\"\n\nExpecting an INT"),
        ("D.list(D.int)", '[1,"a"]', "Problem with the value at json[1]:\n\n    \"a\"\n\nExpecting an INT"),
        ("D.index(1, D.int)", "[1]",
         "Problem with the given value:\n\n[\n        1\n    ]\n\nExpecting a LONGER array. Need index 1 but only see 1 entries"),
        ("D.oneOf([])", "1", "Ran into a Json.Decode.oneOf with no possibilities!"),
        ("D.field('x', D.oneOf([]))", '{"x":1}', "Ran into a Json.Decode.oneOf with no possibilities at json.x"),
        ("D.field('x', D.oneOf([D.int]))", '{"x":true}', "Problem with the value at json.x:\n\n    true\n\nExpecting an INT"),
        ("D.field('x', D.oneOf([D.int, D.string]))", '{"x":true}',
         "The Json.Decode.oneOf at json.x failed in the following 2 ways:\n\n\n\n"
         "(1) Problem with the given value:\n    \n    true\n    \n    Expecting an INT\n\n\n\n"
         "(2) Problem with the given value:\n    \n    true\n    \n    Expecting a STRING"),
        ("D.field('x', D.int)", '[]', "Problem with the given value:\n\n[]\n\nExpecting an OBJECT with a field named `x`"),
        ("D.int", "1.5", "Problem with the given value:\n\n1.5\n\nExpecting an INT"),
        ("D.andThen(function () { return D.fail('no'); }, D.int)", "3", "Problem with the given value:\n\n3\n\nno"),
    ],
)
def test_error_to_string(lib: Port, decoder: str, json_text: str, expected: str) -> None:
    text = lib.eval(
        f"(function (D) {{ var r = D.decodeString({decoder}, {json.dumps(json_text)});"
        " return r.ok ? 'OK' : D.errorToString(r.error); })(ElmPortLib.D)"
    )
    assert text == expected


def test_lenient_state_forms_decode_and_normalize() -> None:
    # The tracker was deployed in 2021-07: its state decoders are the host's 2021 ones (Maybe
    # still from {"Just":v} and null; extra fields ignored; Set and Dict sorted).
    port = Port("tracker/v2")
    try:
        issue = ('{"title":"t","description":"d","reporter":"r","assignee":{"Just":"q"},'
                 '"status":{"Closed":[{"resolution":{"Duplicate":[3]},"closedTimeMilli":2}]},"priority":null,'
                 '"labels":["b","a","b"],"comments":[],"createdTimeMilli":1,"extra":true}')
        port.set_state('{"users":[["u",{"displayName":"U","email":null,"joinedTimeMilli":4}]],'
                       f'"issues":[[2,{issue}],[1,{issue}]],"nextIssueId":3}}')
        normalized = ('{"title":"t","description":"d","reporter":"r","assignee":{"Just":["q"]},'
                      '"status":{"Closed":[{"resolution":{"Duplicate":[3]},"closedTimeMilli":2}]},'
                      '"priority":{"Nothing":[]},"labels":["a","b"],"comments":[],"createdTimeMilli":1}')
        assert port.state() == (
            '{"users":[["u",{"displayName":"U","email":{"Nothing":[]},"joinedTimeMilli":4}]],'
            f'"issues":[[1,{normalized}],[2,{normalized}]],"nextIssueId":3}}'
        )
        # ... but not the 2020 generator's: one-argument tags without the array, Dict elements
        # as {"key":k,"value":v}, a tag without arguments holding null.
        for legacy in (
            issue.replace('{"Duplicate":[3]}', '{"Duplicate":3}'),
            issue.replace('"status":{"Closed":[{"resolution":{"Duplicate":[3]},"closedTimeMilli":2}]}', '"status":{"Open":null}'),
        ):
            port.set_state(f'{{"users":[],"issues":[[1,{legacy}]],"nextIssueId":2}}')
            assert port.state().startswith('{"Interface_DeserializeFailed":'), legacy
        port.set_state('{"users":[{"key":"u","value":{"displayName":"U","email":null,"joinedTimeMilli":4}}],'
                       '"issues":[],"nextIssueId":1}')
        assert port.state().startswith('{"Interface_DeserializeFailed":')
    finally:
        port.close()


@pytest.mark.parametrize(
    ("decoder", "json_text", "value"),
    [
        ("G.custom([['A', [G.int]], ['B', []]])", '{"A":3}', {"$": "A", "a": [3]}),
        ("G.custom([['A', [G.int]], ['B', []]])", '{"B":null}', {"$": "B", "a": []}),
        ("G.dict(G.string, G.int)", '[{"key":"k","value":1}]', [["k", 1]]),
        ("G21.custom([['A', [G.int]], ['B', []]])", '{"A":3}', None),
        ("G21.custom([['A', [G.int]], ['B', []]])", '{"B":null}', None),
        ("G21.dict(G.string, G.int)", '[{"key":"k","value":1}]', None),
        ("G21.custom([['A', [G.int]], ['B', []]])", '{"B":{}}', {"$": "B", "a": []}),
    ],
)
def test_the_2020_generator_forms_only_in_the_2020_decoders(lib: Port, decoder: str, json_text: str, value: object) -> None:
    # G: the host's 2020 C# generator (the counter sample's host); G21: its 2021 Elm generator.
    text = lib.eval(
        f"(function (L) {{ var G = L.G, G21 = L.G21; var r = L.D.decodeString({decoder}, {json.dumps(json_text)});"
        " return JSON.stringify(r.ok ? (r.value && r.value.$ === undefined && typeof r.value === 'object' && !Array.isArray(r.value)"
        " ? L.Dict.toList(r.value) : r.value) : null); })(ElmPortLib)"
    )
    assert json.loads(text) == value
