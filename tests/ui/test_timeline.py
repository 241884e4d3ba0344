"""The Jupyter timeline widget on the sample histories (no frontend needed: widgets work headless)."""

from __future__ import annotations

import asyncio
import re
from typing import Any, Iterator

import pytest

from elmreplay.inspect.diff import diff_states
from elmreplay.replay.session import ReplaySession
from elmreplay.store.store import Store
from elmreplay.ui.timeline import Timeline, _Debouncer

from .conftest import open_sample

REPLAYING = ("seek", "state_at", "snapshot_at", "trace", "responses", "replay_all", "events")


def forbid_replay(monkeypatch: pytest.MonkeyPatch, session: ReplaySession) -> None:
    """Make every replaying method of ``session`` fail the test."""
    for name in REPLAYING:

        def fail(*args: Any, _name: str = name, **kwargs: Any) -> Any:
            raise AssertionError(f"ReplaySession.{_name} called")

        monkeypatch.setattr(session, name, fail)


def count_calls(monkeypatch: pytest.MonkeyPatch, session: ReplaySession) -> dict[str, int]:
    calls = {name: 0 for name in REPLAYING}
    for name in REPLAYING:
        original = getattr(session, name)

        def counted(*args: Any, _name: str = name, _f: Any = original, **kwargs: Any) -> Any:
            calls[_name] += 1
            return _f(*args, **kwargs)

        monkeypatch.setattr(session, name, counted)
    return calls


@pytest.fixture()
def timeline(tracker_session: ReplaySession) -> Iterator[Timeline]:
    tl = Timeline(tracker_session, index=2624, debounce_s=0)
    yield tl
    tl.close()


@pytest.mark.parametrize("name", ["counter", "counter_admin", "tracker"])
def test_builds_on_every_sample(name: str) -> None:
    store = open_sample(name)
    tl = Timeline(store)
    try:
        assert tl.index == 0
        assert tl.slider.max == len(store) - 1
        assert len(tl.event_list.options) == min(len(store), tl.page_size)
        assert "no app running" not in tl.state_html.value or name == "counter_admin"
        assert repr(tl).startswith(f"Timeline({str(store.name)!r}: {len(store)} records, at #0")
        assert tl.header.value and "<svg" in tl.track.value
    finally:
        tl.close()


def changes_at(session: ReplaySession, index: int) -> int:
    """How many changes record ``index`` made (what the diff pane must report)."""
    return len(diff_states(session.state_at(index - 1), session.state_at(index)))


def test_stepping_shows_state_and_diff_of_the_shown_step(timeline: Timeline) -> None:
    expected = changes_at(timeline.session, 2625)
    timeline.select_pane("diff")
    assert "no changes" in timeline.diff_html.value or "change" in timeline.diff_html.value
    before = timeline.diff_html.value
    timeline.step_button.click()
    assert timeline.index == 2625
    assert timeline.diff_html.value != before
    assert expected > 100 and f"#2624 -&gt; #2625: {expected} changes" in timeline.diff_html.value
    assert "maybe became nothing" in timeline.diff_html.value
    timeline.select_pane("state")
    assert "Dave Kowalski" in timeline.state_html.value
    timeline.back_button.click()
    assert timeline.index == 2624
    assert "Dave Kowalski" not in timeline.state_html.value
    timeline.select_pane("response")
    assert "status 200" in timeline.response_html.value


def test_the_event_list_filter_covers_the_whole_history(timeline: Timeline) -> None:
    timeline.text_filter.value = "rename"
    assert timeline.matches == [2625, 2961, 3203, 3272]
    assert timeline.page_rows == [2625, 2961, 3203, 3272]
    assert "4 of 3973 records" in timeline.match_label.value
    timeline.event_list.value = 3203  # clicking a row shows it
    assert timeline.index == 3203
    timeline.kind_filter.value = "deploy+migrate"
    assert timeline.matches == []  # no deployment mentions "rename"
    timeline.set_filter(kind="deploy+migrate")
    assert timeline.text_filter.value == "" and timeline.matches == [1481, 2537, 3269]


def test_pages_turn_and_follow_the_shown_record(timeline: Timeline) -> None:
    assert timeline.page_rows[0] == 2624 - 2624 % timeline.page_size
    assert timeline.event_list.value == 2624
    timeline.page_next.click()
    assert timeline.page_rows[0] == 2624 - 2624 % timeline.page_size + timeline.page_size
    assert timeline.event_list.value is None  # the shown record is not on this page
    timeline.show(10)
    assert timeline.page == 0 and timeline.event_list.value == 10


def test_jump_to_the_next_marker_and_pin(timeline: Timeline) -> None:
    assert timeline.jump("migration") == 3269
    assert timeline.jump("migration", forward=False) == 2537
    assert timeline.jump("deployment", forward=False) == 1481
    timeline.show(3972)
    assert timeline.jump("migration") is None
    assert "no later migration" in timeline.header.value
    with pytest.raises(ValueError):
        timeline.jump("nonsense")
    timeline.show(2624)
    timeline.pin_button.value = True
    assert timeline.pinned == 2624
    timeline.select_pane("diff")
    timeline.show(2627)
    assert "#2624 -&gt; #2627" in timeline.diff_html.value
    timeline.unpin()
    assert "#2626 -&gt; #2627" in timeline.diff_html.value


def test_more_shows_another_page_of_a_collection_and_keeps_it_on_later_steps(timeline: Timeline) -> None:
    timeline.select_pane("state")
    cut = dict(timeline._truncated)
    assert ".issues" in cut
    assert "data-more='.issues'" in timeline.state_html.value
    timeline.state_html._handle(timeline.state_html, {"more": ".issues"}, [])  # the browser's "… N more" click
    assert timeline._truncated.get(".issues", 0) == max(cut[".issues"] - 100, 0)
    timeline.step(1)
    timeline.step(1)
    assert timeline._truncated.get(".issues", 0) == max(cut[".issues"] - 100, 0)  # paging kept by path
    assert "data-path='.issues[199]'" in timeline.state_html.value


def test_nothing_is_replayed_while_the_details_are_hidden(timeline: Timeline, monkeypatch: pytest.MonkeyPatch) -> None:
    timeline.details_toggle.value = False
    forbid_replay(monkeypatch, timeline.session)
    for value in range(100, 3000, 97):  # a dragged slider
        timeline.slider.value = value
    assert timeline.index == 2913
    assert "#2913" in timeline.header.value
    monkeypatch.undo()
    calls = count_calls(monkeypatch, timeline.session)
    timeline.details_toggle.value = True
    assert timeline._pane_key["state"][0] == 2913  # computed once, for the shown step only
    assert calls["trace"] == 1  # the shown step and the one before (for the highlighted changes): one replay


def test_only_the_visible_tab_is_computed(timeline: Timeline, monkeypatch: pytest.MonkeyPatch) -> None:
    timeline.select_pane("event")
    calls = count_calls(monkeypatch, timeline.session)
    for _ in range(5):
        timeline.step(1)
    assert sum(calls.values()) == 0  # the event JSON comes from the store
    assert "request body" in timeline.event_html.value and "#2629" in timeline.event_html.value
    timeline.select_pane("state")
    assert calls["trace"] == 1  # one replay gives the state of the shown step (and of the one before)
    timeline.step(1)
    assert calls["trace"] == 2


def test_reprs_are_deterministic_and_never_replay(tracker_session: ReplaySession, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = changes_at(tracker_session, 2625)
    a = Timeline(tracker_session, index=2625, debounce_s=0)
    a.select_pane("diff")
    b = Timeline(tracker_session, index=2625, debounce_s=0)
    b.select_pane("diff")
    forbid_replay(monkeypatch, tracker_session)
    assert repr(a) == repr(b)
    assert not re.search(r"0x[0-9a-f]{6,}", repr(a))
    assert repr(a) == (
        "Timeline('" + str(tracker_session.store.name) + "': 3973 records, at #2625 (event HttpRequestEvent); "
        f"4 deployments, {len(tracker_session.store.reduction_hashes)} reductions; filter none: 3973 matches)"
    )
    bundle = a._repr_mimebundle_()
    assert bundle["text/plain"] == repr(a)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"] == b._repr_mimebundle_()["text/html"] == a._repr_html_()
    assert f"{expected} changes" in bundle["text/html"] and "<svg" in bundle["text/html"]
    monkeypatch.undo()
    a.close()
    b.close()


def test_slider_without_an_event_loop_shows_at_once(timeline: Timeline) -> None:
    timeline.slider.value = 42
    assert timeline.index == 42


def test_debouncer_calls_once_with_the_last_value() -> None:
    seen: list[int] = []

    async def drag() -> None:
        debounce = _Debouncer(seen.append, 0.01)
        for v in range(10):
            debounce(v)
        assert seen == []
        await asyncio.sleep(0.1)

    asyncio.run(drag())
    assert seen == [9]


def test_owned_session_closes_with_the_timeline(counter_admin: Store) -> None:
    tl = Timeline(counter_admin, index=13)
    tl.select_pane("response")
    assert "Successfully loaded the Elm app state" in tl.response_html.value
    assert tl.events.markers()["set-state"] == [13]
    assert tl.session.host.process is not None
    tl.close()
    assert tl.session.host.process is None


def test_works_inside_a_running_event_loop(counter_admin: Store) -> None:
    """Jupyter runs every cell inside the kernel's asyncio loop: the replay must work there (the
    debounced slider also calls back from that loop)."""
    seen: list[int] = []

    async def cell() -> None:
        tl = Timeline(counter_admin, index=12, debounce_s=0.01)
        try:
            tl.select_pane("diff")
            tl.slider.value = 14  # debounced: shown once the loop runs the timer
            await asyncio.sleep(0.2)
            seen.append(tl.index)
            assert "#13 -&gt; #14" in tl.diff_html.value
        finally:
            tl.close()

    asyncio.run(cell())
    assert seen == [14]


def test_an_app_failure_shows_in_the_pane_and_marks_an_error(timeline: Timeline, monkeypatch: pytest.MonkeyPatch) -> None:
    from elmreplay.errors import AppCrashed

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise AppCrashed("The app threw: boom", event_index=2700)

    monkeypatch.setattr(timeline.session, "trace", crash)
    timeline.select_pane("state")
    timeline.show(2700)
    assert "AppCrashed" in timeline.state_html.value and "boom" in timeline.state_html.value
    errors = timeline.events.markers()["error"]
    assert 2700 in errors and len(errors) == 185  # the 184 4xx responses the scan found, and this one
    assert "error (185)" in timeline.track.value
    timeline.show(2699)
    assert timeline.jump("error") == 2700
