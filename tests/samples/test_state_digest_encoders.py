"""The port library's digest encoders (GD.*, behind getStateDigest) against the text encoders:
for drawn values -- strings with quotes, control characters, astral and lone surrogates, ints,
floats (-0, huge, tiny), Maybe, lists, custom types, records, and Dicts/Sets changed step by
step (so remembered subtrees are reused) -- GD's digest is the harness hash of the text
E.encode(0, GE...) writes, hashed again in Python."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from py_mini_racer import MiniRacer

from tests.runtime.test_digests import python_digest

from .harness import PORT_LIB

# A coder pair (GE, GD) over a state shaped like the apps': record of a Dict of records with
# Maybe, List, Set and custom-type fields, plus scalars.
_JS = """
var L = ElmPortLib;
function coders(C) {
  var item = C.record([['name', C.string], ['score', C.float], ['tag', C.maybe(C.custom({A: [], B: [C.int, C.string]}))],
                       ['labels', C.set(C.string)], ['pairs', C.list(C.tuple2(C.int, C.bool))]]);
  return C.record([['items', C.dict(C.string, item)], ['count', C.int], ['unit', C.unit], ['res', C.result(C.string, C.int)]]);
}
var enc = coders(L.GE), dig = coders(L.GD);
var state = { items: L.Dict.empty(), count: 0, unit: null, res: { $: 'Ok', a: [1] } };
function toItem(v) {
  return { name: v.name, score: v.score, tag: v.tag === null ? null : (v.tag.length ? L.tag('B', v.tag[0], v.tag[1]) : L.tag('A')),
           labels: L.Set.fromList(v.labels), pairs: v.pairs };
}
// ops: [["put", key, item] | ["del", key] | ["err", text]]; returns [[text, digest], ...] after each op.
function run(ops) {
  var out = [];
  for (var i = 0; i < ops.length; i++) {
    var op = ops[i];
    if (op[0] === 'put') state = { items: L.Dict.insert(op[1], toItem(op[2]), state.items), count: state.count + 1, unit: null, res: state.res };
    else if (op[0] === 'del') state = { items: L.Dict.remove(op[1], state.items), count: state.count, unit: null, res: state.res };
    else state = { items: state.items, count: state.count, unit: null, res: { $: 'Err', a: [op[1]] } };
    out.push([L.E.encode(0, enc(state)), L.GD.digest(dig(state))]);
  }
  return JSON.stringify(out);
}
"""

texts = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)  # incl. lone surrogates
floats = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([-0.0, 1e21, 5e-324, 0.1]))
items = st.fixed_dictionaries({
    "name": texts, "score": floats,
    "tag": st.one_of(st.none(), st.just([]), st.tuples(st.integers(-(2**31), 2**31), texts).map(list)),
    "labels": st.lists(texts, max_size=4, unique=True).map(sorted),
    "pairs": st.lists(st.tuples(st.integers(-5, 5), st.booleans()).map(list), max_size=3),
})  # fmt: skip
keys = st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "h", "é", "\U0001f600", ""])
ops = st.lists(
    st.one_of(st.tuples(st.just("put"), keys, items), st.tuples(st.just("del"), keys), st.tuples(st.just("err"), texts)).map(list),
    min_size=1, max_size=25,
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(ops)
def test_digest_encoders_hash_the_text_encoders_output(sequence: list[Any]) -> None:
    ctx = MiniRacer()
    ctx.eval(PORT_LIB.read_text(encoding="utf-8"))
    ctx.eval(_JS)
    for text, digest in json.loads(ctx.call("run", sequence)):
        assert tuple(digest) == python_digest(text)
