"""Reading the next run of events ahead (in a thread, once V8 starts on the current run) changes
no result, and a read-ahead left behind by an error does not hold up the reader thread."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

import elmreplay
from elmreplay.replay import session as session_module

TRACKER = Path(__file__).resolve().parents[2] / "sample_histories" / "tracker" / "store"


class Stop(Exception):
    pass


@pytest.mark.parametrize("chunks", [None, (100, 400)])
def test_replay_with_and_without_read_ahead_is_the_same(monkeypatch: pytest.MonkeyPatch, chunks: tuple[int, int] | None) -> None:
    """``chunks``: short runs (the first ones shorter, as before the app's speed is known), so
    that most runs are read ahead, including the first after each deploy and the runs whose
    read-ahead was sized before the speed was known."""
    if chunks is not None:
        monkeypatch.setattr(session_module, "FIRST_RUN_CHUNK", chunks[0])
        monkeypatch.setattr(session_module, "RUN_CHUNK", chunks[1])
        monkeypatch.setattr(session_module, "MIN_PREFETCH", 2)
    read = session_module._encoded_run
    in_main_thread: list[int] = []

    def counting(records: Any, first: int, last: int, *, ahead: bool = True) -> Any:
        if not ahead:
            in_main_thread.append(first)
        return read(records, first, last, ahead=ahead)

    monkeypatch.setattr(session_module, "_encoded_run", counting)
    store = elmreplay.open_store(str(TRACKER))
    n = len(store)
    with elmreplay.replay(store, use_reductions=False, live_checkpoints=False) as ahead:
        with_ahead = ahead.trace_digests(0, n)
        assert len(with_ahead) > 3000
    if chunks is not None:  # (a run too short to be read ahead is read here)
        runs = n // chunks[1]
        assert len(in_main_thread) < runs / 4, (in_main_thread, runs)
    monkeypatch.setattr(session_module, "MIN_PREFETCH", 10**9)  # every run read in the main thread
    with elmreplay.replay(store, use_reductions=False, live_checkpoints=False) as plain:
        assert plain.trace_digests(0, n) == with_ahead


def test_a_read_ahead_left_by_an_error_does_not_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    # Were the read-ahead left waiting for V8, it would hold the one reader thread this long.
    monkeypatch.setattr(session_module, "PREFETCH_START_TIMEOUT_S", 600.0)
    monkeypatch.setattr(session_module, "FIRST_RUN_CHUNK", 300)
    monkeypatch.setattr(session_module, "RUN_CHUNK", 300)
    monkeypatch.setattr(session_module, "MIN_PREFETCH", 2)
    store = elmreplay.open_store(str(TRACKER))
    with elmreplay.replay(store, use_reductions=False) as session:
        host = session.host
        run_app_events = host.run_app_events
        calls: list[int] = []

        def failing_before_v8(items: Any, **kw: Any) -> Any:
            calls.append(len(items))
            if len(calls) == 2:  # the next run is being read ahead, and V8 never starts this one
                raise Stop
            return run_app_events(items, **kw)

        monkeypatch.setattr(host, "run_app_events", failing_before_v8)
        with pytest.raises(Stop):
            session.replay_all()
        assert session_module._PREFETCHER.submit(lambda: "free").result(timeout=60) == "free"
        monkeypatch.setattr(host, "run_app_events", run_app_events)
        session.replay_all()  # and the session goes on
        assert session.state_at(len(store) - 1) is not None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="thread priorities are per thread on Linux only")
def test_the_reader_thread_alone_runs_at_a_lower_priority() -> None:
    """The reader yields the cores to V8's threads; this process's other threads keep theirs."""

    def priority() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    mine = priority()
    reader = session_module._PREFETCHER.submit(priority).result(timeout=60)
    assert reader == min(19, mine + session_module.READER_NICE_INCREMENT)
    assert priority() == mine and os.getpriority(os.PRIO_PROCESS, 0) == mine


def test_batches_merge_a_short_tail_only_once_the_speed_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the app's speed is known a batch holds at most the host's default size (the
    per-call timeout assumes it); after, a run's short last batch joins the one before. Either
    way the replay is the same as one without merging."""
    from elmreplay.replay import host as host_module

    size = 333
    monkeypatch.setattr(
        session_module.ReplaySession,
        "_batch_size",
        lambda self: size if self._seconds_per_event is not None else host_module.DEFAULT_BATCH_SIZE,
    )
    original = host_module.HostProcess.run_app_events
    calls: list[tuple[float, int, list[int]]] = []  # (tail_share, batch_size, each batch's length)

    def recording(self: Any, items: Any, **kw: Any) -> Any:
        process = self.process
        lengths: list[int] = []
        if process is not None:
            run_batch = process.run_batch

            def measured(events: Any, **k: Any) -> Any:
                lengths.append(len(events))
                return run_batch(events, **k)

            monkeypatch.setattr(process, "run_batch", measured)
        calls.append((kw.get("tail_share", 0.0), kw["batch_size"], lengths))
        return original(self, items, **kw)

    monkeypatch.setattr(host_module.HostProcess, "run_app_events", recording)
    store = elmreplay.open_store(str(TRACKER))
    with elmreplay.replay(store, use_reductions=False) as merged:
        digests = merged.trace_digests(0, len(store))
    assert calls[0][0] == 0.0 and max(calls[0][2]) <= host_module.DEFAULT_BATCH_SIZE
    assert all(max(lengths, default=0) <= batch for share, batch, lengths in calls if share == 0.0)
    merging = [(batch, lengths) for share, batch, lengths in calls if share > 0.0]
    assert merging and all(max(lengths) <= batch * (1 + session_module.TAIL_SHARE) for batch, lengths in merging)
    assert any(lengths[-1] > batch for batch, lengths in merging), "no run had a short tail to merge"
    monkeypatch.setattr(session_module, "TAIL_SHARE", 0.0)
    with elmreplay.replay(store, use_reductions=False) as unmerged:
        assert unmerged.trace_digests(0, len(store)) == digests


def test_runs_of_big_events_are_shorter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs after the first hold about RUN_MAX_BYTES of event JSON at most (big events make
    short runs, not gigabytes held at once), and the replay is the same."""
    store = elmreplay.open_store(str(TRACKER))
    with elmreplay.replay(store, use_reductions=False) as plain:
        expected = plain.trace_digests(0, len(store))
    monkeypatch.setattr(session_module, "RUN_MAX_BYTES", 20_000)
    original = session_module.ReplaySession._run_payloads
    runs: list[tuple[int, int]] = []  # (events, bytes of their JSON)

    def recording(self: Any, first: int, last: int, tokens: Any = None) -> Any:
        items, last_offset = original(self, first, last, tokens)
        runs.append((len(items), session_module._text_size(items.payloads)))
        return items, last_offset

    monkeypatch.setattr(session_module.ReplaySession, "_run_payloads", recording)
    with elmreplay.replay(store, use_reductions=False) as short:
        assert short.trace_digests(0, len(store)) == expected
    later = runs[1:]
    assert len(later) > len(store) // 100  # ~30 events a run (~665 bytes each), not thousands
    # a run is sized from the one before, so it may pass the budget by the size difference
    assert all(size < 3 * 20_000 for _, size in later), max(later, key=lambda r: r[1])
