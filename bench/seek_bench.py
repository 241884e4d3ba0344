"""Seek latency: random ``ReplaySession.state_at`` on a big store.

Two situations, each with the session's defaults (serialized checkpoints every 1000 records
under a 256 MiB budget, live checkpoints held inside V8 every 50 records under half of the
context's memory limit, stored reductions used as cold checkpoints):

* **warm**: after one full replay from the first record (which lays down the in-memory
  checkpoints), what an interactive user scrubbing through the history sees;
* **cold**: a fresh session seeking at random straight away (only stored reductions and the
  checkpoints laid down by earlier seeks help).

"Events replayed" counts the app events a seek actually ran inside V8 (from the host's
batched event path), the measure of how far the nearest known state was. "V8 heap" is the heap
in use by the session's processes after the seeks (held live states plus garbage not yet
collected).

``run(..., live_checkpoints=False)`` measures the serialized tier alone (the numbers before live
checkpoints existed).
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from elmreplay.replay.host import HostProcess
from elmreplay.replay.session import ReplaySession
from elmreplay.store.files import DirectoryFiles
from elmreplay.store.store import Store

from .stores import BenchStore


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _count_replayed(host: HostProcess, counter: list[int]) -> None:
    """Count the app events the host runs (wraps this instance's batched event path)."""
    inner = host.run_app_events

    def counting(items: Any, **kw: Any) -> Any:
        counter[0] += len(items)
        return inner(items, **kw)

    host.run_app_events = counting  # type: ignore[method-assign]


def _seeks(session: ReplaySession, targets: list[int]) -> dict[str, Any]:
    counter = [0]
    _count_replayed(session.host, counter)
    latencies: list[float] = []
    replayed: list[int] = []
    for index in targets:
        before = counter[0]
        t0 = time.perf_counter()
        session.state_at(index)
        latencies.append(time.perf_counter() - t0)
        replayed.append(counter[0] - before)
    return {
        "seeks": len(targets),
        "p50_s": _percentile(latencies, 0.5),
        "p95_s": _percentile(latencies, 0.95),
        "max_s": max(latencies),
        "events_replayed_mean": statistics.fmean(replayed),
        "events_replayed_p95": _percentile([float(r) for r in replayed], 0.95),
        "events_replayed_max": max(replayed),
        "checkpoints": session.checkpoint_count,
        "checkpoint_every": session.checkpoint_every,
        "checkpoint_mb": session.checkpoint_bytes / 2**20,
        "budget_mb": session.memory_budget / 2**20,
        "within_budget": session.checkpoint_bytes <= session.memory_budget,
        "live_checkpoints": session.live_checkpoint_count,
        "live_every": session.live_every,
        "v8_heap_mb": session.live_heap_bytes / 2**20,
        "live_budget_mb": session.live_memory_budget / 2**20,
    }


def run(
    bench: BenchStore,
    *,
    seeks: int = 200,
    cold_seeks: int = 50,
    seed: int = 7,
    session: ReplaySession | None = None,
    store: Store | None = None,
    live_checkpoints: bool = True,
) -> dict[str, Any]:
    """Warm and cold random seeks. ``session``: an already replayed session to seek in (it is
    closed here), instead of replaying the store once more; ``store``: the opened store;
    ``live_checkpoints``: for the sessions made here."""
    if session is not None:
        store = session.store
    store = store or Store(DirectoryFiles(bench.path), name=bench.name)
    n = len(store.records)
    rng = random.Random(seed)
    out: dict[str, Any] = {"store": bench.name, "records": n}
    if session is None:
        # a full replay: checkpoints everywhere
        session = ReplaySession(store, bench.resolver(), use_reductions=False, live_checkpoints=live_checkpoints)
        t0 = time.perf_counter()
        session.replay_all()
        out["replay_all_s"] = time.perf_counter() - t0
    with session:
        out["state_mb"] = session.snapshot_at(n - 1).size / 2**20
        out["warm"] = _seeks(session, [rng.randrange(n) for _ in range(seeks)])
    with ReplaySession(store, bench.resolver(), live_checkpoints=live_checkpoints) as cold:
        out["cold"] = _seeks(cold, [rng.randrange(n) for _ in range(cold_seeks)])
    return out


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.seek_bench DIR``: seeks in an already generated store (``DIR/store`` and
    ``DIR/runtimes``, as ``bench.run`` leaves them), with and without live checkpoints."""
    import argparse
    import json
    from pathlib import Path

    from elmreplay.store.writer import WriterEra

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--seeks", type=int, default=200)
    parser.add_argument("--cold-seeks", type=int, default=50)
    parser.add_argument("--compare", action="store_true", help="first run without live checkpoints")
    args = parser.parse_args(argv)
    bench = BenchStore(args.dir.name, args.dir / "store", args.dir / "runtimes", 0, WriterEra.E5)
    for live in ([False, True] if args.compare else [True]):
        result = run(bench, seeks=args.seeks, cold_seeks=args.cold_seeks, live_checkpoints=live)
        print(json.dumps({"live_checkpoints": live, **result}, indent=1))


if __name__ == "__main__":
    main()
