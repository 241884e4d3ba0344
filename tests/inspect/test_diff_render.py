"""StateDiff's views: summary, DataFrame, text, HTML, pretty, JSON; and proportional cost."""

from __future__ import annotations

import json
from typing import Any

import pytest

from elmreplay.inspect import ABSENT, StateDiff, diff_states
from elmreplay.inspect import diff as diff_module
from elmreplay.inspect.diff import JSON_FORMAT, KINDS

OLD = {
    "issues": [[1, {"title": "a", "status": {"Open": []}}], [2, {"title": "b", "status": {"Open": []}}]],
    "owner": {"Just": ["alice"]},
    "tags": ["a", "b", "c", "d"],
}
NEW = {
    "issues": [
        [1, {"title": "<script>alert('x')</script>", "status": {"Closed": [5]}}],
        [2, {"title": "b", "status": {"Open": []}}],
        [3, {"title": "c", "status": {"Open": []}}],
    ],
    "owner": {"Nothing": []},
    "tags": ["a", "c", "d"],
}


@pytest.fixture
def d() -> StateDiff:
    return diff_states(json.dumps(OLD), json.dumps(NEW), old_label="step 1", new_label="step 2")


def test_summary_counts_every_kind(d: StateDiff) -> None:
    assert d.summary() == {
        "added": 1,
        "removed": 1,
        "changed": 1,
        "tag_changed": 1,
        "maybe_became_just": 0,
        "maybe_became_nothing": 1,
    }
    assert list(d.summary()) == list(KINDS)
    assert sum(d.summary().values()) == len(d) == len(d.changes)


def test_changes_are_in_document_order(d: StateDiff) -> None:
    assert [c.path for c in d] == [
        ".issues[1].title",
        ".issues[1].status",
        ".issues[3]",
        ".owner",
        '.tags{"b"}',
    ]


def test_changes_are_frozen_and_hashable(d: StateDiff) -> None:
    c = d.changes[0]
    with pytest.raises(AttributeError):
        c.path = "x"  # type: ignore[misc]
    assert len(set(d.changes)) == len(d)
    d.changes.clear()  # a copy: the diff is unaffected
    assert len(d.changes) == 5


def test_to_frame_has_complete_values(d: StateDiff) -> None:
    df = d.to_frame()
    assert list(df.columns) == ["path", "kind", "old", "new"]
    assert len(df) == 5
    row = df[df["path"] == ".issues[3]"].iloc[0]
    assert row["kind"] == "added" and row["old"] is None
    assert row["new"] == {"title": "c", "status": {"Open": []}}
    assert list(diff_states("1", "1").to_frame().columns) == ["path", "kind", "old", "new"]


def test_text_is_deterministic_and_readable(d: StateDiff) -> None:
    text = d.to_text()
    assert text == str(d) == str(diff_states(OLD, NEW, old_label="step 1", new_label="step 2"))
    lines = text.splitlines()
    assert lines[0] == (
        "StateDiff step 1 -> step 2: 5 changes "
        "(1 added, 1 removed, 1 changed, 1 tag changed, 1 maybe became nothing)"
    )
    assert lines[2] == '  ~ .issues[1].status: {"Open":[]} -> {"Closed":[5]}  [tag Open -> Closed]'
    assert lines[3] == '  + .issues[3]: {"title":"c","status":{"Open":[]}}'
    assert lines[5] == '  - .tags{"b"}: "b"'
    assert str(diff_states("1", "1")) == "StateDiff old -> new: no changes"


def test_text_truncates_values_for_display_only() -> None:
    d = diff_states({"s": "x" * 500}, {"s": "y" * 500})
    line = d.to_text(width=40).splitlines()[1]
    assert len(line) < 120 and "\u2026" in line
    assert d.changes[0].new == "y" * 500
    assert d.to_text(limit=0).splitlines()[-1] == "  ... 1 more"


def test_repr_and_pretty_are_short_and_deterministic(d: StateDiff) -> None:
    assert repr(d) == (
        "<StateDiff step 1 -> step 2: 5 changes "
        "(1 added, 1 removed, 1 changed, 1 tag changed, 1 maybe became nothing)>"
    )
    pretty = pytest.importorskip("IPython.lib.pretty")
    # same length, shifted by one: compared by position, 100 changes
    many = diff_states([{"n": i} for i in range(100)], [{"n": i} for i in range(1, 101)])
    assert len(many) == 100
    out = pretty.pretty(many)
    assert out == pretty.pretty(many)
    assert out.splitlines()[-1] == f"  ... {len(many) - StateDiff.PRETTY_LIMIT} more"


def test_html_escapes_truncates_and_pages(d: StateDiff) -> None:
    h = d._repr_html_()
    assert "<script>" not in h and "&lt;script&gt;" in h
    assert h == d._repr_html_()
    assert "<details>" not in h  # few changes: shown open
    big: dict[str, Any] = {"x": "z" * 1000}
    many = diff_states([[i, big] for i in range(300)], [[i, {"x": "w"}] for i in range(300)])
    hm = many._repr_html_()
    assert hm.startswith('<div class="elmreplay-statediff">') and "<details>" in hm
    assert hm.count("<tr>") == 1 + StateDiff.HTML_LIMIT + 1  # header, rows, "more" row
    assert "100 more" in hm
    assert "z" * 300 not in hm and "z" * 150 in hm
    assert "no changes" in diff_states("[]", "[]")._repr_html_()


def test_html_escapes_labels_and_paths() -> None:
    d = diff_states({"<b>": 1}, {"<b>": 2}, old_label="<i>old", new_label="a&b")
    h = d._repr_html_()
    assert "<b>" not in h.replace("<b>StateDiff", "") and "&lt;b&gt;" in h
    assert "&lt;i&gt;old" in h and "a&amp;b" in h


def test_to_json_is_stable_and_serialisable(d: StateDiff) -> None:
    data = d.to_json()
    assert data["format"] == JSON_FORMAT
    assert data["summary"] == d.summary()
    text = json.dumps(data, sort_keys=True)
    assert text == json.dumps(diff_states(OLD, NEW, old_label="step 1", new_label="step 2").to_json(), sort_keys=True)
    added = next(c for c in data["changes"] if c["kind"] == "added")
    assert "old" not in added and added["new"]["title"] == "c"
    assert added["segments"] == [{"field": "issues"}, {"key": 3}]
    tag = next(c for c in data["changes"] if c["kind"] == "tag_changed")
    assert tag["old"] == {"Open": []} and tag["new"] == {"Closed": [5]}
    member = data["changes"][-1]
    assert member["segments"] == [{"field": "tags"}, {"member": "b"}]


def test_absent_sentinel() -> None:
    assert repr(ABSENT) == "ABSENT" and not ABSENT


def test_deepdiff_sees_only_what_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cost in proportion to what changed: equal subtrees never reach DeepDiff."""
    seen: list[int] = []
    real = diff_module.DeepDiff

    def size(v: Any) -> int:
        if isinstance(v, dict):
            return 1 + sum(size(x) for x in v.values())
        return 1 + (sum(size(x) for x in v) if isinstance(v, list) else 0)

    def spy(a: Any, b: Any, **kw: Any) -> Any:
        seen.append(size(a) + size(b))
        return real(a, b, **kw)

    monkeypatch.setattr(diff_module, "DeepDiff", spy)
    old = {"issues": [[i, {"title": f"t{i}", "n": i, "s": {"Open": []}}] for i in range(5000)]}
    new = json.loads(json.dumps(old))
    new["issues"][2500][1]["n"] = -1
    new["issues"].append([99999, {"title": "new", "n": 0, "s": {"Open": []}}])
    d = diff_states(json.dumps(old), json.dumps(new))
    assert [c.path for c in d] == [".issues[2500].n", ".issues[99999]"]
    assert seen and max(seen) < 30
