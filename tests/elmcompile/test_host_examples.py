"""The host's own example apps and test projects that use compilation-interface modules,
compiled by elmreplay and held to the host's own expected results.

The apps are read from a local git clone of the host's repository (pine-vm/pine, earlier
elm-fullstack) named by ``ELMREPLAY_HOST_REPO`` (a bare clone works), at fixed commits; none of
the host's code is part of this repository. Without the clone, or without Elm and the packages
each app pins, the tests skip and say what is missing.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from elmreplay.elmcompile import build_runtime
from elmreplay.elmcompile.toolchain import elm_make
from elmreplay.store.recordtimes import TimeBounds

from .conftest import require_elm

pytestmark = pytest.mark.elm

HOST_REPO_VAR = "ELMREPLAY_HOST_REPO"


def host_repo() -> str:
    repo = os.environ.get(HOST_REPO_VAR)
    if not repo:
        pytest.skip(f"set {HOST_REPO_VAR} to a git clone of pine-vm/pine to run the host's examples")
    return repo


def commit_time(commit: str) -> TimeBounds:
    """The moment of ``commit``: the app is compiled as the host built from that commit did."""
    shown = subprocess.run(["git", "-C", host_repo(), "log", "-1", "--format=%cI", commit],
                           capture_output=True, text=True, check=False)
    if shown.returncode != 0:
        pytest.skip(f"{HOST_REPO_VAR} lacks commit {commit}")
    moment = datetime.fromisoformat(shown.stdout.strip())
    return TimeBounds(moment, moment, f"host commit {commit}")


def host_files(commit: str, directory: str) -> dict[str, bytes]:
    """The files under ``directory`` at ``commit`` of the host's repository, by relative path."""
    repo = host_repo()
    listing = subprocess.run(
        ["git", "-C", repo, "ls-tree", "-r", "--name-only", commit, "--", directory],
        capture_output=True, text=True, check=False,
    )
    if listing.returncode != 0 or not listing.stdout:
        pytest.skip(f"{HOST_REPO_VAR}={repo} has no {directory} at {commit}: {listing.stderr.strip()}")
    files = {}
    for name in listing.stdout.split():
        shown = subprocess.run(["git", "-C", repo, "show", f"{commit}:{name}"], capture_output=True, check=False)
        if shown.returncode != 0:
            pytest.skip(f"{HOST_REPO_VAR} lacks the content of {name} at {commit}")
        files[name[len(directory) + 1 :]] = shown.stdout
    return files


def require_packages(files: dict[str, bytes]) -> None:
    deps = json.loads(files["elm.json"])["dependencies"]
    require_elm(tuple(f"{n}@{v}" for group in ("direct", "indirect") for n, v in deps[group].items()))


def runtime(files: dict[str, bytes], commit: str, coder_generation: str | None = None) -> Iterator[Any]:
    """The app compiled as the host of ``commit``'s date did, loaded in its init state."""
    from .test_compile_run import load

    require_packages(files)
    yield from load(build_runtime(files, coder_generation=coder_generation, deployed=commit_time(commit)))


def http(method: str, body: bytes = b"", uri: str = "http://localhost/") -> str:
    return json.dumps(
        {
            "HttpRequestEvent": {
                "posixTimeMilli": 0,
                "httpRequestId": "r",
                "requestContext": {"clientAddress": "127.0.0.1"},
                "request": {"method": method, "uri": uri, "bodyAsBase64": base64.b64encode(body).decode(), "headers": []},
            }
        }
    )


def response(answer: str) -> tuple[int, bytes]:
    (done,) = json.loads(answer)["DecodeEventSuccess"]["completeHttpResponses"]
    return done["response"]["statusCode"], base64.b64decode(done["response"]["bodyAsBase64"] or "")


# --- modeled-in-elm/generate-json-coders: the host's expected JSON texts ------------------------


def _keep_worker_packages(files: dict[str, bytes]) -> dict[str, bytes]:
    """The project's Main is a Platform.worker: drop the browser packages only a browser
    program would need, so that fewer packages must be in ELM_HOME."""
    elm_json = json.loads(files["elm.json"])
    for group in ("direct", "indirect"):
        deps = elm_json["dependencies"][group]
        for name in ("elm/browser", "elm/html", "elm/virtual-dom", "elm/url", "elm/time"):
            deps.pop(name, None)
    return {**files, "elm.json": json.dumps(elm_json).encode()}


CODERS_BACKEND = b"""module Backend.Main exposing (State, interfaceToHost_initState, interfaceToHost_processEvent)

import Main


type alias State =
    Int


interfaceToHost_initState : State
interfaceToHost_initState =
    0


interfaceToHost_processEvent : String -> State -> ( State, String )
interfaceToHost_processEvent _ state =
    ( state, Main.tests )
"""


@pytest.mark.parametrize(
    ("commit", "directory", "generation"),
    [
        ("1cd3f00b", "implement/test/modeled-in-elm/generate-json-coders", None),  # LoweringInterface
        ("a9e04a4e", "implement/test/modeled-in-elm/generate-json-coders", "2020"),
        ("7162789a", "implement/test-elm-fullstack/modeled-in-elm/generate-json-coders", "2020"),
        ("84901c38", "implement/test-elm-fullstack/modeled-in-elm/generate-json-coders", "2021-04"),
        ("cd427019", "implement/test-elm-fullstack/modeled-in-elm/generate-json-coders", "2021"),
    ],
)
def test_generate_json_coders_project(commit: str, directory: str, generation: str | None) -> None:
    files = _keep_worker_packages(host_files(commit, directory))
    files["src/Main.elm"] = files["src/Main.elm"].replace(
        b"module Main exposing (main)", b"module Main exposing (main, tests)"
    )
    files["src/Backend/Main.elm"] = CODERS_BACKEND
    for app in runtime(files, commit, generation):
        results = json.loads(app.event("{}"))
        assert results, "no test cases"
        for case in results:
            assert case["derived"] == case["expected"], case["testName"]


# --- read-source-file-webapp: Web_host_serves_static_content_from_source_file --------------------

STATIC_CONTENT = (
    b"".join(i.to_bytes(2, "little") for i in range(10_000))
    + "Default static file content from String\nAnother line".encode()
    + b"".join((i % 65536).to_bytes(2, "little") for i in range(100_000))  # (UInt16)elem
)


@pytest.mark.parametrize(
    ("commit", "uri_bytes", "expect_utf8"),
    [
        ("b15e39cb", "http://localhost/", False),  # ElmFullstackCompilerInterface.SourceFiles
        ("b30dd8eb", "http://localhost/bytes", True),  # CompilationInterface.SourceFiles, utf8
    ],
)
def test_read_source_file_webapp(commit: str, uri_bytes: str, expect_utf8: bool) -> None:
    files = host_files(commit, "implement/test-elm-fullstack/example-elm-apps/read-source-file-webapp")
    files["static-content/demo-file.mp3"] = STATIC_CONTENT
    for app in runtime(files, commit):
        assert response(app.event(http("GET", uri=uri_bytes))) == (200, STATIC_CONTENT)
        if expect_utf8:
            status, body = response(app.event(http("GET", uri="http://localhost/utf8")))
            assert status == 200
            assert body.decode() == "A text file we will integrate using UTF8 encoding ⚓\nNewline and special chars:\"'"


# --- test-prevent-damage-by-migrate-webapp: Web_host_prevents_damaging_backend_state... ------------


def test_prevent_damage_by_migrate_webapp() -> None:
    files = host_files("b30dd8eb", "implement/test-elm-fullstack/example-elm-apps/test-prevent-damage-by-migrate-webapp")
    trigger = '{"attemptSetMaybeStringOnMigration":true,"maybeString":{"Nothing":[]},"otherState":""}'
    harmless = '{"attemptSetMaybeStringOnMigration":false,"maybeString":{"Nothing":[]},"otherState":"sometext"}'
    for app in runtime(files, "b30dd8eb"):
        assert response(app.event(http("POST", trigger.encode())))[0] == 200
        assert response(app.event(http("GET"))) == (200, trigger.encode())
        # The migration of the same app: the trigger state migrates into a state the new app
        # cannot load (the host answered "Failed to load the migrated serialized state").
        migrated = json.loads(app.migrate(app.get()))
        app.set(migrated["Ok"][0])
        assert "Interface_DeserializeFailed" in app.get()
        app.set(trigger)
        assert response(app.event(http("POST", harmless.encode())))[0] == 200
        migrated = json.loads(app.migrate(app.get()))
        app.set(migrated["Ok"][0])
        assert response(app.event(http("GET"))) == (200, harmless.replace("sometext", "sometext8").encode())


# --- the 2021-09 backendMain interface (era 1b) at ec1891b9 ------------------------------------

ERA_1B = "ec1891b9"
ERA_1B_APPS = "implement/test-elm-fullstack/example-elm-apps"


def migrate_result(answer: str) -> object:
    return json.loads(answer)["DecodeEventSuccess"]["migrateResult"]


def test_era_1b_deploy_and_migrate_from_counter_to_string_builder() -> None:
    # TestWebHost.Web_host_supports_deploy_app_config_and_migrate_elm_app_state @ ec1891b9.
    counter = host_files(ERA_1B, f"{ERA_1B_APPS}/counter-webapp")
    builder = host_files(ERA_1B, f"{ERA_1B_APPS}/migrate-from-int-to-string-builder-web-app")
    for app in runtime(counter, ERA_1B):
        assert migrate_result(app.event('{"InitStateEvent":{}}')) == {"Nothing": []}
        for addition, expected in ((0, "0"), (1, "1"), (13, "14")):
            assert response(app.event(http("POST", json.dumps({"addition": addition}).encode()))) == (200, expected.encode())
        counter_state = app.get()
    for app in runtime(builder, ERA_1B):  # a new process; the host sends the old state in MigrateStateEvent
        assert migrate_result(app.event(json.dumps({"MigrateStateEvent": counter_state}))) == {"Just": {"Ok": {}}}
        assert response(app.event(http("GET"))) == (200, b"14")
        for part in (b"-part-a", b"-part-b"):
            assert response(app.event(http("POST", part)))[0] == 200
        assert response(app.event(http("GET"))) == (200, b"14-part-a-part-b")


def test_era_1b_prevents_damage_by_invalid_migration() -> None:
    # TestWebHost.Web_host_prevents_damaging_backend_state_with_invalid_migration @ ec1891b9.
    files = host_files(ERA_1B, f"{ERA_1B_APPS}/test-prevent-damage-by-migrate-webapp")
    trigger = '{"maybeString":{"Just":["a string"]},"otherState":""}'
    harmless = '{"maybeString":{"Nothing":[]},"otherState":"sometext"}'
    for app in runtime(files, ERA_1B):
        app.event('{"InitStateEvent":{}}')
        assert response(app.event(http("POST", trigger.encode())))[0] == 200
        assert response(app.event(http("GET"))) == (200, trigger.encode())
        state = app.get()
    for app in runtime(files, ERA_1B):  # deploy+migrate: a new process; the host rejected this migration
        result = migrate_result(app.event(json.dumps({"MigrateStateEvent": state})))
        assert isinstance(result, dict) and "maybeString" in result["Just"]["Err"]
    for app in runtime(files, ERA_1B):
        app.set(trigger)
        assert response(app.event(http("POST", harmless.encode())))[0] == 200
        state = app.get()
    for app in runtime(files, ERA_1B):
        assert migrate_result(app.event(json.dumps({"MigrateStateEvent": state}))) == {"Just": {"Ok": {}}}
        assert response(app.event(http("GET"))) == (200, harmless.replace("sometext", "sometext8").encode())


# --- the 2023 web-service interface (state shim) at 0ae86d63 -----------------------------------

WEB_SERVICE = "0ae86d63"
WEB_SERVICE_APPS = "implement/test-elm-time/example-elm-apps"


def tagged_http(method: str, body: bytes = b"") -> str:
    return json.dumps({"HttpRequestEvent": [{
        "posixTimeMilli": 0, "httpRequestId": "r", "requestContext": {"clientAddress": {"Nothing": []}},
        "request": {"method": method, "uri": "http://localhost/",
                    "bodyAsBase64": {"Just": [base64.b64encode(body).decode()]}, "headers": []}}]})


def tagged_response(answer: str) -> tuple[int, bytes]:
    (done,) = json.loads(answer)["completeHttpResponses"]
    body = done["response"]["bodyAsBase64"]
    return done["response"]["statusCode"], base64.b64decode(body["Just"][0] if "Just" in body else "")


def apply_function(app: Any, name: str, *arguments: str) -> Any:
    return json.loads(app.ctx.eval(f"applyFunction({json.dumps(name)}, {json.dumps(list(arguments))})"))


def test_web_service_counter_admin_function_and_migration_to_string_builder() -> None:
    # TestApplyFunctionOnDatabase.Apply_function_via_admin_interface_add_to_counter and
    # TestWebServer.Web_host_supports_deploy_app_config_and_migrate_elm_app_state @ 0ae86d63.
    counter = host_files(WEB_SERVICE, f"{WEB_SERVICE_APPS}/counter-webapp")
    builder = host_files(WEB_SERVICE, f"{WEB_SERVICE_APPS}/migrate-from-int-to-string-builder-web-app")
    for app in runtime(counter, WEB_SERVICE):
        assert "Ok" in apply_function(app, "init")
        assert tagged_response(app.event(tagged_http("POST", b'{"addition":1234}'))) == (200, b"1234")
        assert apply_function(app, "Backend.ExposeFunctionsToAdmin.addToCounter", "4567") == {
            "Ok": {"resultLessStateJson": None, "committedState": True}
        }
        assert tagged_response(app.event(tagged_http("POST", b'{"addition":0}'))) == (200, b"5801")
        app.set("0")
        for addition, expected in ((0, b"0"), (1, b"1"), (13, b"14")):
            assert tagged_response(app.event(tagged_http("POST", json.dumps({"addition": addition}).encode()))) == (200, expected)
        counter_state = app.get()
    for app in runtime(builder, WEB_SERVICE):  # deploy+migrate: a new process, `migrate` with the old state
        assert "Ok" in apply_function(app, "migrate", counter_state)
        assert tagged_response(app.event(tagged_http("GET"))) == (200, b"14")
        for part in (b"-part-a", b"-part-b"):
            assert tagged_response(app.event(tagged_http("POST", part)))[0] == 200
        assert tagged_response(app.event(tagged_http("GET"))) == (200, b"14-part-a-part-b")


# --- ElmMake / ElmMakeFrontendWeb: docker-image-default-app, demo-backend-state --------------------
#
# The host's test "Tooling_supports_deploy_app_directly_on_process_store" deploys
# docker-image-default-app with init; its backend serves the frontend as `elm make --debug`
# HTML (base64) on every path outside /api, and text on /api. Expected here: the HTML that
# `elm make --debug` gives for the frontend compiled directly (with the values the host
# replaced written out by the test), and the app's own text.

DEFAULT_APP = "implement/example-apps/docker-image-default-app"


def direct_html(files: dict[str, bytes], entry: str, replaced: dict[str, str] | None = None) -> bytes:
    """``elm make --debug`` of ``entry`` on the app's files, compiled directly; ``replaced``
    gives modules written by the test for the interface modules the frontend imports."""
    with tempfile.TemporaryDirectory(prefix="elmreplay-host-example-") as tmp:
        root = Path(tmp)
        for path, content in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(content)
        for path, text in (replaced or {}).items():
            (root / path).write_text(text, encoding="utf-8")
        return elm_make(root, [entry], html=True, debug=True).encode("utf-8")


def elm_string_literal(text: str) -> str:
    escapes = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return '"' + "".join(escapes.get(c, c) for c in text) + '"'


@pytest.mark.parametrize(
    ("commit", "module", "guide"),
    [
        # ElmFullstackCompilerInterface.ElmMakeFrontendWeb (7e250981 .. d19ff9dc)
        ("d19ff9dc~1", "ElmFullstackCompilerInterface/ElmMakeFrontendWeb.elm", "src/Common.elm"),
        # ElmFullstackCompilerInterface.ElmMake, 2020 C# (78446019 on)
        ("b15e39cb", "ElmFullstackCompilerInterface/ElmMake.elm", "src/Common.elm"),
        # CompilationInterface.ElmMake with CompilationInterface.SourceFiles (utf8)
        ("3d01ee00", "CompilationInterface/ElmMake.elm", "readme.md"),
    ],
)
def test_docker_image_default_app_serves_its_frontend(commit: str, module: str, guide: str) -> None:
    files = host_files(commit, DEFAULT_APP)
    assert f"src/{module}" in files
    replaced = None
    if guide == "readme.md":  # the frontend shows the readme through SourceFiles
        readme = files["readme.md"].decode("utf-8")
        replaced = {"src/CompilationInterface/SourceFiles.elm":
                    "module CompilationInterface.SourceFiles exposing (..)\n\n\nfile__utf8____readme_md : String\n"
                    f"file__utf8____readme_md =\n    {elm_string_literal(readme)}\n"}
    for app in runtime(files, commit):
        html = direct_html(files, "src/FrontendWeb/Main.elm", replaced)
        assert html.startswith(b"<!DOCTYPE HTML>") and b"_Debugger_" in html
        assert response(app.event(http("GET", uri="http://localhost/"))) == (200, html)
        assert response(app.event(http("GET", uri="http://localhost/some/page"))) == (200, html)
        status, text = response(app.event(http("GET", uri="http://localhost/api")))
        assert status == 200
        assert text.decode("utf-8").endswith("\nThis backend process received 3 HTTP requests.")
        if guide == "readme.md":
            assert text.decode("utf-8").startswith(files["readme.md"].decode("utf-8"))
        state = json.loads(app.get())
        assert state["httpRequestsCount"] == 3 and len(state["lastHttpRequests"]) == 3


def test_demo_backend_state_serves_its_frontend_and_its_state() -> None:
    # CompilationInterface.ElmMake and CompilationInterface.GenerateJsonCoders together: the
    # /api text holds the state encoded by the generated encoder, which must be the JSON of
    # the serialized state (the root module's encoder), in the JSON forms of store-format §8.
    commit = "3d01ee00"
    files = host_files(commit, "implement/example-apps/demo-backend-state")
    for app in runtime(files, commit):
        html = direct_html(files, "src/FrontendWeb/Main.elm")
        assert response(app.event(http("GET", uri="http://localhost/"))) == (200, html)
        status, body = response(app.event(http("GET", uri="http://localhost/api")))
        assert status == 200
        text = body.decode("utf-8")
        marker = "Here is a serialized representation of the backend state:\n"
        assert "I received 2 HTTP requests." in text and marker in text
        encoded = json.loads(text.split(marker, 1)[1])
        assert encoded == json.loads(app.get())
        expected = {
            "httpRequestsCount": 2,
            "tuple2": [123, "second element in tuple A"],
            "tuple3": [456, "second element in tuple B", 789],
            "list_custom_type": [
                {"CustomTagWithoutParameter": []},
                {"CustomTagWithOneParameter": [4]},
                {"CustomTagWithTwoParameters": ["test", 11]},
                {"CustomTagWithMaybeInstance": [{"Nothing": []}]},
                {"CustomTagWithMaybeInstance": [{"Just": [123]}]},
                {"CustomTagWithResultInstance": [{"Err": ["error string"]}]},
                {"CustomTagWithResultInstance": [{"Ok": [678]}]},
            ],
            "opaque_custom_type": {"OpaqueCustomType": ["content"]},
            "recursive_type": {"TagRecurse": [{"TagRecurse": [{"TagRecurse": [{"TagTerminate": [4]}]}]}]},
            "bool": True,
            "maybe": {"Just": ["Hello"]},
            "result": {"Ok": [42]},
            "set": [1, 3, 4, 5],
            "dict": [[100, "A"], [101, "B"]],
            "empty_record": {},
            "empty_tuple": [],
            "customTypeInstance": {"CustomTypeWithTypeParameter": [4]},
            "bytes": {"AsBase64": base64.b64encode(b"Hello World!").decode()},
        }
        assert {k: encoded[k] for k in expected} == expected
        # The state the host stored decodes back through the generated state decoder.
        app.set(json.dumps(encoded))
        assert json.loads(app.get()) == encoded
