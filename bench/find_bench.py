"""find vs replay: a path condition over the whole history against a plain replay of it.

Both run in fresh sessions on the same opened store without reductions (every event is
replayed), over the same range ``[0, stop)``, best of ``repeat`` interleaved rounds. Two conditions per app:

* ``state``: a condition on the state, read inside V8 after each event that changed it: as the
  ports' ``getStateJsonValue`` (unchanged parts shared between states, so it costs what
  changed), or serialized and parsed where a runtime lacks it (a cost that grows with the
  state's size);
* ``response``: a condition on the response only (no state serialized).

``find_vs_replay`` is find's time over replay's time (goal <= 2).
"""

from __future__ import annotations

import time
from typing import Any

from elmreplay.replay.session import ReplaySession
from elmreplay.store.files import DirectoryFiles
from elmreplay.store.store import Store

from .stores import BenchStore

CONDITIONS: dict[str, dict[str, str]] = {
    "counter": {"state": ". > 1000000", "response": "response.status >= 400"},
    "tracker": {
        "state": "any(.issues[*], .assignee is Nothing and .status is InProgress)",
        "response": "response.status >= 400",
    },
}


def _timed_replay(store: Store, bench: BenchStore, stop: int) -> float:
    with ReplaySession(store, bench.resolver(), use_reductions=False) as session:
        t0 = time.perf_counter()
        session.seek(stop - 1)
        return time.perf_counter() - t0


def _timed_find(store: Store, bench: BenchStore, where: str, stop: int) -> tuple[float, int]:
    with ReplaySession(store, bench.resolver(), use_reductions=False) as session:
        t0 = time.perf_counter()
        found = session.find(where, stop=stop)
        return time.perf_counter() - t0, len(found)


def run(
    bench: BenchStore, *, kind: str, repeat: int = 1, store: Store | None = None, stop: int | None = None
) -> dict[str, Any]:
    """``kind``: ``counter`` or ``tracker`` (which conditions to ask); ``stop``: measure over
    records ``[0, stop)`` (default: all)."""
    store = store or Store(DirectoryFiles(bench.path), name=bench.name)
    stop = len(store.records) if stop is None else min(stop, len(store.records))
    replay_s = float("inf")
    find_s = {name: float("inf") for name in CONDITIONS[kind]}
    matches: dict[str, int] = {}
    for _ in range(max(1, repeat)):
        replay_s = min(replay_s, _timed_replay(store, bench, stop))
        for name, where in CONDITIONS[kind].items():
            t, matches[name] = _timed_find(store, bench, where, stop)
            find_s[name] = min(find_s[name], t)
    with ReplaySession(store, bench.resolver()) as session:
        state_kb = session.snapshot_at(stop - 1).size / 1024
    return {
        "store": bench.name,
        "records": stop,
        "state_kb_at_end": state_kb,
        "replay_s": replay_s,
        "find_s": find_s,
        "matches": matches,
        "conditions": CONDITIONS[kind],
        "find_vs_replay": {name: t / replay_s for name, t in find_s.items()},
    }


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.find_bench KIND N``: generate a store of N events and measure."""
    import argparse
    import json
    import tempfile
    from pathlib import Path

    from .stores import make_store

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("kind", choices=sorted(CONDITIONS))
    parser.add_argument("events", type=int)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--stop", type=int, help="measure over the first STOP records")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="elmreplay-find-bench-") as root:
        bench = make_store(args.kind, args.events, Path(root))
        print(json.dumps(run(bench, kind=args.kind, repeat=args.repeat, stop=args.stop), indent=1))


if __name__ == "__main__":
    main()
