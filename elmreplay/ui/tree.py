"""A collapsible, Elm-aware HTML tree of a serialized Elm state, with large collections paged.

Records, Dicts, Sets, lists and custom types are recognised from their JSON shape with the same
rules as :mod:`elmreplay.inspect.diff`. Every collection shows its first ``limit`` items (100 by
default) followed by a "… N more" line; :func:`state_tree` reports which paths were cut so a
widget can offer "more" for them. The HTML is plain ``<details>`` elements, so it stays
collapsible in static HTML (nbconvert, GitHub) without any JavaScript.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..inspect.diff import _DICT, _SET, _VARIANT, _array_shape, _kind

#: Items of one collection shown before "… N more".
DEFAULT_PAGE = 100
#: Longest scalar text shown inline (display only).
SCALAR_WIDTH = 160

_STYLE = (
    "<style>"
    ".elmreplay-tree{font-family:var(--jp-code-font-family,monospace);font-size:12px;line-height:1.45}"
    ".elmreplay-tree ul{list-style:none;margin:0;padding-left:1.2em}"
    ".elmreplay-tree summary{cursor:pointer}"
    ".elmreplay-tree .k{color:#0550ae}.elmreplay-tree .t{color:#8250df}"
    ".elmreplay-tree .s{color:#0a3069}.elmreplay-tree .n{color:#6e7781}"
    ".elmreplay-tree .more{color:#6e7781;font-style:italic}"
    "</style>"
)


@dataclass
class TreeRender:
    """The HTML of a state tree and the collection paths whose items were cut."""

    html: str
    truncated: dict[str, int] = field(default_factory=dict)  # path -> items not shown


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


class _Renderer:
    def __init__(self, limit: int, limits: Mapping[str, int], open_depth: int) -> None:
        self.limit = limit
        self.limits = limits
        self.open_depth = open_depth
        self.truncated: dict[str, int] = {}

    def node(self, label: str, value: Any, path: str, depth: int) -> str:
        esc = html.escape
        key = f"<span class='k'>{esc(label)}</span>: " if label else ""
        kind = _kind(value)
        if kind == _VARIANT:
            inline = _variant_inline(value)
            if inline is not None:
                return f"<li>{key}{inline}</li>"
            ((tag, args),) = value.items()
            items = [(f"[{i}]", a, f"{path}<{tag}>[{i}]") for i, a in enumerate(args)]
            return self.container(key + f"<span class='t'>{esc(tag)}</span>", items, path, depth, len(args))
        if isinstance(value, dict):
            items = [(name, v, (path if path != "." else "") + _field_segment(name)) for name, v in value.items()]
            return self.container(key + f"<span class='n'>{{{len(value)} fields}}</span>", items, path, depth, len(value))
        if isinstance(value, list):
            return self.array(key, value, path, depth)
        return f"<li>{key}<span class='s'>{esc(_compact(value))}</span></li>"

    def array(self, key: str, value: list[Any], path: str, depth: int) -> str:
        shape = _array_shape(value)
        base = path if path != "." else "."
        shown = value[: self.limits.get(path, self.limit)]
        if shape == _DICT:
            what = f"Dict, {len(value)} entries"
            items = [(f"[{_compact(k)}]", v, f"{base}[{_compact(k)}]") for k, v in shown]
        elif shape == _SET:
            what = f"Set, {len(value)} members"
            items = [("", v, f"{base}{{{_compact(v)}}}") for v in shown]
        else:
            what = f"List, {len(value)} items"
            items = [(f"[{i}]", v, f"{base}[{i}]") for i, v in enumerate(shown)]
        return self.container(key + f"<span class='n'>{what}</span>", items, path, depth, len(value))

    def container(self, summary: str, items: list[tuple[str, Any, str]], path: str, depth: int, total: int) -> str:
        esc = html.escape
        children = "".join(self.node(label, v, p, depth + 1) for label, v, p in items)
        more = total - len(items)
        if more > 0:
            self.truncated[path] = more
            children += f"<li class='more' data-more='{esc(path)}'>\u2026 {more} more</li>"
        opened = " open" if depth < self.open_depth else ""
        return (
            f"<li data-path='{esc(path)}'><details{opened}><summary>{summary}</summary>"
            f"<ul>{children}</ul></details></li>"
        )


def state_tree(
    state: str | None,
    *,
    limit: int = DEFAULT_PAGE,
    limits: Mapping[str, int] | None = None,
    open_depth: int = 1,
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
    """
    if state is None:
        return TreeRender("<div class='elmreplay-tree'><i>no app running: no state</i></div>")
    try:
        value = json.loads(state)
    except ValueError:
        text = state if len(state) <= 2000 else state[:2000] + "\u2026"
        return TreeRender(f"<div class='elmreplay-tree'><i>state is not JSON:</i><pre>{html.escape(text)}</pre></div>")
    r = _Renderer(limit, limits or {}, open_depth)
    body = r.node("", value, ".", 0)
    return TreeRender(f"{_STYLE}<div class='elmreplay-tree'><ul style='padding-left:0'>{body}</ul></div>", r.truncated)
