"""The timeline's event list: filters over the whole history before paging, markers, statuses."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import elmreplay
from elmreplay.store.store import Store
from elmreplay.ui.eventlist import AppEvent, EventFilter, EventList, decode_body, response_status, summarize_body


def test_rows_follow_the_events_table(tracker: Store) -> None:
    events = EventList(tracker)
    df = tracker.events()
    assert len(events) == len(df) == 3973
    assert [r.kind for r in events.rows[:2]] == ["deploy+init", "event"]
    assert events.rows[2625].event_type == "HttpRequestEvent"
    assert events.rows[2625].request == "POST /api"
    assert events.rows[2625].request_id == df.loc[2625, "http_request_id"]
    assert events.frame.shape[0] == 3973 and "status" in events.frame.columns


def test_filter_applies_to_the_whole_history_before_paging(tracker: Store) -> None:
    events = EventList(tracker)
    matches = events.matches(EventFilter(kind="deploy+migrate"))
    # far apart in the history, yet all on the first page of the filtered list
    assert matches.tolist() == [1481, 2537, 3269]
    assert events.page(matches, 0, page_size=15) == [1481, 2537, 3269]
    renames = events.matches(EventFilter(text="RENAME"))  # case-insensitive, searches decoded bodies
    assert renames.tolist() == [2625, 2961, 3203, 3272]
    assert events.page(renames, 1, page_size=2) == [3203, 3272]
    assert events.page(renames, 99, page_size=2) == [3203, 3272]  # clamped to the last page
    assert EventList.page_count(len(renames), 2) == 2


def test_filters_combine(tracker: Store) -> None:
    events = EventList(tracker)
    both = events.matches(EventFilter(kind="event", event_type="HttpRequestEvent", text="rename"))
    assert both.tolist() == [2625, 2961, 3203, 3272]
    assert events.matches(EventFilter(kind="set-state")).tolist() == []
    assert len(events.matches(EventFilter())) == len(tracker)


def test_page_of_finds_the_page_holding_an_index_or_the_next_match(tracker: Store) -> None:
    events = EventList(tracker)
    everything = events.matches(EventFilter())
    assert EventList.page_of(everything, 2625, 15) == 2625 // 15
    deploys = events.matches(EventFilter(kind="deploy+migrate"))
    assert EventList.page_of(deploys, 2000, 1) == 1  # next match after 2000 is 2537, the second
    assert EventList.page_of(deploys, 3900, 1) == 2  # nothing after: the last page


def test_markers_and_jumps(counter_admin: Store) -> None:
    events = EventList(counter_admin)
    m = events.markers()
    assert m["deployment"] == [0]
    assert m["set-state"] == [13]
    assert m["revert"] == [22]
    assert m["reduction"] == [12, 21]
    assert m["error"] == []
    assert events.next_marker("reduction", 12) == 21
    assert events.next_marker("reduction", 12, forward=False) is None
    assert events.next_marker("revert", 0) == 22
    assert events.label(21) == "#21     Rx  07-26 10:17:36 http           POST /                 addition=-2"


def test_error_markers_come_from_replayed_responses(counter: Store) -> None:
    events = EventList(counter)
    with elmreplay.replay(counter) as session:
        events.note_responses(0, session.responses(0, len(counter)))
    errors = events.markers()["error"]
    assert len(errors) == 3  # the three malformed requests of the scenario, answered 400
    assert all(events.status(i) == 400 for i in errors)
    assert events.status(1) == 200
    assert events.status(0) is None  # a deployment has no HTTP response


def _response(status: int, request_id: str, other_first: bool) -> str:
    completed = [{"httpRequestId": request_id, "response": {"statusCode": status, "headersToAdd": [], "bodyAsBase64": ""}}]
    if other_first:
        completed.insert(0, {"httpRequestId": "other", "response": {"statusCode": 599}})
    return json.dumps({"DecodeEventSuccess": {"notifyWhenArrivedAtTime": None, "startTasks": [], "completeHttpResponses": completed}})


@given(st.integers(100, 599), st.text(min_size=1, max_size=20).filter(lambda s: s != "other"), st.booleans())
def test_response_status_picks_the_events_own_request(status: int, request_id: str, other_first: bool) -> None:
    assert response_status(_response(status, request_id, other_first), request_id) == status


def test_response_status_edge_cases() -> None:
    assert response_status(None) is None
    assert response_status('{"DecodeEventError":["bad"]}') == -1
    assert response_status('{"DecodeEventSuccess":[{"completeHttpResponses":[]}]}') is None  # 2023+ tagged form
    assert response_status("not json") == -1
    assert response_status(_response(404, "a", False), "unknown") == 404  # falls back to the first


@given(st.text(max_size=200))
def test_decode_body_round_trips_utf8(text: str) -> None:
    assert decode_body(base64.b64encode(text.encode("utf-8")).decode()) == text


@pytest.mark.parametrize("value", [None, 17, "%%%", base64.b64encode(b"\xff\xfe").decode()])
def test_decode_body_rejects_what_is_not_utf8_base64(value: object) -> None:
    assert decode_body(value) is None


def _request_body(store: Store, index: int) -> dict[str, object]:
    """The request body of a tracker event, decoded here independently of the event list."""
    request = json.loads(store.event_json(index))["HttpRequestEvent"]["request"]
    return json.loads(base64.b64decode(request["bodyAsBase64"]))  # type: ignore[no-any-return]


def test_rows_say_what_each_request_did(tracker: Store) -> None:
    events = EventList(tracker)
    assert events.summary(2625) == 'op=rename userId=dave displayName="Dave Kowalski"'
    assert _request_body(tracker, 2625) == {"op": "rename", "userId": "dave", "displayName": "Dave Kowalski"}
    label = events.label(2625)
    assert label.startswith("#2625       07-28 10:07:14 http           POST /api")
    assert label.endswith('op=rename userId=dave displayName="Dave Kowalski"')
    # every JSON request's row names its operation, as the body says (an independent decode)
    for i in range(1, 400):
        if events.rows[i].event_type == "HttpRequestEvent" and events.rows[i].method == "POST":
            try:
                body = _request_body(tracker, i)
            except ValueError:
                assert events.summary(i).startswith("(not JSON)")
                continue
            assert events.summary(i).startswith(f"op={body['op']}")
    summaries = {events.summary(i) for i in range(len(events)) if events.rows[i].kind == "event"}
    assert len(summaries) > 3000  # rows differ by what each request did
    assert events.summary(0).startswith("app config ")  # deployments name their app config
    assert events.summary(89) == "(no body)" and events.rows[89].method == "GET"


def test_the_default_summary_cuts_long_values() -> None:
    ev = AppEvent(0, "HttpRequestEvent", "POST", "/api", body_json={"op": "x y", "n": 42, "ok": True, "tags": ["a"], "long": "z" * 40,
                                                                     "big": list(range(50)), "obj": {"a": {"b": 1}}})  # fmt: skip
    assert summarize_body(ev) == 'op="x y" n=42 ok=true tags=["a"] long="' + "z" * 23 + '\u2026" big=[50 items] obj={"a":{"b":1}}'
    assert summarize_body(AppEvent(0, "HttpRequestEvent", "POST", "/", body="oops {")) == "(not JSON) oops {"


def test_a_summarizer_replaces_the_default(tracker: Store) -> None:
    seen: list[AppEvent] = []

    def mine(ev: AppEvent) -> str | None:
        seen.append(ev)
        return f"{ev.body_json['op'].upper()}" if isinstance(ev.body_json, dict) and ev.body_json.get("op") == "rename" else None

    events = EventList(tracker, summarizer=mine)
    assert events.summary(2625) == "RENAME"
    assert events.summary(2626) == "op=getIssue issueId=167"  # None: the default
    ev = seen[0]
    assert ev.index == 2625 and ev.method == "POST" and ev.path == "/api"
    assert ("Content-Type", "application/json") in ev.headers
