"""Benchmark stores: big histories of the sample apps, written by the recorder into a temp dir.

Nothing here is committed: each run generates its stores (deterministically, seeded) with
:class:`elmreplay.Recorder`, the host-faithful writer of new stores, and runs them with the
hand-written JavaScript ports of ``sample_histories/ports``.

* ``counter``: ``counter/v1`` deployed with init, then N ``HttpRequestEvent`` s with
  ``{"addition":N}`` bodies (one in 500 malformed, answered 400) built like
  ``sample_histories/scenarios.py`` builds them; requests arrive every 20-180 ms of host
  time, so the host's 10-minute reduction rule writes a reduction every ~6000 events.
* ``tracker``: ``tracker/v4_fix`` deployed with init, the 12 team members added, then the
  tracker scenario's request mix (its client model, ``_TrackerClient.random_action``) for N
  events; a reduction every ``TRACKER_REDUCTION_EVERY`` events (a busy team's 10 minutes).
"""

from __future__ import annotations

import bisect
import importlib.util
import itertools
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_histories"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from elmreplay import Recorder  # noqa: E402  (the public recorder)
from elmreplay.replay.script import app_loader, run_script  # noqa: E402
from elmreplay.runtime.sources import RuntimeDirectory, RuntimeResolver  # noqa: E402
from elmreplay.store.trees import TreeEncoding  # noqa: E402
from elmreplay.store.writer import WriterEra  # noqa: E402

COUNTER_START_MS = 1_605_517_200_000  # 2020-11-16T09:00Z, the counter scenario's day
TRACKER_START_MS = 1_626_680_700_000  # 2021-07-19T07:45Z, the tracker scenario's start
TRACKER_REDUCTION_EVERY = 5000
ADDITIONS = [1, 1, 1, 2, 2, 3, 4, 5, 7, -1, -2]


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def scenarios() -> ModuleType:
    """``sample_histories/scenarios.py`` (plain Python, not a package)."""
    return sys.modules.get("bench_sample_scenarios") or _load("bench_sample_scenarios", SAMPLES / "scenarios.py")


def sample_build() -> ModuleType:
    """``sample_histories/build.py`` (for its runtime-manifest writer)."""
    return sys.modules.get("bench_sample_build") or _load("bench_sample_build", SAMPLES / "build.py")


@dataclass(frozen=True)
class BenchStore:
    """A generated store and where its apps' JavaScript is."""

    name: str
    path: Path
    runtimes: Path
    events: int
    era: WriterEra

    def resolver(self) -> RuntimeResolver:
        return RuntimeResolver([RuntimeDirectory(self.runtimes)])


def counter_steps(n_events: int, *, seed: int = 1116) -> Iterator[dict[str, Any]]:
    """Deploy ``counter/v1``, then ``n_events`` counter requests."""
    sc = scenarios()
    rng = random.Random(seed)
    t = COUNTER_START_MS
    yield {"op": "deploy_init", "app": "counter/v1", "time_ms": t}
    for k in range(1, n_events + 1):
        t += rng.randint(20, 180)
        body = "addition=1" if k % 500 == 0 else '{"addition":%d}' % rng.choice(ADDITIONS)
        event = sc.http_request_event_json(
            posix_time_milli=t,
            request_counter=k,
            client_address="127.0.0.1",
            method="POST",
            uri="http://localhost:5000/",
            body=body.encode("utf-8"),
            headers=[],
        )
        yield {"op": "event", "json": event, "time_ms": t + rng.randint(0, 3)}


class _Issue(dict[str, object]):
    """One issue of the client model; moving it to another status updates the status index."""

    def __init__(self, index: dict[str, list[int]], issue_id: int, fields: dict[str, object]):
        super().__init__(fields)
        self._index, self._id = index, issue_id
        bisect.insort(index[str(fields["status"])], issue_id)

    def __setitem__(self, key: str, value: object) -> None:
        if key == "status":
            ids = self._index[str(self["status"])]
            del ids[bisect.bisect_left(ids, self._id)]
            bisect.insort(self._index[str(value)], self._id)
        super().__setitem__(key, value)


class _Issues(dict[int, _Issue]):
    """The client's issues, indexed by status (ascending ids)."""

    def __init__(self) -> None:
        super().__init__()
        self.by_status: dict[str, list[int]] = defaultdict(list)

    def __setitem__(self, issue_id: int, fields: dict[str, object]) -> None:
        super().__setitem__(issue_id, _Issue(self.by_status, issue_id, fields))


def _indexed_client(sc: ModuleType, host: Any) -> Any:
    """The tracker scenario's client model, with ``open_issue_ids`` read from a status index
    instead of scanning every issue (the scan makes 100k-event histories quadratic)."""

    class IndexedClient(sc._TrackerClient):  # type: ignore[name-defined]
        def __init__(self, host: Any) -> None:
            super().__init__(host)
            self.issues = _Issues()

        def open_issue_ids(self, *statuses: str) -> list[int]:
            lists = [self.issues.by_status[s] for s in statuses]
            return list(lists[0]) if len(lists) == 1 else sorted(itertools.chain.from_iterable(lists))

    return IndexedClient(host)


def tracker_steps(n_events: int, *, seed: int = 719) -> list[dict[str, Any]]:
    """Deploy ``tracker/v4_fix``, add the team, then the scenario's request mix."""
    sc = scenarios()
    host = sc._Host(random.Random(seed))
    client = _indexed_client(sc, host)
    client.version = 4
    t = TRACKER_START_MS
    host.deploy("deploy_init", "tracker/v4_fix", t)
    team = len(sc._TEAM)
    for k in range(n_events):
        t += host.rng.randint(50, 2_000)
        if k < team:
            client.add_user(t, k)
        else:
            client.random_action(t)
    steps: list[dict[str, Any]] = host.steps
    return steps


def _runtimes(family: str, era: WriterEra, encoding: TreeEncoding, directory: Path) -> Path:
    build = sample_build()
    sample = build.Sample(f"bench-{family}", family, family, era, encoding, "benchmark store")
    build.write_runtime_manifest(sample, directory)
    return directory


def make_store(
    kind: str, n_events: int, root: Path, *, era: WriterEra = WriterEra.E5, name: str | None = None
) -> BenchStore:
    """Generate a ``counter`` or ``tracker`` store of ``n_events`` app events under ``root``."""
    name = name or f"{kind}-{era.value}-{n_events}"
    target = root / name
    encoding = TreeEncoding.CODEPOINTS if era in (WriterEra.E4, WriterEra.E5) else TreeEncoding.UTF8
    runtimes = _runtimes(kind, era, encoding, target / "runtimes")
    steps = counter_steps(n_events) if kind == "counter" else tracker_steps(n_events)
    recorder = Recorder(
        target / "store",
        RuntimeResolver([RuntimeDirectory(runtimes)]),
        era=era,
        tree_encoding=encoding,
        reduction_every_events=TRACKER_REDUCTION_EVERY if kind == "tracker" else None,
    )
    try:
        run = run_script(recorder, list(steps), app_files=app_loader(SAMPLES / "apps"), batch=10_000)
    finally:
        recorder.close()
    if run.rejected:
        raise RuntimeError(f"benchmark store {name}: the host would have rejected {run.rejected}")
    return BenchStore(name, target / "store", runtimes, n_events, era)
