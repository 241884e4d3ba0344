"""Replay throughput: elmreplay's replay vs the engine's physical limit, and one call per event.

* **limit**: the app's own ``processEventAndUpdateState`` applied in a tight JavaScript loop
  over the store's event strings, which are already inside V8 (loaded in chunks beforehand,
  untimed); nothing crosses to Python while the clock runs. Same runtime, same start state
  (``initState``), same events.
* **replay**: :meth:`ReplaySession.replay_all` on the opened store (no reductions used, so
  every event is replayed, with the session's checkpoints), and :func:`verify` (the same
  replay plus comparing every stored reduction).
* **one call per event**: :meth:`AppProcess.process_event` per event on a prefix of the
  events (the 2020 host's way), for contrast.
"""

from __future__ import annotations

import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import orjson
from py_mini_racer import MiniRacer

from elmreplay.replay.host import DEFAULT_BATCH_SIZE
from elmreplay.replay.session import ReplaySession
from elmreplay.replay.verify import verify
from elmreplay.runtime.engine import AppProcess
from elmreplay.runtime.sources import RuntimeResolver, compiler_provider
from elmreplay.store.files import DirectoryFiles
from elmreplay.store.store import Store

from .common import app_event_strings, first_app_js, per_s
from .stores import BenchStore

LIMIT_CHUNK = 50_000
LOOP = "(function(){var p=processEventAndUpdateState,e=__bench_events;for(var i=0;i<e.length;i++)p(e[i]);return e.length})()"


@dataclass
class Clock:
    """Wall-clock and CPU seconds (CPU of every thread of this process: V8 runs in one of them;
    CPU time is what other processes on a shared machine disturb least)."""

    wall: float = 0.0
    cpu: float = 0.0
    last_chunk_us: float = 0.0

    @contextmanager
    def running(self) -> Iterator[None]:
        w, c = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.wall += time.perf_counter() - w
            self.cpu += time.process_time() - c

    def best(self, other: Clock) -> Clock:
        return Clock(min(self.wall, other.wall), min(self.cpu, other.cpu), other.last_chunk_us)


def limit_clock(js: str, events: list[str], *, chunk: int = LIMIT_CHUNK) -> Clock:
    """The app's update over ``events`` in a JS loop, events already in V8 (loaded untimed).
    ``clock.last_chunk_us`` is the per-event time of the last chunk (an app whose update
    slows down as its state grows shows it here)."""
    clock = Clock()
    ctx = MiniRacer()
    try:
        ctx.set_hard_memory_limit(4 << 30)
        ctx.eval(js)
        ctx.eval("app_state = initState; var __bench_events = [];")
        for start in range(0, len(events), chunk):
            part = events[start : start + chunk]
            ctx.eval("__bench_events = " + orjson.dumps(part).decode() + ";0")
            before = clock.wall
            with clock.running():
                ctx.eval(LOOP, timeout_sec=3600)
            clock.last_chunk_us = (clock.wall - before) / len(part) * 1e6
        return clock
    finally:
        ctx.close()


def one_call_seconds(js: str, events: list[str]) -> float:
    """Seconds for ``events`` with one Python -> V8 call each (from ``initState``)."""
    with AppProcess(js, app_config_hash="bench") as proc:
        t0 = time.perf_counter()
        for e in events:
            proc.process_event(e)
        return time.perf_counter() - t0


def batched_seconds(js: str, events: list[str]) -> float:
    """Seconds for ``events`` in the host's batches (one call per batch, from ``initState``)."""
    with AppProcess(js, app_config_hash="bench") as proc:
        t0 = time.perf_counter()
        for start in range(0, len(events), DEFAULT_BATCH_SIZE):
            proc.run_batch(events[start : start + DEFAULT_BATCH_SIZE])
        return time.perf_counter() - t0


def replay_clock(
    bench: BenchStore, store: Store, *, keep: bool = False, resolver: RuntimeResolver | None = None
) -> tuple[Clock, ReplaySession | None]:
    """``replay_all`` of a fresh session (no reductions: every event replayed); the session is
    returned open when ``keep`` (the caller closes it)."""
    clock = Clock()
    session = ReplaySession(store, resolver or bench.resolver(), use_reductions=False)
    try:
        with clock.running():
            session.replay_all()
    except BaseException:
        session.close()
        raise
    if keep:
        return clock, session
    session.close()
    return clock, None


def _figures(n: int, limit: Clock, replay: Clock) -> dict[str, Any]:
    return {
        "events": n,
        "limit_s": limit.wall,
        "limit_cpu_s": limit.cpu,
        "limit_events_per_s": per_s(n, limit.wall),
        "limit_last_chunk_us_per_event": limit.last_chunk_us,
        "replay_s": replay.wall,
        "replay_cpu_s": replay.cpu,
        "replay_events_per_s": per_s(n, replay.wall),
        "replay_vs_limit": limit.wall / replay.wall,
        "replay_vs_limit_cpu": limit.cpu / replay.cpu,
    }


def _median(ratios: list[float]) -> dict[str, Any]:
    """The median replay/limit ratio of interleaved repeats (a single noisy repeat on a shared
    machine does not decide), and each repeat's."""
    return {"replay_vs_limit_median": statistics.median(ratios), "replay_vs_limit_repeats": [round(r, 3) for r in ratios]}


def _interleaved(js: str, events: list[str], replay: Callable[[], Clock], repeat: int) -> dict[str, Any]:
    """``repeat`` limit runs each followed by a replay: the best of each, and the median ratio."""
    limit = best = Clock(float("inf"), float("inf"))
    ratios: list[float] = []
    for _ in range(max(1, repeat)):
        one_limit, one_replay = limit_clock(js, events), replay()
        ratios.append(one_limit.wall / one_replay.wall)
        limit, best = limit.best(one_limit), best.best(one_replay)
    return {**_figures(len(events), limit, best), **_median(ratios)}


def _one_call(js: str, events: list[str], count: int) -> dict[str, Any]:
    """One call per event vs the batched path, on the same first ``count`` events."""
    few = events[:count]
    one_s = one_call_seconds(js, few)
    batched_s = batched_seconds(js, few)
    return {
        "one_call_events": len(few),
        "one_call_events_per_s": per_s(len(few), one_s),
        "batched_events_per_s": per_s(len(few), batched_s),
        "batched_vs_one_call": one_s / batched_s,
    }


def open_store(bench: BenchStore) -> Store:
    return Store(DirectoryFiles(bench.path), name=bench.name)


def run(bench: BenchStore, *, repeat: int = 2, one_call_events: int = 2000, store: Store | None = None) -> dict[str, Any]:
    """Measure one store; limit and replay runs are interleaved and the best of each kept,
    then one verify and the one-call-per-event contrast."""
    store = store or open_store(bench)
    events = app_event_strings(store)
    js = first_app_js(store, bench.resolver())
    out = {"store": bench.name, **_interleaved(js, events, lambda: replay_clock(bench, store)[0], repeat)}
    t0 = time.perf_counter()
    report = verify(store, bench.resolver())
    verify_s = time.perf_counter() - t0
    out.update(
        verify_s=verify_s,
        verify_events_per_s=per_s(len(events), verify_s),
        verify_vs_limit=out["limit_s"] / verify_s,
        verify_ok=report.ok,
        reductions_checked=len(report.checks),
    )
    out.update(_one_call(js, events, one_call_events))
    return out


def run_keeping_session(
    bench: BenchStore, *, one_call_events: int = 2000, store: Store | None = None, repeat: int = 1
) -> tuple[dict[str, Any], ReplaySession]:
    """``repeat`` limit runs and replays (figures of the last; the median ratio of all); returns
    the last replayed session (with its checkpoints) for the seek benchmark, which must close it."""
    store = store or open_store(bench)
    events = app_event_strings(store)
    js = first_app_js(store, bench.resolver())
    ratios: list[float] = []
    session: ReplaySession | None = None
    for k in range(max(1, repeat)):
        if session is not None:
            session.close()
        limit = limit_clock(js, events)
        replay, session = replay_clock(bench, store, keep=True)
        ratios.append(limit.wall / replay.wall)
    assert session is not None
    out = {"store": bench.name, **_figures(len(events), limit, replay), **_median(ratios)}
    out.update(_one_call(js, events, one_call_events))
    return out, session


#: What the counter's Elm source needs besides elm/core and elm/json (its elm.json).
COUNTER_ELM_PACKAGES = ("elm/bytes@1.0.8", "danfishgold/base64-bytes@1.0.3")


def run_compiled(bench: BenchStore, cache_dir: Path, *, repeat: int = 3, store: Store | None = None) -> dict[str, Any]:
    """The replay/limit ratio with the app compiled from its Elm source (the app config's files
    in the store, compiled as the host did) instead of the hand-written port: its update decodes
    the base64 body in Elm code, so its limit is lower. ``{"skipped": reason}`` without Elm."""
    from elmreplay.elmcompile import elm_toolchain_status

    ok, reason = elm_toolchain_status(packages=COUNTER_ELM_PACKAGES)
    if not ok:
        return {"store": bench.name, "skipped": f"Elm toolchain unavailable: {reason}"}
    store = store or open_store(bench)
    resolver = RuntimeResolver([compiler_provider(cache_dir)])
    t0 = time.perf_counter()
    js = first_app_js(store, resolver)
    compile_s = time.perf_counter() - t0
    events = app_event_strings(store)
    replay = _interleaved(js, events, lambda: replay_clock(bench, store, resolver=resolver)[0], repeat)
    return {"store": bench.name, "compile_s": compile_s, **replay}
