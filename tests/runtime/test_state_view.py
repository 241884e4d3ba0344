"""find conditions on the state read through the optional runtime-contract function
``getStateJsonValue`` (runtime/query.js): used only when it is plain JSON, else the state is
serialized and parsed; and any(p[*], cond) keeping each element's result between steps. Every
result is checked against plain Python over the serialized states (json.loads, list/dict access)."""

from __future__ import annotations

import itertools
import json
from typing import Any, Callable

import pytest

from elmreplay.inspect.query import parse, to_js
from elmreplay.runtime.engine import AppProcess

# A state {"d": Dict Int Int as sorted [key, value] pairs, "xs": List Int, "n": Int} changed
# immutably by events; its view shares every untouched pair and element between states, as the
# sample ports' views do. VIEW is spliced in as the body of getStateJsonValue.
APP = """
var initState = {d: [], xs: [], n: 0}; var app_state;
function without(a, i) { return a.slice(0, i).concat(a.slice(i + 1)); }
function processEventAndUpdateState(e) {
  var ev = JSON.parse(e), s = app_state, d = s.d, i = 0;
  while (i < d.length && d[i][0] < ev.k) i++;
  if (ev.op === "put") {
    var pair = [ev.k, ev.v];
    d = i < d.length && d[i][0] === ev.k ? d.slice(0, i).concat([pair], d.slice(i + 1)) : d.slice(0, i).concat([pair], d.slice(i));
  } else if (ev.op === "del" && i < d.length && d[i][0] === ev.k) d = without(d, i);
  else if (ev.op === "push") s = {d: d, xs: s.xs.concat([ev.v]), n: s.n};
  else if (ev.op === "pop") s = {d: d, xs: s.xs.slice(1), n: s.n};
  else if (ev.op === "n") s = {d: d, xs: s.xs, n: ev.v};
  app_state = d === s.d ? s : {d: d, xs: s.xs, n: s.n};
  return "[]";
}
function getSerializedState() { return JSON.stringify(app_state); }
function setSerializedState(t) { app_state = JSON.parse(t); }
function getStateJsonValue() { VIEW }
"""
PLAIN = "return app_state;"


def events(seed: int, n: int) -> list[str]:
    """Puts (replacing and inserting in the middle), deletes, list pushes/pops, scalar changes."""
    import random

    rng = random.Random(seed)
    out = []
    for _ in range(n):
        op = rng.choice(["put", "put", "put", "del", "push", "pop", "n"])
        out.append(json.dumps({"op": op, "k": rng.randrange(12), "v": rng.randrange(10)}))
    return out


def run(js: str, where: str, evs: list[str]) -> tuple[list[tuple[int, list[list[Any]]]], list[Any]]:
    """V8's matches for ``where`` after each event, and the states json.loads'ed from getSerializedState."""
    with AppProcess(js, app_config_hash="view") as p:
        p.init()
        p.define_query("q", to_js(parse(where)))
        result, failure = p.run_batch(evs, states_after=list(range(len(evs))), query=("q", None))
        assert failure is None
        return result.matches, [json.loads(result.states[i]) for i in range(len(evs))]


def expected(states: list[Any], paths: Callable[[Any], list[tuple[str, Any]]]) -> list[tuple[int, list[list[Any]]]]:
    out = []
    for i, s in enumerate(states):
        found = [[p, v] for p, v in paths(s)]
        if found:
            out.append((i, found))
    return out


CONDITIONS: list[tuple[str, Callable[[Any], list[tuple[str, Any]]]]] = [
    ("any(.d[*], . > 6)", lambda s: [(f".d[{k}]", v) for k, v in s["d"] if v > 6]),
    ("any(.xs[*], . == 3)", lambda s: [(f".xs[{j}]", v) for j, v in enumerate(s["xs"]) if v == 3]),
    (".d[*] >= 8", lambda s: [(f".d[{k}]", v) for k, v in s["d"] if v >= 8]),
    (".n == 4", lambda s: [(".n", 4)] if s["n"] == 4 else []),
]


@pytest.mark.parametrize(("where", "paths"), CONDITIONS, ids=[c[0] for c in CONDITIONS])
@pytest.mark.parametrize("seed", [1, 2])
def test_shared_view_and_element_cache_match_python(where: str, paths: Callable[..., Any], seed: int) -> None:
    """Dict elements replaced, inserted before others and removed, list elements shifted by a
    pop: the kept element results and the view give exactly what the states hold."""
    evs = events(seed, 300)
    matches, states = run(APP.replace("VIEW", PLAIN), where, evs)
    assert matches == expected(states, paths)
    assert any(m for _, m in matches)  # the condition holds somewhere, so the test can fail


# getStateJsonValue results that are not what JSON.parse(getSerializedState()) gives: the
# state must then be read from the serialized text, so results stay exact.
NOT_JSON = {
    "NaN": "return {d: app_state.d, xs: app_state.xs, n: NaN};",
    "undefined field": "return {d: app_state.d, xs: app_state.xs, n: app_state.n, extra: undefined};",
    "function": "return {d: app_state.d, xs: app_state.xs, n: function () {}};",
    "hole": "var xs = app_state.xs.slice(); if (xs.length) delete xs[0]; return {d: app_state.d, xs: xs, n: app_state.n};",
    "class instance": "function C() {} var o = new C(); o.d = app_state.d; o.xs = app_state.xs; o.n = app_state.n; return o;",
    "not a function": None,
}


@pytest.mark.parametrize("case", sorted(NOT_JSON))
def test_a_view_that_is_not_plain_json_is_not_used(case: str) -> None:
    body = NOT_JSON[case]
    js = APP.replace("function getStateJsonValue() { VIEW }", "var getStateJsonValue = 1;") if body is None else APP.replace("VIEW", body)
    evs = events(3, 120)
    where = "exists(.n) and (.n == 0 or len(.xs) > 1 or len(.d) > 3)"
    matches, states = run(js, where, evs)

    def paths(s: Any) -> list[tuple[str, Any]]:
        if not (s["n"] == 0 or len(s["xs"]) > 1 or len(s["d"]) > 3):
            return []
        out: list[tuple[str, Any]] = [(".n", None)]
        out += [(".n", 0)] if s["n"] == 0 else []
        out += [("len(.xs)", len(s["xs"]))] if len(s["xs"]) > 1 else []
        out += [("len(.d)", len(s["d"]))] if len(s["d"]) > 3 else []
        return out

    assert [(i, sorted(map(json.dumps, m))) for i, m in matches] == [(i, sorted(map(json.dumps, m))) for i, m in expected(states, paths)]
    assert len(matches) > 10


def test_events_helper_covers_every_operation() -> None:
    ops = {json.loads(e)["op"] for e in itertools.chain(events(1, 300), events(2, 300))}
    assert ops == {"put", "del", "push", "pop", "n"}


# Hand-made steps over a Dict of 40 pairs (so the view's arrays are long: BIG in query.js) and
# a list of 40: each change leaves equal runs at both ends (the shared start and end query.js
# reuses) with the change in the middle, at an end, or spread out. Ops: "set" replaces whole
# arrays; "repair" rebuilds pair objects for unchanged entries (same key, same value object),
# as a tree-based Dict view does for the nodes on an updated path.
SPLICE_APP = """
var initState = {d: [], xs: []}; var app_state;
function processEventAndUpdateState(e) {
  var ev = JSON.parse(e), s = app_state;
  function pick(a, keep) { return ev.at.map(function (i) { return keep[i] !== undefined ? keep[i] : a[i]; }); }
  if (ev.op === "init") app_state = {d: ev.d, xs: ev.xs};
  else if (ev.op === "d") {  // the new Dict: old pairs by index (shared) or new pairs
    app_state = {d: ev.d.map(function (x) { return typeof x === "number" ? s.d[x] : x; }), xs: s.xs};
  } else if (ev.op === "xs") {
    app_state = {d: s.d, xs: ev.xs.map(function (x) { return typeof x === "number" ? s.xs[x] : x; }), };
  } else if (ev.op === "repair") {
    app_state = {d: s.d.map(function (p, i) { return ev.at.indexOf(i) >= 0 ? [p[0], p[1]] : p; }), xs: s.xs};
  } else if (ev.op === "hole") {
    var xs = s.xs.slice(); delete xs[ev.at]; app_state = {d: s.d, xs: xs};
  } else if (ev.op === "boxpair") {  // a new pair, same key, {v: new Number(6)}: not JSON
    app_state = {d: s.d.map(function (p, i) { return i === ev.at ? [p[0], {v: new Number(6)}] : p; }), xs: s.xs};
  } else if (ev.op === "boxkey") {  // a new pair, the same value, key new Number(key): not JSON
    app_state = {d: s.d.map(function (p, i) { return i === ev.at ? [new Number(p[0]), p[1]] : p; }), xs: s.xs};
  } else if (ev.op === "setv") {  // the pair at ev.at rebuilt with the value ev.v (undefined if absent)
    app_state = {d: s.d.map(function (p, i) { return i === ev.at ? [p[0], ev.v] : p; }), xs: s.xs};
  } else if (ev.op === "boxed") {  // {v: new Number(6)}: serialized as {"v": 6}, so the view is not JSON
    var ys = s.xs.slice(); ys[ev.at] = {v: new Number(6)}; app_state = {d: s.d, xs: ys};
  }
  return "[]";
}
function getSerializedState() { return JSON.stringify(app_state); }
function setSerializedState(t) { app_state = JSON.parse(t); }
function getStateJsonValue() { return app_state; }
"""


def _splice_events() -> list[str]:
    n = 40
    keep = list(range(n))
    d0 = [[2 * k, {"v": k % 7}] for k in range(n)]
    xs0 = [{"v": j % 7} for j in range(n)]
    evs: list[dict[str, Any]] = [{"op": "init", "d": d0, "xs": xs0}]

    def d(*new: Any) -> None:
        evs.append({"op": "d", "d": list(new)})

    def xs(*new: Any) -> None:
        evs.append({"op": "xs", "xs": list(new)})

    d(*keep[:20], [40, {"v": 6}], *keep[21:])  # one pair changed in the middle
    d(*keep[:21], [41, {"v": 6}], *keep[21:])  # insert in the middle (between keys 40 and 42)
    d([-1, {"v": 6}], *range(41))  # insert at the front
    d(*range(42), [999, {"v": 6}])  # insert at the back
    d(*range(1, 43))  # remove the front
    d(*range(41))  # remove the back
    d(*range(10), [20, {"v": 6}], *range(11, 30), [59, {"v": 6}], *range(31, 41))  # two changes far apart
    d(*range(10), 30, *range(11, 30), 10, *range(31, 41))  # two pairs swapped: no longer in key order
    d(*range(10), 30, *range(11, 30), 10, *range(31, 41))  # swapped back: a Dict again
    d(*range(20), [3, {"v": 6}], *range(21, 41))  # a middle key out of order: a list of pairs
    d(*range(20), [39, {"v": 5}], *range(21, 41))  # in order again
    d(*range(41), 7)  # last pair duplicated at the end: out of order
    d(*range(41))  # back
    d(*range(41), [1000, "not a pair", 1])  # a last element that is not a pair
    d(*range(41))
    evs.append({"op": "repair", "at": [5, 20, 35]})  # new pair objects, same keys and values
    d(*range(20), [39, {"v": 6}], *range(21, 41))  # then a value change at a repaired place
    evs.append({"op": "boxpair", "at": 25})  # a rebuilt pair whose value is not JSON
    d(*range(25), [48, {"v": 5}], *range(26, 41))
    evs.append({"op": "boxkey", "at": 12})  # a rebuilt pair whose key is not JSON
    d(*range(12), [24, {"v": 6}], *range(13, 41))
    evs.append({"op": "setv", "at": 30, "v": None})  # a null value next to
    evs.append({"op": "setv", "at": 31, "v": 7})  # a primitive value,
    evs.append({"op": "setv", "at": 31})  # then undefined there: not JSON (serialized: null)
    d(*range(41))
    xs(*range(20), {"v": 6}, *range(21, 40))  # list: one element changed in the middle
    xs(*range(10), 30, *range(11, 30), 10, *range(31, 40))  # list: two elements swapped
    xs({"v": 6}, *range(40))  # list: insert at the front (every place shifts)
    xs(*range(1, 41))  # list: remove the front
    xs(*range(40), {"v": 6})  # list: insert at the back
    evs.append({"op": "hole", "at": 20})  # a hole in the middle of a long array: not JSON
    xs(*range(20), {"v": 6}, *range(21, 41))
    evs.append({"op": "boxed", "at": 30})  # a middle element whose view differs from its JSON
    xs(*range(30), {"v": 5}, *range(31, 41))
    return [json.dumps(e) for e in evs]


SPLICE_CONDITIONS: list[tuple[str, Callable[[Any], list[tuple[str, Any]]]]] = [
    ("any(.d[*], .v == 6)", lambda s: _v_is_6(".d", s["d"])),
    ("any(.xs[*], .v == 6)", lambda s: _v_is_6(".xs", s["xs"])),
    (".d[*] == null", lambda s: [(p, None) for p, v in _elements(".d", s["d"]) if v is None]),
]


def _elements(path: str, a: list[Any]) -> list[tuple[str, Any]]:
    """path[*] by hand: a Dict is a non-empty array of [key, value] pairs, keys strictly increasing."""
    is_dict = bool(a) and all(isinstance(p, list) and len(p) == 2 for p in a) and all(
        a[i - 1][0] < a[i][0] for i in range(1, len(a))
    )
    return [(f"{path}[{json.dumps(p[0])}]", p[1]) for p in a] if is_dict else [(f"{path}[{j}]", x) for j, x in enumerate(a)]


def _v_is_6(path: str, a: list[Any]) -> list[tuple[str, Any]]:
    """any(path[*], .v == 6) by hand."""
    return [(f"{p}.v", 6) for p, v in _elements(path, a) if isinstance(v, dict) and v.get("v") == 6]


@pytest.mark.parametrize(("where", "paths"), SPLICE_CONDITIONS, ids=[c[0] for c in SPLICE_CONDITIONS])
def test_kept_results_and_views_around_changes_in_long_arrays(where: str, paths: Callable[..., Any]) -> None:
    """Changes in the middle, at either end, far apart, swaps that break and restore key order,
    pairs rebuilt with the same key and value, a hole, a boxed number: V8's results equal plain Python's."""
    evs = _splice_events()
    matches, states = run(SPLICE_APP, where, evs)
    assert matches == expected(states, paths)
    assert len({json.dumps(m) for _, m in matches}) > 1  # the matches change along the way
