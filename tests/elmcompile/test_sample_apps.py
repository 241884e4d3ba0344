"""Every sample app version, compiled from its Elm source, against its JavaScript port.

Marked ``elm``: skipped with the precise reason when the Elm compiler or packages are missing.
The ports (sample_histories/ports) let everything else run without Elm; these tests check
that port and compiled original agree: per version on synthetic events, and on every record
of the bundled sample histories (responses and serialized states).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from py_mini_racer import MiniRacer

from elmreplay.elmcompile import compile_app_dir, read_app_dir
from elmreplay.runtime.sources import RuntimeDirectory
from elmreplay.store.interfaces import AppInterface, app_interface

from .conftest import HOST_BYTES_PACKAGES, SAMPLE_APPS, require_elm, sample_deploy_times

pytestmark = pytest.mark.elm

SAMPLES = SAMPLE_APPS.parent
VERSIONS = sorted(
    (family.name, version.name)
    for family in (SAMPLE_APPS.iterdir() if SAMPLE_APPS.is_dir() else [])
    for version in family.iterdir()
    if (version / "elm.json").is_file()
)


def http_event(n: int, method: str, body: str) -> str:
    return http_event_base64(n, method, base64.b64encode(body.encode()).decode())


def http_event_base64(n: int, method: str, body_base64: str) -> str:
    return json.dumps(
        {
            "HttpRequestEvent": {
                "posixTimeMilli": 1626180000000 + n,
                "httpRequestId": f"1626180000000-{n}",
                "requestContext": {"clientAddress": "127.0.0.1"},
                "request": {
                    "method": method,
                    "uri": "http://localhost:5000/api",
                    "bodyAsBase64": body_base64,
                    "headers": [{"name": "Content-Type", "values": ["application/json"]}],
                },
            }
        },
        separators=(",", ":"),
    )


EVENTS = [
    '{"ArrivedAtTimeEvent":{"posixTimeMilli":1626180000000}}',
    http_event(1, "POST", '{"addition":1}'),
    http_event(2, "POST", "2"),
    http_event(3, "GET", ""),
    http_event(4, "POST", '{"createUser":{"name":"ann"}}'),
    http_event(5, "POST", "not json"),
    '{"NotAnEvent":{}}',
    # Bodies where danfishgold/base64-bytes and elm/bytes decide (the ports mirror them):
    # unpadded and mid-string padding, invalid base64, malformed and truncated UTF-8, lone
    # surrogates that go back out through Bytes.Encode.string.
    http_event_base64(6, "POST", "YQ"),
    http_event_base64(7, "POST", "MQ==MQ=="),
    http_event_base64(8, "POST", "MQ=x"),
    http_event_base64(9, "POST", base64.b64encode(b"\xffABC\x80\x81\x82\x83").decode()),
    http_event_base64(10, "POST", base64.b64encode(b"\xed\xa0\x80x\xc0\x80").decode()),
    http_event_base64(11, "POST", base64.b64encode(b"ok\xe2\x82").decode()),
    http_event_base64(12, "POST", "w6k"),
]


#: Events for `backendMain` apps (era 1b): init first, then the old-form events (the same JSON
#: for HTTP and time), a set-state that does not decode and one without an old app.
BACKEND_MAIN_EVENTS = ['{"InitStateEvent":{}}', *EVENTS, '{"SetStateEvent":"{}"}', '{"MigrateStateEvent":"0"}', "{}"]


def tagged(event: str) -> str:
    """An HTTP or time event of :data:`EVENTS` in the 2023 tagged form."""
    parsed = json.loads(event)
    if "ArrivedAtTimeEvent" in parsed:
        return json.dumps({"PosixTimeHasArrivedEvent": [parsed["ArrivedAtTimeEvent"]]})
    if "HttpRequestEvent" not in parsed:
        return event
    http = parsed["HttpRequestEvent"]
    http["requestContext"]["clientAddress"] = {"Just": [http["requestContext"]["clientAddress"]]}
    http["request"]["bodyAsBase64"] = {"Just": [http["request"]["bodyAsBase64"]]}
    return json.dumps({"HttpRequestEvent": [http]})


def call(function: str, *arguments: object) -> str:
    return f"{function}({', '.join(json.dumps(a) for a in arguments)})"


def calls_for(app_dir: Path) -> tuple[AppInterface, list[str]]:
    """The app's interface, and the JavaScript calls that feed it the test events."""
    interface = app_interface(read_app_dir(app_dir)).interface
    if interface is AppInterface.WEB_SERVICE:
        events = [tagged(e) for e in EVENTS]
        return interface, [call("applyFunction", "init", []), *(call("processEventAndUpdateState", e) for e in events),
                           call("applyFunction", "migrate", ["0"])]
    events = BACKEND_MAIN_EVENTS if interface is AppInterface.BACKEND_MAIN else EVENTS
    return interface, [call("processEventAndUpdateState", e) for e in events]


def port_js(family: str, version: str) -> str | None:
    runtimes = SAMPLES / family / "runtimes"
    versions_file = runtimes / "versions.json"
    if not versions_file.is_file():
        return None
    hashes = json.loads(versions_file.read_text())
    if version not in hashes:
        return None
    return RuntimeDirectory(runtimes)(hashes[version], {})


def loaded(js: str) -> Iterator[MiniRacer]:
    with MiniRacer() as ctx:
        ctx.eval(js)
        ctx.eval("app_state = initState;")
        yield ctx


@pytest.fixture(autouse=True)
def isolated_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setenv("ELMREPLAY_CACHE", str(tmp_path_factory.getbasetemp() / "elmreplay-cache"))


@pytest.mark.skipif(not VERSIONS, reason="no sample apps under sample_histories/apps")
@pytest.mark.parametrize(("family", "version"), VERSIONS)
def test_sample_version_compiles_and_answers_like_its_port(family: str, version: str) -> None:
    # Compiled as the host of each sample history's date did (the ports follow that host);
    # a family in several samples (counter: 2020 and 2021) must answer alike under each.
    require_elm(HOST_BYTES_PACKAGES)
    app_dir = SAMPLE_APPS / family / version
    times = sample_deploy_times(family)
    assert times, f"no sample history runs {family}"
    port = port_js(family, version)
    for deployed in times.values():
        behaviour = behaviour_of(family, version, compile_app_dir(app_dir, deployed=deployed))
        if port is not None:
            assert behaviour_of(family, version, port) == behaviour
    if port is None:
        pytest.skip(f"no JavaScript port for {family}/{version}")


#: States whose decoding differs between the host's coder generations (2020: `{"key":k,
#: "value":v}` Dict elements, `{"Tag":a}` and `{"Tag":null}`; 2021: only `[[k,v]]`, `{"Tag":[a]}`
#: and non-null): set-state and migration must treat them as the port (the sample's host) does.
#: The families of the modern interfaces (2021-09, 2023) have only 2021 coders: no probes.
STATE_PROBES = {
    "counter": ['"abc"', "5", "null", '{"Just":[1]}'],
    "tracker": [
        '{"users":[{"key":"u","value":{"displayName":"a","email":null,"joinedTimeMilli":1,"role":{"Member":[]}}}],'
        '"issues":[],"nextIssueId":1}',
        '{"users":[],"issues":[[1,{"title":"t","description":"d","reporter":"r","assignee":null,'
        '"status":{"InProgress":{"sinceTimeMilli":5}},"priority":{"Just":{"Low":[]}},"labels":["x"],"comments":[],'
        '"createdTimeMilli":1}]],"nextIssueId":2}',
        '{"users":[],"issues":[[1,{"title":"t","description":"d","reporter":"r","assignee":{"Just":"a"},'
        '"status":{"Open":null},"priority":{"Nothing":[]},"labels":[],"comments":[],"createdTimeMilli":1}]],"nextIssueId":2}',
    ],
    "notes": [
        '{"notes":[{"key":1,"value":{"title":"t","body":null,"tags":[],"createdTimeMilli":1,"pinned":false,'
        '"archived":false}}],"nextId":2}',
        '{"notes":[[1,{"title":"t","body":{"Just":"b"},"tags":["a"],"createdTimeMilli":1,"pinned":true,'
        '"archived":false}]],"nextId":2}',
    ],
}


def behaviour_of(family: str, version: str, js: str) -> list[object]:
    """Responses and state after EVENTS, then per state probe the state after setting it and
    the migration's answer to it."""
    app_dir = SAMPLE_APPS / family / version
    interface, calls = calls_for(app_dir)
    # Era 1b and 2023 apps migrate inside their root module: no separate migration program.
    has_migration = interface is AppInterface.OLD and any(
        (app_dir / "src" / p).is_file() for p in ("MigrateBackendState.elm", "Backend/MigrateState.elm")
    )
    seen: list[object] = []
    for ctx in loaded(js):
        assert (ctx.eval("typeof interface_migrate") == "function") == has_migration
        answers = [ctx.eval(c) for c in calls]
        state = ctx.call("getSerializedState")
        assert all(isinstance(a, str) for a in answers)
        ctx.eval(f"setSerializedState({json.dumps(state)})")
        assert ctx.call("getSerializedState") == state
        seen += [answers, state]
        for probe in STATE_PROBES.get(family, []):
            ctx.eval(f"setSerializedState({json.dumps(probe)})")
            seen.append(ctx.call("getSerializedState"))
            if has_migration:
                seen.append(ctx.call("interface_migrate", probe))
    return seen


STORES = sorted(p.parent.name for p in SAMPLES.glob("*/store") if (p.parent / "runtimes").is_dir())


@pytest.mark.slow
@pytest.mark.skipif(not STORES, reason="no sample histories under sample_histories/")
@pytest.mark.parametrize("name", STORES)
def test_compiled_originals_replay_each_sample_history_like_the_ports(name: str) -> None:
    require_elm(HOST_BYTES_PACKAGES)
    import elmreplay

    store = elmreplay.open_store(str(SAMPLES / name / "store"))
    with elmreplay.replay(store) as ports, elmreplay.replay(store, compile=True) as compiled:
        expected = ports.trace(0, len(store))
        actual = compiled.trace(0, len(store))
    assert len(actual) == len(store)
    differing = [i for i in expected if expected[i] != actual[i]]
    assert differing == [], f"first differing record index: {differing[:1]}"


def test_versions_are_discovered() -> None:
    if SAMPLE_APPS.is_dir():
        assert VERSIONS and all((SAMPLE_APPS / f / v / "src").is_dir() for f, v in VERSIONS)
    assert isinstance(SAMPLES, Path)


#: Sample histories of the modern interfaces (issue 16): their apps are compiled into the roots of
#: elmcompile/backendmain.py and elmcompile/webservice.py.
MODERN_STORES = [
    name for name in STORES
    if (SAMPLE_APPS / name).is_dir()
    and app_interface(read_app_dir(next(p for p in (SAMPLE_APPS / name).iterdir() if p.is_dir()))).interface
    in (AppInterface.BACKEND_MAIN, AppInterface.WEB_SERVICE)
]


@pytest.mark.skipif(not MODERN_STORES, reason="no sample history of the 2021-09 or 2023 interfaces")
@pytest.mark.parametrize("name", MODERN_STORES)
def test_verify_compile_passes_on_modern_era_samples(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    from elmreplay.cli import main

    require_elm(HOST_BYTES_PACKAGES)
    assert main(["verify", str(SAMPLES / name / "store"), "--compile", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["mismatches"] == [] and report["failed"] == []
    assert report["records"] == len(elmreplay_store(name)) and report["reductions_checked"] > 0


def elmreplay_store(name: str) -> Any:
    import elmreplay

    return elmreplay.open_store(str(SAMPLES / name / "store"))
