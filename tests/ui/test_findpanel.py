"""The timeline's find box on the tracker sample (widgets work headless)."""

from __future__ import annotations

from typing import Iterator

import pytest

from elmreplay.replay.session import ReplaySession
from elmreplay.ui.findpanel import FindPanel
from elmreplay.ui.timeline import Timeline

SYMPTOM = "any(.issues[*], .assignee is Nothing and .status is InProgress)"


@pytest.fixture()
def timeline(tracker_session: ReplaySession) -> Iterator[Timeline]:
    t = Timeline(tracker_session, index=2600, debounce_s=0)
    yield t
    t.close()


def test_find_marks_matches_and_steps_between_them(timeline: Timeline, tracker_session: ReplaySession) -> None:
    panel = timeline.find('response.status >= 400')
    assert isinstance(panel, FindPanel) and panel in timeline.children
    assert timeline.find() is panel  # one box per timeline
    expected = tracker_session.find("response.status >= 400")["index"].tolist()
    assert panel.indices == expected and len(expected) > 2
    assert panel.lane.value.count("fill='#8250df'") == len({round(i * 1000 / (len(tracker_session) - 1)) for i in expected})
    later = [i for i in expected if i > 2600]
    assert panel.next() == later[0] and timeline.index == later[0]
    assert panel.next() == later[1]
    assert panel.previous() == later[0]
    assert f"{len(expected)} matches (this step matches)" in panel.status.value
    timeline.show(expected[-1])
    assert panel.next() is None and "no later match" in panel.status.value


def test_picking_a_result_shows_its_step(timeline: Timeline) -> None:
    panel = timeline.find(SYMPTOM)
    assert panel.indices[0] == 2625
    label, value = panel.results.options[0]
    assert value == 2625 and label.startswith("#2625  UpdateElmAppStateForEvent")
    panel.results.value = 2626
    assert timeline.index == 2626
    assert "FindPanel('any(.issues[*]" in repr(panel) and "first #2625" in repr(panel)
    assert "#2625" in panel._repr_mimebundle_()["text/html"]


def test_a_bad_condition_points_at_its_column(timeline: Timeline) -> None:
    panel = timeline.find()
    assert panel.run(".issues[*].assignee is nothing") is None
    assert panel.error is not None and panel.error.column == 24
    assert "at column 24" in panel.status.value and " " * 23 + "^" in panel.status.value
    assert panel.indices == [] and panel.lane.value == ""
