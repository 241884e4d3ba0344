"""Parallel verify: the history split at stored reductions, the parts replayed at once.

The stretch between two usable stored reductions is an independent replay: it starts from the
first one's stored state, as the host's restore would, and ends at the second one, whose check
it makes. The parts run on local worker processes or on a Dask cluster (:mod:`.pool`), and are
merged into the report a sequential :func:`~.verify.verify` gives, exactly:

* A part starts from a stored state only where the sequential replay reaches the same state:
  the previous part's last check (at that very record) must match. Where it does not, the
  rest of the history is replayed here in one piece from the previous part's start, as the
  sequential verify does.
* A history is never split where a later revert goes back to a record before the split (the
  sequential replay returns to a replayed state there, a part could only use a stored one).
* A part that fails (an app error, a missing runtime) is replayed again here, so that the
  error raised is the one the sequential verify raises.

What workers need: the store on a path they can read (the same path for every worker: a local
disk for local workers, a shared file system for a Dask cluster). The log as read here is
shipped along: a worker seeing the same log files takes it instead of reading every record
again; otherwise it opens the store read-only and checks it has the records and head of the
store verified here. The apps' JavaScript is resolved here once and shipped with the tasks, so
workers need no runtime directories and no Elm toolchain; they need elmreplay installed.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ..errors import ElmReplayError, StoreError, WorkerError
from ..runtime.sources import RuntimeResolver
from ..store.files import DirectoryFiles
from ..store.store import ReadLog, Store, open_store, read_log, reopen_store
from .interface_semantics import exact_start, replay_assumptions, serialized_state_exact
from .host import app_deploy_time
from .pool import Progress, cpu_count, dask_workers, run_tasks
from .session import BEFORE_FIRST, starts_truncated
from .verify import RangeResult, VerifyReport, unnamed_reductions, verify, verify_range

#: Parts per worker: some slack to even out parts of unequal speed (a part that is slow on one
#: worker is also run by an idle one, see :mod:`.pool`). Each part costs ~50 ms to start (a
#: fresh V8 context, its JIT warming up): on an 800k-record store and 2 cores, 2 parts per
#: worker gave a 1.56x speedup, 4 gave 1.44x (medians of 3, same run).
PARTS_PER_WORKER = 2
#: Without an explicit ``jobs``, shorter histories are verified in this process (starting
#: workers takes longer than replaying them).
MIN_PARALLEL_RECORDS = 200_000


@dataclass(frozen=True)
class Segment:
    """Records ``start + 1 .. stop`` replayed from the stored reduction of record ``start``
    (``start_hash``; None for the first part, which starts as the sequential verify does)."""

    start: int
    start_hash: str | None
    stop: int | None  # None: to the newest record

    def records(self, total: int) -> int:
        return (total - 1 if self.stop is None else self.stop) - max(self.start, BEFORE_FIRST)


@dataclass(frozen=True)
class SegmentTask:
    """What a worker needs for one part: where the store is and what it must look like."""

    store_path: str
    store_records: int
    head_hash: str | None
    segment: Segment


@dataclass(frozen=True)
class Shared:
    """Sent to each worker once: the apps' JavaScript, the session options, and the store's
    log as read here (a worker seeing the same log files need not read them all again)."""

    runtimes: Mapping[str, str]
    session_kw: Mapping[str, Any] = field(default_factory=dict)
    log: ReadLog | None = None


@dataclass
class SegmentResult:
    part: RangeResult | None
    failure: str | None = None  # the part failed on the worker: replayed again here


def _usable(store: Store, index: int) -> bool:
    """Whether record ``index``'s stored reduction can start a segment (an unreadable one cannot:
    the part before it reports it, as the sequential verify does)."""
    try:
        return store.usable_reduction(store.records.hash(index)) is not None
    except StoreError:
        return False


def plan_segments(store: Store, parts: int) -> list[Segment]:
    """Up to ``parts`` segments of about equal length, split at usable stored reductions."""
    n = len(store.records)
    reductions = sorted(store.index_of_hash[h] for h in store.reduction_hashes if h in store.index_of_hash)
    first = reductions[0] if starts_truncated(store) and reductions else BEFORE_FIRST
    blocked = _blocked_by_reverts(store, first)
    inexact = any(isinstance(h, str) and not serialized_state_exact(store, h) for h in store.deployments()["app_config_hash"])
    candidates = [i for i in reductions if i > first and not blocked(i) and (not inexact or _exact_start(store, i))]
    splits: list[int] = []
    for k in range(1, parts):
        target = first + (n - first) * k // parts
        for i in sorted((c for c in candidates if c > (splits[-1] if splits else first)), key=lambda c: abs(c - target)):
            if _usable(store, i):
                splits.append(i)
                break
    splits = sorted(set(splits))
    starts = [first, *splits]
    stops: list[int | None] = [*splits, None]
    return [
        Segment(s, store.records.hash(s) if k else None, e) for k, (s, e) in enumerate(zip(starts, stops))
    ]


def _exact_start(store: Store, index: int) -> bool:
    """Whether a segment may start from the reduction of this record (not where the host kept a
    backendMain app running: :func:`~.interface_semantics.exact_start`)."""
    red = store.usable_reduction(store.records.hash(index))
    return red is None or exact_start(store, index, red.app_config_hash)


def _blocked_by_reverts(store: Store, first: int) -> Callable[[int], bool]:
    """Whether splitting at a record would cut between a revert and its (replayed) target."""
    spans = []
    for r, target in store.records.revert_targets.items():
        t = store.index_of_hash.get(target)
        if t is not None and t >= first:
            spans.append((t, r))
    return lambda s: any(t < s < r for t, r in spans)


def app_config_hashes(store: Store, segments: list[Segment]) -> set[str]:
    """The app configs a verify may run: every deployed one, and those of the reductions the
    segments start from."""
    hashes = {h for h in store.deployments()["app_config_hash"] if isinstance(h, str)}
    for seg in segments:
        red = store.usable_reduction(seg.start_hash) if seg.start_hash is not None else None
        if red is not None and red.app_config_hash:
            hashes.add(red.app_config_hash)
    return hashes


def resolve_runtimes(store: Store, resolver: RuntimeResolver, hashes: set[str]) -> dict[str, str]:
    """The JavaScript of each app config that can be had; the others fail where they are run,
    with the error a sequential replay gives."""
    js: dict[str, str] = {}
    for h in sorted(hashes):
        try:
            js[h] = resolver.js_for(h, lambda h=h: store.app_config(h).files, app_deploy_time(store, h))  # type: ignore[misc]
        except ElmReplayError:
            continue
    return js


def verify_parallel(
    store: Store,
    resolver: RuntimeResolver,
    *,
    jobs: int | None = None,
    client: Any = None,
    on_progress: Progress | None = None,
    **session_kw: Any,
) -> VerifyReport:
    """The report of :func:`~.verify.verify`, from segments replayed by ``jobs`` local worker
    processes (default: the CPUs) or on a Dask ``client``'s cluster.

    ``on_progress(records)`` gets the number of records newly replayed. A store that is not a
    directory on disk (an in-memory projection), and without an explicit ``jobs`` a history
    under ``MIN_PARALLEL_RECORDS`` records, is verified in this process.
    """
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if jobs is None and client is None and len(store.records) < MIN_PARALLEL_RECORDS:
        jobs = 1  # starting workers would take longer than replaying here
    path = _store_path(store)
    workers = dask_workers(client) if client is not None else (jobs or cpu_count())
    segments = plan_segments(store, workers * PARTS_PER_WORKER) if path is not None and workers > 1 else []
    if path is None or len(segments) <= 1:
        return verify(store, resolver, on_progress=_increments(on_progress), **session_kw)
    runtimes = resolve_runtimes(store, resolver, app_config_hashes(store, segments))
    shared = Shared(runtimes, dict(session_kw), read_log(store))
    n = len(store.records)
    tasks = [SegmentTask(path, n, store.head_hash, seg) for seg in segments]
    cache = _cached_stores()
    cache[path] = store  # this process replays parts too, with the store it has open
    try:
        results = run_tasks(
            run_segment,
            tasks,
            shared,
            weights=[seg.records(n) for seg in segments],
            jobs=jobs,
            client=client,
            on_progress=on_progress,
        )
    finally:
        cache.pop(path, None)
    return merge_segments(store, resolver, segments, results, session_kw)


def _increments(on_progress: Progress | None) -> Callable[[int], None] | None:
    """A session's progress (the index reached) as increments of records replayed."""
    if on_progress is None:
        return None
    reached = [BEFORE_FIRST]

    def progress(i: int) -> None:
        if i > reached[0]:
            on_progress(i - reached[0])
            reached[0] = i

    return progress


def merge_segments(
    store: Store,
    resolver: RuntimeResolver,
    segments: list[Segment],
    results: list[SegmentResult],
    session_kw: Mapping[str, Any],
) -> VerifyReport:
    """The sequential report from the segments' results (see the module docstring)."""
    report = VerifyReport(store.name, len(store.records), 0, assumptions=replay_assumptions(store))
    report.skipped.extend(unnamed_reductions(store))
    parts: list[RangeResult] = []
    for k, (seg, res) in enumerate(zip(segments, results)):
        if k > 0 and not _continues(parts[-1], seg):
            # The replay does not reach the stored state this part starts from: go on from
            # the previous part's start in one piece, as the sequential verify does.
            parts[-1] = verify_range(store, resolver, start=segments[k - 1].start_hash, **session_kw)
            break
        part = res.part
        if part is None:  # failed on the worker: here it raises the sequential verify's error
            part = verify_range(store, resolver, start=seg.start_hash, stop=seg.stop, **session_kw)
        parts.append(part)
    report.replayed_from = parts[0].replayed_from
    for part in parts:
        report.checks.extend(part.checks)
        report.skipped.extend(part.skipped)
        report.failed.extend(part.failed)
    return report


def _continues(previous: RangeResult, seg: Segment) -> bool:
    last = previous.checks[-1] if previous.checks else None
    return last is not None and last.index == seg.start and last.matches and last.app_config_matches


def _store_path(store: Store) -> str | None:
    return os.fspath(store.files.root.resolve()) if isinstance(store.files, DirectoryFiles) else None


_opened = threading.local()


def _cached_stores() -> dict[str, Store]:
    """This thread's opened stores by path (a store is not shared between threads)."""
    cache: dict[str, Store] = _opened.__dict__.setdefault("stores", {})
    return cache


def _open_checked(task: SegmentTask, read: ReadLog | None = None) -> Store:
    """The store at the task's path, opened once per worker thread, checked to be the store
    verified (same number of records, same head). With the log as read by the caller, and
    the same log files here (names, sizes, modification times), it is not read again: opening
    reads every record, which would cost each worker as much as the caller's whole open."""
    cache = _cached_stores()
    store = cache.get(task.store_path)
    if store is None and read is not None:
        try:
            store = reopen_store(task.store_path, read)
        except ElmReplayError:
            store = None  # (opening it says what is wrong)
        if store is not None:
            cache[task.store_path] = store
    for attempt in range(2):
        if store is None or attempt:
            try:
                store = open_store(task.store_path)
            except ElmReplayError as e:
                raise WorkerError(
                    f"A worker cannot open the store at {task.store_path} (workers need it on a path they can read): {e}"
                ) from None
            cache[task.store_path] = store
        if len(store.records) == task.store_records and store.head_hash == task.head_hash:
            return store
    raise WorkerError(
        f"The store a worker sees at {task.store_path} is not the one verified "
        f"({len(store.records) if store else 0} records, head {store.head_hash if store else None}; "
        f"expected {task.store_records} records, head {task.head_hash})"
    )


def run_segment(task: SegmentTask, shared: Shared, on_progress: Progress | None = None) -> SegmentResult:
    """Verify one segment (on a worker)."""
    store = _open_checked(task, shared.log)
    resolver = RuntimeResolver([])
    resolver.preload(shared.runtimes)
    seg = task.segment

    def progress(i: int) -> None:
        if on_progress is not None:
            on_progress(i - max(seg.start, BEFORE_FIRST))

    try:
        part = verify_range(store, resolver, start=seg.start_hash, stop=seg.stop, on_progress=progress, **shared.session_kw)
    except ElmReplayError as e:
        return SegmentResult(None, f"{type(e).__name__}: {e}")
    return SegmentResult(part)

