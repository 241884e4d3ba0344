"""Load: store directory -> ``Store.events()`` DataFrame, vs reading and parsing the same bytes.

* **elmreplay**: ``Store(DirectoryFiles(path)).events()`` (reads every record, checks the
  parent chain and reverts, verifies hashes, builds the pandas table with each event's type,
  time and HTTP request line), with its worker processes as configured (a big literal log is
  shared between the cores), and once more kept in one process for contrast.
* **limit**: read the same files and ``orjson.loads`` every record and every app event's JSON
  (the two parses ``events()`` needs), building nothing: literal log files split at LF
  (E5), or the head-hash chain walked component by component (E2/E3: record component,
  then its event blob).
* **hashing**: SHA-256 of the same record (and, for the chain, event) bytes, the cost of
  hash verification inside the load, reported on its own; limit + hashing is the least a
  loader that verifies every hash (as elmreplay does) must spend ("verified limit").
"""

from __future__ import annotations

import hashlib
import os
import statistics
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import orjson
import pandas as pd

from elmreplay.store import workers
from elmreplay.store.files import DirectoryFiles
from elmreplay.store.store import Store

from .stores import BenchStore

UPDATE = "UpdateElmAppStateForEvent"


def _event_text(value: dict[str, Any]) -> str | None:
    literal: str | None = value.get("LiteralStringUtf8")
    return literal


def _literal_lines(root: Path) -> list[Path]:
    return sorted(p for p in (root / "composition-log" / "literal").rglob("*") if p.is_file())


def limit_literal(root: Path) -> int:
    """Read and parse every record of the literal log files; returns the count."""
    count = 0
    for path in _literal_lines(root):
        for line in path.read_bytes().split(b"\n")[:-1]:
            count += 1
            (kind, value), = orjson.loads(line)["compositionEvent"].items()
            if kind == UPDATE:
                text = _event_text(value)
                if text is not None:
                    orjson.loads(text)
    return count


def _component(root: Path, h: str) -> bytes:
    serial = (root / "component" / h[:2] / h).read_bytes()
    return serial


def limit_chain(root: Path) -> int:
    """Walk the head-hash chain reading and parsing each record component and the event blob
    it refers to; returns the count of records."""
    h: str | None = (root / "composition-log-head-hash").read_bytes().hex()
    count = 0
    while h is not None:
        serial = _component(root, h)
        count += 1
        payload = serial[serial.index(b"\x00") + 1 :]
        record = orjson.loads(payload)
        (kind, value), = record["compositionEvent"].items()
        if kind == UPDATE and "HashBase16" in value:
            event_serial = _component(root, value["HashBase16"])
            orjson.loads(event_serial[event_serial.index(b"\x00") + 1 :])
        h = record.get("parentHashBase16")
    return count


def _best(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run(bench: BenchStore, *, repeat: int = 2) -> dict[str, Any]:
    """Time the load and its limit (best of ``repeat``, interleaved) for one store."""
    chain = bench.era.value in ("E1", "E2", "E3", "E4")
    limit = limit_chain if chain else limit_literal
    # Read every file once first: both sides then find them in the page cache (a freshly
    # generated store may be partly on disk, which would penalize whichever runs first).
    hashed = _hashed_bytes(bench.path, chain)
    hash_s = _best(lambda: [hashlib.sha256(b).digest() for b in hashed], repeat)
    del hashed
    open_s = events_s = limit_s = float("inf")
    rows = 0
    table_s: float | None = None
    ratios: list[float] = []  # each round's limit / load
    for _ in range(max(1, repeat)):
        one_limit_s = _best(lambda: limit(bench.path), 1)
        limit_s = min(limit_s, one_limit_s)
        t0 = time.perf_counter()
        store = Store(DirectoryFiles(bench.path), name=bench.name)
        t1 = time.perf_counter()
        df = store.events()
        t2 = time.perf_counter()
        ratios.append(one_limit_s / (t2 - t0))
        rows = len(df)
        if table_s is None:
            table_s = _table_build_s(df)
        del df, store
        if t2 - t0 < open_s + events_s:
            open_s, events_s = t1 - t0, t2 - t1
    load_s = open_s + events_s
    # The same load kept in this one process (no worker processes), for contrast.
    with _workers_off():
        one_process_s = _best(lambda: Store(DirectoryFiles(bench.path), name=bench.name).events(), repeat)
    return {
        "store": bench.name,
        "layout": "head-hash chain" if chain else "literal log",
        "records": rows,
        "load_s": load_s,
        "open_s": open_s,
        "events_df_s": events_s,
        "records_per_s": rows / load_s,
        "limit_s": limit_s,
        "load_vs_limit": limit_s / load_s,
        "load_vs_limit_median": statistics.median(ratios),
        "load_vs_limit_rounds": [round(r, 3) for r in ratios],
        "hash_s": hash_s,
        "hash_share_of_load": hash_s / load_s,
        # What a loader that verifies hashes cannot avoid: the limit plus hashing the same bytes.
        "verified_limit_s": limit_s + hash_s,
        "load_vs_verified_limit": (limit_s + hash_s) / load_s,
        # ... and building the table itself: the best any such loader in Python can reach.
        "table_build_s": table_s,
        "best_possible_vs_limit": limit_s / (limit_s + hash_s + (table_s or 0.0)),
        # (worker processes share only literal log files, and only a big log)
        "workers": workers.worker_count() if not chain and _log_bytes(bench.path) >= workers.MIN_BYTES else 0,
        "one_process_load_s": one_process_s,
        "one_process_vs_limit": limit_s / one_process_s,
    }


def _log_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in _literal_lines(root))


@contextmanager
def _workers_off() -> Iterator[None]:
    saved = os.environ.get("ELMREPLAY_WORKERS")
    os.environ["ELMREPLAY_WORKERS"] = "0"
    try:
        yield
    finally:
        if saved is None:
            del os.environ["ELMREPLAY_WORKERS"]
        else:
            os.environ["ELMREPLAY_WORKERS"] = saved


def _table_build_s(df: pd.DataFrame) -> float:
    """Seconds pandas takes to build the same table from Python lists of its values (the
    columns inferred, the time column derived): table work no loader can skip, whatever its
    parser costs."""
    columns = {c: df[c].tolist() for c in df.columns if c != "time"}
    t0 = time.perf_counter()
    table = pd.DataFrame(columns)
    table["posix_time_milli"] = table["posix_time_milli"].astype("Int64")
    table["time"] = pd.to_datetime(table["posix_time_milli"], unit="ms", utc=True, errors="coerce")
    return time.perf_counter() - t0


def _hashed_bytes(root: Path, chain: bool) -> list[bytes]:
    """What the load hashes: each record's blob serial (E5 record hash = SHA-256 of
    ``blob N\\0`` + line), or every component file of the chain store."""
    if not chain:
        return [
            b"blob %d\x00" % len(line) + line
            for path in _literal_lines(root)
            for line in path.read_bytes().split(b"\n")[:-1]
        ]
    return [f.read_bytes() for sub in (root / "component").iterdir() for f in sub.iterdir()]
