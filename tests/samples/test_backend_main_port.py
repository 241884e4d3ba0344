"""The port library of the 2021-09 root module (ports/lib/backend_main_2021.js) against
expectations worked out by hand from the host's generated root module
(``composeBackendRootElmModuleText``, CompileFullstackApp.elm @ ec1891b9; docs/modern-eras-replay.md
§2.2, §2.3), with a probe app whose HTTP requests say which commands to issue.

The scheduler ports (the sample's apps) get the contract checks of test_ports.py's kind."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest
from py_mini_racer import MiniRacer

from .harness import BACKEND_MAIN_LIB, BACKEND_MAIN_VERSIONS, PORT_LIB, Port

# A backendMain app for the tests: the request body is a JSON list of commands to issue;
# every callback appends a line to the state's log. ``alarm:N`` subscribes to time N.
PROBE_APP = r"""
(function (L) {
  var Cmd = L.BackendMain.Cmd, G = L.G, GE = L.GE, Dict = L.Dict;
  function logged(state, line) { return { log: state.log.concat([line]), alarm: state.alarm }; }
  function commands(ev, list) {
    return list.map(function (c) {
      var parts = c.split(':');
      switch (parts[0]) {
        case 'respond': return Cmd.respondToHttpRequest(ev.httpRequestId, { statusCode: +parts[1], bodyAsBase64: null, headersToAdd: [] });
        case 'create': return Cmd.createVolatileProcess('P', function (r, s) {
          return [logged(s, 'created ' + (r.$ === 'Ok' ? r.a[0].processId : r.a[0].exceptionToString)), []]; });
        case 'request': return Cmd.requestToVolatileProcess(parts[1], 'q', function (r, s) {
          return [logged(s, r.$ === 'Ok' ? 'request ok ' + r.a[0].returnValueToString + ' ' + r.a[0].durationInMilliseconds : 'request ' + r.a[0].$), []]; });
        default: return Cmd.terminateVolatileProcess(parts[1]);
      }
    });
  }
  function httpRequest(ev, state) {
    var list = JSON.parse(L.Base64.decodeUtf8(L.Base64.toBytes(ev.request.bodyAsBase64)));
    var alarm = list.filter(function (c) { return c.indexOf('alarm:') === 0; }).map(function (c) { return +c.split(':')[1]; });
    var s = { log: state.log.concat(['http ' + ev.posixTimeMilli]), alarm: alarm.length ? alarm[0] : state.alarm };
    return [s, commands(ev, list.filter(function (c) { return c.indexOf('alarm:') !== 0; }))];
  }
  L.defineBackendMain({
    init: [{ log: ['init'], alarm: 0 }, [Cmd.createVolatileProcess('P', function (r, s) { return [logged(s, 'init process ' + r.a[0].processId), []]; })]],
    subscriptions: function (state) {
      return { httpRequest: httpRequest, posixTimeIsPast: state.alarm === 0 ? null : {
        minimumPosixTimeMilli: state.alarm,
        update: function (t, s) { return [{ log: s.log.concat(['time ' + t.currentPosixTimeMilli]), alarm: 0 }, []]; } } };
    },
    decodeState: G.record([['log', G.list(G.string)], ['alarm', G.int]]),
    encodeState: GE.record([['log', GE.list(GE.string)], ['alarm', GE.int]])
  });
})(ElmPortLib);
"""


def http(t: int, commands: list[str], request_id: str = "r") -> str:
    body = base64.b64encode(json.dumps(commands).encode()).decode()
    event = {"HttpRequestEvent": {"posixTimeMilli": t, "httpRequestId": request_id, "requestContext": {},
                                  "request": {"method": "POST", "uri": "/", "bodyAsBase64": body, "headers": []}}}
    return json.dumps(event, separators=(",", ":"))


def complete(task_id: str, result: dict[str, object]) -> str:
    return json.dumps({"TaskCompleteEvent": {"taskId": task_id, "taskResult": result}}, separators=(",", ":"))


def success(notify: int | None = None, start: str = "[]", responses: str = "[]", migrate: str = '{"Nothing":[]}') -> str:
    n = "null" if notify is None else f'{{"minimumPosixTimeMilli":{notify}}}'
    return (f'{{"DecodeEventSuccess":{{"notifyWhenPosixTimeHasArrived":{n},"startTasks":{start},'
            f'"completeHttpResponses":{responses},"migrateResult":{migrate}}}}}')


class Probe:
    def __init__(self) -> None:
        self.ctx = MiniRacer()
        self.ctx.eval("\n".join(p.read_text(encoding="utf-8") for p in (PORT_LIB, BACKEND_MAIN_LIB)) + PROBE_APP)
        self.ctx.eval("app_state = initState")

    def send(self, event: str) -> str:
        return str(self.ctx.call("processEventAndUpdateState", event))

    def log(self) -> list[str]:
        return list(json.loads(self.state())["log"])

    def state(self) -> str:
        return str(self.ctx.eval("getSerializedState()"))


@pytest.fixture
def probe() -> Iterator[Probe]:
    p = Probe()
    yield p
    p.ctx.close()


CREATE = '{"CreateVolatileProcess":{"programCode":"P"}}'


def test_init_state_has_no_commands_and_the_init_event_runs_them_on_the_current_framework(probe: Probe) -> None:
    assert probe.state() == '{"log":["init"],"alarm":0}'  # interfaceToHost_initState: Tuple.first
    assert probe.send('{"InitStateEvent":{}}') == success(start=f'[{{"taskId":"0-0","task":{CREATE}}}]')
    assert probe.send(complete("0-0", {"CreateVolatileProcessResponse": {"Ok": {"processId": "p7"}}})) == success()
    assert probe.log() == ["init", "init process p7"]


def test_task_ids_in_command_order_responses_reversed(probe: Probe) -> None:
    probe.send('{"InitStateEvent":{}}')  # takes 0-0
    response = probe.send(http(1000, ["respond:201", "create", "request:p1", "terminate:p1", "respond:202"]))
    start = ('[{"taskId":"1000-3","task":{"TerminateVolatileProcess":{"processId":"p1"}}},'
             '{"taskId":"1000-2","task":{"RequestToVolatileProcess":{"processId":"p1","request":"q"}}},'
             f'{{"taskId":"1000-1","task":{CREATE}}}]')
    responses = ('[{"httpRequestId":"r","response":{"statusCode":202,"headersToAdd":[],"bodyAsBase64":null}},'
                 '{"httpRequestId":"r","response":{"statusCode":201,"headersToAdd":[],"bodyAsBase64":null}}]')
    assert response == success(start=start, responses=responses)
    # An earlier event time does not lower the framework's time.
    assert probe.send(http(500, ["create"])) == success(start=f'[{{"taskId":"1000-4","task":{CREATE}}}]')


def test_completions_are_looked_up_by_kind_and_removed(probe: Probe) -> None:
    probe.send(http(1000, ["create", "request:p1"]))  # 1000-0, 1000-1
    ok = {"RequestToVolatileProcessResponse": {"Ok": {"returnValueToString": "r", "durationInMilliseconds": 5}}}
    assert probe.send(complete("1000-0", ok)) == success()  # a create task: not in the request dict
    assert probe.send(complete("9-9", ok)) == success()  # unknown id: discarded
    probe.send(complete("1000-1", ok))
    probe.send(complete("1000-1", ok))  # removed after the first completion
    probe.send(complete("1000-0", {"CreateVolatileProcessResponse": {"Err": {"exceptionToString": "boom"}}}))
    probe.send(complete("1000-1", {"RequestToVolatileProcessResponse": {"Err": {"ProcessNotFound": {}}}}))
    assert probe.log() == ["init", "http 1000", "request ok r 5", "created boom"]


def test_optional_fields_null_and_missing_duration_fail_to_decode(probe: Probe) -> None:
    probe.send(http(1000, ["request:p1"]))
    before = probe.state()
    with_null = probe.send(complete("1000-0", {"RequestToVolatileProcessResponse": {"Ok": {"returnValueToString": None, "durationInMilliseconds": 1}}}))
    assert with_null.startswith('{"DecodeEventError":"Failed to deserialize event: Json.Decode.oneOf failed in the following 7 ways:')
    assert "Problem with the value at json.Ok.returnValueToString:" in json.loads(with_null)["DecodeEventError"]
    zero_ms = probe.send(complete("1000-0", {"RequestToVolatileProcessResponse": {"Ok": {"returnValueToString": "r"}}}))
    assert "Expecting an OBJECT with a field named `durationInMilliseconds`" in json.loads(zero_ms)["DecodeEventError"]
    assert probe.state() == before
    # Absent optional fields are fine (Nothing): the task is still pending and completes now.
    probe.send(complete("1000-0", {"RequestToVolatileProcessResponse": {"Ok": {"durationInMilliseconds": 2}}}))
    assert probe.log()[-1] == "request ok null 2"


def test_time_subscription_minimum_and_time_raised_by_discarded_events(probe: Probe) -> None:
    assert probe.send(http(100, ["alarm:2000"])) == success(notify=2000)
    assert probe.send('{"ArrivedAtTimeEvent":{"posixTimeMilli":1500}}') == success(notify=2000)  # before the minimum
    assert probe.send(http(100, ["create"])) == success(notify=2000, start=f'[{{"taskId":"1500-0","task":{CREATE}}}]')
    assert probe.send('{"PosixTimeHasArrivedEvent":{"posixTimeMilli":2000}}') == success()
    assert probe.log() == ["init", "http 100", "http 100", "time 2000"]
    assert probe.send('{"ArrivedAtTimeEvent":{"posixTimeMilli":2500}}') == success()  # not subscribed: discarded


def test_set_state_event_keeps_the_framework_and_reports_migrate_result(probe: Probe) -> None:
    probe.send(http(1000, ["request:p1"]))
    ok = success(migrate='{"Just":{"Ok":{}}}')
    assert probe.send(json.dumps({"SetStateEvent": '{"log":["set"],"alarm":0}'})) == ok
    probe.send(complete("1000-0", {"RequestToVolatileProcessResponse": {"Ok": {"returnValueToString": "r", "durationInMilliseconds": 5}}}))
    assert probe.log() == ["set", "request ok r 5"]
    bad = probe.send(json.dumps({"SetStateEvent": "{}"}))
    assert bad == success(migrate=json.dumps({"Just": {"Err": "Problem with the given value:\n\n{}\n\nExpecting an OBJECT with a field named `alarm`"}}, separators=(",", ":")))
    assert probe.log() == ["set", "request ok r 5"]
    no_migration = json.dumps({"Just": {"Err": "Did not find a migration function in the program code"}}, separators=(",", ":"))
    assert probe.send(json.dumps({"MigrateStateEvent": "1"})) == success(migrate=no_migration)


def test_serialized_state_is_without_the_framework(probe: Probe) -> None:
    probe.send(http(1000, ["request:p1", "create"]))
    serialized = probe.state()
    assert serialized == '{"log":["init","http 1000"],"alarm":0}'
    probe.ctx.eval(f"setSerializedState({json.dumps(serialized)})")  # a fresh framework: counters 0, no tasks
    assert probe.send(complete("1000-0", {"RequestToVolatileProcessResponse": {"Err": {"ProcessNotFound": {}}}})) == success()
    assert probe.send(http(10, ["create"])) == success(start=f'[{{"taskId":"10-0","task":{CREATE}}}]')
    assert probe.log() == ["init", "http 1000", "http 10"]


def test_deserialize_failed_state_answers_every_event_with_an_empty_list(probe: Probe) -> None:
    probe.ctx.eval("setSerializedState('{}')")
    failed = json.loads(probe.state())
    assert list(failed) == ["Interface_DeserializeFailed"]
    assert probe.send(http(1, [])) == "[]"


def test_init_event_must_not_be_null_and_an_empty_event_lists_all_seven_tags(probe: Probe) -> None:
    assert "Is null." in json.loads(probe.send('{"InitStateEvent":null}'))["DecodeEventError"]
    error = json.loads(probe.send("{}"))["DecodeEventError"]
    tags = ["ArrivedAtTimeEvent", "PosixTimeHasArrivedEvent", "TaskCompleteEvent", "HttpRequestEvent",
            "InitStateEvent", "SetStateEvent", "MigrateStateEvent"]
    assert [error.index(f"field named `{t}`") for t in tags] == sorted(error.index(f"field named `{t}`") for t in tags)
    assert error.startswith("Failed to deserialize event: Json.Decode.oneOf failed in the following 7 ways:\n\n\n\n(1) Problem with the given value:\n    \n    {}\n")


# --- the scheduler ports ----------------------------------------------------------------------


@pytest.fixture(params=BACKEND_MAIN_VERSIONS)
def port(request: pytest.FixtureRequest) -> Iterator[Port]:
    loaded = Port(request.param)
    loaded.init()
    yield loaded
    loaded.close()


def test_scheduler_contract(port: Port) -> None:
    kinds = port.eval("[typeof initState, typeof processEventAndUpdateState, typeof getSerializedState, "
                      "typeof setSerializedState, typeof interface_migrate].join(',')")
    assert kinds == "object,function,function,function,undefined"  # migrations run through MigrateStateEvent
    assert port.roundtrip_is_identity()
    state = json.loads(port.state())
    assert state["reminders"] == [] and state["nextId"] == 1 and state["volatileProcessId"] == {"Nothing": []}


def test_scheduler_migrations(port: Port) -> None:
    v1_state = '{"reminders":[[3,{"text":"x","dueMilli":5}]],"nextId":4,"volatileProcessId":{"Just":["p"]},"delivered":["1 a","2 b"]}'
    response = json.loads(port.process(json.dumps({"MigrateStateEvent": v1_state})))["DecodeEventSuccess"]
    migrated = port.state()
    if port.app == "scheduler/v2":
        assert response["migrateResult"] == {"Just": {"Ok": {}}} and response["startTasks"] == [{"taskId": "0-0", "task": {"CreateVolatileProcess": {"programCode": 'string Deliver(string text) => "delivered: " + text;'}}}]
        assert migrated == '{"reminders":[[3,{"text":"x","dueMilli":5}]],"nextId":4,"volatileProcessId":{"Nothing":[]},"delivered":["1 a","2 b"],"firedCount":2}'
    elif port.app == "scheduler/v1":
        assert response["migrateResult"] == {"Just": {"Err": "Did not find a migration function in the program code"}}
    else:  # the candidates read v2 states; both lack firedCount here
        assert "firedCount" in response["migrateResult"]["Just"]["Err"] or "lastFiredMilli" in response["migrateResult"]["Just"]["Err"]
