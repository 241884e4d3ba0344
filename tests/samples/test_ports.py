"""Each port of the 2020 - 2021-08 interface loads in a bare V8 context and honours the runtime
contract (design.md); the backendMain ports: test_backend_main_port.py."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest

from .harness import OLD_INTERFACE_VERSIONS, Port, has_migration

INITIAL_STATES = {
    "counter/v1": "0",
    "counter/v2_string_builder": '""',
    "counter/candidate_ok": '{"text":"","length":0}',
    "counter/candidate_reject": '{"maybeString":{"Nothing":[]},"otherState":""}',
    **{f"notes/{v}": '{"notes":[],"nextId":1}' for v in ("v1", "v2", "candidate_ok", "candidate_reject")},
}
TRACKER_INITIAL = '{"users":[],"issues":[],"nextIssueId":1}'

PASSIVE_RESPONSE = '{"DecodeEventSuccess":{"notifyWhenArrivedAtTime":null,"startTasks":[],"completeHttpResponses":[]}}'
HOST_EVENTS = [
    '{"ArrivedAtTimeEvent":{"posixTimeMilli":1626180004000}}',
    '{"TaskCompleteEvent":{"taskId":"1626180000000-0","taskResult":{"CompleteWithoutResult":{}}}}',
    '{"TaskCompleteEvent":{"taskId":"t","taskResult":{"CreateVolatileHostResponse":{"Ok":{"hostId":"1"}}}}}',
    '{"TaskCompleteEvent":{"taskId":"t","taskResult":{"RequestToVolatileHostResponse":{"Err":{"HostNotFound":{}}}}}}',
    '{"TaskCompleteEvent":{"taskId":"t","taskResult":{"RequestToVolatileHostResponse":{"Ok":{"durationInMilliseconds":3}}}}}',
]


@pytest.fixture(params=OLD_INTERFACE_VERSIONS)
def port(request: pytest.FixtureRequest) -> Iterator[Port]:
    loaded = Port(request.param)
    loaded.init()
    yield loaded
    loaded.close()


def test_contract_globals(port: Port) -> None:
    kinds = port.eval(
        "[typeof initState, typeof processEventAndUpdateState, typeof getSerializedState, "
        "typeof setSerializedState, typeof interface_migrate].join(',')"
    )
    expected_migrate = "function" if has_migration(port.app) else "undefined"
    assert kinds == f"object,function,function,function,{expected_migrate}"


def test_initial_state(port: Port) -> None:
    assert port.state() == INITIAL_STATES.get(port.app, TRACKER_INITIAL)


@pytest.mark.parametrize("event", HOST_EVENTS)
def test_host_events_get_an_empty_success(port: Port, event: str) -> None:
    before = port.state()
    assert port.process(event) == PASSIVE_RESPONSE
    assert port.state() == before


def test_undecodable_event(port: Port) -> None:
    response = json.loads(port.process('{"HttpRequestEvent":{"posixTimeMilli":1}}'))
    assert list(response) == ["DecodeEventError"]
    assert response["DecodeEventError"].startswith(
        "Failed to deserialize event: Json.Decode.oneOf failed in the following 3 ways:"
    )


def test_events_never_mutate_earlier_states(port: Port) -> None:
    # Elm values are immutable; a replay engine may keep references to old states in V8.
    family = port.app.split("/")[0]
    body = {
        "counter": '{"addition":5}',
        "tracker": '{"op":"addUser","userId":"u","displayName":"U"}',
        "notes": '{"AddNote":[{"title":"t","body":null,"tags":[]}]}',
    }[family]
    event = json.dumps({"HttpRequestEvent": {"posixTimeMilli": 5, "httpRequestId": "5-1",
                                             "requestContext": {"clientAddress": "::1"},
                                             "request": {"method": "POST", "uri": "http://localhost/",
                                                         "bodyAsBase64": base64.b64encode(body.encode()).decode(),
                                                         "headers": []}}}, separators=(",", ":"))
    initial = port.state()
    unchanged = port.eval(
        "(function () { var before = app_state, s = getSerializedState();"
        f" processEventAndUpdateState({json.dumps(event)});"
        " var after = app_state, changed = getSerializedState(); app_state = before;"
        " var same = getSerializedState() === s; app_state = initState;"
        " var init = getSerializedState(); app_state = after;"
        " return [same, changed !== s, init].join('|'); })()"
    )
    assert unchanged == f"true|true|{initial}"
