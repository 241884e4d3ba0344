"""What a new user meets first: errors marked without asking, rows that say what happened, a
state tree that keeps its place, playback with speed and keys, skipping an event, one numbering."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Iterator

import pytest

from elmreplay.replay.session import ReplaySession
from elmreplay.store.store import Store
from elmreplay.ui import scan, timeline as timeline_module
from elmreplay.ui.eventlist import EventList, response_status
from elmreplay.ui.timeline import SPEEDS, Timeline

from .conftest import open_sample


@pytest.fixture()
def timeline(tracker_session: ReplaySession) -> Iterator[Timeline]:
    tl = Timeline(tracker_session, index=2624, debounce_s=0)
    yield tl
    tl.close()


def four_xx(store: Store) -> list[int]:
    """The records answered with a 4xx, from a plain replay of every response (no timeline)."""
    import elmreplay

    with elmreplay.replay(store) as session:
        responses = session.responses(0, len(store))
    ids = store.events()["http_request_id"]
    statuses = [response_status(r, ids[i] if isinstance(ids[i], str) else None) for i, r in enumerate(responses)]
    return [i for i, s in enumerate(statuses) if s is not None and 400 <= s < 500]


def test_a_default_timeline_marks_the_4xx_responses_and_rows_differ(tracker: Store) -> None:
    expected = four_xx(tracker)
    assert len(expected) == 184
    tl = Timeline(tracker)  # no option
    try:
        assert tl.events.markers()["error"] == expected
        assert "error (184)" in tl.track.value
        assert tl.track.value.count("fill='#cf222e'") > 50  # drawn on the track
        assert tl.jump("error") == expected[0]  # from the start
        assert tl.jump("error") == expected[1]
        labels = [tl.events.label(i) for i in range(1, 400)]
        whats = [label[label.index("POST /api") :] for label in labels if "POST /api" in label]
        assert len(set(whats)) > 0.8 * len(whats)  # rows differ by what each request did (repeats are real)
        assert len({w.split()[3] for w in whats}) >= 10  # op=addUser, op=createIssue, op=close, ...
        assert any("op=rename" in label for label in (tl.events.label(i) for i in (2625, 2961)))
        assert re.search(r"^#3 +! .* 400  op=close", tl.events.label(3))
        assert "<abbr title=" in tl.columns.value and "R</abbr>" in tl.columns.value  # every abbreviation explained
    finally:
        tl.close()


def test_the_scan_goes_on_in_the_background_and_jump_to_error_does_not_wait(
    tracker: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timeline_module, "SCAN_AT_ONCE", 1)
    monkeypatch.setattr(scan, "SCAN_CHUNK", 500)
    seen: dict[str, object] = {}

    async def cell() -> None:
        tl = Timeline(tracker, debounce_s=0)
        try:
            seen["first"] = tl.scan.scanned
            seen["note"] = tl.track.value
            seen["jump"] = tl.jump("error")
            for _ in range(200):
                if tl.scan.done:
                    break
                await asyncio.sleep(0.02)
            seen["errors"] = len(tl.events.markers()["error"])
            seen["legend"] = tl.track.value
        finally:
            tl.close()

    asyncio.run(cell())
    assert seen["first"] == 500  # one chunk before the first show
    assert "checking responses: 500 of 3973 records" in str(seen["note"])
    assert seen["jump"] == 3
    assert seen["errors"] == 184 and "error (184)" in str(seen["legend"]) and "checking" not in str(seen["legend"])


def test_numbering_is_the_events_index_everywhere(timeline: Timeline, tracker: Store) -> None:
    timeline.show(2625)
    assert "<b>#2625</b> of #0\u2013#3972" in timeline.header.value
    assert timeline.slider.value == 2625 and timeline.event_list.value == 2625
    assert timeline.events.label(2625).startswith("#2625 ")
    assert tracker.events().loc[2625, "index"] == 2625
    assert "<td style='padding:1px 8px'>#2625</td>" in timeline._static_html()


def test_markers_have_lanes_of_their_own(timeline: Timeline) -> None:
    lanes: dict[str, set[str]] = {}
    for y, color in re.findall(r"<rect x='\d+' y='(\d+)' width='3' height='\d+' fill='(#[0-9a-f]+)'", timeline.track.value):
        lanes.setdefault(color, set()).add(y)
    assert len(lanes) >= 4  # deployment, migration, reduction, error on the tracker
    assert all(len(ys) == 1 for ys in lanes.values())
    assert len({next(iter(ys)) for ys in lanes.values()}) == len(lanes)  # no two kinds share a lane


def test_expansion_and_paging_persist_across_steps(timeline: Timeline) -> None:
    timeline.select_pane("state")
    timeline.state_html.expanded = {".issues": True}  # what the browser reports after a click
    timeline.expand(".issues[2]")
    timeline.more(".issues")
    for _ in range(3):
        timeline.step(1)
        html = timeline.state_html.value
        assert "data-path='.issues'><details open>" in html or "data-path='.issues' class='chg-in'><details open>" in html
        assert re.search(r"data-path='\.issues\[2\]'( class='[^']*')?><details open>", html)
        assert "data-path='.issues[150]'" in html  # the second page stays shown
    assert timeline.index == 2627


def test_changed_nodes_are_highlighted(timeline: Timeline) -> None:
    timeline.select_pane("state")
    timeline.step(1)  # 2625: Dave's rename clears the assignees
    html = timeline.state_html.value
    assert "data-path='.users[&quot;dave&quot;].displayName' class='chg'" in html
    assert "data-path='.issues' class='chg-in'" in html
    timeline.highlight.value = False
    assert "class='chg" not in timeline.state_html.value


def test_search_and_copy_a_path(timeline: Timeline) -> None:
    timeline.step(1)
    assert timeline.search("Kowalski") == ['.users["dave"].displayName']
    assert "Kowalski" in timeline.state_html.value and "data-path='.issues'" not in timeline.state_html.value
    timeline.search("")
    assert "data-path='.issues'" in timeline.state_html.value
    timeline.state_html.copied = '.users["dave"].displayName'  # the browser copied it
    assert "copied <code>.users[&quot;dave&quot;].displayName</code>" in timeline.copied_label.value


def test_play_pause_keeps_the_position_and_speed_changes_the_pace(counter: Store) -> None:
    seen: dict[str, int] = {}

    async def cell() -> None:
        tl = Timeline(counter, index=10, debounce_s=0)
        try:
            tl.details_toggle.value = False
            tl.speed.value = 8.0
            tl.play_button.value = True  # the ▶ button
            assert tl.playing and "pause" in tl.play_button.description
            await asyncio.sleep(0.6)
            tl.play_button.value = False
            seen["paused_at"] = tl.index
            await asyncio.sleep(0.3)
            seen["later"] = tl.index
            tl.speed.value = 0.25
            tl.play()
            await asyncio.sleep(0.6)
            tl.pause()
            seen["slow"] = tl.index - seen["later"]
            tl.show(len(counter) - 2)
            tl.speed.value = 8.0
            tl.play()
            await asyncio.sleep(0.4)
            seen["end"] = tl.index
            seen["playing_at_end"] = int(tl.playing)
        finally:
            tl.close()

    asyncio.run(cell())
    assert seen["paused_at"] > 12  # 8x: a step every 50 ms
    assert seen["later"] == seen["paused_at"]  # pause keeps the position (no jump back to #0)
    assert seen["slow"] == 0  # 0.25x: a step every 1.6 s
    assert seen["end"] == len(counter) - 1 and seen["playing_at_end"] == 0
    assert SPEEDS[0] == 0.25 and SPEEDS[-1] == 8.0


def test_keyboard(timeline: Timeline) -> None:
    press = timeline.keyboard._handle
    press(timeline.keyboard, {"key": "right"}, [])
    assert timeline.index == 2625
    press(timeline.keyboard, {"key": "left"}, [])
    press(timeline.keyboard, {"key": "left"}, [])
    assert timeline.index == 2623
    press(timeline.keyboard, {"key": "end"}, [])
    assert timeline.index == 3972
    press(timeline.keyboard, {"key": "home"}, [])
    assert timeline.index == 0
    press(timeline.keyboard, {"key": "space"}, [])  # no event loop here: says so, stays
    assert not timeline.playing and "event loop" in timeline.header.value
    press(timeline.keyboard, {"key": "nonsense"}, [])
    assert timeline.index == 0


def test_jump_to_each_kind(timeline: Timeline) -> None:
    assert timeline.jump_kind.value == "error"
    timeline.show(0)
    assert timeline.jump("deployment") == 1481
    assert timeline.jump("migration") == 2537
    assert timeline.jump("reduction") is not None and timeline.events.rows[timeline.index].has_reduction
    timeline.jump_next.click()
    assert timeline.events.is_error(timeline.index)


def test_skip_an_event_is_a_counterfactual_that_says_so(timeline: Timeline, tracker: Store) -> None:
    timeline.show(2625)
    timeline.select_pane("state")
    timeline.skip_button.value = True
    assert timeline.skipped == 2625 and "skipping #2625" in timeline.skip_button.description
    assert "COUNTERFACTUAL" in timeline.header.value and "nothing is written" in timeline.header.value
    timeline.step(1)
    assert "state without record #2625" in timeline.state_html.value
    counterfactual = timeline._shown_state(2626)
    recorded = timeline.state(2626)
    assert counterfactual != recorded
    issues = dict(json.loads(counterfactual or "")["issues"])
    assert issues[2]["assignee"] == {"Just": ["alice"]}  # the rename did not clear it
    assert "without #2625" in repr(timeline)
    timeline.select_pane("diff")
    assert "#2626 recorded -&gt; #2626 without #2625" in timeline.diff_html.value
    timeline.skip_button.value = False
    assert timeline.skipped is None and "COUNTERFACTUAL" not in timeline.header.value
    assert "#2625 -&gt; #2626" in timeline.diff_html.value
    timeline.show(1481)
    assert timeline.skip_button.disabled  # only app events can be skipped


def test_the_event_pane_shows_headers_and_the_full_body(timeline: Timeline) -> None:
    timeline.show(2625)
    timeline.select_pane("event")
    pane = timeline.event_html.value
    assert "request headers" in pane and "User-Agent" in pane and "application/json" in pane
    assert "&quot;displayName&quot;: &quot;Dave Kowalski&quot;" in pane


def test_a_summarizer_reaches_the_rows(tracker_session: ReplaySession) -> None:
    tl = Timeline(tracker_session, index=2625, responses=False, summarizer=lambda ev: "mine" if ev.index == 2625 else None)
    try:
        assert tl.event_list.options[tl.page_rows.index(2625)][0].endswith("mine")
    finally:
        tl.close()


def test_an_empty_dict_shows_as_a_dict(tracker: Store) -> None:
    tl = Timeline(open_sample("tracker"), index=0, responses=False)
    try:
        assert "users</span>: <span class='n'>Dict, empty" in tl.state_html.value
        assert "issues</span>: <span class='n'>Dict, empty" in tl.state_html.value
    finally:
        tl.close()


def test_event_list_summaries_are_computed_per_page(tracker: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = EventList.app_event

    def counted(self: EventList, index: int) -> object:
        calls.append(index)
        return original(self, index)

    monkeypatch.setattr(EventList, "app_event", counted)
    tl = Timeline(tracker, index=2625, responses=False)
    try:
        assert len(set(calls)) <= 2 * tl.page_size + 2  # the page shown (and the shown step's pane), not 3973 rows
    finally:
        tl.close()


class _FakeSession:
    """Just what the scan uses: responses of a range, and the results of non-event records."""

    def __init__(self, n: int, crash_at: int | None = None, rejected: int | None = None) -> None:
        from elmreplay.replay.host import Result
        from elmreplay.replay.session import StepInfo

        self.n, self.crash_at = n, crash_at
        self.step_results = {} if rejected is None else {rejected: StepInfo(rejected, "SetElmAppState", Result(err="no"))}

    def __len__(self) -> int:
        return self.n

    def responses(self, lo: int, hi: int) -> list[str | None]:
        from elmreplay.errors import AppCrashed

        if self.crash_at is not None and lo <= self.crash_at < hi:
            raise AppCrashed("The app threw: boom", event_index=self.crash_at)
        return [None] * (hi - lo)


def test_the_scan_marks_a_crash_and_stops_there_and_marks_rejections(counter_admin: Store) -> None:
    events = EventList(counter_admin)
    crashed = scan.ResponseScan(_FakeSession(28, crash_at=17), events, 0, chunk=10)  # type: ignore[arg-type]
    crashed.run()
    assert crashed.done and crashed.next == 17 and events.markers()["error"] == [17]
    assert "the replay stopped at record #17: AppCrashed" in crashed.describe()
    events = EventList(counter_admin)
    rejected = scan.ResponseScan(_FakeSession(28, rejected=13), events, 0, chunk=10)  # type: ignore[arg-type]
    rejected.run()
    assert rejected.done and rejected.failed is None and events.markers()["error"] == [13]
    assert rejected.describe() == ""


def test_a_session_that_starts_from_a_reduction(tracker: Store) -> None:
    import elmreplay

    start = int(tracker.reductions()["index"].iloc[3])
    with elmreplay.replay(tracker, start=tracker.records.hash(start)) as session:
        tl = Timeline(session, debounce_s=0)
        try:
            errors = tl.events.markers()["error"]
            assert errors == [i for i in four_xx(tracker) if i > start]
            assert tl.index == start and tl.slider.min == start
            tl.step(1)
            assert tl.index == start + 1
        finally:
            tl.close()


def test_notebook_02_leaves_its_timeline_open_and_explains_the_controls() -> None:
    from pathlib import Path

    nb = json.loads((Path(__file__).resolve().parents[2] / "notebooks" / "02_investigate_an_incident.ipynb").read_text())
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    made = next(k for k, src in enumerate(code) if "Timeline(" in src)
    assert not any(".close()" in src for src in code[made:])  # Run All must leave the widgets alive
    markdown = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert any(m.startswith("### Keyboard and controls") for m in markdown)
