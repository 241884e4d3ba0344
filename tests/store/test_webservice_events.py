"""The 2023 host's translation of stored app-event literals (``TranslateUpdateElmAppEventFromStore`` @ 7739f030).

The expected texts are built independently: plain dicts in the tagged shape of modern-eras §2c,
written by ``system_text_json`` of the store writer (not by the ``stj`` module under test).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elmreplay.store.apply_function import ApplyFunctionLiteralError, apply_function_literal, parse_apply_function_literal
from elmreplay.store.stj import StjError, parse_raw, write_raw
from elmreplay.store.webservice_events import (
    NO_SHAPE,
    NOT_IMPLEMENTED,
    NULL_REFERENCE,
    TRANSLATION_FAILED,
    HostTypes,
    translate_stored_event,
)
from elmreplay.store.writer import newtonsoft_json, system_text_json

texts = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=10)
longs = st.one_of(st.integers(0, 2_000_000_000_000), st.integers(-(2**63), 2**63 - 1))
HOSTS = list(HostTypes)


def just(value: Any) -> dict[str, Any]:
    return {"Nothing": []} if value is None else {"Just": [value]}


@st.composite
def old_and_expected(draw: st.DrawFn) -> tuple[dict[str, Any], dict[HostTypes, dict[str, Any]]]:
    """A 2021-09 .. 2023-02-27 event (nulls and zeros omitted or not) and its tagged translation per host."""

    def member(obj: dict[str, Any], name: str, value: Any, default: Any) -> None:
        if value != default or draw(st.booleans()):
            obj[name] = value

    kind = draw(st.sampled_from(["time", "http", "create", "request", "complete"]))
    t = draw(longs)
    if kind == "time":
        inner: dict[str, Any] = {}
        member(inner, "posixTimeMilli", t, 0)
        tagged = {"PosixTimeHasArrivedEvent": [{"posixTimeMilli": t}]}
        return {"ArrivedAtTimeEvent": inner}, {h: tagged for h in HOSTS}
    if kind == "http":
        client, body = draw(st.none() | texts), draw(st.none() | texts)
        pairs = draw(st.lists(st.tuples(texts, st.lists(texts, max_size=2)), max_size=2))
        headers = [{"name": name, "values": values} for name, values in pairs]
        rid, method, uri = draw(texts), draw(texts), draw(texts)
        context: dict[str, Any] = {}
        member(context, "clientAddress", client, None)
        request: dict[str, Any] = {"method": method, "uri": uri}
        member(request, "bodyAsBase64", body, None)
        request["headers"] = headers
        event: dict[str, Any] = {}
        member(event, "posixTimeMilli", t, 0)
        event.update({"httpRequestId": rid, "requestContext": context, "request": request})
        expected = {
            "HttpRequestEvent": [
                {
                    "posixTimeMilli": t,
                    "httpRequestId": rid,
                    "requestContext": {"clientAddress": just(client)},
                    "request": {"method": method, "uri": uri, "bodyAsBase64": just(body), "headers": headers},
                }
            ]
        }
        return {"HttpRequestEvent": _shuffled(draw, event)}, {h: expected for h in HOSTS}
    task_id = draw(texts)
    if kind == "create":
        if draw(st.booleans()):
            pid = draw(texts)
            old_result, new_result = {"Ok": {"processId": pid}}, {"Ok": [{"processId": pid}]}
        else:
            e = draw(texts)
            old_result, new_result = {"Err": {"exceptionToString": e}}, {"Err": [{"exceptionToString": e}]}
        old_task: dict[str, Any] = {"CreateVolatileProcessResponse": old_result}
        new = {h: {"CreateVolatileProcessResponse": [new_result]} for h in HOSTS}
    elif kind == "request":
        if draw(st.booleans()):
            exc, ret, duration = draw(st.none() | texts), draw(st.none() | texts), draw(longs)
            done: dict[str, Any] = {}
            member(done, "exceptionToString", exc, None)
            member(done, "returnValueToString", ret, None)
            member(done, "durationInMilliseconds", duration, 0)
            ok = {"exceptionToString": just(exc), "returnValueToString": just(ret), "durationInMilliseconds": duration}
            old_task = {"RequestToVolatileProcessResponse": {"Ok": done}}
            new = {h: {"RequestToVolatileProcessResponse": [{"Ok": [ok]}]} for h in HOSTS}
        else:
            old_task = {"RequestToVolatileProcessResponse": {"Err": {"ProcessNotFound": {}}}}
            new = {
                HostTypes.V2023_03: {"RequestToVolatileProcessResponse": [{"Err": [{"ProcessNotFound": {}}]}]},
                HostTypes.V2023_07: {
                    "RequestToVolatileProcessResponse": [
                        {"Err": [{"ProcessNotFound": {}, "RequestToVolatileProcessOtherError": None}]}
                    ]
                },
            }
    else:
        old_task = {"CompleteWithoutResult": {}}
        new = {h: {"CompleteWithoutResult": []} for h in HOSTS}
    old = {"TaskCompleteEvent": _shuffled(draw, {"taskId": task_id, "taskResult": old_task})}
    return old, {h: {"TaskCompleteEvent": [{"taskId": task_id, "taskResult": new[h]}]} for h in HOSTS}


def _shuffled(draw: st.DrawFn, obj: dict[str, Any]) -> dict[str, Any]:
    """The same members in another order, maybe with an unknown member (both ignored by the reader)."""
    items = draw(st.permutations(list(obj.items())))
    if draw(st.booleans()):
        items.append(("unknownMember", [1, {"x": None}]))
    return dict(items)


@settings(max_examples=300, deadline=None)
@given(old_and_expected(), st.sampled_from(HOSTS), st.booleans())
def test_old_shape_is_translated_to_the_tagged_event(case: Any, host: HostTypes, stj_writer: bool) -> None:
    old, expected = case
    literal = (system_text_json(old) if stj_writer else newtonsoft_json(old)).decode("utf-8")
    got = translate_stored_event(literal, host)
    assert got.shape == "2023-02-27" and got.error is None and got.exception is None
    assert got.event_json == system_text_json(expected[host]).decode("ascii")


@settings(max_examples=300, deadline=None)
@given(old_and_expected(), st.sampled_from(HOSTS), st.booleans())
def test_tagged_events_round_trip(case: Any, host: HostTypes, stj_writer: bool) -> None:
    """A tagged literal comes out as the host wrote it; a Newtonsoft-escaped one is re-escaped."""
    _, expected = case
    canonical = system_text_json(expected[host]).decode("ascii")
    literal = canonical if stj_writer else newtonsoft_json(expected[host]).decode("utf-8")
    got = translate_stored_event(literal, host)
    assert (got.shape, got.event_json) == ("tagged", canonical)
    assert translate_stored_event(got.event_json, host).event_json == canonical


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | texts | st.integers(-(10**30), 10**30), lambda c: st.lists(c, max_size=3) | st.dictionaries(texts, c, max_size=3), max_leaves=12))
def test_raw_elements_are_written_back_as_the_host_wrote_json(value: Any) -> None:
    """A JsonElement is written back with the writer's escaping and its numbers as given."""
    text = system_text_json(value).decode("ascii")
    assert write_raw(parse_raw(text)) == text
    assert write_raw(parse_raw(newtonsoft_json(value).decode("utf-8"))) == text


def test_element_keeps_number_text_order_and_duplicates() -> None:
    assert write_raw(parse_raw('{"b":1.50,"a":[1e3,-0],"b":"\\u00e9<"}')) == '{"b":1.50,"a":[1e3,-0],"b":"\\u00E9\\u003C"}'


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ("not json", NO_SHAPE),
        ("[1]", NO_SHAPE),
        ('{"ArrivedAtTimeEvent":{"posixTimeMilli":1.5}}', NO_SHAPE),
        ('{"ArrivedAtTimeEvent":{"posixTimeMilli":"1"}}', NO_SHAPE),
        ('{"ArrivedAtTimeEvent":{"posixTimeMilli":null}}', NO_SHAPE),
        ('{"ArrivedAtTimeEvent":{"posixTimeMilli":9223372036854775808}}', NO_SHAPE),
        ('{"ArrivedAtTimeEvent":{"posixTimeMilli":1},}', NO_SHAPE),
        ('{"ArrivedAtTimeEvent":{"posixTimeMilli":NaN}}', NO_SHAPE),
        ("[" * 65 + "]" * 65, NO_SHAPE),
        ("null", None),
        (
            '{"InitStateEvent":{}}',
            'Unexpected structure in webServerEvent_2023_02_27: {"ArrivedAtTimeEvent":null,"HttpRequestEvent":null,'
            '"TaskCompleteEvent":null,"InitStateEvent":{},"SetStateEvent":null,"MigrateStateEvent":null}',
        ),
        (
            '{"PosixTimeHasArrivedEvent":{"posixTimeMilli":1}}',
            'Unexpected structure in webServerEvent_2023_02_27: {"ArrivedAtTimeEvent":null,"HttpRequestEvent":null,'
            '"TaskCompleteEvent":null,"InitStateEvent":null,"SetStateEvent":null,"MigrateStateEvent":null}',
        ),
        (
            '{"MigrateStateEvent":"<s>"}',
            'Unexpected structure in webServerEvent_2023_02_27: {"ArrivedAtTimeEvent":null,"HttpRequestEvent":null,'
            '"TaskCompleteEvent":null,"InitStateEvent":null,"SetStateEvent":null,"MigrateStateEvent":"\\u003Cs\\u003E"}',
        ),
        (
            '{"TaskCompleteEvent":{"taskId":"1-0","taskResult":{"CompleteWithoutResult":null}}}',
            'Unexpected shape of _2023_02_27.TaskResult: {"CreateVolatileProcessResponse":null,'
            '"RequestToVolatileProcessResponse":null,"CompleteWithoutResult":null}',
        ),
    ],
)
def test_literals_the_host_refused(literal: str, expected: str | None) -> None:
    got = translate_stored_event(literal)
    if expected is None:  # JSON null is a (null) tagged event: the app gets "null"
        assert (got.shape, got.event_json) == ("tagged", "null")
    else:
        assert (got.event_json, got.exception, got.error) == (None, None, TRANSLATION_FAILED + expected)


@pytest.mark.parametrize(
    ("literal", "exception"),
    [
        ('{"HttpRequestEvent":{"posixTimeMilli":1,"request":{"method":"GET"}}}', NULL_REFERENCE),
        ('{"HttpRequestEvent":{"requestContext":{}}}', NULL_REFERENCE),
        ('{"TaskCompleteEvent":{"taskId":"1-0"}}', NULL_REFERENCE),
        ('{"TaskCompleteEvent":{"taskId":"1-0","taskResult":{"CreateVolatileProcessResponse":{}}}}', NOT_IMPLEMENTED),
        ('{"TaskCompleteEvent":{"taskResult":{"RequestToVolatileProcessResponse":{"Ok":null,"Err":null}}}}', NOT_IMPLEMENTED),
    ],
)
def test_literals_the_host_threw_on(literal: str, exception: str) -> None:
    got = translate_stored_event(literal)
    assert (got.event_json, got.error, got.exception) == (None, None, exception)


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        # Ok wins over Err; the first parse is strict about the choice converter's shape
        (
            '{"TaskCompleteEvent":{"taskId":"t","taskResult":{"CreateVolatileProcessResponse":{"Err":{"exceptionToString":"e"},"Ok":{"processId":"p"}}}}}',
            '{"TaskCompleteEvent":[{"taskId":"t","taskResult":{"CreateVolatileProcessResponse":[{"Ok":[{"processId":"p"}]}]}}]}',
        ),
        # ArrivedAtTimeEvent is looked at first
        (
            '{"TaskCompleteEvent":{"taskId":"t"},"ArrivedAtTimeEvent":{"posixTimeMilli":3}}',
            '{"PosixTimeHasArrivedEvent":[{"posixTimeMilli":3}]}',
        ),
        # a tagged record with missing members: defaults, written with nulls
        ('{"HttpRequestEvent":[{}]}', '{"HttpRequestEvent":[{"posixTimeMilli":0,"httpRequestId":null,"requestContext":null,"request":null}]}'),
        ('{"PosixTimeHasArrivedEvent":[null]}', '{"PosixTimeHasArrivedEvent":[null]}'),
        # -0 is read as the integer 0
        ('{"PosixTimeHasArrivedEvent":[{"posixTimeMilli":-0}]}', '{"PosixTimeHasArrivedEvent":[{"posixTimeMilli":0}]}'),
        # extra elements or a second variant make no tagged event; the old parse then finds no
        # known member, or a member of the wrong type (an array for its record)
        ('{"PosixTimeHasArrivedEvent":[{"posixTimeMilli":1},2]}', "Unexpected structure"),
        ('{"PosixTimeHasArrivedEvent":[{"posixTimeMilli":1}],"HttpRequestEvent":[{}]}', NO_SHAPE),
        ('{"HttpRequestEvent":[{"requestContext":{"clientAddress":"a"}}]}', NO_SHAPE),  # a string for a tagged Maybe
    ],
)
def test_edge_cases(literal: str, expected: str) -> None:
    got = translate_stored_event(literal)
    if expected.startswith("{"):
        assert got.event_json == expected
    else:
        assert got.error is not None and got.error.startswith(TRANSLATION_FAILED + expected)


def test_documented_examples() -> None:
    """The examples of docs/modern-eras-replay.md §2.3 translate to the examples of modern-eras §2c's shape."""
    got = translate_stored_event(
        '{"HttpRequestEvent":{"posixTimeMilli":1634000000000,"httpRequestId":"1634000000000-1","requestContext":{"clientAddress":"203.0.113.7"},'
        '"request":{"method":"POST","uri":"https://example.com/","bodyAsBase64":"aGk=","headers":[{"name":"Content-Type","values":["text/plain"]}]}}}'
    )
    assert json.loads(got.event_json or "") == {
        "HttpRequestEvent": [
            {
                "posixTimeMilli": 1634000000000,
                "httpRequestId": "1634000000000-1",
                "requestContext": {"clientAddress": {"Just": ["203.0.113.7"]}},
                "request": {"method": "POST", "uri": "https://example.com/", "bodyAsBase64": {"Just": ["aGk="]}, "headers": [{"name": "Content-Type", "values": ["text/plain"]}]},
            }
        ]
    }


# --- ApplyFunctionOnStateEvent literals ----------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(texts, st.lists(texts, max_size=3))
def test_apply_function_literal_round_trip(name: str, args: list[str]) -> None:
    literal = apply_function_literal(name, args)
    assert literal == system_text_json({"functionName": name, "serializedArgumentsJson": args}).decode("ascii")
    event = parse_apply_function_literal(literal)
    assert (event.function_name, list(event.serialized_arguments_json)) == (name, args)


@pytest.mark.parametrize(
    "literal",
    ["null", "[]", '{"functionName":"f"}', '{"serializedArgumentsJson":[]}', '{"functionName":"f","serializedArgumentsJson":[null]}',
     '{"functionName":1,"serializedArgumentsJson":[]}', "{"],
)
def test_apply_function_literals_the_host_could_not_apply(literal: str) -> None:
    with pytest.raises(ApplyFunctionLiteralError):
        parse_apply_function_literal(literal)


def test_parse_errors_are_stj_errors() -> None:
    with pytest.raises(StjError):
        parse_raw("{'a':1}")


def test_the_writer_writes_the_record_as_the_host_did(tmp_path: Any) -> None:
    """The record's bytes: the literal (its quotes as \\u0022) escaped once more by the record's writer."""
    from elmreplay.store.records import RecordKind
    from elmreplay.store.writer import StoreWriter, WriterEra

    writer = StoreWriter.new_store(tmp_path / "s", WriterEra.STJ_2022, parent_hash="ab" * 32)
    raw = writer.append_apply_function("Backend.ExposeFunctionsToAdmin.payOutFees", ['"erin"'], 1_686_000_000_000).record_bytes
    expected = (
        '{"parentHashBase16":"' + "ab" * 32 + '","compositionEvent":{"' + RecordKind.APPLY_FUNCTION.value + '":{"LiteralStringUtf8":'
        '"{\\u0022functionName\\u0022:\\u0022Backend.ExposeFunctionsToAdmin.payOutFees\\u0022,'
        '\\u0022serializedArgumentsJson\\u0022:[\\u0022\\\\u0022erin\\\\u0022\\u0022]}"}}}'
    )
    assert raw.decode("ascii") == expected
    assert parse_apply_function_literal(json.loads(raw)["compositionEvent"][RecordKind.APPLY_FUNCTION.value]["LiteralStringUtf8"]) == (
        parse_apply_function_literal(apply_function_literal("Backend.ExposeFunctionsToAdmin.payOutFees", ['"erin"']))
    )
