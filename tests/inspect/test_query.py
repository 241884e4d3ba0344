"""The find condition language: parsing, rendering, errors, and the Python evaluator against the
JavaScript one (runtime/query.js) on random states, steps and conditions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elmreplay.errors import QuerySyntaxError
from elmreplay.inspect.query import (
    And,
    AnyOf,
    Changed,
    Compare,
    Contains,
    Every,
    Exists,
    Field,
    Is,
    Key,
    Len,
    Member,
    Not,
    Or,
    Path,
    Step,
    TagArgs,
    evaluate,
    json_equal,
    merge,
    parse,
    to_js,
)
from elmreplay.runtime.engine import AppProcess

NOTHING: dict[str, list[Any]] = {"Nothing": []}
TRACKER_LIKE = {
    "users": [["dave", {"displayName": "Dave", "role": NOTHING}], ["erin", {"displayName": "Erin", "role": {"Just": ["admin"]}}]],
    "issues": [
        [1, {"assignee": NOTHING, "status": {"Open": []}, "labels": ["bug", "ui"]}],
        [2, {"assignee": {"Just": ["dave"]}, "status": {"InProgress": [{"since": 5}]}, "labels": []}],
    ],
    "nextIssueId": 3,
}
HTTP_EVENT = {"HttpRequestEvent": {"posixTimeMilli": 1, "request": {"method": "POST", "uri": "http://x/admin/users"}}}
RESPONSE = {"DecodeEventSuccess": {"completeHttpResponses": [{"httpRequestId": "1", "response": {"statusCode": 503}}]}}


def holds(text: str, **step: Any) -> tuple[bool, dict[str, Any]]:
    return evaluate(parse(text), Step(**step))


# --- each condition form ----------------------------------------------------------------------


def test_dict_by_key_and_maybe() -> None:
    assert holds('.users["dave"].role == Nothing', state=TRACKER_LIKE) == (True, {'.users["dave"].role': NOTHING})
    assert holds('.users["erin"].role == Nothing', state=TRACKER_LIKE)[0] is False
    assert holds('.users["erin"].role == Just "admin"', state=TRACKER_LIKE)[0] is True
    assert holds('.users["erin"].role is Just', state=TRACKER_LIKE)[0] is True
    assert holds('.issues[2].assignee<Just>[0] == "dave"', state=TRACKER_LIKE)[0] is True  # Int key 2, not index 2


def test_missing_paths_are_false_even_for_not_equal() -> None:
    assert holds('.users["zoe"].role != Nothing', state=TRACKER_LIKE)[0] is False
    assert holds('not exists(.users["zoe"])', state=TRACKER_LIKE)[0] is True
    assert holds('exists(.users["dave"])', state=TRACKER_LIKE) == (True, {'.users["dave"]': None})


def test_wildcards_tags_and_any() -> None:
    ok, matched = holds(".issues[*].assignee is Nothing", state=TRACKER_LIKE)
    assert ok and matched == {".issues[1].assignee": NOTHING}
    # two existentials on different issues hold; one issue with both does not
    assert holds(".issues[*].assignee is Nothing and .issues[*].status is InProgress", state=TRACKER_LIKE)[0]
    assert not holds("any(.issues[*], .assignee is Nothing and .status is InProgress)", state=TRACKER_LIKE)[0]
    ok, matched = holds("any(.issues[*], .assignee is Just and .status is InProgress)", state=TRACKER_LIKE)
    assert ok and set(matched) == {".issues[2].assignee", ".issues[2].status"}
    assert holds(".issues[*].status<InProgress>[0].since >= 5", state=TRACKER_LIKE)[0]


def test_len_contains_and_sets() -> None:
    assert holds("len(.issues) > 1", state=TRACKER_LIKE) == (True, {"len(.issues)": 2})
    assert not holds("len(.issues) > 2", state=TRACKER_LIKE)[0]
    assert holds('.issues[1].labels contains "ui"', state=TRACKER_LIKE)[0]
    assert holds('.issues[1].labels{"bug"} == "bug"', state=TRACKER_LIKE)[0]
    assert holds('len(.users["dave"].displayName) == 4', state=TRACKER_LIKE)[0]
    assert holds('len(."x") == 2', state={"x": "😀"})[0]  # UTF-16 code units, as Elm's String.length


def test_event_and_response() -> None:
    assert holds('event.request.uri contains "/admin"', event=HTTP_EVENT)[0]
    assert holds('event_type == "HttpRequestEvent"', event=HTTP_EVENT)[0]
    assert holds("response.status >= 500", response=RESPONSE) == (
        True,
        {"response.completeHttpResponses[0].response.statusCode": 503},
    )
    old = {"decodeEventSuccess": [{"CompleteHttpResponse": {"httpRequestId": "1", "response": {"statusCode": 200}}}]}
    assert holds("response.status == 200", response=old)[0]
    assert not holds("response.status >= 500")[0]  # no response at this step


def test_changed() -> None:
    before = json.loads(json.dumps(TRACKER_LIKE))
    after = json.loads(json.dumps(TRACKER_LIKE))
    after["users"][0][1]["displayName"] = "Dave K"
    assert holds("changed(.users)", state=after, prev=before) == (True, {".users": None})
    assert not holds("changed(.issues)", state=after, prev=before)[0]
    assert holds('changed(.users[*].displayName)', state=after, prev=before) == (True, {'.users["dave"].displayName': None})
    assert holds("changed(.)", state=after)[0]  # nothing before: it appeared


def test_and_or_not_report_only_what_held() -> None:
    ok, matched = holds("(len(.issues) > 1 and .nextIssueId == 4) or .nextIssueId == 3", state=TRACKER_LIKE)
    assert ok and matched == {".nextIssueId": 3}
    assert holds("not .nextIssueId == 4", state=TRACKER_LIKE) == (True, {})


def test_ordering_is_elm_order() -> None:
    assert holds('."s" < "\uff61"', state={"s": "😀"})[0] is True  # UTF-16 units: a surrogate < U+FF61
    assert holds('."n" < "2"', state={"n": 1})[0] is False  # no order across types
    assert holds('."b" == 1', state={"b": True})[0] is False


# --- parse errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, column",
    [
        ('.users["erin"].role ==', 23),
        (".users[", 8),
        ("len(.issues) >> 3", 15),
        ("users.role == 1", 1),
        ("event.HttpRequestEvent.request.uri == 1", 6),
        ("changed(event.request)", 1),
        (".a == 1 and", 12),
        (".a == 1 )", 9),
        ("", 1),
        (".a is nothing", 7),
        ("any(.issues[*], response.status == 1)", 17),
    ],
)
def test_parse_errors_name_the_column(text: str, column: int) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(text)
    assert info.value.column == column, str(info.value)
    assert info.value.pointer().splitlines()[1] == " " * (column - 1) + "^"


# --- round trip -------------------------------------------------------------------------------

NAMES = st.sampled_from(["a", "b", "users", "role", "odd name", "état", "and", "x1"])
TAGS = st.sampled_from(["Nothing", "Just", "Open", "InProgress", "T2"])
KEYS = st.one_of(st.integers(-3, 5), st.sampled_from(["dave", "erin", "", "ü"]))


def segments() -> st.SearchStrategy[tuple[Any, ...]]:
    seg = st.one_of(
        NAMES.map(Field),
        KEYS.map(Key),
        st.lists(KEYS, min_size=2, max_size=2).map(Key),
        KEYS.map(Member),
        TAGS.map(TagArgs),
        st.just(Every()),
    )
    return st.lists(seg, max_size=3).map(tuple)


def paths(state_only: bool = False) -> st.SearchStrategy[Path]:
    state = segments().map(lambda s: Path("state", s))
    if state_only:
        return state
    other = st.tuples(st.sampled_from(["event", "response"]), segments()).map(
        lambda t: Path(t[0], tuple(s for s in t[1] if not (isinstance(s, Field) and s.name[:1].isupper())))
    )
    return st.one_of(state, state, other, st.sampled_from([Path("event_type"), Path("response_type"), Path("response", (Field("status"),))]))


scalars = st.one_of(st.integers(-5, 5), st.sampled_from([0.5, -1.5, 2.0]), st.sampled_from(["dave", "", "a b", "😀", "ü"]), st.booleans(), st.none())
literals = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=2),
        st.tuples(TAGS, st.lists(inner, max_size=2)).map(lambda t: {t[0]: t[1]}),
        st.dictionaries(NAMES, inner, max_size=2),
    ),
    max_leaves=4,
)


def conditions(state_only: bool = False) -> st.SearchStrategy[Any]:
    p = paths(state_only)
    operand = st.one_of(p, p.map(Len))
    leaf = st.one_of(
        st.builds(Compare, operand, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), literals),
        st.builds(Contains, operand, literals),
        st.builds(Is, p, TAGS),
        st.builds(Exists, p),
    )
    # short paths into the states below, compared with numbers near theirs: these hit often
    near = st.sampled_from([Path("state", (Field("a"),)), Path("state", (Field("b"), Every())), Path("state", (Field("a"), Key(0)))])
    simple = st.builds(Compare, st.one_of(near, near.map(Len)), st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), st.integers(-2, 3))
    leaf = st.one_of(leaf, simple, simple)
    if not state_only:
        leaf = st.one_of(leaf, st.builds(Changed, paths(True)), st.builds(Changed, near))
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.builds(Not, inner),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
            st.builds(AnyOf, paths(True), conditions_state_only()),
        ),
        max_leaves=5,
    )


def conditions_state_only() -> st.SearchStrategy[Any]:
    p = paths(True)
    return st.one_of(st.builds(Compare, p, st.sampled_from(["==", "<"]), literals), st.builds(Is, p, TAGS), st.builds(Exists, p))


def _normal(c: Any) -> Any:
    """And/Or nested in the same operator flatten when rendered and parsed again."""
    if isinstance(c, (And, Or)):
        items: list[Any] = []
        for i in c.items:
            i = _normal(i)
            items.extend(i.items if type(i) is type(c) else [i])
        return type(c)(tuple(items))
    if isinstance(c, Not):
        return Not(_normal(c.item))
    if isinstance(c, AnyOf):
        return AnyOf(c.path, _normal(c.cond))
    return c


@settings(max_examples=300, deadline=None)
@given(conditions())
def test_render_parse_round_trip(cond: Any) -> None:
    text = cond.render()
    again = parse(text)
    assert _normal(again) == _normal(cond), text
    assert again.render() == parse(again.render()).render()


# --- Python vs V8 ---------------------------------------------------------------------------

STEPS_JS = """
var initState = null;
var __steps = [], __k = 0;
function processEventAndUpdateState(e) { var s = __steps[__k++]; app_state = s[0]; return s[1]; }
function getSerializedState() { return JSON.stringify(app_state); }
function setSerializedState(s) { app_state = JSON.parse(s); }
"""

json_values = st.recursive(
    st.one_of(st.integers(-5, 5), st.sampled_from([0.5, 2.5]), st.sampled_from(["dave", "erin", "", "😀", "ü", "a"]), st.booleans(), st.none()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(NAMES, inner, max_size=3),
        st.tuples(TAGS, st.lists(inner, max_size=2)).map(lambda t: {t[0]: t[1]}),
        st.lists(st.tuples(KEYS, inner), max_size=3).map(lambda kv: sorted({json.dumps(k): [k, v] for k, v in kv}.values(), key=lambda e: (isinstance(e[0], str), e[0]))),
    ),
    max_leaves=12,
)
states = st.fixed_dictionaries(
    {"a": st.one_of(st.integers(-2, 3), st.lists(st.integers(-2, 3), max_size=2), json_values),
     "b": st.one_of(st.lists(st.integers(-2, 3), max_size=3), json_values)},
    optional={n: json_values for n in ["users", "role"]},
)
events = st.one_of(json_values, st.builds(lambda p: {"HttpRequestEvent": p}, json_values))
responses = st.one_of(
    json_values,
    st.builds(lambda codes: {"DecodeEventSuccess": {"completeHttpResponses": [{"response": {"statusCode": c}} for c in codes]}}, st.lists(st.integers(100, 600), max_size=2)),
)


@pytest.fixture(scope="module")
def process() -> Any:
    proc = AppProcess(STEPS_JS, app_config_hash="query-test")
    yield proc
    proc.close()


_count = iter(range(10**9))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(conditions(), st.lists(st.tuples(st.integers(0, 2), events, responses), min_size=1, max_size=4), st.lists(states, min_size=3, max_size=3))
def test_python_and_v8_agree(process: Any, cond: Any, steps: list[Any], pool: list[Any]) -> None:
    # states come from a pool of three JS objects: a repeated pool index repeats the very same
    # reference, as an event that leaves an Elm state unchanged does (the V8 side's cache)
    process._eval(
        f"__k = 0; var __pool = {json.dumps(pool)}; __steps = {json.dumps([[i, json.dumps(r)] for i, _, r in steps])}.map(function (s) {{ return [__pool[s[0]], s[1]]; }}); app_state = null; 0",
        what="test setup",
    )
    key = f"q{next(_count)}"
    process.define_query(key, to_js(cond))
    result, failure = process.run_batch([json.dumps(e) for _, e, _ in steps], query=(key, None))
    process.drop_query(key)
    assert failure is None
    got = {off: merge({}, m) for off, m in result.matches}
    prev: Any = None
    expected = {}
    for off, (i, event, response) in enumerate(steps):
        ok, matched = evaluate(cond, Step(state=pool[i], event=event, response=response, prev=prev))
        if ok:
            expected[off] = matched
        prev = pool[i]
    assert got.keys() == expected.keys(), cond.render()
    for off in got:
        assert sorted(got[off]) == sorted(expected[off]), cond.render()  # 'and' runs its cheap parts first in V8
        assert all(json_equal(got[off][p], expected[off][p]) for p in got[off]), cond.render()
