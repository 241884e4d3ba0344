"""Randomly nested state types: the generated coders compile and round-trip any value.

The layout of generated Elm (indentation inside lambdas, lists, case branches) is the part
most likely to break on unusual nesting, so this compiles one app whose state has many
randomly nested fields (fixed seed) and checks values drawn for those types (marked ``elm``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from py_mini_racer import MiniRacer

from elmreplay.elmcompile import build_runtime
from elmreplay.elmcompile.types import Builtin, CType, Prim, Record, TupleType, print_type

from .conftest import make_app, require_elm

pytestmark = pytest.mark.elm

FIELD_NAMES = ["a", "b", "value", "record", "main", "decode_x", "jsonEncode_y", "state", "just"]
COMPARABLE = [Prim("Int"), Prim("String")]


def random_type(rng: random.Random, depth: int) -> CType:
    if depth == 0 or rng.random() < 0.25:
        return Prim(rng.choice(["Int", "Float", "String", "Bool", "Unit"]))
    kind = rng.choice(["List", "Maybe", "Result", "Set", "Dict", "Tuple", "Record", "Record"])
    inner = lambda: random_type(rng, depth - 1)  # noqa: E731
    if kind in ("List", "Maybe"):
        return Builtin(kind, (inner(),))
    if kind == "Result":
        return Builtin(kind, (inner(), inner()))
    if kind == "Set":
        return Builtin(kind, (rng.choice(COMPARABLE),))
    if kind == "Dict":
        return Builtin(kind, (rng.choice(COMPARABLE), inner()))
    if kind == "Tuple":
        return TupleType(tuple(inner() for _ in range(rng.choice([2, 3]))))
    names = rng.sample(FIELD_NAMES, rng.randint(0, 3))
    return Record(tuple((n, inner()) for n in names))


RNG = random.Random(20200430)
FIELDS = [(f"f{i}", random_type(RNG, 4)) for i in range(24)]
STATE = Record(tuple(FIELDS))

ascii_text = st.text(alphabet="abcxyz é", max_size=4)
safe_ints = st.integers(-(2**53), 2**53)


def values(t: CType) -> st.SearchStrategy[object]:
    """JSON (as Python values) in the host's convention for a value of type ``t``."""
    if isinstance(t, Prim):
        return {
            "Int": safe_ints,
            "Float": st.floats(-1e9, 1e9, width=32),
            "String": ascii_text,
            "Bool": st.booleans(),
            "Unit": st.just([]),
        }[t.name]
    if isinstance(t, Builtin):
        if t.name == "List":
            return st.lists(values(t.args[0]), max_size=3)
        if t.name == "Maybe":
            return st.one_of(st.just({"Nothing": []}), values(t.args[0]).map(lambda v: {"Just": [v]}))
        if t.name == "Result":
            return st.one_of(
                values(t.args[0]).map(lambda v: {"Err": [v]}),
                values(t.args[1]).map(lambda v: {"Ok": [v]}),
            )
        key = st.integers(-50, 50) if t.args[0] == Prim("Int") else st.text(alphabet="abc", max_size=3)
        if t.name == "Set":
            return st.lists(key, max_size=4).map(lambda xs: sorted(set(xs)))  # type: ignore[type-var]
        return st.dictionaries(key, values(t.args[1]), max_size=3).map(
            lambda d: [[k, d[k]] for k in sorted(d)]  # type: ignore[type-var]
        )
    if isinstance(t, TupleType):
        return st.tuples(*(values(i) for i in t.items)).map(list)
    assert isinstance(t, Record)
    return st.fixed_dictionaries({n: values(ft) for n, ft in t.fields})


def default_literal(t: CType) -> str:
    """An Elm expression of type ``t`` (the initial state)."""
    if isinstance(t, Prim):
        return {"Int": "0", "Float": "0.5", "String": '""', "Bool": "False", "Unit": "()"}[t.name]
    if isinstance(t, Builtin):
        return {
            "List": "[]",
            "Maybe": "Nothing",
            "Set": "Set.empty",
            "Dict": "Dict.empty",
        }.get(t.name) or f"(Err {default_literal(t.args[0])})"
    if isinstance(t, TupleType):
        return "( " + ", ".join(default_literal(i) for i in t.items) + " )"
    assert isinstance(t, Record)
    if not t.fields:
        return "{}"
    return "{ " + ", ".join(f"{n} = {default_literal(ft)}" for n, ft in t.fields) + " }"


def state_module() -> str:
    fields = "\n    , ".join(f"{n} : {print_type(t)}" for n, t in FIELDS)
    return f"""module Backend.Main exposing (State, interfaceToHost_initState, interfaceToHost_processEvent)

import Dict
import Set


type alias State =
    {{ {fields}
    }}


interfaceToHost_initState : State
interfaceToHost_initState =
    {default_literal(STATE)}


interfaceToHost_processEvent : String -> State -> ( State, String )
interfaceToHost_processEvent event state =
    ( state, event )
"""


@pytest.fixture(scope="module")
def app() -> Iterator[MiniRacer]:
    require_elm()
    js = build_runtime(make_app({"Backend.Main": state_module()}))
    with MiniRacer() as ctx:
        ctx.eval(js)
        ctx.eval("app_state = initState;")
        yield ctx


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=values(STATE))
def test_random_types_round_trip(app: MiniRacer, state: dict[str, object]) -> None:
    text = json.dumps(state, separators=(",", ":"), ensure_ascii=False)
    app.eval(f"setSerializedState({json.dumps(text)})")
    out = app.call("getSerializedState")
    assert isinstance(out, str)
    assert json.loads(out) == state


def test_initial_state_serializes(app: MiniRacer) -> None:
    app.eval("app_state = initState;")
    out = app.call("getSerializedState")
    assert isinstance(out, str)
    assert list(json.loads(out)) == [n for n, _ in FIELDS]
