"""The timeline's find box: a condition, its matches marked on a lane under the track, next /
previous match, and a result list that shows a step when one is picked.

::

    timeline = Timeline(session)
    panel = timeline.find(".issues[*].assignee is Nothing")   # adds the box below the controls
    panel.next()                                              # the first match after the shown step

The search is :meth:`ReplaySession.find` (the condition runs inside V8 next to the replay, with a
progress bar); a condition that does not parse shows the reason and a caret under its column.
Without a widget frontend the panel shows as static HTML and a one-line text.
"""

from __future__ import annotations

import bisect
import html
import json
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from ..errors import QuerySyntaxError
from .progress import progress_bar

if TYPE_CHECKING:
    from .timeline import Timeline

#: Horizontal resolution of the match lane (the timeline's track uses the same).
LANE_WIDTH = 1000
MATCH_COLOR = "#8250df"
#: Matches listed in the result list (all are marked on the lane and reachable with next).
LIST_LIMIT = 500


class FindPanel(widgets.VBox):
    """A find box bound to a :class:`~elmreplay.ui.timeline.Timeline` (see the module doc)."""

    def __init__(self, timeline: Timeline, where: str = "") -> None:
        self.timeline = timeline
        W = widgets
        self.condition = W.Text(
            value=where,
            placeholder='find: .issues[*].assignee is Nothing, response.status >= 500, changed(.users) ...',
            continuous_update=False,
            layout=W.Layout(width="60%"),
        )
        self.find_button = W.Button(description="find", layout=W.Layout(width="70px"))
        self.prev_button = W.Button(description="\u25c0 match", tooltip="previous match", layout=W.Layout(width="90px"))
        self.next_button = W.Button(description="match \u25b6", tooltip="next match", layout=W.Layout(width="90px"))
        self.status = W.HTML()
        self.lane = W.HTML(layout=W.Layout(width="100%"))
        self.results = W.Select(options=[], rows=6, layout=W.Layout(width="100%", display="none"))
        self.found: pd.DataFrame | None = None
        self.indices: list[int] = []
        self.error: QuerySyntaxError | None = None
        self._where = ""
        self._syncing = False
        super().__init__([W.HBox([self.condition, self.find_button, self.prev_button, self.next_button, self.status]), self.lane, self.results])
        self.find_button.on_click(lambda _: self.run())
        self.condition.observe(lambda change: self.run(), names="value")
        self.prev_button.on_click(lambda _: self.previous())
        self.next_button.on_click(lambda _: self.next())
        self.results.observe(self._on_pick, names="value")
        timeline.slider.observe(lambda _: self._refresh(), names="value")
        if where:
            self.run(where)
        else:
            self._refresh()

    # --- public ---------------------------------------------------------------------------

    def run(self, where: str | None = None) -> pd.DataFrame | None:
        """Find every step where ``where`` (default: the text box) holds; None when it does not
        parse (the panel says why)."""
        if where is not None and where != self.condition.value:
            self.condition.value = where  # observed: runs through here again
            return self.found
        text = str(self.condition.value).strip()
        self.error, self.found, self.indices, self._where = None, None, [], text
        if text:
            session = self.timeline.session
            try:
                with progress_bar(total=len(session), desc="find") as bar:
                    self.found = session.find(text, on_progress=lambda i: bar.update(i + 1 - bar.n))
            except QuerySyntaxError as e:
                self.error = e
            if self.found is not None:
                self.indices = [int(i) for i in self.found["index"]]
        self._fill_results()
        self._refresh()
        return self.found

    def next(self) -> int | None:
        """Show the first match after the timeline's step; returns it (None: no later match)."""
        k = bisect.bisect_right(self.indices, self.timeline.index)
        return self._go(self.indices[k] if k < len(self.indices) else None, "later")

    def previous(self) -> int | None:
        """Show the last match before the timeline's step; returns it (None: no earlier match)."""
        k = bisect.bisect_left(self.indices, self.timeline.index)
        return self._go(self.indices[k - 1] if k > 0 else None, "earlier")

    # --- internals ------------------------------------------------------------------------

    def _go(self, target: int | None, which: str) -> int | None:
        if target is None:
            self.status.value = f"<span style='color:#cf222e'>no {which} match</span>"
            return None
        self.timeline.show(target)
        self._refresh()
        return target

    def _on_pick(self, change: dict[str, Any]) -> None:
        if not self._syncing and change["new"] is not None:
            self.timeline.show(int(change["new"]))
            self._refresh()

    def _fill_results(self) -> None:
        options: list[tuple[str, int]] = []
        if self.found is not None:
            for i, kind, t, matched in zip(self.found["index"], self.found["kind"], self.found["time"], self.found["matched"]):
                if len(options) >= LIST_LIMIT:
                    break
                shown = json.dumps(matched, ensure_ascii=False)
                options.append((f"#{i}  {kind}  {'' if pd.isna(t) else t}  {shown[:120]}", int(i)))
        self._syncing = True
        try:
            self.results.options = options
            self.results.value = None
        finally:
            self._syncing = False
        self.results.layout.display = None if options else "none"

    def _status_html(self) -> str:
        if self.error is not None:
            pointer = html.escape(self.error.pointer())
            return f"<span style='color:#cf222e'>{html.escape(self.error.reason)} at column {self.error.column}</span><pre style='margin:0'>{pointer}</pre>"
        if not self._where:
            return ""
        n = len(self.indices)
        here = self.timeline.index
        where = " (this step matches)" if here in self.indices else ""
        more = f", listing the first {LIST_LIMIT}" if n > LIST_LIMIT else ""
        return f"{n} match{'es' if n != 1 else ''}{more}{where}"

    def _lane_html(self) -> str:
        last = max(self.timeline._last, 1)
        xs = sorted({round(i * LANE_WIDTH / last) for i in self.indices})
        marks = "".join(f"<rect x='{x}' y='0' width='3' height='8' fill='{MATCH_COLOR}'/>" for x in xs)
        x = round(self.timeline.index * LANE_WIDTH / last)
        cursor = f"<rect x='{max(x - 1, 0)}' y='0' width='3' height='8' fill='#24292f'/>"
        return (
            f"<svg viewBox='0 0 {LANE_WIDTH + 2} 8' preserveAspectRatio='none' width='100%' height='8' "
            f"style='background:#f6f8fa;display:block'>{marks}{cursor}</svg>"
        )

    def _refresh(self) -> None:
        self.status.value = self._status_html()
        self.lane.value = self._lane_html() if self.indices else ""

    # --- reprs ----------------------------------------------------------------------------

    def __repr__(self) -> str:
        if self.error is not None:
            return f"FindPanel({self._where!r}: {self.error})"
        first = f", first #{self.indices[0]}" if self.indices else ""
        return f"FindPanel({self._where!r}: {len(self.indices)} matches{first})"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/plain"] = repr(self)
        rows = "".join(f"<li>{html.escape(label)}</li>" for label, _ in list(self.results.options)[:20])
        data["text/html"] = f"<div><code>{html.escape(self._where)}</code> {self._status_html()}{self._lane_html()}<ul>{rows}</ul></div>"
        return data
