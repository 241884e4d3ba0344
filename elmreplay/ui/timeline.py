"""The Jupyter timeline: step through a store's history and look at state, diff, event and response.

::

    from elmreplay.ui.timeline import Timeline
    Timeline(store)            # or Timeline(session) to share a session's checkpoints

Layout (ipywidgets 8 and two small anywidgets): a header, a marker track with a legend
(deployments, migrations, set-state, reverts, reductions, errors, each in a lane of its own), a
toolbar (playback with speed, slider, jumps to the next marker of a kind, skip-an-event, filters;
built by :meth:`Timeline._toolbar_rows`), a paged event list whose rows say what each request did,
and tabs for the state tree, the diff (against the previous step or a pinned one), the event
(headers and full body) and the app's response.

Errors show without asking: response statuses and failures come from one replay of the history
in chunks (:mod:`elmreplay.ui.scan`), the first ones before the timeline shows, the rest in the
background with a progress note in the legend.

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

from ..errors import ElmReplayError, SkipNotPossible
from ..inspect.diff import StateDiff, diff_states
from ..inspect.render import esc, table
from ..replay.skip import SkippedEventRun
from ..store.records import RecordKind
from ..store.store import Store
from .eventlist import COLUMNS, MARKERS, MARKS, EventFilter, EventList, Summarizer, decode_body
from .findpanel import FindPanel
from .keyboard import Keyboard
from .scan import ResponseScan
from .tree import learn_shapes, state_tree
from .treeview import StateTreeView

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
#: Horizontal resolution of the marker track, and the height of one marker lane.
TRACK_WIDTH = 1000
LANE_HEIGHT = 6
#: Seconds per step when playing at 1x, and the speeds offered.
PLAY_INTERVAL_S = 0.4
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
#: Records whose responses are checked before the timeline first shows (a count, not a time, so
#: notebook outputs stay deterministic); the rest are checked in the background.
SCAN_AT_ONCE = 20_000
#: Changed paths highlighted in the state tree at most.
HIGHLIGHT_LIMIT = 5_000

#: What each marker kind means (the legend's tooltips).
MARKER_HELP = {
    "deployment": "deploy+init or deploy+migrate: a new app version starts",
    "migration": "deploy+migrate: the state went through the new version's migration",
    "set-state": "SetElmAppState: an administrator replaced the state",
    "revert": "RevertProcessTo: the process went back to an earlier record",
    "reduction": "a stored reduction (a snapshot of the state) of this record",
    "error": MARKS["!"],
}

_CSS = (
    "<style>"
    ".elmreplay-timeline select,.elmreplay-timeline .elmreplay-columns"
    "{font-family:var(--jp-code-font-family,monospace);font-size:12px}"
    ".elmreplay-timeline .elmreplay-columns{white-space:pre;padding:0 4px;color:#57606a}"
    ".elmreplay-timeline .elmreplay-columns abbr{text-decoration:underline dotted;cursor:help}"
    ".elmreplay-timeline .elmreplay-pane{max-height:420px;overflow:auto;border:1px solid #d0d7de;padding:4px}"
    ".elmreplay-timeline pre{margin:2px 0;white-space:pre-wrap;font-size:12px}"
    ".elmreplay-timeline:focus{outline:1px dashed #8c959f}"
    ".elmreplay-timeline .elmreplay-counterfactual{background:#fff1e5;border-left:4px solid #bc4c00;padding:2px 6px}"
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


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _pretty_json(text: str | None, limit: int | None = JSON_LIMIT) -> str:
    if text is None:
        return "null"
    try:
        out = json.dumps(json.loads(text), indent=1, ensure_ascii=False)
    except ValueError:
        out = text
    if limit is None or len(out) <= limit:
        return out
    return out[:limit] + f"\n\u2026 ({len(out) - limit} more characters)"


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
    return "".join(f"<div><b>{esc(label)}</b>{_pre(_pretty_json(t, None))}</div>" for t in found)


def _columns_html() -> str:
    """The event list's column heads, aligned with :meth:`EventList.label`, each with its meaning."""

    def head(name: str, text: str, width: int, right: bool = False) -> str:
        pad = " " * max(width - len(text), 0)
        cell = f"<abbr title='{esc(COLUMNS[name])}'>{esc(text)}</abbr>"
        return pad + cell if right else cell + pad

    marks = "".join(f"<abbr title='{esc(m)}: {esc(help_)}'>{esc(m)}</abbr>" for m, help_ in MARKS.items())
    return (
        "<div class='elmreplay-columns'>"
        + " ".join(
            [head("#", "#", 7), marks, head("time", "time", 14), head("kind", "kind", 14), head("request", "request", 16),
             head("status", "status", 6)]  # fmt: skip
        )
        + "  "
        + head("what", "what", 4)
        + "</div>"
    )


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
        Learn every response status and failure by replaying the history once (the first
        :data:`SCAN_AT_ONCE` records at once, the rest in the background), so errors are marked
        from the start. False: statuses appear only as steps are shown.
    summarizer
        Turns an app event into the text of its row (see :data:`~elmreplay.ui.eventlist.Summarizer`);
        by default the request body's top-level JSON fields.
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
        responses: bool = True,
        summarizer: Summarizer | None = None,
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
        self.events = EventList(self.store, summarizer=summarizer)
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
        self._shapes: dict[str | None, dict[str, str]] = {}
        self._changed: tuple[tuple[int, int, int | None], list[str]] | None = None
        self._search_hits: list[str] = []
        self._message = ""
        self._syncing = False
        self._closed = False
        self._debounce_s = debounce_s
        self._legend = ""
        self._track_markers = ""
        self._player: asyncio.Task[None] | None = None
        self._skip: SkippedEventRun | None = None
        self._scan_handle: asyncio.Handle | None = None
        # a session that starts from a reduction has no response for that record: scan after it
        self.scan = ResponseScan(self.session, self.events, self.session.first_index + 1 if self.session.first_index >= 0 else 0)
        self._build_widgets()
        super().__init__(
            [self._style, self.header, self.track, self.toolbar, self.columns, self.event_list, self._pager,
             self.details_toggle, self.details]  # fmt: skip
        )
        self.add_class("elmreplay-timeline")
        start = self.session.position if index is None and self.session.position >= self._first else index
        if responses:
            self._start_scan()
        self._track_markers = self._render_track_markers()
        self.show(self._first if start is None else start)

    # --- widgets --------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        W = widgets
        full = W.Layout(width="100%")
        self._style = W.HTML(_CSS)
        self.header = W.HTML(layout=full)
        self.track = W.HTML(layout=full)

        small = W.Layout(width="44px")
        self.play_button = W.ToggleButton(value=False, description="\u25b6 play", tooltip="play / pause (space)", layout=W.Layout(width="90px"))
        self.speed = W.Dropdown(options=[(f"{s:g}x", s) for s in SPEEDS], value=1.0, tooltip="playback speed",
                                layout=W.Layout(width="75px"))  # fmt: skip
        self.first_button = W.Button(description="|\u25c0", tooltip="first record (Home)", layout=small)
        self.back_button = W.Button(description="\u25c0", tooltip="previous record (\u2190)", layout=small)
        self.step_button = W.Button(description="\u25b6", tooltip="next record (\u2192)", layout=small)
        self.last_button = W.Button(description="\u25b6|", tooltip="last record (End)", layout=small)
        self.slider = W.IntSlider(
            min=self._first, max=self._last, value=self._first, continuous_update=False, description="record #",
            tooltip="record index (0-based append order, as in `elmreplay events`)", layout=W.Layout(width="50%"),
        )  # fmt: skip
        self.pin_button = W.ToggleButton(value=False, description="pin", tooltip="diff later steps against this one")
        self.keyboard = Keyboard(self._on_key)

        self.jump_kind = W.Dropdown(options=list(MARKERS), value="error", description="jump to", layout=W.Layout(width="210px"))
        self.jump_prev = W.Button(description="\u25c0 previous", tooltip="previous record of this kind", layout=W.Layout(width="100px"))
        self.jump_next = W.Button(description="next \u25b6", tooltip="next record of this kind", layout=W.Layout(width="100px"))
        self.skip_button = W.ToggleButton(
            value=False, description="skip this event",
            tooltip="counterfactual: replay the later app events in memory without this one (nothing is written)",
            layout=W.Layout(width="170px"),
        )  # fmt: skip

        self.kind_filter = W.Dropdown(options=[("any kind", "")] + [(k, k) for k in self.events.kinds()], value="", layout=W.Layout(width="170px"))
        self.type_filter = W.Dropdown(options=[("any type", "")] + [(t, t) for t in self.events.event_types()], value="", layout=W.Layout(width="220px"))
        self.text_filter = W.Text(placeholder="filter rows (uri, request id, body\u2026)", continuous_update=False, layout=W.Layout(width="320px"))
        self.match_label = W.HTML()
        self.toolbar = W.VBox(self._toolbar_rows(), layout=full)

        self.columns = W.HTML(_columns_html(), layout=full)
        self.event_list = W.Select(options=[], rows=self.page_size, layout=full)
        self.page_prev = W.Button(description="\u25c0 page", layout=W.Layout(width="90px"))
        self.page_next = W.Button(description="page \u25b6", layout=W.Layout(width="90px"))
        self.page_label = W.HTML()
        self._pager = W.HBox([self.page_prev, self.page_label, self.page_next])

        self.details_toggle = W.ToggleButton(value=True, description="details", tooltip="show state, diff, event, response")
        self.search_box = W.Text(placeholder="search the state (key or value)", continuous_update=False, layout=W.Layout(width="320px"))
        self.highlight = W.Checkbox(value=True, description="highlight changes", indent=False, layout=W.Layout(width="160px"))
        self.copied_label = W.HTML()
        self.state_html = StateTreeView(on_more=self.more)
        self.diff_html = W.HTML()
        self.event_html = W.HTML()
        self.response_html = W.HTML()
        self.panes: dict[str, Any] = {
            "state": self.state_html, "diff": self.diff_html, "event": self.event_html, "response": self.response_html,
        }  # fmt: skip
        for pane in self.panes.values():
            pane.add_class("elmreplay-pane")
        state_bar = W.HBox([self.search_box, self.highlight, self.copied_label])
        self.details = W.Tab(
            children=[W.VBox([state_bar, self.state_html]), self.diff_html, self.event_html, self.response_html],
            titles=list(PANES),
            selected_index=0,
        )

        self._debounced = _Debouncer(self.show, self._debounce_s)
        self.slider.observe(self._on_slider, names="value")
        self.play_button.observe(self._on_play, names="value")
        self.first_button.on_click(lambda _: self.show(self._first))
        self.back_button.on_click(lambda _: self.step(-1))
        self.step_button.on_click(lambda _: self.step(1))
        self.last_button.on_click(lambda _: self.show(self._last))
        self.pin_button.observe(self._on_pin, names="value")
        self.jump_prev.on_click(lambda _: self.jump(self.jump_kind.value, forward=False))
        self.jump_next.on_click(lambda _: self.jump(self.jump_kind.value, forward=True))
        self.skip_button.observe(self._on_skip, names="value")
        for w in (self.kind_filter, self.type_filter, self.text_filter):
            w.observe(self._on_filter, names="value")
        self.event_list.observe(self._on_select, names="value")
        self.page_prev.on_click(lambda _: self.turn_page(-1))
        self.page_next.on_click(lambda _: self.turn_page(1))
        self.details.observe(lambda _: self._refresh_details(), names="selected_index")
        self.details_toggle.observe(self._on_details_toggle, names="value")
        self.search_box.observe(lambda _: self._refresh_details(), names="value")
        self.highlight.observe(lambda _: self._refresh_details(), names="value")
        self.state_html.observe(self._on_copied, names="copied")

    def _toolbar_rows(self) -> list[widgets.Widget]:
        """The rows of controls between the track and the event list. Further controls (e.g. a
        find box) belong here, as a row of their own."""
        W = widgets
        return [
            W.HBox([self.play_button, self.speed, self.first_button, self.back_button, self.slider, self.step_button,
                    self.last_button, self.pin_button]),  # fmt: skip
            W.HBox([self.jump_kind, self.jump_prev, self.jump_next, self.skip_button, self.keyboard]),
            W.HBox([self.kind_filter, self.type_filter, self.text_filter, self.match_label]),
        ]

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

    @property
    def playing(self) -> bool:
        return self._player is not None

    @property
    def skipped(self) -> int | None:
        """The app event left out of the history shown (None: the recorded history)."""
        return None if self._skip is None else self._skip.skipped

    def show(self, index: int) -> None:
        """Display record ``index`` (clamped to the history)."""
        index = min(max(int(index), self._first), self._last)
        self._index = index
        self._message = ""
        with self._sync():
            self.slider.value = index
        self._follow_page()
        self._refresh_skip_button()
        self._refresh_header()
        self._refresh_details()

    def step(self, n: int = 1) -> None:
        """Show the record ``n`` steps later (earlier when negative)."""
        self.show(self._index + n)

    def jump(self, marker: str, *, forward: bool = True) -> int | None:
        """Show the next (previous) record of a marker kind (see :data:`MARKERS`); returns it."""
        if marker not in MARKERS:
            raise ValueError(f"unknown marker {marker!r}; one of {', '.join(MARKERS)}")
        if marker == "error" and forward:
            self.scan.run_until_error_after(self._index)  # the background scan may not be there yet
            self._after_scan_chunk()
        target = self.events.next_marker(marker, self._index, forward=forward)
        if target is None:
            self._message = f"no {'later' if forward else 'earlier'} {marker}"
            self._refresh_header()
            return None
        self.show(target)
        return target

    def play(self) -> None:
        """Step forward every :data:`PLAY_INTERVAL_S` / speed seconds until the last record or
        :meth:`pause` (needs the running event loop of a Jupyter kernel)."""
        if self._player is not None:
            return
        loop = _running_loop()
        if loop is None:
            self._message = "playing needs a running event loop (a Jupyter kernel)"
            self._set_play_button(False)
            self._refresh_header()
            return
        if self._index >= self._last:
            self.show(self._first)
        self._player = loop.create_task(self._play_loop())
        self._set_play_button(True)

    def pause(self) -> None:
        """Stop playing; the record shown stays."""
        if self._player is not None:
            self._player.cancel()
            self._player = None
        self._set_play_button(False)

    def skip(self, index: int | None = None) -> None:
        """Show the history with app event ``index`` (default: the one shown) left out: a
        counterfactual replayed in memory (nothing is written), said so in the header."""
        self.unskip()
        target = self._index if index is None else index
        try:
            self._skip = SkippedEventRun(self.session, target)
        except ElmReplayError as e:
            self._message = str(e)
        self._refresh_skip_button()
        self._refresh_header()
        self._refresh_details(force=PANES)

    def unskip(self) -> None:
        """Back to the recorded history."""
        if self._skip is not None:
            self._skip.close()
            self._skip = None
            self._refresh_skip_button()
            self._refresh_header()
            self._refresh_details(force=PANES)

    def set_filter(self, *, kind: str | None = None, event_type: str | None = None, text: str = "") -> None:
        """Filter the event list (the widgets follow); the filter covers the whole history."""
        with self._sync():
            self.kind_filter.value = kind or ""
            self.type_filter.value = event_type or ""
            self.text_filter.value = text
        self._apply_filter(EventFilter(kind or None, event_type or None, text))

    def search(self, text: str) -> list[str]:
        """Keep only the state tree's branches whose key or value contains ``text``; returns the
        paths that match (at most :data:`~elmreplay.ui.tree.SEARCH_LIMIT`)."""
        self.search_box.value = text
        self.select_pane("state")
        return list(self._search_hits)

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

    def expand(self, path: str, open_: bool = True) -> None:
        """Open (or close) the state tree's node at ``path``; it stays so on later steps."""
        self.state_html.expanded = {**self.state_html.expanded, path: open_}
        self._refresh_details(force=("state",))

    def more(self, path: str | None) -> None:
        """Show :data:`MORE_STEP` more items of the collection at ``path`` in the state tree
        (kept for that path on later steps)."""
        if not path:
            return
        self._limits[path] = self._limits.get(path, MORE_STEP) + MORE_STEP
        self._refresh_details(force=("state",))

    def select_pane(self, name: str) -> None:
        self.details.selected_index = PANES.index(name)

    def load_responses(self) -> None:
        """Finish learning every response status now (the scan otherwise runs in the background)."""
        self.scan.run()
        self._after_scan_chunk()

    def state(self, index: int | None = None) -> str | None:
        """The serialized state after record ``index`` (default: the one shown), as recorded."""
        return self._state(self._index if index is None else index)

    # --- find box (issue 20; the panel lives in findpanel.py) -----------------------------

    def find(self, where: str = "") -> FindPanel:
        """The find box below the controls (added on first use); runs ``where`` when given."""
        kids: list[Any] = list(getattr(self, "children"))
        panel = next((c for c in kids if isinstance(c, FindPanel)), None)
        if panel is None:
            panel = FindPanel(self)
            kids.insert(kids.index(self.toolbar) + 1, panel)
            self.set_trait("children", tuple(kids))
        if where:
            panel.run(where)
        return panel

    def close(self) -> None:
        """Close the widgets, and the replay session when the timeline made it."""
        self._closed = True
        self.pause()
        if self._scan_handle is not None:
            self._scan_handle.cancel()
        if self._skip is not None:
            self._skip.close()
            self._skip = None
        if self._owns_session:
            self.session.close()
        super().close()

    # --- reprs ----------------------------------------------------------------------------

    def __repr__(self) -> str:
        markers = self.events.markers()
        rec = self.events.rows[self._index] if len(self.events) else None
        what = "" if rec is None else f" ({rec.kind}{' ' + rec.event_type if rec.event_type else ''})"
        pinned = f", diff against #{self._pinned}" if self._pinned is not None else ""
        skipped = f", without #{self.skipped} (counterfactual)" if self._skip is not None else ""
        return (
            f"Timeline({self.store.name!r}: {len(self.store)} records, at #{self._index}{what}{pinned}{skipped}; "
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
        ev = self.events
        listing = table(
            ("record", "marks", "time", "kind", "request", "status", "what"),
            ([f"#{i}", ev.marks(i).replace(" ", ""), ev.rows[i].time, ev.short_kind(i), ev.rows[i].request,
              ev.status(i) or "", ev.summary(i)] for i in self.page_rows),  # fmt: skip
        )
        parts = [f"<div class='elmreplay-timeline-static'>{self._header_html()}{self._track_html()}{listing}"]
        shown = self._visible_panes()
        if shown and self._pane_key.get(shown[0], (None,))[0] == self._index:  # the tab on screen, if computed
            name = shown[0]
            content = self._pane_html[name]
            # the widget pages by 100 and scrolls; a static copy stays small
            if name == "state" and self._index in self._states and self._skip is None and not self.search_box.value:
                content = state_tree(self._states[self._index], limit=STATIC_LIMIT, shapes=self._shapes.get(self._config_at(self._index))).html
            elif name == "diff" and self._diff is not None:
                content = self._diff.to_html(limit=STATIC_LIMIT)
            parts.append(f"<details open><summary>{name} after #{self._index}</summary>{content}</details>")
        parts.append("</div>")
        return "".join(parts)

    # --- header and track -----------------------------------------------------------------

    def _header_html(self) -> str:
        i = self._index
        r = self.events.rows[i] if len(self.events) else None
        bits = [f"<b>#{i}</b> of #{self._first}\u2013#{self._last}"]
        if r is not None:
            bits += [esc(r.kind), esc(r.event_type), esc(r.time), esc(r.request)]
            status = self.events.status(i)
            if status is not None:
                bits.append(f"status {status}")
            if r.has_reduction:
                bits.append("has reduction")
            if r.reverted:
                bits.append("<i>reverted later</i>")
            if self.events.is_error(i):
                bits.append("<b style='color:#cf222e'>error</b>")
        if self._pinned is not None:
            bits.append(f"diff against pinned #{self._pinned}")
        text = " \u00b7 ".join(b for b in bits if b)
        note = f" <span style='color:#cf222e'>{esc(self._message)}</span>" if self._message else ""
        banner = ""
        if self._skip is not None:
            where = "" if self._skip.covers(i) or i < self._skip.skipped else f" (#{i} is past #{self._skip.last}: not computed)"
            banner = f"<div class='elmreplay-counterfactual'><b>COUNTERFACTUAL</b> \u00b7 {esc(self._skip.describe())}{esc(where)}</div>"
        return f"<div class='elmreplay-header'>{esc(self.store.name)}: {text}{note}</div>{banner}"

    def _render_track_markers(self) -> str:
        n = max(self._last, 1)
        parts: list[str] = []
        legend: list[str] = []
        markers = self.events.markers()
        for lane, (name, color) in enumerate(MARKERS.items()):
            xs = sorted({round(i * TRACK_WIDTH / n) for i in markers[name]})
            # one lane per kind, so no kind of marker covers another
            y = lane * LANE_HEIGHT
            parts.extend(f"<rect x='{x}' y='{y}' width='3' height='{LANE_HEIGHT - 1}' fill='{color}'/>" for x in xs)
            legend.append(
                f"<span title='{esc(MARKER_HELP[name])}'><span style='color:{color}'>\u25a0</span> {name} ({len(markers[name])})</span>"
            )
        note = self.scan.describe()
        if note:
            legend.append(f"<i>{esc(note)}</i>")
        self._legend = " &nbsp; ".join(legend)
        return "".join(parts)

    def _track_html(self) -> str:
        height = LANE_HEIGHT * len(MARKERS)
        x = round(self._index * TRACK_WIDTH / max(self._last, 1))
        cursor = f"<rect x='{max(x - 2, 0)}' y='0' width='5' height='{height}' fill='none' stroke='#24292f' stroke-width='2'/>"
        svg = (
            f"<svg viewBox='0 0 {TRACK_WIDTH + 2} {height}' preserveAspectRatio='none' width='100%' height='{height}' "
            f"style='background:#f6f8fa;display:block'>{self._track_markers}{cursor}</svg>"
        )
        return f"<div class='elmreplay-track'>{svg}<div style='font-size:11px'>{self._legend}</div></div>"

    def _refresh_header(self) -> None:
        self.header.value = self._header_html()
        self.track.value = self._track_html()

    # --- the response scan ------------------------------------------------------------------

    def _start_scan(self) -> None:
        self.scan.run_records(SCAN_AT_ONCE)
        if self.scan.done:
            return
        loop = _running_loop()
        if loop is None:
            self.scan.run()  # a script: no background to go on in
        else:
            self._scan_handle = loop.call_soon(self._scan_in_background)

    def _scan_in_background(self) -> None:
        if self._closed:
            return
        self.scan.run_chunk()
        self._after_scan_chunk()
        loop = _running_loop()
        if not self.scan.done and loop is not None:
            self._scan_handle = loop.call_later(0.01, self._scan_in_background)

    def _after_scan_chunk(self) -> None:
        self._track_markers = self._render_track_markers()
        self._refresh_list()
        self._refresh_header()

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
        options = [(self.events.label(i), i) for i in rows]
        if options != list(self.event_list.options):
            with self._sync():
                self.event_list.options = options
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
        skip = None if self._skip is None else self._skip.skipped
        if pane == "state":
            return (self._index, skip, tuple(sorted(self._limits.items())), self.search_box.value, self.highlight.value, self._base())
        if pane == "diff":
            return (self._index, skip, self._base())
        return (self._index, skip)

    def _refresh_details(self, force: tuple[str, ...] = ()) -> None:
        seen = self.events.version
        for pane in self._visible_panes():
            key = self._key(pane)
            if self._pane_key.get(pane) == key and pane not in force:
                continue
            try:
                content = getattr(self, f"_render_{pane}")()
            except ElmReplayError as e:
                if not isinstance(e, SkipNotPossible):  # a limit of the counterfactual, not an app failure
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

    def _state(self, index: int, *, with_previous: bool = False) -> str | None:
        """The recorded state after record ``index`` (kept for the last few steps);
        ``with_previous`` also fetches the state before it, in the same replay when it can."""
        if with_previous and index - 1 >= self._first and index - 1 not in self._states:
            if index - 1 > self._first and all(self.store.record(i).kind is RecordKind.UPDATE for i in (index - 1, index)):
                self._keep_traced(self.session.trace(index - 1, index + 1))
            else:
                self._state(index - 1)
        if index in self._states:
            self._states.move_to_end(index)
            return self._states[index]
        rec = self.store.record(index)
        if rec.kind is RecordKind.UPDATE and index > self._first:
            # One replayed event gives both the response and the state.
            self._keep_traced(self.session.trace(index, index + 1))
            state = self._states[index]
        else:
            state = self.session.state_at(index)
            info = self.session.step_results.get(index)
            if info is not None and info.result is not None and not info.result.is_ok:
                self.events.note_error(index)
        self._states[index] = state
        while len(self._states) > STATE_CACHE:
            self._states.popitem(last=False)
        return state

    def _keep_traced(self, traced: dict[int, tuple[str | None, str | None]]) -> None:
        for i, (response, state) in traced.items():
            self._responses[i] = response
            self.events.note_response(i, response)
            self._states[i] = state
            self._states.move_to_end(i)
        while len(self._states) > STATE_CACHE:
            self._states.popitem(last=False)

    def _shown_state(self, index: int) -> str | None:
        """The state of the history on screen: the recorded one, or the one without a skipped event."""
        if self._skip is not None and index >= self._skip.skipped:
            return self._skip.state_at(index)
        return self._state(index)

    def _response(self, index: int) -> str | None:
        if self._skip is not None and index >= self._skip.skipped:
            return self._skip.response_at(index)
        if index not in self._responses:
            self._states.pop(index, None)  # _state fetches the response along with the state
            self._state(index)
        return self._responses.get(index)

    def _config_at(self, index: int) -> str | None:
        """The app config running after record ``index`` (from the deployments; no replay)."""
        deploys = self.events.markers()["deployment"]
        before = [d for d in deploys if d <= index]
        return self.events.app_config(before[-1]) if before else None

    def _shapes_for(self, index: int) -> dict[str, str]:
        """What the collections of this app version hold when not empty, learnt first from its
        newest stored reduction (so an empty Dict shows as a Dict from the first record)."""
        config = self._config_at(index)
        if config not in self._shapes:
            shapes: dict[str, str] = {}
            reductions = self.store.reductions()
            for record_hash in reductions[reductions["app_config_hash"] == config].sort_values("index")["record_hash"][::-1]:
                red = self.store.usable_reduction(record_hash)
                if red is not None:
                    learn_shapes(red.state_json.decode("utf-8", errors="replace"), shapes)
                    break
            self._shapes[config] = shapes
        return self._shapes[config]

    def _changed_paths(self, index: int) -> list[str]:
        """Paths to highlight: what this step changed (or, skipping an event, what differs from
        the recorded history)."""
        if not self.highlight.value:
            return []
        if self._skip is not None and index > self._skip.skipped:
            key: tuple[int, int, int | None] = (index, 1, self._skip.skipped)
            old, new = self._state(index), self._skip.state_at(index)
        else:
            base = self._base()
            if base is None:
                return []
            key = (index, 0, base)
            old, new = self._shown_state(base), self._shown_state(index)
        if self._changed is not None and self._changed[0] == key:
            return self._changed[1]
        paths = [] if old is None or new is None else [c.path for c in diff_states(old, new).changes[:HIGHLIGHT_LIMIT]]
        self._changed = (key, paths)
        return paths

    def _render_state(self) -> str:
        i = self._index
        if self.highlight.value and self._skip is None and self._pinned is None:
            self._state(i, with_previous=True)  # both ends of the highlighted change in one replay
        state = self._shown_state(i)
        render = state_tree(
            state, limit=MORE_STEP, limits=self._limits, expanded=self.state_html.expanded,
            changed=self._changed_paths(i), search=self.search_box.value, shapes=self._shapes_for(i),
        )  # fmt: skip
        self._truncated = render.truncated
        self._search_hits = render.matches
        note = ""
        if self._skip is not None and i >= self._skip.skipped:
            note = f"<div class='elmreplay-counterfactual'>state without record #{self._skip.skipped} (counterfactual, in memory); highlighted: what differs from the recorded state</div>"
        return f"<div class='elmreplay-state' data-index='{i}'>{note}{render.html}</div>"

    def _render_diff(self) -> str:
        self._diff = None
        i = self._index
        if self._skip is not None and i >= self._skip.skipped:
            old, new = self._state(i), self._skip.state_at(i)
            labels = (f"#{i} recorded", f"#{i} without #{self._skip.skipped}")
        else:
            base = self._base()
            if base is None:
                return "<i>the first record: nothing to compare with</i>"
            old, new = self._state(base), self._state(i)
            labels = (f"#{base}", f"#{i}")
            if old is None or new is None:
                which = f"#{base}" if old is None else f"#{i}"
                return f"<i>no app was running after record {which}: nothing to compare</i>"
        if old is None or new is None:
            return "<i>no app was running: nothing to compare</i>"
        diff = diff_states(old, new, old_label=labels[0], new_label=labels[1])
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
        if self._skip is not None and i == self._skip.skipped:
            facts.append(("counterfactual", "this event is skipped in the history shown"))
        body = ""
        ev = rec.parsed.event
        if rec.kind is RecordKind.UPDATE:
            app_event = self.events.app_event(i)
            if app_event is not None and app_event.method:
                facts.append(("request", f"{app_event.method} {app_event.path}"))
                head_rows = table(("header", "value"), app_event.headers, limit=len(app_event.headers) or 1)
                body += f"<b>request headers</b> ({len(app_event.headers)}){head_rows}"
                if app_event.body is None:
                    body += "<b>request body</b>: none (or not UTF-8)"
                else:
                    body += f"<b>request body</b> ({len(app_event.body)} characters){_pre(_pretty_json(app_event.body, None))}"
            events = self.store.app_events(rec)
            raw = "".join(_pre(_pretty_json(text)) for text in events)
            body += f"<details><summary>the event as recorded</summary>{raw}</details>"
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
        if self._skip is not None and i == self._skip.skipped:
            return "<i>skipped: in the history shown, this event never happened</i>"
        if rec.kind is RecordKind.UPDATE:
            response = self._response(i)
            if response is None:
                return "<i>no app was running: the host ignored this event</i>" + log_html
            status = self.events.status(i)
            head = f"<b>status {status}</b>" if status is not None else "<b>no HTTP response completed</b>"
            if self._skip is not None and i > self._skip.skipped:
                head = f"<b>counterfactual response (without #{self._skip.skipped})</b>"
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

    def _set_play_button(self, playing: bool) -> None:
        with self._sync():
            self.play_button.value = playing
            self.play_button.description = "\u23f8 pause" if playing else "\u25b6 play"

    def _refresh_skip_button(self) -> None:
        with self._sync():
            if self._skip is not None:
                self.skip_button.value = True
                self.skip_button.description = f"skipping #{self._skip.skipped}"
                self.skip_button.disabled = False
            else:
                self.skip_button.value = False
                self.skip_button.description = "skip this event"
                self.skip_button.disabled = self.events.rows[self._index].kind != "event" if len(self.events) else True

    async def _play_loop(self) -> None:
        try:
            while self._index < self._last:
                await asyncio.sleep(PLAY_INTERVAL_S / float(self.speed.value))
                self.step(1)
        finally:
            self._player = None
            self._set_play_button(False)

    def _on_key(self, key: str) -> None:
        if key == "left":
            self.step(-1)
        elif key == "right":
            self.step(1)
        elif key == "home":
            self.show(self._first)
        elif key == "end":
            self.show(self._last)
        elif key == "space":
            self.pause() if self.playing else self.play()

    def _on_play(self, change: dict[str, Any]) -> None:
        if not self._syncing:
            self.play() if change["new"] else self.pause()

    def _on_skip(self, change: dict[str, Any]) -> None:
        if not self._syncing:
            self.skip() if change["new"] else self.unskip()

    def _on_copied(self, change: dict[str, Any]) -> None:
        self.copied_label.value = f"copied <code>{esc(change['new'])}</code>" if change["new"] else ""

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
