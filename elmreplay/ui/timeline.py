"""The Jupyter timeline: step through a store's history and look at state, diff, event and response.

::

    from elmreplay.ui.timeline import Timeline
    Timeline(store)            # or Timeline(session) to share a session's checkpoints

Layout (ipywidgets 8, no custom JavaScript): a header, a marker track (deployments,
migrations, set-state, reverts, reductions, errors), play / step / slider, jump-to-next-of-kind,
a filterable, paged event list, and tabs for the state tree, the diff (against the previous
step or a pinned one), the event JSON and the app's response.

What it costs: moving the slider replays nothing until it stops (the slider only reports when
released and changes are debounced), and only the tab on screen is computed, for the displayed
step only, through the session's checkpoints. Reprs show what is already computed and never
replay; without a widget frontend (nbconvert HTML, GitHub, nbval) the timeline shows as static
HTML and a deterministic one-line text.
"""

from __future__ import annotations

import asyncio
import html
import json
from collections import OrderedDict
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator

import ipywidgets as widgets

from ..errors import ElmReplayError
from ..inspect.diff import StateDiff, diff_states
from ..store.records import RecordKind
from ..store.store import Store
from .eventlist import MARKERS, EventFilter, EventList, decode_body
from .findpanel import FindPanel
from .reprs import esc, table
from .tree import state_tree

if TYPE_CHECKING:
    from ..replay.session import ReplaySession

#: Tabs of the details area, in order.
PANES = ("state", "diff", "event", "response")
#: States kept in memory by the timeline itself (the displayed step, its base, recent steps).
STATE_CACHE = 8
#: Collection items shown per "more" click, and in the static HTML fallback.
MORE_STEP = 100
STATIC_LIMIT = 20
#: Longest JSON text shown in the event and response panes.
JSON_LIMIT = 20_000
#: Horizontal resolution of the marker track.
TRACK_WIDTH = 1000

_CSS = (
    "<style>"
    ".elmreplay-timeline select{font-family:var(--jp-code-font-family,monospace);font-size:12px}"
    ".elmreplay-timeline .elmreplay-pane{max-height:420px;overflow:auto;border:1px solid #d0d7de;padding:4px}"
    ".elmreplay-timeline pre{margin:2px 0;white-space:pre-wrap;font-size:12px}"
    "</style>"
)


class _Debouncer:
    """Call ``fn`` with the latest arguments once calls stop for ``delay`` seconds.

    Needs a running asyncio loop (the kernel's); without one (scripts, tests) it calls at once.
    """

    def __init__(self, fn: Callable[[int], None], delay: float) -> None:
        self.fn = fn
        self.delay = delay
        self._handle: asyncio.TimerHandle | None = None

    def __call__(self, value: int) -> None:
        if self.delay <= 0:
            self.fn(value)
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.fn(value)
            return
        if self._handle is not None:
            self._handle.cancel()
        self._handle = loop.call_later(self.delay, self.fn, value)


def _pretty_json(text: str | None) -> str:
    if text is None:
        return "null"
    try:
        out = json.dumps(json.loads(text), indent=1, ensure_ascii=False)
    except ValueError:
        out = text
    return out if len(out) <= JSON_LIMIT else out[:JSON_LIMIT] + f"\n\u2026 ({len(out) - JSON_LIMIT} more characters)"


def _pre(text: str) -> str:
    return f"<pre>{html.escape(text)}</pre>"


def _bodies_html(value: Any, label: str) -> str:
    """Decoded ``bodyAsBase64`` fields found anywhere in a JSON value, as text blocks."""
    found: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                if k == "bodyAsBase64":
                    text = decode_body(x)
                    if text is not None:
                        found.append(text)
                else:
                    walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(value)
    return "".join(f"<div><b>{esc(label)}</b>{_pre(t)}</div>" for t in found)


class Timeline(widgets.VBox):
    """Step through a store's history in Jupyter.

    Parameters
    ----------
    source
        A :class:`~elmreplay.store.store.Store` (a replay session is made for it, with runtimes
        found beside the store) or a :class:`~elmreplay.replay.session.ReplaySession`.
    index
        The record shown first (default: where the session stands, else the first record).
    responses
        Replay the whole history once (with a progress bar) to show every response status in
        the list and mark every error; otherwise statuses appear as steps are shown.
    page_size
        Rows of the event list per page.
    debounce_s
        Seconds the slider must rest before a step is computed (0: at once).
    session_kw
        Passed to :func:`elmreplay.replay` when ``source`` is a store.
    """

    def __init__(
        self,
        source: Store | ReplaySession,
        *,
        index: int | None = None,
        responses: bool = False,
        page_size: int = 15,
        debounce_s: float = 0.15,
        **session_kw: Any,
    ) -> None:
        if isinstance(source, Store):
            from ..api import replay

            self.session = replay(source, **{"checkpoint_every": 250, **session_kw})
            self._owns_session = True
        else:
            self.session = source
            self._owns_session = False
        self.store = self.session.store
        self.events = EventList(self.store)
        self.page_size = page_size
        n = len(self.store)
        self._first = max(self.session.first_index, 0)
        self._last = max(n - 1, 0)
        self._index = self._first
        self._pinned: int | None = None
        self._filter = EventFilter()
        self._matches = self.events.matches(self._filter)
        self._page = 0
        self._states: OrderedDict[int, str | None] = OrderedDict()
        self._responses: dict[int, str | None] = {}
        self._pane_html: dict[str, str] = {}
        self._diff: StateDiff | None = None  # the diff on screen, for the static copy
        self._pane_key: dict[str, tuple[Any, ...]] = {}
        self._limits: dict[str, int] = {}
        self._truncated: dict[str, int] = {}
        self._message = ""
        self._syncing = False
        self._debounce_s = debounce_s
        self._legend = ""
        self._track_markers = ""
        self._build_widgets()
        super().__init__(
            [self._style, self.header, self.track, self._controls, self._jumps, self._filters, self.event_list,
             self._pager, self.details_toggle, self.details]  # fmt: skip
        )
        self.add_class("elmreplay-timeline")
        start = self.session.position if index is None and self.session.position >= self._first else index
        if responses:
            self.load_responses()
        self._track_markers = self._render_track_markers()
        self.show(self._first if start is None else start)

    # --- widgets --------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        W = widgets
        full = W.Layout(width="100%")
        self._style = W.HTML(_CSS)
        self.header = W.HTML(layout=full)
        self.track = W.HTML(layout=full)
        self.play = W.Play(min=self._first, max=self._last, step=1, interval=400, description="play")
        self.back_button = W.Button(description="\u25c0", tooltip="previous record", layout=W.Layout(width="40px"))
        self.step_button = W.Button(description="\u25b6", tooltip="next record", layout=W.Layout(width="40px"))
        self.slider = W.IntSlider(
            min=self._first, max=self._last, value=self._first, continuous_update=False, description="record",
            layout=W.Layout(width="60%"),
        )  # fmt: skip
        W.jslink((self.play, "value"), (self.slider, "value"))
        self.pin_button = W.ToggleButton(value=False, description="pin", tooltip="diff against this step")
        self._controls = W.HBox([self.play, self.back_button, self.slider, self.step_button, self.pin_button])

        self.jump_kind = W.Dropdown(options=list(MARKERS), value="deployment", description="jump to", layout=W.Layout(width="240px"))
        self.jump_prev = W.Button(description="\u25c0 previous", layout=W.Layout(width="110px"))
        self.jump_next = W.Button(description="next \u25b6", layout=W.Layout(width="110px"))
        self._jumps = W.HBox([self.jump_kind, self.jump_prev, self.jump_next])

        self.kind_filter = W.Dropdown(options=[("any kind", "")] + [(k, k) for k in self.events.kinds()], value="", layout=W.Layout(width="170px"))
        self.type_filter = W.Dropdown(options=[("any type", "")] + [(t, t) for t in self.events.event_types()], value="", layout=W.Layout(width="220px"))
        self.text_filter = W.Text(placeholder="filter text (uri, request id, body…)", continuous_update=False, layout=W.Layout(width="320px"))
        self.match_label = W.HTML()
        self._filters = W.HBox([self.kind_filter, self.type_filter, self.text_filter, self.match_label])

        self.event_list = W.Select(options=[], rows=self.page_size, layout=full)
        self.page_prev = W.Button(description="\u25c0 page", layout=W.Layout(width="90px"))
        self.page_next = W.Button(description="page \u25b6", layout=W.Layout(width="90px"))
        self.page_label = W.HTML()
        self._pager = W.HBox([self.page_prev, self.page_label, self.page_next])

        self.details_toggle = W.ToggleButton(value=True, description="details", tooltip="show state, diff, event, response")
        self.state_html = W.HTML()
        self.more_path = W.Dropdown(options=[], description="collection", layout=W.Layout(width="420px"))
        self.more_button = W.Button(description=f"show {MORE_STEP} more")
        self._more = W.HBox([self.more_path, self.more_button], layout=W.Layout(display="none"))
        self.diff_html = W.HTML()
        self.event_html = W.HTML()
        self.response_html = W.HTML()
        self.panes: dict[str, widgets.HTML] = {
            "state": self.state_html, "diff": self.diff_html, "event": self.event_html, "response": self.response_html,
        }  # fmt: skip
        for pane in self.panes.values():
            pane.add_class("elmreplay-pane")
        self.details = W.Tab(
            children=[W.VBox([self._more, self.state_html]), self.diff_html, self.event_html, self.response_html],
            titles=list(PANES),
            selected_index=0,
        )

        self._debounced = _Debouncer(self.show, self._debounce_s)
        self.slider.observe(self._on_slider, names="value")
        self.back_button.on_click(lambda _: self.step(-1))
        self.step_button.on_click(lambda _: self.step(1))
        self.pin_button.observe(self._on_pin, names="value")
        self.jump_prev.on_click(lambda _: self.jump(self.jump_kind.value, forward=False))
        self.jump_next.on_click(lambda _: self.jump(self.jump_kind.value, forward=True))
        for w in (self.kind_filter, self.type_filter, self.text_filter):
            w.observe(self._on_filter, names="value")
        self.event_list.observe(self._on_select, names="value")
        self.page_prev.on_click(lambda _: self.turn_page(-1))
        self.page_next.on_click(lambda _: self.turn_page(1))
        self.details.observe(lambda _: self._refresh_details(), names="selected_index")
        self.details_toggle.observe(self._on_details_toggle, names="value")
        self.more_button.on_click(lambda _: self.more(self.more_path.value))

    # --- public ---------------------------------------------------------------------------

    @property
    def index(self) -> int:
        """The record shown."""
        return self._index

    @property
    def pinned(self) -> int | None:
        """The step the diff compares with (None: the previous step)."""
        return self._pinned

    @property
    def filter(self) -> EventFilter:
        return self._filter

    @property
    def matches(self) -> list[int]:
        """Record indices the filter keeps, over the whole history."""
        return [int(i) for i in self._matches]

    @property
    def page(self) -> int:
        return self._page

    @property
    def page_rows(self) -> list[int]:
        """Record indices on the event list's current page."""
        return [int(v) for _, v in self.event_list.options]

    @property
    def details_visible(self) -> bool:
        return bool(self.details_toggle.value)

    def show(self, index: int) -> None:
        """Display record ``index`` (clamped to the history)."""
        index = min(max(int(index), self._first), self._last)
        self._index = index
        self._message = ""
        with self._sync():
            self.slider.value = index
        self._follow_page()
        self._refresh_header()
        self._refresh_details()

    def step(self, n: int = 1) -> None:
        """Show the record ``n`` steps later (earlier when negative)."""
        self.show(self._index + n)

    def jump(self, marker: str, *, forward: bool = True) -> int | None:
        """Show the next (previous) record of a marker kind (see :data:`MARKERS`); returns it."""
        if marker not in MARKERS:
            raise ValueError(f"unknown marker {marker!r}; one of {', '.join(MARKERS)}")
        target = self.events.next_marker(marker, self._index, forward=forward)
        if target is None:
            self._message = f"no {'later' if forward else 'earlier'} {marker}"
            self._refresh_header()
            return None
        self.show(target)
        return target

    def set_filter(self, *, kind: str | None = None, event_type: str | None = None, text: str = "") -> None:
        """Filter the event list (the widgets follow); the filter covers the whole history."""
        with self._sync():
            self.kind_filter.value = kind or ""
            self.type_filter.value = event_type or ""
            self.text_filter.value = text
        self._apply_filter(EventFilter(kind or None, event_type or None, text))

    def turn_page(self, delta: int) -> None:
        pages = EventList.page_count(len(self._matches), self.page_size)
        self._page = min(max(self._page + delta, 0), pages - 1)
        self._refresh_list()

    def pin(self, index: int | None = None) -> None:
        """Diff every later step against record ``index`` (default: the one shown)."""
        self._pinned = self._index if index is None else index
        with self._sync():
            self.pin_button.value = True
            self.pin_button.description = f"pinned #{self._pinned}"
        self._refresh_header()
        self._refresh_details()

    def unpin(self) -> None:
        self._pinned = None
        with self._sync():
            self.pin_button.value = False
            self.pin_button.description = "pin"
        self._refresh_header()
        self._refresh_details()

    def more(self, path: str | None) -> None:
        """Show :data:`MORE_STEP` more items of the collection at ``path`` in the state tree."""
        if not path:
            return
        self._limits[path] = self._limits.get(path, MORE_STEP) + MORE_STEP
        self._refresh_details(force=("state",))

    def select_pane(self, name: str) -> None:
        self.details.selected_index = PANES.index(name)

    def load_responses(self) -> None:
        """Replay the history once (progress bar, interruptible) to learn every response status."""
        from .progress import responses as replay_responses

        out = replay_responses(self.session, self._first, len(self.store), desc="responses")
        self.events.note_responses(self._first, out)
        self._track_markers = self._render_track_markers()

    def state(self, index: int | None = None) -> str | None:
        """The serialized state after record ``index`` (default: the one shown)."""
        return self._state(self._index if index is None else index)

    # --- find box (issue 20; the panel lives in findpanel.py) -----------------------------

    def find(self, where: str = "") -> FindPanel:
        """The find box below the controls (added on first use); runs ``where`` when given."""
        kids: list[Any] = list(getattr(self, "children"))
        panel = next((c for c in kids if isinstance(c, FindPanel)), None)
        if panel is None:
            panel = FindPanel(self)
            kids.insert(kids.index(self._controls) + 1, panel)
            self.set_trait("children", tuple(kids))
        if where:
            panel.run(where)
        return panel

    def close(self) -> None:
        """Close the widgets, and the replay session when the timeline made it."""
        if self._owns_session:
            self.session.close()
        super().close()

    # --- reprs ----------------------------------------------------------------------------

    def __repr__(self) -> str:
        markers = self.events.markers()
        rec = self.events.rows[self._index] if len(self.events) else None
        what = "" if rec is None else f" ({rec.kind}{' ' + rec.event_type if rec.event_type else ''})"
        pinned = f", diff against #{self._pinned}" if self._pinned is not None else ""
        return (
            f"Timeline({self.store.name!r}: {len(self.store)} records, at #{self._index}{what}{pinned}; "
            f"{len(markers['deployment'])} deployments, {len(markers['reduction'])} reductions; "
            f"filter {self._filter.describe()}: {len(self._matches)} matches)"
        )

    def _repr_html_(self) -> str:
        return self._static_html()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/plain"] = repr(self)
        data["text/html"] = self._static_html()
        return data

    def _static_html(self) -> str:
        """The timeline as it stands, from what is already computed (no replay)."""
        rows = [self.events.rows[i] for i in self.page_rows]
        listing = table(
            ("record", "kind", "type", "time", "request", "status"),
            ([f"#{r.index}", r.kind, r.event_type, r.time, r.request, self.events.status(r.index) or ""] for r in rows),
        )
        parts = [f"<div class='elmreplay-timeline-static'>{self._header_html()}{self._track_html()}{listing}"]
        shown = self._visible_panes()
        if shown and self._pane_key.get(shown[0], (None,))[0] == self._index:  # the tab on screen, if computed
            name = shown[0]
            content = self._pane_html[name]
            # the widget pages by 100 and scrolls; a static copy stays small
            if name == "state" and self._index in self._states:
                content = state_tree(self._states[self._index], limit=STATIC_LIMIT).html
            elif name == "diff" and self._diff is not None:
                content = self._diff.to_html(limit=STATIC_LIMIT)
            parts.append(f"<details open><summary>{name} after #{self._index}</summary>{content}</details>")
        parts.append("</div>")
        return "".join(parts)

    # --- header and track -----------------------------------------------------------------

    def _header_html(self) -> str:
        i = self._index
        r = self.events.rows[i] if len(self.events) else None
        bits = [f"<b>#{i}</b> of {self._last}"]
        if r is not None:
            bits += [esc(r.kind), esc(r.event_type), esc(r.time), esc(r.request)]
            status = self.events.status(i)
            if status is not None:
                bits.append(f"status {status}")
            if r.has_reduction:
                bits.append("has reduction")
            if r.reverted:
                bits.append("<i>reverted later</i>")
        if self._pinned is not None:
            bits.append(f"diff against pinned #{self._pinned}")
        text = " \u00b7 ".join(b for b in bits if b)
        note = f" <span style='color:#cf222e'>{esc(self._message)}</span>" if self._message else ""
        return f"<div class='elmreplay-header'>{esc(self.store.name)}: {text}{note}</div>"

    def _render_track_markers(self) -> str:
        n = max(self._last, 1)
        parts: list[str] = []
        legend: list[str] = []
        for row, (name, color) in enumerate(MARKERS.items()):
            xs = sorted({round(i * TRACK_WIDTH / n) for i in self.events.markers()[name]})
            # deployments span the track; the other kinds get a lane each below them
            y, h = (0, 28) if name == "deployment" else (8 + (row - 1) * 4, 4)
            parts.extend(f"<rect x='{x}' y='{y}' width='3' height='{h}' fill='{color}'/>" for x in xs)
            legend.append(
                f"<span style='color:{color}'>\u25a0</span> {name} ({len(self.events.markers()[name])})"
            )
        self._legend = " &nbsp; ".join(legend)
        return "".join(parts)

    def _track_html(self) -> str:
        x = round(self._index * TRACK_WIDTH / max(self._last, 1))
        cursor = (
            f"<rect x='{max(x - 2, 0)}' y='0' width='5' height='28' fill='none' stroke='#24292f' stroke-width='2'/>"
        )
        svg = (
            f"<svg viewBox='0 0 {TRACK_WIDTH + 2} 28' preserveAspectRatio='none' width='100%' height='28' "
            f"style='background:#f6f8fa;display:block'>{self._track_markers}{cursor}</svg>"
        )
        return f"<div class='elmreplay-track'>{svg}<div style='font-size:11px'>{self._legend}</div></div>"

    def _refresh_header(self) -> None:
        self.header.value = self._header_html()
        self.track.value = self._track_html()

    # --- event list -----------------------------------------------------------------------

    def _apply_filter(self, flt: EventFilter) -> None:
        self._filter = flt
        self._matches = self.events.matches(flt)
        self._page = EventList.page_of(self._matches, self._index, self.page_size)
        self._refresh_list()

    def _follow_page(self) -> None:
        """Turn to the page holding the shown record (or the next match after it)."""
        page = EventList.page_of(self._matches, self._index, self.page_size)
        if page != self._page or not self.event_list.options:
            self._page = page
            self._refresh_list()
        else:
            self._select_current()

    def _refresh_list(self) -> None:
        rows = self.events.page(self._matches, self._page, self.page_size)
        with self._sync():
            self.event_list.options = [(self.events.label(i), i) for i in rows]
        self._select_current()
        pages = EventList.page_count(len(self._matches), self.page_size)
        self.page_label.value = f"&nbsp;page {self._page + 1} of {pages}&nbsp;"
        self.match_label.value = f"{len(self._matches)} of {len(self.events)} records"

    def _select_current(self) -> None:
        with self._sync():
            self.event_list.value = self._index if self._index in self.page_rows else None

    # --- details --------------------------------------------------------------------------

    def _visible_panes(self) -> list[str]:
        if not self.details_visible or self.details.selected_index is None:
            return []
        return [PANES[self.details.selected_index]]

    def _key(self, pane: str) -> tuple[Any, ...]:
        if pane == "state":
            return (self._index, tuple(sorted(self._limits.items())))
        if pane == "diff":
            return (self._index, self._base())
        return (self._index,)

    def _refresh_details(self, force: tuple[str, ...] = ()) -> None:
        seen = self.events.version
        for pane in self._visible_panes():
            key = self._key(pane)
            if self._pane_key.get(pane) == key and pane not in force:
                continue
            try:
                content = getattr(self, f"_render_{pane}")()
            except ElmReplayError as e:
                self.events.note_error(self._index)
                content = f"<div style='color:#cf222e'><b>{esc(type(e).__name__)}</b>{_pre(str(e))}</div>"
            self._pane_html[pane] = content
            self._pane_key[pane] = key
            self.panes[pane].value = content
        if self.events.version != seen:  # a status or error was learnt: redraw the list and track
            self._track_markers = self._render_track_markers()
            self._refresh_list()
        self._refresh_header()

    def _base(self) -> int | None:
        if self._pinned is not None:
            return self._pinned
        return self._index - 1 if self._index - 1 >= self._first else None

    def _state(self, index: int) -> str | None:
        if index in self._states:
            self._states.move_to_end(index)
            return self._states[index]
        rec = self.store.record(index)
        if rec.kind is RecordKind.UPDATE and index > self._first:
            # One replayed event gives both the response and the state.
            response, state = self.session.trace(index, index + 1)[index]
            self._responses[index] = response
            self.events.note_response(index, response)
        else:
            state = self.session.state_at(index)
            info = self.session.step_results.get(index)
            if info is not None and info.result is not None and not info.result.is_ok:
                self.events.note_error(index)
        self._states[index] = state
        while len(self._states) > STATE_CACHE:
            self._states.popitem(last=False)
        return state

    def _response(self, index: int) -> str | None:
        if index not in self._responses:
            self._states.pop(index, None)  # _state fetches the response along with the state
            self._state(index)
        return self._responses.get(index)

    def _render_state(self) -> str:
        render = state_tree(self._state(self._index), limit=MORE_STEP, limits=self._limits)
        self._truncated = render.truncated
        with self._sync():
            chosen = self.more_path.value
            self.more_path.options = [(f"{p}  ({n} more)", p) for p, n in render.truncated.items()]
            if render.truncated:  # keep the collection being paged through selected
                self.more_path.value = chosen if chosen in render.truncated else next(iter(render.truncated))
        self._more.layout.display = "flex" if render.truncated else "none"
        return render.html

    def _render_diff(self) -> str:
        self._diff = None
        base = self._base()
        if base is None:
            return "<i>the first record: nothing to compare with</i>"
        old, new = self._state(base), self._state(self._index)
        if old is None or new is None:
            which = f"#{base}" if old is None else f"#{self._index}"
            return f"<i>no app was running after record {which}: nothing to compare</i>"
        diff = diff_states(old, new, old_label=f"#{base}", new_label=f"#{self._index}")
        diff.HTML_COLLAPSE_AT = diff.HTML_LIMIT  # the pane scrolls: show the rows rather than a fold
        self._diff = diff
        return diff.to_html()

    def _render_event(self) -> str:
        i = self._index
        rec = self.store.record(i)
        facts = [
            ("record", f"#{i} {rec.hash}"),
            ("kind", rec.kind.value),
            ("parent", rec.parent_hash or "-"),
            ("location", str(rec.location)),
        ]
        if rec.reverted:
            facts.append(("reverted", "yes (a later revert hid it)"))
        if rec.revert_target:
            facts.append(("reverts to", f"#{self.store.index_of_hash.get(rec.revert_target)} {rec.revert_target}"))
        body = ""
        ev = rec.parsed.event
        if rec.kind is RecordKind.UPDATE:
            events = self.store.app_events(rec)
            for text in events:
                try:
                    body += _bodies_html(json.loads(text), "request body")
                except ValueError:
                    pass
                body += _pre(_pretty_json(text))
        elif rec.kind in (RecordKind.DEPLOY_INIT, RecordKind.DEPLOY_MIGRATE) and ev.value is not None:
            config = ev.value.hash_base16
            facts.append(("app config", config or "-"))
            if config:
                files = sorted(self.store.app_config(config).files)
                body += "<b>app config files</b>" + _pre("\n".join(files))
        elif rec.kind is RecordKind.SET_STATE:
            body += "<b>state set</b>" + _pre(_pretty_json(self.store.set_state_json(i).decode("utf-8", errors="replace")))
        return table(("", ""), facts, limit=len(facts)) + body

    def _render_response(self) -> str:
        i = self._index
        rec = self.store.record(i)
        logs = [line for k, line in self.session.logs if k == i]
        log_html = ("<b>app log</b>" + _pre("\n".join(logs))) if logs else ""
        if rec.kind is RecordKind.UPDATE:
            response = self._response(i)
            if response is None:
                return "<i>no app was running: the host ignored this event</i>" + log_html
            status = self.events.status(i)
            head = f"<b>status {status}</b>" if status is not None else "<b>no HTTP response completed</b>"
            try:
                bodies = _bodies_html(json.loads(response), "response body")
            except ValueError:
                bodies = ""
            return head + bodies + _pre(_pretty_json(response)) + log_html
        self._state(i)  # applying the record is what produces its result
        info = self.session.step_results.get(i)
        if info is None or info.result is None:
            return f"<i>{esc(rec.kind.value)}: the host reports no result for this record</i>" + log_html
        color = "#1a7f37" if info.result.is_ok else "#cf222e"
        return f"<b style='color:{color}'>{esc('Ok' if info.result.is_ok else 'Err')}</b>" + _pre(info.result.ok or info.result.err or "") + log_html

    # --- observers ------------------------------------------------------------------------

    @contextmanager
    def _sync(self) -> Iterator[None]:
        """Widget changes made by the timeline itself do not trigger its observers."""
        outer, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = outer

    def _on_slider(self, change: dict[str, Any]) -> None:
        if not self._syncing:
            self._debounced(int(change["new"]))

    def _on_select(self, change: dict[str, Any]) -> None:
        if not self._syncing and change["new"] is not None:
            self.show(int(change["new"]))

    def _on_filter(self, change: dict[str, Any]) -> None:
        if not self._syncing:
            self._apply_filter(
                EventFilter(self.kind_filter.value or None, self.type_filter.value or None, self.text_filter.value or "")
            )

    def _on_pin(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        if change["new"]:
            self.pin()
        else:
            self.unpin()

    def _on_details_toggle(self, change: dict[str, Any]) -> None:
        self.details.layout.display = None if change["new"] else "none"
        self._refresh_details()
