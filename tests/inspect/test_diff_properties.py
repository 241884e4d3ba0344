"""Properties of diff_states over generated Elm-like states (hypothesis)."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from elmreplay.inspect import diff_states
from elmreplay.inspect.diff import KINDS, _reference_diff_states

FIELDS = st.sampled_from(["a", "b", "name", "status", "items", "Zed"])
TAGS = st.sampled_from(["Open", "Closed", "Just", "Nothing", "Ok", "Err"])
SCALARS = st.one_of(
    st.integers(-3, 3),
    st.sampled_from([0.5, 1.0, -2.25, 1e20]),
    st.text(alphabet="ab\u00e9\ufffd\U0001f600<&", max_size=3),
    st.booleans(),
    st.none(),
)
KEYS = st.one_of(st.integers(0, 30), st.text(alphabet="abc\U0001f600", max_size=2))


def _utf16(k: Any) -> Any:
    return k.encode("utf-16-be") if isinstance(k, str) else k


def elm_values(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    record = st.dictionaries(FIELDS, children, max_size=4)
    variant = st.builds(lambda t, args: {t: args}, TAGS, st.lists(children, max_size=2))
    maybe = st.one_of(st.just({"Nothing": []}), children.map(lambda v: {"Just": [v]}))
    int_dict = st.dictionaries(st.integers(0, 30), children, max_size=6)
    str_dict = st.dictionaries(st.text(alphabet="abc\U0001f600\ufffd", max_size=2), children, max_size=6)
    elm_dict = st.one_of(int_dict, str_dict).map(
        lambda d: [[k, d[k]] for k in sorted(d, key=_utf16)]
    )
    elm_set = st.one_of(
        st.sets(st.integers(0, 30), max_size=8).map(sorted),
        st.sets(st.text(alphabet="abc", max_size=2), max_size=8).map(sorted),
    )
    return st.one_of(
        record, variant, maybe, elm_dict, elm_set, st.lists(children, max_size=5)
    )


STATES = st.recursive(SCALARS, elm_values, max_leaves=25)


@st.composite
def mutated(draw: st.DrawFn, value: Any, depth: int = 0) -> Any:
    """A copy of ``value`` with random local edits (some keep Dict/Set shapes, some don't)."""
    op = draw(st.sampled_from(["keep", "keep", "descend", "descend", "replace"]))
    if op == "keep" or depth > 6:
        return copy.deepcopy(value)
    if op == "replace":
        return draw(STATES)
    if isinstance(value, dict):
        out = {k: draw(mutated(v, depth + 1)) for k, v in value.items()}
        if len(out) != 1 and draw(st.booleans()):
            out[draw(FIELDS)] = draw(STATES)
        if draw(st.booleans()) and out:
            out.pop(draw(st.sampled_from(sorted(out))))
        if len(value) == 1 and draw(st.booleans()):  # maybe rename a tag
            ((_, args),) = out.items() if len(out) == 1 else (("", []),)
            out = {draw(TAGS): args}
        return out
    if isinstance(value, list):
        out_list = [draw(mutated(v, depth + 1)) for v in value]
        if out_list and out_list == sorted(out_list, key=str) and draw(st.booleans()):
            return out_list  # keep the order (Dict / Set shape) this time
        if draw(st.booleans()):
            at = draw(st.integers(0, len(out_list)))
            out_list.insert(at, draw(STATES))
        if draw(st.booleans()) and out_list:
            del out_list[draw(st.integers(0, len(out_list) - 1))]
        if draw(st.booleans()):  # a Dict entry with a new key, kept sorted
            entries = [e for e in out_list if isinstance(e, list) and len(e) == 2]
            if entries == out_list and entries:
                out_list.append([draw(KEYS), draw(STATES)])
                try:
                    out_list.sort(key=lambda e: (type(e[0]).__name__, _utf16(e[0])))
                except TypeError:
                    pass
        return out_list
    return draw(st.one_of(st.just(value), SCALARS))


@st.composite
def state_pairs(draw: st.DrawFn) -> tuple[Any, Any]:
    old = draw(STATES)
    if draw(st.integers(0, 4)) == 0:
        return old, draw(STATES)
    return old, draw(mutated(old))


def text(v: Any) -> str:
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(STATES)
def test_a_state_against_itself_is_empty(state: Any) -> None:
    parsed = json.loads(text(state))  # a str state must be given as JSON text
    assert diff_states(parsed, parsed).is_empty
    assert diff_states(text(state), text(state)).is_empty
    assert not diff_states(parsed, copy.deepcopy(parsed))
    assert _reference_diff_states(text(state), text(state)).is_empty


@settings(max_examples=400, deadline=None)
@given(state_pairs())
def test_skipping_equal_subtrees_changes_nothing(pair: tuple[Any, Any]) -> None:
    """The fast diff equals the same Elm semantics run through DeepDiff with nothing skipped."""
    old, new = pair
    fast = diff_states(text(old), text(new))
    ref = _reference_diff_states(text(old), text(new))
    assert fast.changes == ref.changes
    assert [c.segments for c in fast] == [c.segments for c in ref]
    assert [(c.old, c.new) for c in fast] == [(c.old, c.new) for c in ref]
    if text(old) != text(new):
        assert not fast.is_empty or old == new  # only key order / 1 vs 1.0 can hide


@settings(max_examples=300, deadline=None)
@given(state_pairs())
def test_summary_counts_match_the_changes(pair: tuple[Any, Any]) -> None:
    d = diff_states(text(pair[0]), text(pair[1]))
    summary = d.summary()
    assert list(summary) == list(KINDS)
    for kind in KINDS:
        assert summary[kind] == sum(1 for c in d if c.kind == kind)
    assert sum(summary.values()) == len(d)
    assert len(d.to_frame()) == len(d)
    assert json.loads(json.dumps(d.to_json()))["summary"] == summary


@settings(max_examples=200, deadline=None)
@given(state_pairs())
def test_views_are_deterministic_and_escaped(pair: tuple[Any, Any]) -> None:
    a, b = diff_states(text(pair[0]), text(pair[1])), diff_states(text(pair[0]), text(pair[1]))
    assert str(a) == str(b) and repr(a) == repr(b)
    assert a._repr_html_() == b._repr_html_()
    assert json.dumps(a.to_json()) == json.dumps(b.to_json())
    html = a._repr_html_()
    for c in a:
        assert c.path in str(a)
    assert "<script" not in html and "&<" not in html


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.integers(0, 50), STATES, max_size=10), st.integers(51, 99), STATES)
def test_inserting_a_dict_entry_is_one_added_change(entries: dict[int, Any], key: int, value: Any) -> None:
    old = [[k, entries[k]] for k in sorted(entries)]
    new = sorted([*old, [key, value]], key=lambda e: e[0])
    (change,) = diff_states({"d": old}, {"d": new})
    assert (change.path, change.kind, change.new) == (f".d[{key}]", "added", value)


@settings(max_examples=200, deadline=None)
@given(st.lists(STATES, max_size=8), st.data())
def test_inserting_into_a_plain_list_is_one_added_change(items: list[Any], data: st.DataObject) -> None:
    items = [{"item": v} for v in items]  # records: never a Dict or Set
    at = data.draw(st.integers(0, len(items)))
    value = {"item": "inserted"}
    new = [*items[:at], value, *items[at:]]
    (change,) = diff_states(items, new)
    assert change.kind == "added" and change.new == value
    assert new[int(change.path[2:-1])] == value  # ".[i]", i in the new list
