"""Skipping an event: the later app events replayed in memory without it, checked against the
host's one-event-at-a-time path (a different route through V8 than the batches the run uses)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Iterator

import pytest

import elmreplay
from elmreplay.errors import SkipNotPossible
from elmreplay.replay.host import HostProcess
from elmreplay.replay.session import ReplaySession
from elmreplay.replay.skip import SkippedEventRun
from elmreplay.store.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "sample_histories"


@pytest.fixture(scope="module")
def tracker() -> Store:
    return elmreplay.open_store(SAMPLES / "tracker" / "store")


@pytest.fixture(scope="module")
def session(tracker: Store) -> Iterator[ReplaySession]:
    with elmreplay.replay(tracker) as s:
        yield s


def one_by_one(session: ReplaySession, skipped: int, last: int) -> dict[int, str | None]:
    """States after each record of ``skipped+1 .. last`` without ``skipped``, one event per V8 call."""
    host = HostProcess(session.store, session.resolver)
    try:
        host.restore(session.snapshot_at(skipped - 1))
        out = {}
        for rec in session.records[skipped + 1 : last + 1]:
            for ev in rec.parsed.events:
                host.apply(rec, ev)
            out[rec.index] = host.snapshot().state_json
        return out
    finally:
        host.close()


def op(store: Store, index: int) -> str | None:
    try:
        request = json.loads(store.event_json(index))["HttpRequestEvent"]["request"]
        return json.loads(base64.b64decode(request["bodyAsBase64"]))["op"]  # type: ignore[no-any-return]
    except (ValueError, KeyError, TypeError):
        return None


def assigned(state: str | None) -> int:
    assert state is not None
    return sum("Just" in issue["assignee"] for _, issue in json.loads(state)["issues"])


def test_skipping_the_rename_keeps_the_assignees(session: ReplaySession) -> None:
    expected = one_by_one(session, 2625, 2660)
    with SkippedEventRun(session, 2625) as run:
        assert run.last == 3268  # the next deployment (#3269) ends what the run covers
        assert run.state_at(2625) == session.state_at(2624)  # the skipped event never happened
        for i in (2660, 2630, 2626):  # forwards, then backwards (the run starts again)
            assert run.state_at(i) == expected[i]
        assert assigned(run.state_at(2660)) > assigned(session.state_at(2660)) + 100
        assert run.response_at(2625) is None and run.response_at(2626) is not None


def test_skipping_a_read_changes_no_later_state(session: ReplaySession, tracker: Store) -> None:
    read = next(i for i in range(2700, 2800) if op(tracker, i) == "getIssue")
    with SkippedEventRun(session, read) as run:
        for i in (read + 1, read + 5, read + 40):
            assert run.state_at(i) == session.state_at(i)


def test_what_cannot_be_skipped_or_answered(session: ReplaySession) -> None:
    with pytest.raises(SkipNotPossible, match="#1481 is not an app event"):
        SkippedEventRun(session, 1481)
    with SkippedEventRun(session, 3200) as run:
        with pytest.raises(SkipNotPossible, match="#3269 lies outside"):
            run.state_at(3269)
        with pytest.raises(SkipNotPossible, match="#3100 lies outside"):
            run.state_at(3100)


def test_skipping_writes_nothing(session: ReplaySession, tracker: Store) -> None:
    root = SAMPLES / "tracker" / "store"
    before = {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}
    with SkippedEventRun(session, 2625) as run:
        run.state_at(2700)
    assert {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")} == before
