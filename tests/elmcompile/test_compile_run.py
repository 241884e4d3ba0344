"""Compile the test apps with elm make and run them in V8 (marked ``elm``; skip without Elm)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from py_mini_racer import MiniRacer

from elmreplay.elmcompile import (
    MIGRATION_ERROR_GLOBAL,
    ElmCompilerMissing,
    ElmMakeFailed,
    ElmPackagesUnavailable,
    build_runtime,
    compile_app_config,
)
from elmreplay.elmcompile.toolchain import find_elm

from .conftest import app_files, main_with_state, make_app, require_elm

pytestmark = pytest.mark.elm


class App:
    """A compiled runtime loaded the way the host loads it."""

    def __init__(self, ctx: MiniRacer) -> None:
        self.ctx = ctx

    def event(self, event: str) -> str:
        out = self.ctx.call("processEventAndUpdateState", event)
        assert isinstance(out, str)
        return out

    def get(self) -> str:
        out = self.ctx.call("getSerializedState")
        assert isinstance(out, str)
        return out

    def set(self, state: str) -> None:
        self.ctx.eval(f"setSerializedState({json.dumps(state)})")

    def migrate(self, previous: str) -> str:
        out = self.ctx.call("interface_migrate", previous)
        assert isinstance(out, str)
        return out

    def has(self, name: str) -> bool:
        return bool(self.ctx.eval(f"typeof {name} !== 'undefined'"))


def load(js: str) -> Iterator[App]:
    with MiniRacer() as ctx:
        ctx.eval(js)
        ctx.eval("app_state = initState;")
        yield App(ctx)


_RUNTIMES: dict[str, str] = {}


def runtime_of(name: str, packages: tuple[str, ...] = ()) -> str:
    require_elm(packages)
    if name not in _RUNTIMES:
        _RUNTIMES[name] = build_runtime(app_files(name))
    return _RUNTIMES[name]


@pytest.fixture
def rich() -> Iterator[App]:
    yield from load(runtime_of("rich_state"))


RICH_INIT = {
    "counter": 0,
    "name": "",
    "ratio": 0.5,
    "flag": True,
    "maybeText": {"Nothing": []},
    "result": {"Err": ["none yet"]},
    "tags": [{"TagA": []}, {"TagD": [{"x": 1, "y": {"Just": [{"TagA": []}]}}]}],
    "opaque": {"Opaque": [7]},
    "tree": {"Leaf": [0]},
    "set": [],
    "dict": [],
    "tuple2": [1, "one"],
    "tuple3": [3, "three", False],
    "unit": [],
    "emptyRecord": {},
    "nested": {"inner": {"deeper": [{"Just": [1]}, {"Nothing": []}]}},
    "records": [{"id": 1, "main": ["x"]}],
    "bag": {"Bag": [["a", "b"], [["a", 1]]]},
    "outcome": {"Ok": [{"Just": [[1, 2.5]]}]},
}


def test_initial_state_has_the_host_json_shape(rich: App) -> None:
    serialized = rich.get()
    assert json.loads(serialized) == RICH_INIT
    assert " " not in serialized.replace('"none yet"', "")  # compact, as Json.Encode.encode 0


def test_events_update_the_state_and_answer(rich: App) -> None:
    assert rich.event('{"add":3}') == "3"
    assert rich.event('{"tag":"hi"}') == "3"
    assert rich.event('{"setName":"z"}') == "3"
    assert rich.event("not json").startswith("error: ")
    state = json.loads(rich.get())
    assert state["counter"] == 3 and state["name"] == "z" and state["set"] == ["z"]
    assert state["tags"][-2:] == [{"TagB": ["hi"]}, {"TagC": [2, ["hi"]]}]
    assert state["tree"] == {"Node": [[{"Leaf": [0]}, {"Leaf": [3]}]]}
    assert state["dict"] == [[3, {"label": "3", "pair": {"first": "a", "second": "b"}}]]


def test_serialize_deserialize_round_trip(rich: App) -> None:
    rich.event('{"add":5}')
    before = rich.get()
    rich.set(before)
    assert rich.get() == before
    assert rich.event('{"add":1}') == "6"


def test_lenient_2020_decoder_forms_are_accepted(rich: App) -> None:
    lenient = dict(RICH_INIT)
    lenient.update(
        maybeText={"Just": "legacy"},
        result={"Ok": 4},
        opaque={"Opaque": 9},
        set=["b", "a", "b"],
        dict=[{"key": 2, "value": {"label": "two", "pair": {"first": "x", "second": "y"}}}],
        nested={"inner": {"deeper": [None, {"Just": [2]}]}},
        tags=[{"TagA": None}, {"TagB": "old"}],
        extraField="ignored",
    )
    rich.set(json.dumps(lenient))
    state = json.loads(rich.get())
    assert state["maybeText"] == {"Just": ["legacy"]}
    assert state["result"] == {"Ok": [4]}
    assert state["opaque"] == {"Opaque": [9]}
    assert state["set"] == ["a", "b"]
    assert state["dict"] == [[2, {"label": "two", "pair": {"first": "x", "second": "y"}}]]
    assert state["nested"]["inner"]["deeper"] == [{"Nothing": []}, {"Just": [2]}]
    assert state["tags"] == [{"TagA": []}, {"TagB": ["old"]}]
    assert "extraField" not in state


def test_deserialize_failed_keeps_the_error_and_ignores_events(rich: App) -> None:
    rich.set('{"counter":1}')
    failed = json.loads(rich.get())
    error = failed["Interface_DeserializeFailed"]["error"]
    # Records decode with `andMap` as the host's did: the last missing field is reported.
    assert "Expecting an OBJECT with a field named `outcome`" in error
    assert list(failed) == ["Interface_DeserializeFailed"]
    assert rich.event('{"add":3}') == "[]"
    assert json.loads(rich.get()) == failed
    rich.set('{"Interface_DeserializeFailed":{"error":"kept"}}')
    assert rich.get() == '{"Interface_DeserializeFailed":{"error":"kept"}}'
    rich.set("not json at all")
    assert "This is not valid JSON!" in json.loads(rich.get())["Interface_DeserializeFailed"]["error"]
    rich.set(json.dumps(RICH_INIT))
    assert rich.event('{"add":2}') == "2"


def test_runtime_without_migration_module_says_so() -> None:
    for app in load(runtime_of("rich_state")):
        assert not app.has("interface_migrate")
        assert app.ctx.eval(MIGRATION_ERROR_GLOBAL) == (
            "Did not find interface module at 'src/Backend/MigrateState.elm'"
        )


def test_migration_rejects_a_state_that_does_not_fit_naming_the_field() -> None:
    for app in load(runtime_of("migrate_maybe")):
        assert app.event("x") == "x"
        result = json.loads(app.migrate("14"))
        assert list(result) == ["Err"]
        assert "Expecting an OBJECT with a field named `otherState`" in result["Err"][0]
        assert not result["Err"][0].startswith("Decoding of serialized state failed")  # host's prefix
        missing = json.loads(app.migrate('{"otherState":"x"}'))
        assert "Expecting an OBJECT with a field named `maybeString`" in missing["Err"][0]
        wrong = json.loads(app.migrate('{"maybeString":"not tagged","otherState":"x"}'))
        assert "maybeString" in wrong["Err"][0]
        ok = app.migrate('{"maybeString":{"Just":["some"]},"otherState":"text8"}')
        assert json.loads(ok) == {"Ok": ['"sometext8"']}


def test_old_migration_module_from_int() -> None:
    for app in load(runtime_of("aliases_and_imports")):
        assert json.loads(app.migrate("14")) == {"Ok": ['{"Stopped":["migrated",14]}']}
        assert app.event("start") == "started"
        assert app.event("user bob") == "added bob"
        state = app.get()
        assert json.loads(state) == {
            "Running": [
                {
                    "users": [["bob", {"name": "bob", "role": {"Admin": []}, "id": {"Id": [0]}}]],
                    "visits": [],
                }
            ]
        }
        app.set(state)
        assert app.get() == state


def test_bytes_as_base64() -> None:
    for app in load(runtime_of("bytes_state", packages=("elm/bytes@1.0.8",))):
        assert app.get() == '{"blob":{"AsBase64":""},"history":[]}'
        assert app.event("héllo") == "6"
        assert app.event("ab") == "2"
        state = app.get()
        assert json.loads(state) == {
            "blob": {"AsBase64": "YWI="},
            "history": [{"AsBase64": "aMOpbGxv"}, {"AsBase64": ""}],
        }
        app.set(state)
        assert app.get() == state
        app.set('{"blob":{"AsBase64":"%%%"},"history":[]}')
        assert "Failed to decode base64." in app.get()


def test_migration_that_does_not_compile_leaves_the_backend_usable() -> None:
    require_elm()
    files = make_app({"Backend.Main": main_with_state("type alias State =\n    Int")})
    files["src/Backend/Main.elm"] = files["src/Backend/Main.elm"].replace(
        b'Debug.todo "not run"', b"41"
    )
    files["src/Backend/MigrateState.elm"] = (
        b"module Backend.MigrateState exposing (migrate)\n\n\nmigrate : Int -> Int\nmigrate x =\n    x ++ 1\n"
    )
    for app in load(build_runtime(files)):
        assert app.get() == "41"
        assert not app.has("interface_migrate")
        error = app.ctx.eval(MIGRATION_ERROR_GLOBAL)
        assert isinstance(error, str)
        assert error.startswith("Failed with exception:\n") and "TYPE MISMATCH" in error


def test_elm_compile_error_includes_elms_message() -> None:
    require_elm()
    files = make_app({"Backend.Main": main_with_state("type alias State =\n    Int")})
    files["src/Backend/Main.elm"] = files["src/Backend/Main.elm"].replace(
        b'Debug.todo "not run"', b'"not an Int"'
    )
    with pytest.raises(ElmMakeFailed) as info:
        build_runtime(files)
    assert "TYPE MISMATCH" in info.value.elm_message
    assert "src/Backend/Main.elm" in str(info.value)


def test_packages_unavailable_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    try:  # needs only the compiler binary, not the packages
        find_elm()
    except ElmCompilerMissing as e:
        pytest.skip(f"Elm compiler unavailable: {e}")
    monkeypatch.setenv("ELM_HOME", str(tmp_path / "empty-elm-home"))
    try:
        build_runtime(app_files("migrate_maybe"))
    except ElmPackagesUnavailable as e:
        assert "ELM_HOME=" in str(e) and "PACKAGE" in str(e)
    else:
        pytest.skip("elm could download the packages (network available), nothing to report")


def test_compile_app_config_caches(tmp_path: Path) -> None:
    require_elm()
    files = app_files("migrate_maybe")
    js = compile_app_config(files, app_config_hash="f" * 64, cache_dir=tmp_path)
    assert compile_app_config(files, app_config_hash="f" * 64, cache_dir=tmp_path) == js
    assert len(list((tmp_path / "runtimes").rglob("*.js"))) == 1


def test_compiler_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ELMREPLAY_ELM", str(tmp_path / "no-such-elm"))
    with pytest.raises(ElmCompilerMissing, match="ELMREPLAY_ELM"):
        compile_app_config(app_files("migrate_maybe"), app_config_hash="0" * 64, cache_dir=tmp_path)


# --- property: any state value survives deserialize -> serialize --------------------------

names = st.text(alphabet="abcxyz", max_size=4)
ints = st.integers(-(2**53), 2**53)  # what a JavaScript number holds exactly
maybe_int: st.SearchStrategy[dict[str, list[int]]] = st.one_of(st.none(), st.integers(-5, 5)).map(
    lambda v: {"Nothing": []} if v is None else {"Just": [v]}
)
custom: st.SearchStrategy[dict[str, object]] = st.recursive(
    st.one_of(
        st.just({"TagA": []}),
        names.map(lambda s: {"TagB": [s]}),
        st.tuples(st.integers(-9, 9), st.lists(names, max_size=2)).map(lambda t: {"TagC": list(t)}),
    ),
    lambda inner: st.tuples(st.integers(0, 9), st.one_of(st.none(), inner)).map(
        lambda t: {"TagD": [{"x": t[0], "y": {"Nothing": []} if t[1] is None else {"Just": [t[1]]}}]}
    ),
    max_leaves=4,
)
tree = st.recursive(
    st.integers(-3, 3).map(lambda n: {"Leaf": [n]}),
    lambda inner: st.lists(inner, max_size=3).map(lambda xs: {"Node": [xs]}),
    max_leaves=6,
)
rich_state = st.fixed_dictionaries(
    {
        "counter": st.integers(-(2**31), 2**31),
        "name": st.text(max_size=6),
        "ratio": st.floats(-1e9, 1e9, width=32),  # integral floats print as JS integers
        "flag": st.booleans(),
        "maybeText": st.one_of(st.just({"Nothing": []}), names.map(lambda s: {"Just": [s]})),
        "result": st.one_of(names.map(lambda s: {"Err": [s]}), ints.map(lambda n: {"Ok": [n]})),
        "tags": st.lists(custom, max_size=3),
        "opaque": st.integers(-9, 9).map(lambda n: {"Opaque": [n]}),
        "tree": tree,
        "set": st.lists(names, max_size=4).map(lambda xs: sorted(set(xs))),
        "dict": st.dictionaries(
            st.integers(-9, 9),
            st.tuples(names, names, names).map(
                lambda t: {"label": t[0], "pair": {"first": t[1], "second": t[2]}}
            ),
            max_size=3,
        ).map(lambda d: [[k, d[k]] for k in sorted(d)]),
        "tuple2": st.tuples(ints, names).map(list),
        "tuple3": st.tuples(ints, names, st.booleans()).map(list),
        "unit": st.just([]),
        "emptyRecord": st.just({}),
        "nested": st.lists(maybe_int, max_size=3).map(lambda xs: {"inner": {"deeper": xs}}),
        "records": st.lists(
            st.tuples(ints, st.lists(names, max_size=2)).map(lambda t: {"id": t[0], "main": t[1]}),
            max_size=2,
        ),
        "bag": st.dictionaries(names, st.integers(-3, 3), max_size=3).map(
            lambda d: {"Bag": [sorted(d), [[k, d[k]] for k in sorted(d)]]}
        ),
        "outcome": st.one_of(
            custom.map(lambda c: {"Err": [c]}),
            st.just({"Ok": [{"Nothing": []}]}),
            st.tuples(ints, st.integers(-100, 100)).map(lambda t: {"Ok": [{"Just": [[t[0], t[1]]]}]}),
        ),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=rich_state)
def test_every_state_of_the_type_round_trips(rich: App, state: dict[str, object]) -> None:
    text = json.dumps(state, separators=(",", ":"))
    rich.set(text)
    assert json.loads(rich.get()) == state
