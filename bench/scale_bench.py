"""Scale-out: parallel verify vs sequential, and fleet what-ifs per second.

* **verify_parallel_speedup**: :func:`verify_parallel` with ``jobs`` = the CPUs vs ``jobs=1``
  (this process) on the same store, with at least 8 stored reductions and (in ``--quick``)
  four times ``MIN_PARALLEL_RECORDS`` records. Starting a worker costs ~0.9 s (mostly
  imports), so the ratio grows with the history (on 2 cores: about 1.0x at 100k counter
  records, 1.25x at 400k, 1.55x at 800k); below ``MIN_PARALLEL_RECORDS`` verify stays in one
  process by default. The parallel time includes starting the worker processes and each
  opening the store (from the log as read here), as a user pays it. Both must give the same
  report (checked). On a machine shared with other work the CPUs are not all free, so this
  ratio is the noisiest of the suite.
* **fleet_stores_per_s**: :func:`fleet_what_if` of ``candidate_ok`` on copies of a tracker
  store, on local worker processes (the CPUs), stores per second end to end.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from elmreplay.replay.fleet import fleet_what_if
from elmreplay.replay.parallel import verify_parallel
from elmreplay.replay.pool import cpu_count
from elmreplay.store.files import DirectoryFiles
from elmreplay.store.store import Store

from .stores import SAMPLES, BenchStore

CANDIDATE = SAMPLES / "apps" / "tracker" / "candidate_ok"


def verify_speedup(bench: BenchStore) -> dict[str, Any]:
    """Sequential vs parallel verify of one store (interleaved: sequential, parallel, twice;
    the best of each)."""
    store = Store(DirectoryFiles(bench.path), name=bench.name)
    jobs = cpu_count()
    seq_s = par_s = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        sequential = verify_parallel(store, bench.resolver(), jobs=1)
        t1 = time.perf_counter()
        parallel = verify_parallel(store, bench.resolver(), jobs=jobs)
        t2 = time.perf_counter()
        seq_s, par_s = min(seq_s, t1 - t0), min(par_s, t2 - t1)
    return {
        "store": bench.name,
        "records": len(store.records),
        "reductions_checked": len(sequential.checks),
        "jobs": jobs,
        "sequential_s": seq_s,
        "parallel_s": par_s,
        "speedup": seq_s / par_s,
        "same_report": parallel == sequential,
    }


def fleet_rate(bench: BenchStore, root: Path, stores: int) -> dict[str, Any]:
    """``stores`` copies of the tracker store dry-run with ``candidate_ok``."""
    paths = []
    for k in range(stores):
        dst = root / f"fleet-{k}"
        if not dst.exists():
            shutil.copytree(bench.path, dst)
        paths.append(str(dst))
    t0 = time.perf_counter()
    table = fleet_what_if(CANDIDATE, paths, mode="migrate", runtimes=[str(bench.runtimes)])
    seconds = time.perf_counter() - t0
    return {
        "stores": stores,
        "records_per_store": bench.events,
        "seconds": seconds,
        "stores_per_s": stores / seconds,
        "verdicts": table["verdict"].value_counts().to_dict(),
    }
