"""The Elm-aware state tree: shapes, paging of large collections, "more"."""

from __future__ import annotations

import json
import re

from elmreplay.ui.tree import state_tree


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
