"""Compiling 2023 web-service apps (state shim, `_2023_05`), elmcompile/webservice.py.

Without Elm: what the lowering produces and refuses. With Elm (marked ``elm``): the compiled test
app ``apps/web_service_admin`` answers through the runtime contract's 2023 form (README.md, "Runtimes")
as docs/modern-eras-replay.md §2.5 describes the host's shim; the expected texts are written
from that description (tagged JSON, the shim's error texts), not taken from the code's output.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from py_mini_racer import MiniRacer

from elmreplay.elmcompile import CompilationInterfaceError, lower_app_config
from elmreplay.elmcompile.webservice import SHIM_TYPES_MODULE
from elmreplay.store.interfaces import AppInterface

from .conftest import app_files, compiled_context

APP = "web_service_admin"
ROOT = "src/Backend/InterfaceToHost_Root.elm"
ADMIN = "src/Backend/ExposeFunctionsToAdmin.elm"
NO_MAIN = "Failed to resolve state source: Branch named 'main' does not exist"


def _with(changes: dict[str, str]) -> dict[str, bytes]:
    files = dict(app_files(APP))
    files.update({path: text.encode() for path, text in changes.items()})
    return files


def test_lowering_generates_the_root_and_the_shim_types_module() -> None:
    lowered = lower_app_config(app_files(APP))
    assert lowered.interface is AppInterface.WEB_SERVICE
    assert lowered.migration_root is None
    types_path = "src/" + SHIM_TYPES_MODULE.replace(".", "/") + ".elm"
    assert sorted(lowered.generated) == sorted([ROOT, types_path])
    root = lowered.generated[ROOT]
    for name in ("init", "processEvent", "migrate", "Backend.ExposeFunctionsToAdmin.addToCount"):
        assert f'"{name}" ->' in root
    assert "This app only exposes the following 7 functions: Backend.ExposeFunctionsToAdmin.addToCount, " in root


def test_backend_main_entry_name_with_a_platform_module_is_the_2023_web_service() -> None:
    """The 2023 hosts accepted the entry name ``backendMain`` for the shim interface too: the same
    app under that name lowers to the same root, the entry name aside, not to the 2021 root."""
    main = "src/Backend/Main.elm"
    renamed = _with({main: app_files(APP)[main].decode().replace("webServiceMain", "backendMain")})
    lowered, original = lower_app_config(renamed), lower_app_config(app_files(APP))
    assert lowered.interface is AppInterface.WEB_SERVICE
    assert lowered.generated[ROOT] == original.generated[ROOT].replace("webServiceMain", "backendMain")
    assert "webServiceMain" in original.generated[ROOT]


def test_2023_06_shim_version_is_refused() -> None:
    platform = app_files(APP)["src/Platform/WebService.elm"].decode()
    changed = platform + "\n\ntype alias CreateVolatileProcessNativeStruct =\n    { request : String }\n"
    changed = changed.replace("CreateVolatileProcessNativeStruct", "CreateVolatileProcessNative")
    with pytest.raises(CompilationInterfaceError, match="_2023_06"):
        lower_app_config(_with({"src/Platform/WebService.elm": changed}))


def test_admin_function_without_state_parameter_is_refused() -> None:
    admin = app_files(APP)[ADMIN].decode() + "\n\nbare : Int -> Int\nbare n =\n    n\n"
    with pytest.raises(CompilationInterfaceError, match="bare does not take the app state as its last parameter"):
        lower_app_config(_with({ADMIN: admin}))


def test_app_supplied_root_is_refused() -> None:
    with pytest.raises(CompilationInterfaceError, match="supplies its own"):
        lower_app_config(_with({ROOT: "module Backend.InterfaceToHost_Root exposing (..)\n\nx =\n    ShimRequest\n"}))


# --- behaviour (Elm) ---------------------------------------------------------------------------


class Process:
    def __init__(self, ctx: MiniRacer) -> None:
        self.ctx = ctx

    def event(self, event: object) -> object:
        out = self.ctx.call("processEventAndUpdateState", json.dumps(event))
        assert isinstance(out, str)
        return json.loads(out)

    def apply(self, name: str, *arguments: str) -> object:
        out = self.ctx.eval(f"applyFunction({json.dumps(name)}, {json.dumps(list(arguments))})")
        assert isinstance(out, str)
        return json.loads(out)

    def state(self) -> object:
        out = self.ctx.call("getSerializedState")
        assert isinstance(out, str)
        return json.loads(out)

    def thrown(self, code: str) -> str:
        with pytest.raises(Exception) as caught:
            self.ctx.eval(code)
        return str(caught.value)


@pytest.fixture
def process() -> Iterator[Process]:
    for ctx in compiled_context(APP):
        yield Process(ctx)


def response(start: list[object] = [], notify: int | None = None, http: list[object] = []) -> dict[str, object]:
    return {
        "startTasks": start,
        "notifyWhenPosixTimeHasArrived": {"Nothing": []} if notify is None else {"Just": [{"minimumPosixTimeMilli": notify}]},
        "completeHttpResponses": http,
    }


def ok(result: object) -> dict[str, object]:
    return {"Ok": {"resultLessStateJson": result, "committedState": True}}


def http_event(time: int, request_id: str) -> dict[str, object]:
    return {"HttpRequestEvent": [{"posixTimeMilli": time, "httpRequestId": request_id,
                                  "requestContext": {"clientAddress": {"Nothing": []}},
                                  "request": {"method": "GET", "uri": "/q", "bodyAsBase64": {"Nothing": []}, "headers": []}}]}


def completed(task_id: str, result: dict[str, object]) -> dict[str, object]:
    return {"TaskCompleteEvent": [{"taskId": task_id, "taskResult": result}]}


@pytest.mark.elm
def test_new_process_has_no_main_branch_until_init(process: Process) -> None:
    assert process.event({"PosixTimeHasArrivedEvent": [{"posixTimeMilli": 5}]}) == {"Err": NO_MAIN}
    assert NO_MAIN in process.thrown("getSerializedState()")
    create = {"taskId": "0-0", "task": {"CreateVolatileProcess": [{"programCode": "worker"}]}}
    assert process.apply("init") == ok(response([create], 1000))
    assert process.state() == {"count": 0, "process": {"Nothing": []}, "log": []}


@pytest.mark.elm
def test_tagged_events_tasks_and_responses(process: Process) -> None:
    process.apply("init")
    # Before the process exists: the HTTP response of the app, tagged Maybe members.
    retry = {"httpRequestId": "a", "response": {"statusCode": 503, "bodyAsBase64": {"Nothing": []},
                                                "headersToAdd": [{"name": "Retry", "values": ["1"]}]}}
    assert process.event(http_event(500, "a")) == response([], 1000, [retry])
    process.event(completed("0-0", {"CreateVolatileProcessResponse": [{"Ok": [{"processId": "w1"}]}]}))
    assert process.state()["process"] == {"Just": ["w1"]}  # type: ignore[index]
    # The second request reaches the count 2: no subscription any more; reverse command order.
    request = {"taskId": "2000-1", "task": {"RequestToVolatileProcess": [{"processId": "w1", "request": "/q"}]}}
    ack = {"httpRequestId": "b-ack", "response": {"statusCode": 202, "bodyAsBase64": {"Nothing": []}, "headersToAdd": []}}
    assert process.event(http_event(2000, "b")) == response([request], None, [ack])
    answer = {"Ok": [{"exceptionToString": {"Nothing": []}, "returnValueToString": {"Just": ["42"]}, "durationInMilliseconds": 3}]}
    done = {"httpRequestId": "b", "response": {"statusCode": 200, "bodyAsBase64": {"Just": ["42"]}, "headersToAdd": []}}
    assert process.event(completed("2000-1", {"RequestToVolatileProcessResponse": [answer]})) == response([], None, [done])
    assert process.event(completed("2000-1", {"RequestToVolatileProcessResponse": [answer]})) == response()  # discarded
    # An event that does not decode: the shim's error, the state kept.
    before = process.state()
    refused = process.event({"PosixTimeHasArrivedEvent": {"posixTimeMilli": 1}})
    assert isinstance(refused, dict) and refused["Err"].startswith("Failed to JSON decode argument: Json.Decode.oneOf failed in the following 3 ways:")
    assert process.state() == before


@pytest.mark.elm
def test_admin_functions_and_migrate(process: Process) -> None:
    assert process.apply("Backend.ExposeFunctionsToAdmin.addToCount", "5") == {"Err": NO_MAIN}
    process.apply("init")
    assert process.apply("Backend.ExposeFunctionsToAdmin.addToCount", "5") == ok(None)
    assert process.state()["count"] == 5  # type: ignore[index]
    assert process.apply("Backend.ExposeFunctionsToAdmin.logReport", '""') == {"Err": "Function did not return a new state"}
    assert process.apply("Backend.ExposeFunctionsToAdmin.twoArguments", "1", "2") == {"Err": "Not implemented: Number of parameters: 2"}
    assert process.apply("Backend.ExposeFunctionsToAdmin.addToCount") == {"Err": "Unexpected number of arguments: 0 instead of 1"}
    assert process.apply("Backend.ExposeFunctionsToAdmin.addToCount", '"x"') == {
        "Err": 'Failed to JSON decode argument: Problem with the given value:\n\n"x"\n\nExpecting an INT'
    }
    names = ["Backend.ExposeFunctionsToAdmin." + n for n in ("addToCount", "logReport", "noArgument", "twoArguments")]
    listed = ", ".join(names + ["init", "migrate", "processEvent"])
    assert process.apply("nope") == {
        "Err": f"None of the exposed functions matches name 'nope'. This app only exposes the following 7 functions: {listed}"
    }
    # migrate decodes the previous state with migrate's input type; the result gets a fresh framework.
    assert process.apply("migrate", '"x"') == {"Err": 'Problem with the given value:\n\n"x"\n\nExpecting an INT'}
    assert process.apply("migrate", "7") == ok(response())
    assert process.state() == {"count": 7, "process": {"Nothing": []}, "log": ["migrated"]}


@pytest.mark.elm
def test_set_serialized_state_gives_a_fresh_framework_or_throws_the_shims_text(process: Process) -> None:
    process.ctx.eval('setSerializedState(\'{"count":0,"process":{"Just":["w9"]},"log":[]}\')')
    request = {"taskId": "3000-0", "task": {"RequestToVolatileProcess": [{"processId": "w9", "request": "/q"}]}}
    ack = {"httpRequestId": "d-ack", "response": {"statusCode": 202, "bodyAsBase64": {"Nothing": []}, "headersToAdd": []}}
    assert process.event(http_event(3000, "d")) == response([request], 1000, [ack])
    message = process.thrown("setSerializedState('{\"count\":1}')")
    assert "Failed to resolve state source: Failed to decode: Problem with the given value:" in message
    assert process.state()["count"] == 1  # type: ignore[index]
