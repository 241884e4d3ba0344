"""Chunked replays with progress: same results as the session's own methods, and an interrupt
keeps what was done and leaves the session consistent."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

import pytest

import elmreplay
from elmreplay.replay.session import ReplaySession
from elmreplay.store.store import Store
from elmreplay.ui import progress


def test_replay_to_reaches_the_end_in_chunks(counter: Store) -> None:
    with elmreplay.replay(counter) as session:
        assert progress.replay_to(session, chunk=50, progress=False) == len(counter) - 1
        assert progress.replay_to(session, 10, progress=False) == 10  # backwards is a plain seek


def test_trace_and_responses_match_the_session(counter_admin: Store) -> None:
    with elmreplay.replay(counter_admin) as a, elmreplay.replay(counter_admin) as b:
        assert progress.trace(a, 0, len(counter_admin), chunk=5, progress=False) == b.trace(0, len(counter_admin))
        assert progress.responses(a, 0, chunk=4, progress=False) == b.responses(0, len(counter_admin))


def _interrupt_during(session: ReplaySession, method: str, at_call: int) -> None:
    """Send SIGINT to this process while ``method`` runs for the ``at_call``-th time."""
    original = getattr(session, method)
    calls = [0]

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == at_call:
            os.kill(os.getpid(), signal.SIGINT)
        return original(*args, **kwargs)

    setattr(session, method, wrapped)


def test_interrupted_trace_keeps_the_records_done(counter: Store) -> None:
    with elmreplay.replay(counter) as session, elmreplay.replay(counter) as fresh:
        _interrupt_during(session, "trace", at_call=2)
        with pytest.warns(UserWarning, match=r"trace interrupted after record #99"):
            out = progress.trace(session, 0, 400, chunk=50, progress=False)
        assert sorted(out) == list(range(100))  # two whole chunks, nothing half-done
        assert out == fresh.trace(0, 100)
        # the session stands where the last chunk ended and goes on correctly from there
        assert session.position == 99
        assert session.state_at(250) == fresh.state_at(250)


def test_interrupted_replay_stops_at_a_chunk_boundary(counter: Store) -> None:
    with elmreplay.replay(counter) as session, elmreplay.replay(counter) as fresh:
        _interrupt_during(session, "seek", at_call=3)
        with pytest.warns(UserWarning, match="replay interrupted"):
            reached = progress.replay_to(session, chunk=40, progress=False)
        assert reached == 119
        assert session.state_at(reached) == fresh.state_at(reached)


def test_interrupted_responses_keep_the_prefix(counter: Store) -> None:
    with elmreplay.replay(counter) as session, elmreplay.replay(counter) as fresh:
        _interrupt_during(session, "responses", at_call=1)
        with pytest.warns(UserWarning):
            out = progress.responses(session, 0, chunk=100, progress=False)
        assert out == fresh.responses(0, 100)


def test_sigint_handler_is_restored(counter: Store) -> None:
    before = signal.getsignal(signal.SIGINT)
    with progress.deferred_interrupt() as interrupted:
        assert signal.getsignal(signal.SIGINT) is not before
        assert not interrupted()
    assert signal.getsignal(signal.SIGINT) is before


def test_outside_the_main_thread_nothing_is_deferred() -> None:
    seen: list[bool] = []

    def run() -> None:
        with progress.deferred_interrupt() as interrupted:
            seen.append(interrupted())

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert seen == [False]


def test_progress_bar_counts_events_per_second() -> None:
    with progress.progress_bar(total=10, desc="x", disable=False) as bar:
        bar.update(10)
        assert bar.unit == "ev" and bar.n == 10
