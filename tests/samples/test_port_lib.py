"""The port library's persistent ``Dict`` / ``Set`` (elm_port_lib.js) against a reference model.

Random operation sequences run inside V8 in one call; every observation (lookups, toList,
keys, values, size, the order ``Dict.map`` / ``Dict.foldl`` visit keys in) is compared with a Python
model whose keys are sorted like Elm's ``compare`` (numbers numerically, strings by UTF-16
code units).  After each sequence every earlier version is listed again: an update must
never change a dict or set that an older state still references.  The tree's AVL
invariants are checked after every step, so a lost rotation fails here rather than only
slowing replays down.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py_mini_racer import MiniRacer

from .harness import PORT_LIB

# Checks the tree under a Dict/Set: keys strictly ascending (in order), stored heights and
# sizes right, AVL balance.  Returns null or the first problem found.
_CHECK_JS = """
function checkTree(t) {
  var problem = null, previous = [];
  function cmp(a, b) { return a === b ? 0 : (a < b ? -1 : 1); }
  function walk(n) {
    if (n === null) return [0, 0];
    var l = walk(n.left);
    if (previous.length && cmp(previous[0], n.key) >= 0) problem = problem || ('order at ' + JSON.stringify(n.key));
    previous = [n.key];
    var r = walk(n.right);
    if (Math.abs(l[0] - r[0]) > 1) problem = problem || ('unbalanced at ' + JSON.stringify(n.key));
    if (n.height !== Math.max(l[0], r[0]) + 1) problem = problem || ('height at ' + JSON.stringify(n.key));
    if (n.size !== l[1] + r[1] + 1) problem = problem || ('size at ' + JSON.stringify(n.key));
    return [n.height, n.size];
  }
  walk(t);
  return problem;
}

function runDictOps(ops) {
  var D = ElmPortLib.Dict, d = D.empty(), history = [], trace = [];
  ops.forEach(function (op) {
    var seen = null;
    switch (op[0]) {
      case 'insert': d = D.insert(op[1], op[2], d); break;
      case 'remove': d = D.remove(op[1], d); break;
      case 'get': seen = D.get(op[1], d); break;
      case 'member': seen = D.member(op[1], d); break;
      case 'foldl': seen = D.foldl(function (k, v, acc) { return acc.concat([[k, v]]); }, [], d); break;
      case 'fromList': d = D.fromList(op[1]); break;
      case 'map':
        var calls = [];
        d = D.map(function (k, v) { calls.push(k); return v + 1; }, d);
        seen = calls;
        break;
      default: throw new Error('unknown op ' + op[0]);
    }
    history.push(d);
    trace.push([seen, D.toList(d), D.keys(d), D.values(d), D.size(d), checkTree(d.root)]);
  });
  return JSON.stringify({ trace: trace, later: history.map(function (h) { return D.toList(h); }) });
}

function runSetOps(ops) {
  var S = ElmPortLib.Set, s = S.fromList([]), history = [], trace = [];
  ops.forEach(function (op) {
    var seen = null;
    switch (op[0]) {
      case 'insert': s = S.insert(op[1], s); break;
      case 'member': seen = S.member(op[1], s); break;
      case 'fromList': s = S.fromList(op[1]); break;
      case 'unionInto': s = S.union(S.fromList(op[1]), s); break;
      case 'unionFrom': s = S.union(s, S.fromList(op[1])); break;
      case 'diff': s = S.diff(s, S.fromList(op[1])); break;
      default: throw new Error('unknown op ' + op[0]);
    }
    history.push(s);
    trace.push([seen, S.toList(s), checkTree(s.root)]);
  });
  return JSON.stringify({ trace: trace, later: history.map(function (h) { return S.toList(h); }) });
}
"""


@pytest.fixture(scope="module")
def ctx() -> Iterator[MiniRacer]:
    racer = MiniRacer()
    racer.eval(PORT_LIB.read_text(encoding="utf-8") + "\n" + _CHECK_JS)
    yield racer
    racer.close()


def elm_order(key: int | str) -> Any:
    """Sort key of Elm's ``compare`` for Int and String keys (UTF-16 code units)."""
    return key.encode("utf-16-be") if isinstance(key, str) else key


def sorted_items(model: dict[Any, Any]) -> list[list[Any]]:
    return [[k, model[k]] for k in sorted(model, key=elm_order)]


# Few distinct keys so that inserts replace and removes hit; strings include astral chars
# (surrogate pairs sort below U+E000..U+FFFF by code units, unlike by code point).
int_keys = st.integers(-40, 40) | st.sampled_from([-(2**53) + 1, 2**31, 2**53 - 1])
str_keys = st.text(alphabet=["a", "b", "B", "é", "\ue000", "\uffff", "😀", "𝔸"], max_size=3)


def dict_ops(keys: st.SearchStrategy[Any]) -> st.SearchStrategy[list[list[Any]]]:
    values = st.integers(-1000, 1000)
    op = st.one_of(
        st.tuples(st.just("insert"), keys, values),
        st.tuples(st.just("insert"), keys, values),
        st.tuples(st.just("remove"), keys),
        st.tuples(st.just("get"), keys),
        st.tuples(st.just("member"), keys),
        st.tuples(st.just("foldl")),
        st.tuples(st.just("fromList"), st.lists(st.tuples(keys, values).map(list), max_size=12)),
        st.tuples(st.just("map")),
    )
    return st.lists(op.map(list), max_size=60)


def expected_dict_trace(ops: list[list[Any]]) -> list[list[Any]]:
    model: dict[Any, int] = {}
    trace: list[list[Any]] = []
    for op in ops:
        seen: Any = None
        if op[0] == "insert":
            model[op[1]] = op[2]
        elif op[0] == "remove":
            model.pop(op[1], None)
        elif op[0] == "get":
            seen = model.get(op[1])
        elif op[0] == "member":
            seen = op[1] in model
        elif op[0] == "foldl":
            seen = sorted_items(model)
        elif op[0] == "fromList":
            model = {k: v for k, v in op[1]}  # later pairs win
        elif op[0] == "map":
            seen = [k for k, _ in sorted_items(model)]
            model = {k: v + 1 for k, v in model.items()}
        items = sorted_items(model)
        trace.append([seen, items, [k for k, _ in items], [v for _, v in items], len(items), None])
    return trace


@settings(max_examples=150, deadline=None)
@given(st.one_of(dict_ops(int_keys), dict_ops(str_keys)))
def test_dict_matches_sorted_model_and_keeps_old_versions(ctx: MiniRacer, ops: list[list[Any]]) -> None:
    result = json.loads(str(ctx.call("runDictOps", ops)))
    expected = expected_dict_trace(ops)
    assert result["trace"] == expected
    assert result["later"] == [step[1] for step in expected]


def set_ops(keys: st.SearchStrategy[Any]) -> st.SearchStrategy[list[list[Any]]]:
    items = st.lists(keys, max_size=8)
    op = st.one_of(
        st.tuples(st.just("insert"), keys),
        st.tuples(st.just("member"), keys),
        st.tuples(st.sampled_from(["fromList", "unionInto", "unionFrom", "diff"]), items),
    )
    return st.lists(op.map(list), max_size=50)


@settings(max_examples=150, deadline=None)
@given(st.one_of(set_ops(int_keys), set_ops(str_keys)))
def test_set_matches_sorted_model_and_keeps_old_versions(ctx: MiniRacer, ops: list[list[Any]]) -> None:
    result = json.loads(str(ctx.call("runSetOps", ops)))
    model: set[Any] = set()
    expected: list[list[Any]] = []
    for op in ops:
        seen: Any = None
        if op[0] == "insert":
            model = model | {op[1]}
        elif op[0] == "member":
            seen = op[1] in model
        elif op[0] == "fromList":
            model = set(op[1])
        elif op[0] in ("unionInto", "unionFrom"):
            model = model | set(op[1])
        elif op[0] == "diff":
            model = model - set(op[1])
        expected.append([seen, sorted(model, key=elm_order), None])
    assert result["trace"] == expected
    assert result["later"] == [step[1] for step in expected]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(-20, 20), st.integers(-(2**31), 2**31), st.booleans()), max_size=30))
def test_dict_coder_later_pairs_win_and_encodes_in_key_order(
    ctx: MiniRacer, pairs: list[tuple[int, int, bool]]
) -> None:
    # Elements as [k, v] or the legacy {"key": k, "value": v}, in any order, with duplicates.
    encoded = [{"key": k, "value": v} if legacy else [k, v] for k, v, legacy in pairs]
    js = (
        "(function (L) { var r = L.D.decodeString(L.G.dict(L.G.int, L.G.int), %s);"
        " return r.ok ? JSON.stringify(L.GE.dict(L.GE.int, L.GE.int)(r.value)) : 'ERR'; })(ElmPortLib)"
    ).replace("%s", json.dumps(json.dumps(encoded)))
    assert json.loads(str(ctx.eval(js))) == sorted_items({k: v for k, v, _ in pairs})


@settings(max_examples=100, deadline=None)
@given(st.lists(str_keys, max_size=20))
def test_set_coder_sorts_and_deduplicates(ctx: MiniRacer, items: list[str]) -> None:
    js = (
        "(function (L) { var r = L.D.decodeString(L.G.set(L.G.string), %s);"
        " return r.ok ? JSON.stringify(L.GE.set(L.GE.string)(r.value)) : 'ERR'; })(ElmPortLib)"
    ).replace("%s", json.dumps(json.dumps(items)))
    assert json.loads(str(ctx.eval(js))) == sorted(set(items), key=elm_order)


@pytest.mark.parametrize("order", ["ascending", "descending", "zigzag"])
def test_large_dict_stays_balanced_and_shares_structure(ctx: MiniRacer, order: str) -> None:
    # 20000 inserts then removal of every third key: a height within the AVL bound shows
    # O(log n) paths; the older dict must be untouched by the later removals.
    js = """(function (order) {
      var D = ElmPortLib.Dict, n = 20000, d = D.empty(), i, k;
      for (i = 0; i < n; i++) {
        k = order === 'ascending' ? i : order === 'descending' ? n - i : (i % 2 ? i : n + n - i);
        d = D.insert(k, i, d);
      }
      var full = d;
      D.keys(full).forEach(function (key, j) { if (j % 3 === 0) d = D.remove(key, d); });
      return JSON.stringify([D.size(full), D.size(d), full.root.height, d.root.height,
        checkTree(full.root), checkTree(d.root), D.keys(full).length, D.toList(d).length]);
    })(ORDER)""".replace("ORDER", json.dumps(order))
    size_full, size_after, height_full, height_after, problem_full, problem_after, listed_full, listed_after = (
        json.loads(str(ctx.eval(js)))
    )
    assert (size_full, listed_full) == (20000, 20000)
    assert size_after == listed_after == 20000 - 6667
    assert problem_full is None and problem_after is None
    # AVL height bound: h < 1.4405 log2(n + 2) - 0.3277
    assert height_full <= 21 and height_after <= 20


def test_notes_page_in_the_port_library_is_the_source_file() -> None:
    # The ports answer GET with the file that CompilationInterface.SourceFiles embeds.
    import base64

    from .harness import APPS, Port

    port = Port("notes/v1")
    try:
        embedded = str(port.eval("ElmPortLib.NOTES_INDEX_HTML_BASE64"))
    finally:
        port.close()
    for version in ("v1", "v2", "candidate_ok", "candidate_reject"):
        assert base64.b64decode(embedded) == (APPS / "notes" / version / "static" / "index.html").read_bytes()
