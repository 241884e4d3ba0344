"""The Elm-aware state tree: shapes, paging of large collections, "more"."""

from __future__ import annotations

import json
import re

from elmreplay.ui.tree import generalize, learn_shapes, state_tree


def test_large_collections_show_the_first_100_items_then_more() -> None:
    state = json.dumps({"items": list(range(1000, 1250)), "small": [3, 1, 2]})
    render = state_tree(state)
    assert render.truncated == {".items": 150}
    assert "\u2026 150 more" in render.html
    assert "1099" in render.html and "1100" not in render.html
    wider = state_tree(state, limits={".items": 200})
    assert wider.truncated == {".items": 50}
    assert "1199" in wider.html and "1200" not in wider.html


def test_elm_shapes_are_recognised() -> None:
    state = json.dumps(
        {
            "users": [["alice", {"email": {"Just": ["a@example.com"]}}], ["bob", {"email": {"Nothing": []}}]],
            "tags": ["a", "b", "c", "d"],
            "status": {"Closed": [{"at": 5}]},
            "log": [3, 1, 2],
        }
    )
    html = state_tree(state, open_depth=9).html
    assert "Dict, 2 entries" in html
    assert "Set, 4 members" in html
    assert "List, 3 items" in html
    assert re.search(r"<span class='t'>Just</span> <span class='s'>&quot;a@example.com&quot;</span>", html)
    assert "<span class='t'>Nothing</span>" in html
    assert "data-path='.users[&quot;alice&quot;]'" in html  # paths as in diffs
    assert "data-path='.status'" in html and "data-path='.status&lt;Closed&gt;[0]'" in html


def test_dict_paging_counts_entries() -> None:
    state = json.dumps({"d": [[i, {"n": i}] for i in range(130)]})
    render = state_tree(state)
    assert render.truncated == {".d": 30}
    assert "Dict, 130 entries" in render.html


def test_only_the_root_is_open_by_default() -> None:
    html = state_tree(json.dumps({"a": {"b": {"c": 1}}})).html
    assert html.count("<details open>") == 1
    assert html.count("<details>") == 2


def test_no_state_and_non_json() -> None:
    assert "no app running" in state_tree(None).html
    assert "not JSON" in state_tree("{oops").html
    assert state_tree(None).truncated == {}


def test_expanded_paths_override_the_default_depth() -> None:
    state = json.dumps({"a": {"b": {"c": 1}}, "d": {"e": 2}})
    html = state_tree(state, expanded={".a": True, ".a.b": True, ".": True}).html
    assert "data-path='.a'><details open>" in html and "data-path='.a.b'><details open>" in html
    assert "data-path='.d'><details>" in html
    closed = state_tree(state, expanded={".": False}).html
    assert "data-path='.'><details>" in closed


def test_changed_paths_are_highlighted_and_their_ancestors_marked() -> None:
    state = json.dumps({"users": [["dave", {"name": "Dave K"}]], "n": 3, "s": {"Closed": [{"at": 5}]}})
    html = state_tree(state, changed=['.users["dave"].name', ".s<Closed>[0].at"]).html
    assert "data-path='.users[&quot;dave&quot;].name' class='chg'" in html
    assert "data-path='.users' class='chg-in'" in html and "data-path='.' class='chg-in'" in html
    assert "data-path='.s' class='chg-in'" in html and "data-path='.s&lt;Closed&gt;[0]' class='chg-in'" in html
    assert "data-path='.n'>" in html  # unchanged: no class
    assert html.count("changed inside</span>") == 5  # ., .users, .users["dave"], .s and .s<Closed>[0]



def test_search_keeps_only_the_branches_with_a_match() -> None:
    state = json.dumps({"users": [["dave", {"name": "Dave Kowalski"}], ["erin", {"name": "Erin"}]],
                        "issues": [[i, {"title": f"t{i}"}] for i in range(300)]})  # fmt: skip
    render = state_tree(state, search="kowalski")
    assert render.matches == ['.users["dave"].name']
    assert "Kowalski" in render.html and "Erin" not in render.html and "data-path='.issues'" not in render.html
    assert "data-path='.users'><details open>" in render.html  # opened down to the match
    deep = state_tree(state, search="t250")  # beyond the first page of the collection: still found
    assert deep.matches == [".issues[250].title"]
    keys = state_tree(state, search="erin")  # a Dict key matches too; its subtree shows whole
    assert keys.matches == ['.users["erin"]']
    assert "nothing matches" in state_tree(state, search="zzz").html


def test_empty_collections_are_named_by_what_the_path_held_elsewhere() -> None:
    shapes: dict[str, str] = {}
    learn_shapes(json.dumps({"users": [["a", {"tags": ["x", "y"]}]], "log": [3, 1, 2]}), shapes)
    assert shapes == {".users": "Dict", '.users[*].tags': "Set", ".log": "List"}
    html = state_tree(json.dumps({"users": [["b", {"tags": []}]], "log": []}), shapes=shapes, open_depth=9).html
    assert "Set, empty" in html and "List, empty" in html
    assert "Dict, empty" in state_tree(json.dumps({"users": []}), shapes=shapes).html
    assert "empty (List, Dict or Set)" in state_tree(json.dumps({"other": []}), shapes=shapes).html


def test_generalize_replaces_keys_indices_and_members() -> None:
    assert generalize('.users["a.b[c"].tags{"x"}') == ".users[*].tags{*}"
    assert generalize('.d[[1,"a]"]].v') == ".d[*].v"
    assert generalize(".s<Closed>[0].at") == ".s<Closed>[*].at"
    assert generalize(".") == "."
