"""Elm semantics of diff_states: Dicts by key, Sets, custom types, Maybe, records, lists."""

from __future__ import annotations

import json
from typing import Any

import pytest

from elmreplay.errors import ElmReplayError
from elmreplay.inspect import ABSENT, diff_states
from elmreplay.inspect.diff import (
    DictKey,
    Field,
    Index,
    InvalidStateJson,
    SetMember,
    Tag,
    _reference_diff_states,
)


def j(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def changes(old: Any, new: Any) -> list[tuple[str, str, Any, Any]]:
    """(path, kind, old, new) of the diff; also checks the fast path against the reference."""
    d = diff_states(j(old), j(new))
    assert d == _reference_diff_states(j(old), j(new))
    return [(c.path, c.kind, c.old, c.new) for c in d]


def issue(title: str, status: str = "Open") -> dict[str, Any]:
    return {"title": title, "status": {status: []}, "assignee": {"Nothing": []}}


ISSUES = [[3, issue("a")], [17, issue("b")], [40, issue("c")]]


# --- Dicts -----------------------------------------------------------------------------------


def test_dict_insert_is_one_added_change_at_the_key() -> None:
    new = sorted([*ISSUES, [20, issue("new")]])
    assert changes({"issues": ISSUES}, {"issues": new}) == [
        (".issues[20]", "added", ABSENT, issue("new"))
    ]


def test_dict_key_removal_is_one_removed_change() -> None:
    new = [e for e in ISSUES if e[0] != 17]
    assert changes({"issues": ISSUES}, {"issues": new}) == [
        (".issues[17]", "removed", issue("b"), ABSENT)
    ]


def test_dict_value_change_is_reported_under_the_key() -> None:
    new = json.loads(j(ISSUES))
    new[1][1]["assignee"] = {"Just": ["alice"]}
    (c,) = diff_states(j({"issues": ISSUES}), j({"issues": new}))
    assert c.path == ".issues[17].assignee"
    assert c.kind == "maybe_became_just"
    assert c.segments == (Field("issues"), DictKey(17, (0, 17)), Field("assignee"))


def test_string_and_tuple_dict_keys() -> None:
    old = {"users": [["alice", {"name": "A"}], ["bob", {"name": "B"}]]}
    new = {"users": [["alice", {"name": "Alice"}], ["bob", {"name": "B"}]]}
    assert changes(old, new) == [('.users["alice"].name', "changed", "A", "Alice")]
    old2 = {"grid": [[[0, "a"], 1], [[0, "b"], 2]]}
    new2 = {"grid": [[[0, "a"], 1], [[0, "b"], 3]]}
    assert changes(old2, new2) == [('.grid[[0,"b"]]', "changed", 2, 3)]


def test_empty_side_and_dict_shaped_side_are_compared_by_key() -> None:
    assert changes({"d": []}, {"d": [[1, "x"], [5, "y"]]}) == [
        (".d[1]", "added", ABSENT, "x"),
        (".d[5]", "added", ABSENT, "y"),
    ]
    assert changes([[1, "x"]], []) == [(".[1]", "removed", "x", ABSENT)]


def test_arrays_of_pairs_that_are_not_dicts_on_both_sides_are_lists() -> None:
    # keys not ascending on the new side: not a Dict there, so compare as lists
    old = [[1, "a"], [2, "b"]]
    new = [[2, "b"], [1, "a"]]
    result = changes(old, new)
    assert all(path.startswith(".[") for path, *_ in result)
    assert {k for _, k, _, _ in result} <= {"changed", "added", "removed"}


def test_dict_keys_use_elm_utf16_order() -> None:
    # U+FFFD sorts after U+1F600 in UTF-16 (Elm/JS) but before it by code point.
    old = [["\U0001f600", 1], ["\ufffd", 2]]
    new = [["\U0001f600", 1], ["\ufffd", 3]]
    (c,) = diff_states(old, new)
    assert c.path == '.["\ufffd"]' and c.kind == "changed"


# --- Sets ------------------------------------------------------------------------------------


def test_set_add_and_remove_members() -> None:
    old = {"tags": ["a", "b", "c", "d"]}
    new = {"tags": ["a", "c", "d", "e", "f"]}
    assert changes(old, new) == [
        ('.tags{"b"}', "removed", "b", ABSENT),
        ('.tags{"e"}', "added", ABSENT, "e"),
        ('.tags{"f"}', "added", ABSENT, "f"),
    ]
    (c,) = diff_states([1, 2, 3, 4], [1, 2, 3, 4, 9])
    assert c.segments == (SetMember(9, (0, 9)),) and c.path == ".{9}"


def test_small_ascending_arrays_stay_lists_so_tuples_compare_by_position() -> None:
    assert changes({"pos": [1, 5]}, {"pos": [2, 5]}) == [(".pos[0]", "changed", 1, 2)]


# --- custom types and Maybe ------------------------------------------------------------------


def test_tag_change_is_one_change() -> None:
    old: dict[str, Any] = {"status": {"Open": []}}
    new = {"status": {"Closed": ["2024-01-01", {"Fixed": []}]}}
    d = diff_states(j(old), j(new))
    assert [(c.path, c.kind) for c in d] == [(".status", "tag_changed")]
    (c,) = d
    assert (c.old_tag, c.new_tag) == ("Open", "Closed")
    assert c.old == old["status"] and c.new == new["status"]
    assert d.summary()["tag_changed"] == 1


def test_same_tag_recurses_into_arguments() -> None:
    old = {"status": {"Closed": ["2024-01-01", {"Fixed": []}]}}
    new = {"status": {"Closed": ["2024-01-02", {"WontFix": []}]}}
    assert changes(old, new) == [
        (".status<Closed>[0]", "changed", "2024-01-01", "2024-01-02"),
        (".status<Closed>[1]", "tag_changed", {"Fixed": []}, {"WontFix": []}),
    ]
    (c, _) = diff_states(old, new)
    assert c.segments == (Field("status"), Tag("Closed"), Index(0, 0))


def test_maybe_just_nothing() -> None:
    just: dict[str, Any] = {"a": {"Just": [{"x": 1}]}}
    nothing: dict[str, Any] = {"a": {"Nothing": []}}
    assert changes(just, nothing) == [(".a", "maybe_became_nothing", just["a"], nothing["a"])]
    assert changes(nothing, just) == [(".a", "maybe_became_just", nothing["a"], just["a"])]
    assert changes(just, {"a": {"Just": [{"x": 2}]}}) == [(".a<Just>[0].x", "changed", 1, 2)]


def test_record_and_custom_type_are_different_kinds() -> None:
    # {"Tag": [..]} vs a record: one changed value, not removed/added fields
    assert changes({"v": {"a": 1}}, {"v": {"A": [1]}}) == [
        (".v", "changed", {"a": 1}, {"A": [1]})
    ]
    # a single upper-case key whose value is not an array is a record field (Bytes)
    assert changes({"b": {"AsBase64": "AA=="}}, {"b": {"AsBase64": "AQ=="}}) == [
        (".b.AsBase64", "changed", "AA==", "AQ==")
    ]


# --- records ---------------------------------------------------------------------------------


def test_nested_record_changes() -> None:
    old: dict[str, Any] = {"settings": {"theme": {"dark": True, "size": 12}, "name": "x"}}
    new = {"settings": {"theme": {"dark": False, "size": 12, "font": "mono"}}}
    assert changes(old, new) == [
        (".settings.theme.dark", "changed", True, False),
        (".settings.theme.font", "added", ABSENT, "mono"),
        (".settings.name", "removed", "x", ABSENT),
    ]


def test_field_names_that_are_not_identifiers_are_quoted() -> None:
    (c,) = diff_states({"a b": 1}, {"a b": 2})
    assert c.path == '."a b"'


def test_scalar_json_types_matter() -> None:
    assert changes({"a": 1}, {"a": True}) == [(".a", "changed", 1, True)]
    assert changes({"a": 1}, {"a": 1.5}) == [(".a", "changed", 1, 1.5)]
    assert changes(14, 15) == [(".", "changed", 14, 15)]
    assert changes("x", 1) == [(".", "changed", "x", 1)]


# --- plain lists -----------------------------------------------------------------------------


def test_list_prepend_of_records_is_one_added() -> None:
    old = {"log": [{"n": 1}, {"n": 2}, {"n": 3}]}
    new = {"log": [{"n": 0}, {"n": 1}, {"n": 2}, {"n": 3}]}
    assert changes(old, new) == [(".log[0]", "added", ABSENT, {"n": 0})]


def test_list_insert_in_the_middle_and_removal_use_alignment() -> None:
    old = {"log": ["x", "a", "b", "c", "y"]}  # not ascending: a list, not a Set
    new = {"log": ["x", "a", "NEW", "b", "c", "y"]}
    assert changes(old, new) == [(".log[2]", "added", ABSENT, "NEW")]
    # removed elements name their old index
    assert changes(new, old) == [(".log[2]", "removed", "NEW", ABSENT)]


def test_list_change_in_place_is_reported_by_position() -> None:
    old = {"log": [{"n": 1}, {"n": 2}, {"n": 3}]}
    new = {"log": [{"n": 1}, {"n": 20}, {"n": 3}]}
    assert changes(old, new) == [(".log[1].n", "changed", 2, 20)]
    # same length, different order: by position (2-tuples behave)
    assert changes([2, 1], [1, 2]) == [(".[0]", "changed", 2, 1), (".[1]", "changed", 1, 2)]


def test_list_change_plus_insert_pairs_the_unmatched_elements() -> None:
    old = [{"n": 1}, {"n": 2}, {"n": 9}]
    new = [{"n": 0}, {"n": 1}, {"n": 2}, {"n": 10}]
    assert changes(old, new) == [
        (".[0]", "added", ABSENT, {"n": 0}),
        (".[3].n", "changed", 9, 10),
    ]


# --- equal states, inputs, errors ------------------------------------------------------------


def test_equal_states_are_empty() -> None:
    state = {"issues": ISSUES, "tags": ["a", "b", "c", "d"], "n": 1.5}
    d = diff_states(j(state), j(state))
    assert d.is_empty and not d and len(d) == 0
    assert diff_states(state, json.loads(j(state))).is_empty
    # formatting does not matter, only the JSON value
    assert diff_states(json.dumps(state, indent=2), j(state)).is_empty
    assert diff_states(j(state).encode(), bytearray(j(state).encode())).is_empty


def test_text_bytes_and_parsed_inputs_agree() -> None:
    old, new = {"a": [1, 2, 3, 4]}, {"a": [1, 2, 3, 5]}
    assert diff_states(j(old), j(new)) == diff_states(old, new) == diff_states(
        j(old).encode(), j(new).encode()
    )


def test_invalid_json_names_the_side() -> None:
    with pytest.raises(InvalidStateJson, match="the step 42 state is not valid JSON"):
        diff_states("{}", "{not json", new_label="step 42")
    assert issubclass(InvalidStateJson, ElmReplayError)


def test_values_equal_in_python_but_not_in_json_are_not_skipped() -> None:
    # 1 == True == 1.0 in Python; the skipping of equal runs must not hide these
    old = {"d": [[i, 1] for i in range(50)], "l": [{"v": 1}] * 30, "s": list(range(10))}
    new = json.loads(j(old))
    new["d"][20][1] = True
    new["l"][7] = {"v": 1.0}
    new["s"][3] = 3.0  # same Set member: a number is a number
    assert changes(old, new) == [
        (".d[20]", "changed", 1, True),
        (".l[7].v", "changed", 1, 1.0),
    ]
