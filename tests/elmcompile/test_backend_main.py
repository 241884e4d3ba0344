"""Compiling `backendMain` apps of era 1b (host 2021-09-03 .. 2023-02), elmcompile/backendmain.py.

Without Elm: what the lowering produces and refuses. With Elm (marked ``elm``): the compiled test
app ``apps/backend_main_tasks`` answers the host's event texts as docs/modern-eras-replay.md
§2.2/§2.3 describe the host's root module; the expected answers below are written from that
description, not taken from the code's output.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from py_mini_racer import MiniRacer

from elmreplay.elmcompile import ElmSourceError, StateTypeNotFound, lower_app_config
from elmreplay.elmcompile.backendmain import NO_MIGRATION_TEXT
from elmreplay.store.interfaces import AppInterface

from .conftest import app_files, compiled_context

APP = "backend_main_tasks"
ROOT = "src/Backend/InterfaceToHost_Root.elm"


def _with(changes: dict[str, str | None]) -> dict[str, bytes]:
    files = dict(app_files(APP))
    for path, text in changes.items():
        if text is None:
            del files[path]
        else:
            files[path] = text.encode()
    return files


# --- lowering (no Elm) -------------------------------------------------------------------------


def test_lowering_generates_one_root_with_the_migration_inside() -> None:
    lowered = lower_app_config(app_files(APP))
    assert lowered.interface is AppInterface.BACKEND_MAIN
    assert lowered.migration_root is None and lowered.migration_error is None
    assert list(lowered.generated) == [ROOT]
    root = lowered.generated[ROOT]
    assert "Backend.MigrateState.migrate" in root and "jsonDecode_Backend_MigrateState_Old" in root
    assert "import ElmFullstack" in root
    # migrate's input type is declared in Backend.MigrateState: its exposing list gains it.
    assert b"exposing (migrate, Old)" in lowered.files["src/Backend/MigrateState.elm"]


def test_without_migration_module_the_root_answers_the_hosts_text() -> None:
    root = lower_app_config(_with({"src/Backend/MigrateState.elm": None})).generated[ROOT]
    assert f'always (Err "{NO_MIGRATION_TEXT}")' in root
    assert "Backend.MigrateState" not in root


@pytest.mark.parametrize(
    ("annotation", "message"),
    [
        ("ElmFullstack.BackendConfig State Int", "Unexpected number of type arguments: 2"),
        ("State -> Int", "Unexpected type annotation: Not an instance"),
    ],
)
def test_backend_main_annotation_is_checked_like_the_host(annotation: str, message: str) -> None:
    main = app_files(APP)["src/Backend/Main.elm"].decode()
    changed = main.replace("backendMain : ElmFullstack.BackendConfig State", f"backendMain : {annotation}")
    with pytest.raises(StateTypeNotFound, match="Failed to parse state type name: Did not find state type annotation: " + message):
        lower_app_config(_with({"src/Backend/Main.elm": changed}))


@pytest.mark.parametrize(
    ("annotation", "message"),
    [
        ("Old -> State", "Not a tuple"),
        ("Old -> Int -> ( State, BackendCmds State )", "Too many parameters."),
    ],
)
def test_migrate_annotation_is_checked(annotation: str, message: str) -> None:
    text = app_files(APP)["src/Backend/MigrateState.elm"].decode()
    changed = text.replace("migrate : Old -> ( State, BackendCmds State )", f"migrate : {annotation}")
    with pytest.raises(ElmSourceError, match=message):
        lower_app_config(_with({"src/Backend/MigrateState.elm": changed}))


def test_app_without_elmfullstack_module_is_refused() -> None:
    with pytest.raises(ElmSourceError, match="no module ElmFullstack"):
        lower_app_config(_with({"src/ElmFullstack.elm": None}))


# --- behaviour (Elm) ---------------------------------------------------------------------------


class Process:
    def __init__(self, ctx: MiniRacer) -> None:
        self.ctx = ctx

    def event(self, event: object) -> str:
        text = event if isinstance(event, str) else json.dumps(event, separators=(",", ":"))
        out = self.ctx.call("processEventAndUpdateState", text)
        assert isinstance(out, str)
        return out

    def state(self) -> dict[str, object]:
        out = self.ctx.call("getSerializedState")
        assert isinstance(out, str)
        parsed: dict[str, object] = json.loads(out)
        return parsed

    def set(self, state: str) -> None:
        self.ctx.eval(f"setSerializedState({json.dumps(state)})")


@pytest.fixture
def process() -> Iterator[Process]:
    for ctx in compiled_context(APP):
        yield Process(ctx)


def success(notify: int | None, start: list[object] = [], http: list[object] = [], migrate: object = None) -> str:
    body: dict[str, object] = {
        "notifyWhenPosixTimeHasArrived": None if notify is None else {"minimumPosixTimeMilli": notify},
        "startTasks": start,
        "completeHttpResponses": http,
        "migrateResult": {"Nothing": []} if migrate is None else {"Just": migrate},
    }
    return json.dumps({"DecodeEventSuccess": body}, separators=(",", ":"))


def create(task_id: str, code: str) -> dict[str, object]:
    return {"taskId": task_id, "task": {"CreateVolatileProcess": {"programCode": code}}}


def http_event(time: int, request_id: str, uri: str, body: str | None = None) -> dict[str, object]:
    request: dict[str, object] = {"method": "POST", "uri": uri, "headers": []}
    if body is not None:
        request["bodyAsBase64"] = body
    return {"HttpRequestEvent": {"posixTimeMilli": time, "httpRequestId": request_id,
                                 "requestContext": {"clientAddress": "203.0.113.7"}, "request": request}}


def completed(task_id: str, result: dict[str, object]) -> dict[str, object]:
    return {"TaskCompleteEvent": {"taskId": task_id, "taskResult": result}}


def response(request_id: str, status: int, body: str | None = None, headers: list[object] = []) -> dict[str, object]:
    return {"httpRequestId": request_id, "response": {"statusCode": status, "headersToAdd": headers, "bodyAsBase64": body}}


@pytest.mark.elm
def test_init_tasks_time_and_responses_follow_the_hosts_framework(process: Process) -> None:
    # The initial state is init's state with its commands dropped (a fresh process).
    assert process.state() == {"log": ["init"], "ticks": 0, "process": {"Nothing": []}, "phase": {"Idle": []}, "counts": []}
    # InitStateEvent runs init with its commands; the task ID uses the framework's time 0.
    assert process.event({"InitStateEvent": {}}) == success(1000, [create("0-0", "program")])
    # A time event before the subscription's minimum is discarded; at the minimum it updates.
    assert process.event({"ArrivedAtTimeEvent": {"posixTimeMilli": 999}}) == success(1000)
    assert process.event({"PosixTimeHasArrivedEvent": {"posixTimeMilli": 1000}}) == success(2000)
    assert process.state()["ticks"] == 1
    # A completion of a pending task applies its callback once; again, it is discarded.
    done = completed("0-0", {"CreateVolatileProcessResponse": {"Ok": {"processId": "p1"}}})
    assert process.event(done) == success(2000)
    assert process.state()["process"] == {"Just": ["p1"]}
    process.event(completed("0-0", {"CreateVolatileProcessResponse": {"Ok": {"processId": "other"}}}))
    assert process.state()["process"] == {"Just": ["p1"]}
    # Commands [request, respond, create]: IDs in command order, answers in reverse order.
    request = {"taskId": "3000-1", "task": {"RequestToVolatileProcess": {"processId": "p1", "request": "aGk="}}}
    assert process.event(http_event(3000, "r1", "/ask", "aGk=")) == success(
        2000, [create("3000-2", "program"), request], [response("r1-early", 202, "YWNj")]
    )
    # An HTTP event earlier than the framework's time does not move it back.
    process.event(http_event(2500, "r2", "/nothing"))
    answer = completed("3000-1", {"RequestToVolatileProcessResponse": {"Ok": {"returnValueToString": "42", "durationInMilliseconds": 12}}})
    assert process.event(answer) == success(2000, [], [response("r1", 200, None, [{"name": "X-Answer", "values": ["42||12"]}])])
    # Terminate takes a task ID too; its CompleteWithoutResult only removes it.
    assert process.event(http_event(4000, "r3", "/stop")) == success(
        2000, [{"taskId": "4000-3", "task": {"TerminateVolatileProcess": {"processId": "p1"}}}], [response("r3", 200)]
    )
    assert process.event(completed("4000-3", {"CompleteWithoutResult": {}})) == success(2000)


@pytest.mark.elm
def test_set_and_migrate_events_answer_migrate_result(process: Process) -> None:
    good = {"log": ["set"], "ticks": 3, "process": {"Nothing": []}, "phase": {"Waiting": [7]}, "counts": [["a", 1]]}
    assert process.event({"SetStateEvent": json.dumps(good)}) == success(None, migrate={"Ok": {}})
    assert process.state() == good
    reply = json.loads(process.event({"SetStateEvent": json.dumps({"log": []})}))
    error = reply["DecodeEventSuccess"]["migrateResult"]["Just"]["Err"]
    assert "Expecting an OBJECT with a field named `" in error
    assert process.state() == good  # kept
    # The migration decodes its input type and runs its commands (task ID at the framework's time).
    process.event({"ArrivedAtTimeEvent": {"posixTimeMilli": 5000}})
    assert process.event({"MigrateStateEvent": json.dumps({"log": ["old"], "ticks": 2})}) == success(
        3000, [create("5000-0", "after migrate")], migrate={"Ok": {}}
    )
    assert process.state()["log"] == ["migrated", "old"]
    bad = json.loads(process.event({"MigrateStateEvent": json.dumps({"log": ["old"]})}))
    assert bad["DecodeEventSuccess"]["migrateResult"]["Just"]["Err"].endswith("Expecting an OBJECT with a field named `ticks`")


@pytest.mark.elm
def test_event_decode_errors_and_deserialized_states(process: Process) -> None:
    # A present `null` optional field fails; so does any unknown event.
    event = http_event(1, "n", "/")
    event["HttpRequestEvent"]["requestContext"] = {"clientAddress": None}  # type: ignore[index]
    bad: object
    for bad in (event, {"Unknown": {}}, {"InitStateEvent": None}):
        reply = json.loads(process.event(bad))
        assert reply["DecodeEventError"].startswith("Failed to deserialize event: Json.Decode.oneOf failed in the following 7 ways:")
    # setSerializedState gives a fresh framework: task IDs count from 0 at the event's time.
    process.event({"InitStateEvent": {}})
    process.set(json.dumps({"log": [], "ticks": 3, "process": {"Just": ["q"]}, "phase": {"Idle": []}, "counts": []}))
    reply = json.loads(process.event(http_event(8000, "r", "/ask")))
    assert [t["taskId"] for t in reply["DecodeEventSuccess"]["startTasks"]] == ["8000-1", "8000-0"]
    # A state that does not decode: kept as the error; events answer "[]".
    process.set('{"log":1}')
    assert "Interface_DeserializeFailed" in process.state()
    assert process.event(http_event(9000, "r", "/")) == "[]"
