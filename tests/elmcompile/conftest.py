"""Shared helpers for the Elm compilation tests.

Tests marked ``elm`` need the Elm compiler and the Elm packages; they skip with the precise
reason from :func:`elmreplay.elmcompile.elm_toolchain_status` when either is missing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from py_mini_racer import MiniRacer

from elmreplay.elmcompile import build_runtime, elm_toolchain_status, read_app_dir
from elmreplay.store.recordtimes import TimeBounds, record_time_bounds

HERE = Path(__file__).parent
APPS = HERE / "apps"
GOLDEN = HERE / "golden"
SAMPLE_APPS = HERE.parent.parent / "sample_histories" / "apps"

ELM_JSON = {
    "type": "application",
    "source-directories": ["src"],
    "elm-version": "0.19.1",
    "dependencies": {"direct": {"elm/core": "1.0.5", "elm/json": "1.1.3"}, "indirect": {}},
    "test-dependencies": {"direct": {}, "indirect": {}},
}

MAIN_HEADER = """module Backend.Main exposing (State, interfaceToHost_initState, interfaceToHost_processEvent)

"""

MAIN_FUNCTIONS = """

interfaceToHost_initState : State
interfaceToHost_initState =
    Debug.todo "not run"


interfaceToHost_processEvent : String -> State -> ( State, String )
interfaceToHost_processEvent _ state =
    ( state, "" )
"""


def app_files(name: str) -> dict[str, bytes]:
    """The files of a test app under tests/elmcompile/apps/."""
    return read_app_dir(APPS / name)


def make_app(
    modules: dict[str, str], *, direct: dict[str, str] | None = None
) -> dict[str, bytes]:
    """An app config from module sources keyed by module name (plus a standard elm.json)."""
    elm_json = json.loads(json.dumps(ELM_JSON))
    if direct is not None:
        elm_json["dependencies"]["direct"] = direct
    files = {"elm.json": json.dumps(elm_json, indent=4).encode()}
    for name, text in modules.items():
        files["src/" + name.replace(".", "/") + ".elm"] = text.encode()
    return files


def main_with_state(declarations: str, imports: str = "") -> str:
    """A Backend.Main module whose `State` is declared by ``declarations``."""
    return MAIN_HEADER + imports + "\n\n" + declarations + MAIN_FUNCTIONS


def fake_elm_make(files: Mapping[str, bytes], entry: str, javascript: bool, debug: bool) -> bytes:
    """A stand-in for `elm make` (tests of ElmMake lowering without a compiler): a short text
    naming the request, with non-ASCII to exercise the encodings."""
    assert entry in files, entry
    kind = "JavaScript" if javascript else "HTML"
    return f"{kind} of {entry}{' (debug)' if debug else ''} – stand-in\n".encode("utf-8")


#: What the host's apps of 2020-05-27 on depend on besides elm/core and elm/json (the samples
#: and the 2021-form test apps pin these), as `require_elm` takes them.
HOST_BYTES_PACKAGES = ("elm/bytes@1.0.8", "danfishgold/base64-bytes@1.0.3")


def require_elm(packages: tuple[str, ...] = ()) -> None:
    """Skip the calling test, naming what is missing, unless Elm can compile here."""
    ok, reason = elm_toolchain_status(packages=packages)
    if not ok:
        pytest.skip(f"Elm toolchain unavailable: {reason}")


@pytest.fixture
def elm_toolchain() -> None:
    require_elm()


_COMPILED: dict[str, str] = {}


def compiled_context(name: str) -> Iterator[MiniRacer]:
    """A V8 context running the test app ``name`` compiled (once per session) with the host's
    packages, after ``app_state = initState;``; skips without Elm."""
    require_elm(HOST_BYTES_PACKAGES)
    if name not in _COMPILED:
        _COMPILED[name] = build_runtime(app_files(name))
    with MiniRacer() as ctx:
        ctx.eval(_COMPILED[name])
        ctx.eval("app_state = initState;")
        yield ctx


def sample_deploy_times(family: str) -> dict[str, TimeBounds]:
    """Per bundled sample history running versions of ``family``: the write time of its newest
    record, as the store tells it (the time a what-if candidate would be deployed; every
    deployment of a sample falls in the same host period as its head)."""
    import elmreplay

    found: dict[str, TimeBounds] = {}
    for manifest in sorted(SAMPLE_APPS.parent.glob("*/runtimes/runtimes.json")):
        ports = {Path(files[-1]).parent.name for files in json.loads(manifest.read_text()).values()}
        if family not in ports:
            continue
        store = elmreplay.open_store(str(manifest.parent.parent / "store"))
        bounds = record_time_bounds(store.log.records[len(store) - 1])
        assert bounds is not None, manifest
        found[manifest.parent.parent.name] = bounds
    return found
