"""Recording and replaying ``backendMain`` apps (era 1b) in new stores: the event literals of the
writer era, the host's admin semantics, and restores (docs/modern-eras-replay.md §2.3, §2.4).
Runtimes are the scheduler sample's ports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import elmreplay
from elmreplay.replay.recorder import Recorder, event_text, task_complete_event
from elmreplay.replay.session import ReplaySession
from elmreplay.store import WriterEra, open_store
from elmreplay.store.writer import newtonsoft_json, system_text_json

SAMPLES = Path(__file__).resolve().parents[2] / "sample_histories"
APPS = SAMPLES / "apps" / "scheduler"
RUNTIMES = [SAMPLES / "scheduler" / "runtimes"]
T = 1_650_000_000_000  # 2022-04-15: after the 2022-03-20 switch to System.Text.Json
CREATED = {"CreateVolatileProcessResponse": {"Ok": {"processId": "p1"}}}


def literal(store: elmreplay.Store, index: int) -> str:
    value = store.records[index].parsed.event.value
    assert value is not None and value.literal_utf8 is not None
    return value.literal_utf8


@pytest.mark.parametrize("era", [WriterEra.E5, WriterEra.STJ_2022])
def test_event_literals_are_the_eras_serializer_output(tmp_path: Path, era: WriterEra) -> None:
    with Recorder(tmp_path / "s", runtimes=RUNTIMES, era=era) as rec:
        rec.deploy(APPS / "v1", migrate=False, time_ms=T)
        rec.task_complete("0-0", CREATED, time_ms=T + 300)
        rec.request("POST", "/r?a<b&c", body=f"{T + 5000} Grüße & <tea>".encode(), headers=[("X-Note", ["it's"])], time_ms=T + 1000)
        rec.time_arrived(T + 6000)
        store = rec.store()
        responses = rec.responses
    serialize = system_text_json if era is WriterEra.STJ_2022 else newtonsoft_json
    http = json.loads(literal(store, 2))
    assert literal(store, 2) == serialize(http).decode()
    assert literal(store, 1) == serialize({"TaskCompleteEvent": {"taskId": "0-0", "taskResult": CREATED}}).decode()
    assert literal(store, 3) == serialize({"ArrivedAtTimeEvent": {"posixTimeMilli": T + 6000}}).decode()
    if era is WriterEra.STJ_2022:
        assert "\\u003C" in literal(store, 2) and "\\u0026" in literal(store, 2) and "\\u0027" in literal(store, 2)
    else:
        assert "<b&c" in literal(store, 2) and "it's" in literal(store, 2)
    assert list(http["HttpRequestEvent"]) == ["posixTimeMilli", "httpRequestId", "requestContext", "request"]
    # The reminder fired at the time event and went to the process init created (task 0-0).
    fired = json.loads(responses[3] or "")["DecodeEventSuccess"]["startTasks"]
    assert fired == [{"taskId": f"{T + 6000}-1", "task": {"RequestToVolatileProcess": {"processId": "p1", "request": "Grüße & <tea>"}}}]
    assert elmreplay.verify(store, runtimes=RUNTIMES, progress=False).ok


def test_helpers_match_the_recorders_events() -> None:
    assert task_complete_event("1-2", CREATED) == '{"TaskCompleteEvent":{"taskId":"1-2","taskResult":{"CreateVolatileProcessResponse":{"Ok":{"processId":"p1"}}}}}'
    assert event_text({"a": "ü<"}, "2022-03") == '{"a":"\\u00FC\\u003C"}'


def test_request_ids_restart_with_the_public_app(tmp_path: Path) -> None:
    with Recorder(tmp_path / "s", runtimes=RUNTIMES) as rec:
        rec.deploy(APPS / "v1", migrate=False, time_ms=T)
        rec.request("GET", "/", time_ms=T + 1)
        rec.request("GET", "/", time_ms=T + 2)
        rec.deploy(APPS / "v2", migrate=True, time_ms=T + 3)
        rec.request("GET", "/", time_ms=T + 4)
        store = rec.store()
    ids = [json.loads(literal(store, i))["HttpRequestEvent"]["httpRequestId"] for i in (1, 2, 4)]
    assert ids == [f"{T + 1}-1", f"{T + 2}-2", f"{T + 4}-1"]


def test_set_state_the_app_cannot_decode_is_accepted_and_changes_nothing(tmp_path: Path) -> None:
    """The 2021-09+ host did not look at migrateResult for SetElmAppState (ec1891b9 .. 7cec8f4e)."""
    with Recorder(tmp_path / "s", runtimes=RUNTIMES) as rec:
        rec.deploy(APPS / "v1", migrate=False, time_ms=T)
        rec.request("POST", "/", body=f"{T + 10**6} later".encode(), time_ms=T + 1)
        before = rec.live.snapshot().state_json if rec.live else None
        outcome = rec.set_state('{"nextId":"not an int"}', time_ms=T + 2)
        after = rec.live.snapshot().state_json if rec.live else None
        store = rec.store()
    assert outcome.accepted and before == after and before is not None and '"nextId":2' in before
    with ReplaySession(store, elmreplay.api.resolver_for(store, RUNTIMES)) as session:
        session.state_at(len(store) - 1)
        step = session.step_results[len(store) - 1]
    assert step.result is not None and step.result.is_ok and "migrateResult Err" in (step.result.ok or "")


def test_set_state_restarts_the_task_framework(tmp_path: Path) -> None:
    """A task started before a set-state completes afterwards: the host restarted the app from
    the reduction stored at the start of the admin operation, so the completion finds no task."""
    with Recorder(tmp_path / "s", runtimes=RUNTIMES) as rec:
        rec.deploy(APPS / "v2", migrate=False, time_ms=T)
        rec.task_complete("0-0", CREATED, time_ms=T + 1)
        rec.request("POST", "/", body=f"{T + 100} ping".encode(), time_ms=T + 2)
        response = rec.time_arrived(T + 100)
        (task,) = json.loads(response or "")["DecodeEventSuccess"]["startTasks"]
        state = rec.live.snapshot().state_json if rec.live else None
        assert state is not None
        rec.set_state(state, time_ms=T + 150)
        done = {"RequestToVolatileProcessResponse": {"Ok": {"returnValueToString": "ok", "durationInMilliseconds": 3}}}
        rec.task_complete(task["taskId"], done, time_ms=T + 160)
        store = rec.store()
        recorded_after = rec.live.snapshot().state_json if rec.live else None
    assert task["taskId"] == f"{T + 100}-1"
    with ReplaySession(store, elmreplay.api.resolver_for(store, RUNTIMES), use_reductions=False) as session:
        final_text = session.state_at(len(store) - 1)
    final = json.loads(final_text or "")
    assert final["delivered"] == [] and final_text == recorded_after  # the completion found no task
    assert elmreplay.verify(store, runtimes=RUNTIMES, progress=False).ok


def test_stored_state_shows_without_running_and_old_interface_untouched(tmp_path: Path) -> None:
    rec_dir = tmp_path / "s"
    with Recorder(rec_dir, runtimes=RUNTIMES) as rec:
        rec.deploy(APPS / "v1", migrate=False, time_ms=T)
        rec.reduce()
    store = open_store(rec_dir)
    with ReplaySession(store, elmreplay.api.resolver_for(store, RUNTIMES)) as session:
        assert session.host.interface_name() is None
        session.state_at(0)
        assert session.host.interface_name() == "2021-09 backendMain"
