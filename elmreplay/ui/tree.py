"""A collapsible, Elm-aware HTML tree of a serialized Elm state, with large collections paged.

Records, Dicts, Sets, lists and custom types are recognised from their JSON shape with the same
rules as :mod:`elmreplay.inspect.diff`, and every node carries its path in the diff's syntax
(``.issues[17].assignee``), so a place in the tree can be kept across steps, copied, searched
for and matched with a diff's changes:

* ``expanded`` maps paths to open / closed (what the reader toggled); other nodes follow
  ``open_depth``.
* every collection shows its first ``limit`` items (``limits`` raises it per path), then a
  "… N more" line; :attr:`TreeRender.truncated` says which paths were cut.
* ``changed`` paths are highlighted, and their ancestors marked, so a change inside a closed
  node still shows where to look.
* ``search`` keeps only the branches whose key or value contains the text (case-insensitive),
  opened down to the matches.
* ``shapes`` remembers what each (generalised) path held when it was not empty: JSON cannot tell
  an empty Dict or Set from an empty List, the app's other states can.

The HTML is plain ``<details>`` elements, so it stays collapsible in static HTML (nbconvert,
GitHub) without any JavaScript; :mod:`elmreplay.ui.treeview` adds the interactive parts.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, MutableMapping

from ..inspect.diff import _DICT, _EMPTY, _SET, _VARIANT, _array_shape, _kind

#: Items of one collection shown before "… N more".
DEFAULT_PAGE = 100
#: Longest scalar text shown inline (display only).
SCALAR_WIDTH = 160
#: Most search matches kept (the tree says when there are more).
SEARCH_LIMIT = 200

SHAPE_NAMES = {_DICT: "Dict", _SET: "Set"}

_STYLE = (
    "<style>"
    ".elmreplay-tree{font-family:var(--jp-code-font-family,monospace);font-size:12px;line-height:1.45}"
    ".elmreplay-tree ul{list-style:none;margin:0;padding-left:1.2em}"
    ".elmreplay-tree summary{cursor:pointer}"
    ".elmreplay-tree .k{color:#0550ae}.elmreplay-tree .t{color:#8250df}"
    ".elmreplay-tree .s{color:#0a3069}.elmreplay-tree .n{color:#6e7781}"
    ".elmreplay-tree .more{color:#6e7781;font-style:italic;cursor:pointer}"
    ".elmreplay-tree li.chg>details>summary,.elmreplay-tree li.chg:not(:has(>details)){background:#fff8c5}"
    ".elmreplay-tree .ci{color:#9a6700;font-size:10px;margin-left:.5em}"
    ".elmreplay-tree li.hit>details>summary,.elmreplay-tree li.hit:not(:has(>details)){background:#ddf4ff}"
    ".elmreplay-tree .cp{visibility:hidden;cursor:pointer;color:#6e7781;margin-left:.8em;font-size:10px;text-decoration:underline}"
    ".elmreplay-tree li:hover>.cp,.elmreplay-tree summary:hover>.cp{visibility:visible}"
    "</style>"
)

def generalize(path: str) -> str:
    """A path with its Dict keys, list indices and Set members replaced by ``*``."""
    starts = _segment_starts(path) + [len(path)]
    parts = [path[a:b] for a, b in zip(starts, starts[1:])]
    return "".join(p[0] + "*" + p[-1] if p[0] in "[{" else p for p in parts)


@dataclass
class TreeRender:
    """The HTML of a state tree, the collection paths whose items were cut, and search results."""

    html: str
    truncated: dict[str, int] = field(default_factory=dict)  # path -> items not shown
    matches: list[str] = field(default_factory=list)  # search hits (at most SEARCH_LIMIT)
    more_matches: bool = False


def _compact(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= SCALAR_WIDTH else text[: SCALAR_WIDTH - 1] + "\u2026"


def _is_scalar(v: Any) -> bool:
    return not isinstance(v, (dict, list))


def _variant_inline(v: dict[str, Any]) -> str | None:
    """``Just "x"`` / ``Nothing`` when a custom-type value has only scalar arguments."""
    ((tag, args),) = v.items()
    if all(_is_scalar(a) for a in args):
        esc = html.escape
        parts = [f"<span class='t'>{esc(tag)}</span>"] + [f"<span class='s'>{esc(_compact(a))}</span>" for a in args]
        return " ".join(parts)
    return None


def _field_segment(name: str) -> str:
    return "." + name if name.isidentifier() else "." + json.dumps(name, ensure_ascii=False)


def _base(path: str) -> str:
    return path if path != "." else ""


def _children(value: Any, path: str, stop: int | None = None) -> list[tuple[str, Any, str]]:
    """``(label, value, path)`` of the children of a container, in order (the first ``stop``)."""
    kind = _kind(value)
    if kind == _VARIANT:
        ((tag, args),) = value.items()
        return [(f"[{i}]", a, f"{path}<{tag}>[{i}]") for i, a in enumerate(args)]
    if isinstance(value, dict):
        return [(name, v, _base(path) + _field_segment(name)) for name, v in value.items()]
    if isinstance(value, list):
        base = path if path != "." else "."
        shape = _array_shape(value)
        value = value[:stop]
        if shape == _DICT:
            return [(f"[{_compact(k)}]", v, f"{base}[{_compact(k)}]") for k, v in value]
        if shape == _SET:
            return [("", v, f"{base}{{{_compact(v)}}}") for v in value]
        return [(f"[{i}]", v, f"{base}[{i}]") for i, v in enumerate(value)]
    return []


def _skip_string(path: str, i: int) -> int:
    """The index after the JSON string that starts at ``path[i]`` (a quote)."""
    i += 1
    while i < len(path) and path[i] != '"':
        i += 2 if path[i] == "\\" else 1
    return i + 1


def _segment_starts(path: str) -> list[int]:
    """Where each segment of a path begins (keys are JSON, so brackets and dots inside
    strings and nested keys are skipped)."""
    starts: list[int] = []
    i, n = 0, len(path)
    while i < n:
        c = path[i]
        starts.append(i)
        if c == ".":
            i += 1
            if i < n and path[i] == '"':
                i = _skip_string(path, i)
            else:
                while i < n and path[i] not in ".[{<":
                    i += 1
        elif c in "[{":
            depth = 0
            while i < n:
                ch = path[i]
                if ch == '"':
                    i = _skip_string(path, i)
                    continue
                depth += 1 if ch in "[{" else -1 if ch in "]}" else 0
                i += 1
                if depth == 0:
                    break
        elif c == "<":
            end = path.find(">", i)
            i = n if end < 0 else end + 1
        else:
            i += 1
    return starts


def _ancestors(path: str) -> Iterable[str]:
    """Every proper ancestor node of ``path`` (the root ``.`` included; ``<Tag>`` is no node)."""
    yield "."
    for k in _segment_starts(path)[1:]:
        prefix = path[:k]
        if prefix != "." and not prefix.endswith(">"):
            yield prefix


class _Search:
    """Paths whose key or scalar value contains the needle, and every ancestor of them."""

    def __init__(self, value: Any, needle: str) -> None:
        self.needle = needle.lower()
        self.hits: list[str] = []
        self.more = False
        self.on_way: set[str] = set()
        self._walk("", value, ".")
        for hit in self.hits:
            self.on_way.update(_ancestors(hit))

    def _walk(self, label: str, value: Any, path: str) -> None:
        if len(self.hits) >= SEARCH_LIMIT:
            self.more = True
            return
        own = label and self.needle in label.lower()
        if _kind(value) == _VARIANT:
            own = own or self.needle in next(iter(value)).lower()
        if own or (_is_scalar(value) and self.needle in _compact(value).lower()):
            self.hits.append(path)
            return  # its subtree is shown whole
        for child_label, v, p in _children(value, path):
            self._walk(child_label, v, p)


class _Renderer:
    def __init__(
        self,
        limit: int,
        limits: Mapping[str, int],
        open_depth: int,
        expanded: Mapping[str, bool],
        changed: set[str],
        shapes: MutableMapping[str, str] | None,
        search: _Search | None,
    ) -> None:
        self.limit = limit
        self.limits = limits
        self.open_depth = open_depth
        self.expanded = expanded
        self.changed = changed
        self.changed_within: set[str] = set()
        for p in changed:
            self.changed_within.update(_ancestors(p))
        self.shapes = shapes
        self.search = search
        self.hits = set(search.hits) if search else set()
        self.truncated: dict[str, int] = {}

    def _classes(self, path: str) -> str:
        cls = [c for c, on in (("chg", path in self.changed), ("chg-in", path in self.changed_within), ("hit", path in self.hits)) if on]
        return f" class='{' '.join(cls)}'" if cls else ""

    def _inside(self, path: str) -> str:
        """A note on a container whose contents changed (visible while it is closed)."""
        return "<span class='ci' title='something inside changed'>\u25cf changed inside</span>" if path in self.changed_within else ""

    def _copy(self, path: str) -> str:
        return f"<span class='cp' data-path='{html.escape(path)}' title='copy this path'>copy path</span>"

    def node(self, label: str, value: Any, path: str, depth: int, whole: bool = False) -> str:
        esc = html.escape
        key = f"<span class='k'>{esc(label)}</span>: " if label else ""
        whole = whole or path in self.hits
        kind = _kind(value)
        if kind == _VARIANT:
            inline = _variant_inline(value)
            if inline is not None:
                return f"<li data-path='{esc(path)}'{self._classes(path)}>{key}{inline}{self._copy(path)}</li>"
            ((tag, args),) = value.items()
            return self.container(key + f"<span class='t'>{esc(tag)}</span>", value, path, depth, len(args), whole)
        if isinstance(value, dict):
            return self.container(key + f"<span class='n'>{{{len(value)} fields}}</span>", value, path, depth, len(value), whole)
        if isinstance(value, list):
            return self.container(key + f"<span class='n'>{esc(self._describe(value, path))}</span>", value, path, depth, len(value), whole)
        return f"<li data-path='{esc(path)}'{self._classes(path)}>{key}<span class='s'>{esc(_compact(value))}</span>{self._copy(path)}</li>"

    def _describe(self, value: list[Any], path: str) -> str:
        shape = _array_shape(value)
        general = generalize(path)
        if shape == _EMPTY:
            known = self.shapes.get(general) if self.shapes is not None else None
            return f"{known}, empty" if known else "empty (List, Dict or Set)"
        name = SHAPE_NAMES.get(shape, "List")
        if self.shapes is not None and (name != "List" or general not in self.shapes):
            self.shapes[general] = name  # a List reading never overrides a Dict or Set seen before
        noun = {"Dict": "entries", "Set": "members"}.get(name, "items")
        return f"{name}, {len(value)} {noun}"

    def container(self, summary: str, value: Any, path: str, depth: int, total: int, whole: bool) -> str:
        esc = html.escape
        more = 0
        if self.search is not None and not whole:  # only the branches leading to matches
            items = [c for c in _children(value, path) if c[2] in self.hits or c[2] in self.search.on_way]
            opened = True
        else:
            shown = self.limits.get(path, self.limit)
            more = total - shown
            items = _children(value, path, shown)
            opened = self.expanded.get(path, depth < self.open_depth)
        children = "".join(self.node(label, v, p, depth + 1, whole) for label, v, p in items)
        if more > 0:
            self.truncated[path] = more
            children += (
                f"<li class='more' data-more='{esc(path)}' title='show {min(more, DEFAULT_PAGE)} more'>"
                f"\u2026 {more} more</li>"
            )
        return (
            f"<li data-path='{esc(path)}'{self._classes(path)}><details{' open' if opened else ''}>"
            f"<summary>{summary}{self._inside(path)}{self._copy(path)}</summary><ul>{children}</ul></details></li>"
        )


def state_tree(
    state: str | None,
    *,
    limit: int = DEFAULT_PAGE,
    limits: Mapping[str, int] | None = None,
    open_depth: int = 1,
    expanded: Mapping[str, bool] | None = None,
    changed: Iterable[str] = (),
    search: str = "",
    shapes: MutableMapping[str, str] | None = None,
) -> TreeRender:
    """Render a serialized state as a collapsible tree.

    Parameters
    ----------
    state
        The state JSON (``getSerializedState``), or None when no app was running.
    limit
        Items shown per collection.
    limits
        Per-path overrides of ``limit`` (a widget's "more" raises these).
    open_depth
        Levels opened initially (1: the root's fields are visible, their contents collapsed).
    expanded
        Per-path open (True) or closed (False), overriding ``open_depth``.
    changed
        Paths (diff syntax) to highlight as changed.
    search
        Keep only the branches whose key or value contains this text.
    shapes
        Generalised path -> "Dict" / "Set" / "List": read to name empty collections, and
        updated with every non-empty one rendered.
    """
    if state is None:
        return TreeRender("<div class='elmreplay-tree'><i>no app running: no state</i></div>")
    try:
        value = json.loads(state)
    except ValueError:
        text = state if len(state) <= 2000 else state[:2000] + "\u2026"
        return TreeRender(f"<div class='elmreplay-tree'><i>state is not JSON:</i><pre>{html.escape(text)}</pre></div>")
    found = _Search(value, search) if search.strip() else None
    r = _Renderer(limit, limits or {}, open_depth, expanded or {}, set(changed), shapes, found)
    if found is not None and not found.hits:
        body = f"<li><i>nothing matches {html.escape(search)!s}</i></li>"
    else:
        body = r.node("", value, ".", 0)
    head = ""
    if found is not None:
        n = len(found.hits)
        head = f"<div class='n'>{n}{'+' if found.more else ''} match{'es' if n != 1 else ''} for {html.escape(repr(search))}</div>"
    return TreeRender(
        f"{_STYLE}<div class='elmreplay-tree'>{head}<ul style='padding-left:0'>{body}</ul></div>",
        r.truncated,
        list(found.hits) if found else [],
        bool(found and found.more),
    )


def learn_shapes(state: str | None, shapes: MutableMapping[str, str], *, sample: int = 3) -> None:
    """Remember the shape of every non-empty collection of ``state`` (looking at the first
    ``sample`` children of each), to name empty collections of other states."""
    if state is None:
        return
    try:
        value = json.loads(state)
    except ValueError:
        return

    def walk(v: Any, path: str) -> None:
        if isinstance(v, list) and v:
            shape = _array_shape(v)
            name = SHAPE_NAMES.get(shape, "List")
            general = generalize(path)
            if name != "List" or general not in shapes:
                shapes[general] = name
        if isinstance(v, (dict, list)):
            for _, child, p in _children(v, path, sample):
                walk(child, p)

    walk(value, ".")
