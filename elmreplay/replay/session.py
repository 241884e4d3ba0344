"""Replay sessions: the state after any record, stepping and seeking with checkpoints.

A session replays the history in *append order*, so reverted records have states too: the
state a record had before a revert hid it. A ``RevertProcessTo`` record puts the process back
into the state after its target (which is what the host's restore then computed).

Checkpoints come in two tiers, each laid down every so many records under a budget (when the
budget is exceeded every other checkpoint is dropped and the spacing doubles):

* serialized states kept in Python every ``checkpoint_every`` records (they survive the
  replacement of a V8 process; restoring one costs a ``setSerializedState``);
* live states every ``live_every`` records: references to earlier values of ``app_state`` held
  inside the V8 process (Elm values are immutable, so a reference is an exact copy at no cost,
  and resuming it costs nothing). They count against the process's V8 heap and die with it.

Stored reductions serve as cold checkpoints (``use_reductions=True``, what the host restored
from); verification turns that off to replay everything.
"""

from __future__ import annotations

import bisect
import os
import sys
import threading
import time
from array import array
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Iterator, Mapping, Sequence, TypeVar

import pandas as pd

from ..errors import RestoreError, UnsupportedQuery
from ..inspect.render import esc, mimebundle
from ..runtime.engine import DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT_S, DIGEST_HASH, DIGEST_SKIP, EncodedEvents
from ..runtime.sources import RuntimeResolver
from ..store.indexing import resolve_index
from ..store.records import Record, RecordKind
from ..store.recordtable import RecordTable
from ..store.store import Store
from .find import Where
from .find import find as find_steps
from .interface_semantics import exact_start, serialized_state_exact
from .host import DEFAULT_BATCH_SIZE, DIGEST_WIDTH, NO_APP_DIGEST, AppEvents, HostProcess, LiveState, QueryRun, Result, Snapshot

DEFAULT_CHECKPOINT_EVERY = 1000
DEFAULT_MEMORY_BUDGET = 256 << 20
DEFAULT_LIVE_EVERY = 50
#: Share of a V8 context's memory limit that live checkpoints may fill (the rest is headroom for
#: the app's own work, serializing a state included).
LIVE_BUDGET_SHARE = 0.5
#: Replaying from the nearest live checkpoint should take about this long at most. Every held
#: state is work for V8's garbage collector: 0.05 s rather than 0.02 s made a replay 5% faster
#: for the tracker app and 2% for the counter, and a warm seek stays far under 0.2 s.
LIVE_REPLAY_TARGET_S = 0.05
#: Widest adaptive live spacing, and the fewest events a run needs to measure the app's speed.
MAX_LIVE_EVERY = 1 << 16
LIVE_ADAPT_MIN_EVENTS = 200
#: With live checkpoints, serialized ones are at least one state's size / this many records apart:
#: serializing costs at most this many bytes of state per record replayed (at the ~16 MB/s of
#: an Elm JSON encoder, 100 cost the tracker app a quarter of its replay time). They are only
#: the fallback when a process is replaced (seeks resume live states; stored reductions, which
#: sessions use by default, are cold starting points too), so they are kept sparse.
SERIALIZED_BYTES_PER_RECORD = 2
#: Longest run of app events handed to the host at once (it batches them further), and before
#: the app's speed is known (see ``_run_last``). Each run costs ~2 ms besides V8's work (a heap
#: check, the read-ahead's hand-off, the host's bookkeeping): 16,384 made a fast app's replay 2%
#: faster than 8,192; 32,768 was no faster (longer texts cost more per byte to hand to V8).
RUN_CHUNK = 16384
FIRST_RUN_CHUNK = DEFAULT_BATCH_SIZE  # (one batch: the app's speed is not known yet)
#: After the first run, runs hold about this many bytes of event JSON at most: a run is held
#: about three times over while it is read, decoded and handed over, so big events (uploads in
#: HTTP bodies) make shorter runs rather than gigabytes.
RUN_MAX_BYTES = 64 << 20
#: Once the app's speed is measured, a batch (one call into V8) holds about this many seconds of
#: events, up to a whole run: each call costs a few thread hand-offs (Python, mini-racer's event
#: loop, V8), which a busy machine makes slow, so a fast app gets few calls; a slow app gets
#: batches far inside the per-call timeout.
BATCH_TARGET_S = 0.25
#: With the app's speed known, a run's last batch this much shorter than a batch joins the one
#: before (a call of its own cost a round of thread hand-offs for a few events, and often landed
#: on a garbage collection); batches then take at most 1.25 x BATCH_TARGET_S. Before, batches
#: stay at the host's default size (the per-call timeout is for an app that never returns).
TAIL_SHARE = 0.25
#: Where the session stands before any record has been applied.
BEFORE_FIRST = -1
#: The position after a failure: the live process cannot be trusted, the next seek restores.
LOST = -2

ProgressCallback = Callable[[int], None]
#: Evaluates a find condition in Python after a record that did not run inside a V8 batch (a
#: deploy, set-state, revert, or an app event while no app ran): (record index, the state before
#: it when the condition needs it).
OtherStep = Callable[[int, "str | None"], None]
#: What a seek can start from: a serialized state, or a state held inside V8.
StartState = Snapshot | LiveState
T = TypeVar("T")


def _thinned(checkpoints: dict[int, T], every: int) -> tuple[int, dict[int, T], list[T]]:
    """Thin out a tier of checkpoints laid every ``every`` records: keep every other one.

    Returns the doubled spacing, the checkpoints that stay and those dropped.
    """
    every *= 2
    kept: dict[int, T] = {}
    dropped: list[T] = []
    for i, c in checkpoints.items():
        if (i + 1) % every == 0:
            kept[i] = c
        else:
            dropped.append(c)
    return every, kept, dropped


def starts_truncated(store: Store) -> bool:
    """Whether the older part of the history was truncated away, so that a replay must start
    from the oldest stored reduction."""
    return bool(store.records) and store.records[0].parent_hash is not None and store.log.truncated


@dataclass(frozen=True)
class _Prefetch:
    """The event tokens of the next run (``(first, last)``), being read in a thread once
    ``start`` is set: when V8 starts on the current run, or when the tokens are needed."""

    run: tuple[int, int]
    tokens: Future[EncodedEvents | None]
    start: threading.Event

    def result(self) -> EncodedEvents | None:
        self.start.set()
        return self.tokens.result()


#: How much lower the reader thread's priority is than this process's (a nice increment; Linux
#: sets it per thread). V8's own threads are on the critical path: beside a reader at the same
#: priority, V8 ran a replay 8-10% slower on 2 cores; the reader needs ~20% of a core.
READER_NICE_INCREMENT = 5


def _lower_reader_priority() -> None:
    if not sys.platform.startswith("linux"):
        return  # (elsewhere a thread id is no process id: the whole process would be reniced)
    try:
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me, min(19, os.getpriority(os.PRIO_PROCESS, me) + READER_NICE_INCREMENT))
    except OSError:
        pass  # (a sandbox may forbid it: the reader then runs at the process's priority)


#: One thread reads the next run's events from the log files (thread-safe: ``RecordTable``
#: locks its file cache) while V8 runs the current run.
_PREFETCHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="elmreplay-prefetch", initializer=_lower_reader_priority)
#: Shorter runs are read in the main thread (handing one to the thread costs more).
MIN_PREFETCH = 256
#: How long a read-ahead waits for V8 to start before it reads anyway (a safety net: the
#: start is set when V8 starts, when the tokens are needed, or when they are dropped).
PREFETCH_START_TIMEOUT_S = 1.0


def _encoded_run_from(start: threading.Event, records: RecordTable, first: int, last: int) -> EncodedEvents | None:
    """:func:`_encoded_run` once ``start`` is set. Reading while the main thread hands a batch
    to V8 would make both wait for the GIL (measured: the hand-over took twice as long)."""
    start.wait(PREFETCH_START_TIMEOUT_S)
    return _encoded_run(records, first, last)


def _encoded_run(records: RecordTable, first: int, last: int, *, ahead: bool = True) -> EncodedEvents | None:
    """The events of records ``first .. last`` as the JSON string tokens of their lines, when
    each record is one plain inline app event; ``ahead`` (in the reader thread): with the batch
    text for V8 made too, so that the main thread only hands it over."""
    tokens = records.inline_event_tokens(first, last)
    if tokens is None:
        return None
    events = EncodedEvents(tokens)
    if ahead:
        events.batch_text()
    return events


def _text_size(payloads: Sequence[str] | EncodedEvents) -> int:
    """About the bytes of the events' JSON."""
    return payloads.text_size() if isinstance(payloads, EncodedEvents) else sum(map(len, payloads))


@dataclass(frozen=True)
class StepInfo:
    """What applying one record did (kept for records that are not plain app events)."""

    index: int
    kind: str
    result: Result | None


class ReplaySession:
    """Replay a store's history through its apps and look at the state after any record.

    Parameters
    ----------
    store
        The store (or a projection of one).
    resolver
        Where the apps' JavaScript comes from.
    checkpoint_every
        Initial spacing of serialized checkpoints, in records. By default (None) 1,000, widened
        with live checkpoints on to at least a state's size / ``SERIALIZED_BYTES_PER_RECORD``.
    memory_budget
        Bytes of serialized states the checkpoints may hold.
    use_reductions
        Start from stored reductions where they are closer than any checkpoint.
    start
        Replay from the reduction of this record instead of the first record (for histories
        whose older part was truncated, or to replay from a chosen reduction).
    live_checkpoints
        Also hold the live state inside V8 every ``live_every`` records and after every deploy.
    live_every
        Spacing of live checkpoints, in records. By default (None) it starts at 50 and widens
        (doubling) while replaying that many events takes under ``LIVE_REPLAY_TARGET_S`` at
        the app's measured speed: holding states costs the V8 garbage collector, and a fast
        app needs few of them for quick seeks.
    live_memory_budget
        Bytes of V8 heap (per process) above which live checkpoints are thinned out; by default
        half of ``max_memory``.
    """

    def __init__(
        self,
        store: Store,
        resolver: RuntimeResolver,
        *,
        checkpoint_every: int | None = None,
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
        use_reductions: bool = True,
        start: str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_memory: int = DEFAULT_MAX_MEMORY,
        live_checkpoints: bool = True,
        live_every: int | None = None,
        live_memory_budget: int | None = None,
    ) -> None:
        self.store = store
        self.resolver = resolver
        self.checkpoint_every = DEFAULT_CHECKPOINT_EVERY if checkpoint_every is None else max(1, checkpoint_every)
        self._space_by_size = checkpoint_every is None and live_checkpoints
        self.memory_budget = memory_budget
        self.use_reductions = use_reductions
        self.live_checkpoints = live_checkpoints
        self.live_every = DEFAULT_LIVE_EVERY if live_every is None else max(1, live_every)
        self._adapt_live_every = live_every is None
        self._live_measured = not (live_checkpoints and self._adapt_live_every)
        self._live_min_every = self.live_every  # raised when the heap budget thins them out
        self._seconds_per_event: float | None = None  # the app's, from the last long enough run
        self._bytes_per_event: float | None = None  # of the last run's event JSON (see RUN_MAX_BYTES)
        self.live_memory_budget = int(max_memory * LIVE_BUDGET_SHARE) if live_memory_budget is None else live_memory_budget
        self._live: dict[int, LiveState] = {}  # the thinned grid
        self._live_deploys: dict[int, LiveState] = {}  # after deploy records (replaying one replaces a process)
        self.host = HostProcess(store, resolver, timeout_s=timeout_s, max_memory=max_memory)
        self.records = store.records
        self._reduction_index = sorted(
            store.index_of_hash[h] for h in store.reduction_hashes if h in store.index_of_hash
        )
        self._checkpoints: dict[int, Snapshot] = {}
        # From the store's columns: revert targets, and the records that end runs of app events.
        self._breaks: list[int] = self.records.indices_not_of_kind(RecordKind.UPDATE)
        targets = {store.index_of_hash.get(h) for h in self.records.revert_targets.values()}
        self._revert_target_indices = sorted(i for i in targets if i is not None)
        self._is_revert_target = set(self._revert_target_indices)
        self._pinned: dict[int, Snapshot] = {}  # states of revert targets (few; outside the budget)
        self.step_results: dict[int, StepInfo] = {}
        self._digest_want: Mapping[int, int] | None = None  # during trace_digests
        self.first_index = BEFORE_FIRST
        self._pos = BEFORE_FIRST
        if start is not None:
            self.first_index = self._start_from_reduction(start)
        elif starts_truncated(store):
            oldest = self._reduction_index[0] if self._reduction_index else None
            if oldest is None:
                raise RestoreError(
                    "Failed to get sufficient history: Composition log record points to parent "
                    f"{self.records[0].parent_hash}",
                    event_index=0,
                    record_hash=self.records[0].hash,
                )
            self.first_index = self._start_from_reduction(self.records.hash(oldest))

    # --- public ---------------------------------------------------------------------------

    @property
    def position(self) -> int:
        """Index of the last applied record (-1 before the first)."""
        return self._pos

    def __len__(self) -> int:
        return len(self.records)

    def state_at(self, index: int) -> str | None:
        """The serialized state after record ``index`` exactly as ``getSerializedState`` returned
        it; None when no app was running. Negative indices count from the end."""
        self.seek(index)
        return self.host.snapshot(record=self._record_or_none(self._pos)).state_json

    def snapshot_at(self, index: int) -> Snapshot:
        self.seek(index)
        return self.host.snapshot(record=self._record_or_none(self._pos))

    def app_config_at(self, index: int) -> str | None:
        self.seek(index)
        return self.host.app_config_hash

    def seek(self, index: int, *, on_progress: ProgressCallback | None = None) -> None:
        """Move to the state after record ``index``, replaying as few records as possible."""
        index = self._normalize(index)
        if index == self._pos:
            return
        start = self._best_start(index)
        if start is not None:
            self._restore(start)
        self._advance(index, on_progress=on_progress)

    def forward(self, n: int = 1) -> int:
        here = BEFORE_FIRST if self._pos == LOST else self._pos
        self.seek(min(here + n, len(self.records) - 1))
        return self._pos

    def back(self, n: int = 1) -> int:
        here = BEFORE_FIRST if self._pos == LOST else self._pos
        self.seek(max(here - n, self.first_index if self.first_index >= 0 else 0))
        return self._pos

    def responses(self, start: int, stop: int) -> list[str | None]:
        """The app's response to each record in ``[start, stop)`` (None for records that are not
        app events or when no app ran). Replays that range once."""
        start, stop = max(start, 0), min(stop, len(self.records))
        if start >= stop:
            return []
        self.seek(start - 1) if start > 0 else self._reset_to_beginning()
        out: list[str | None] = []
        self._advance(stop - 1, collect=out)
        return out

    def trace(self, start: int, stop: int) -> dict[int, tuple[str | None, str | None]]:
        """Response and resulting state of every record in ``[start, stop)``, from one replay of
        the range (states are serialized inside the same V8 batches)."""
        start, stop = max(start, 0), min(stop, len(self.records))
        if start >= stop:
            return {}
        self.seek(start - 1) if start > 0 else self._reset_to_beginning()
        responses: list[str | None] = []
        states: dict[int, str | None] = {}
        self._advance(stop - 1, collect=responses, states=states)
        return {i: (responses[i - start], states.get(i)) for i in range(start, stop)}

    def find(
        self,
        where: Where,
        *,
        start: int | None = None,
        stop: int | None = None,
        first: bool = False,
        on_progress: ProgressCallback | None = None,
    ) -> pd.DataFrame:
        """Every record in ``[start, stop)`` after which ``where`` holds: one row per match with
        ``index`` (as in ``store.events()``), ``kind``, ``time`` and ``matched`` (concrete path ->
        value of the parts of the condition that held).

        ``where`` is a condition in the language of :mod:`elmreplay.inspect.query` (e.g.
        ``'.issues[*].assignee is Nothing'``, ``'response.status >= 500'``), evaluated inside V8
        next to the replay, or a Python callable ``(state, event, response) -> bool`` on parsed
        JSON (slow: every state crosses into Python). Exact: no record is skipped. ``first=True``
        stops at the first match. Raises :class:`~elmreplay.errors.QuerySyntaxError` for a
        condition that does not parse.
        """
        return find_steps(self, where, start=start, stop=stop, first=first, on_progress=on_progress)

    def trace_digests(self, start: int, stop: int, *, hash_when: Mapping[int, int] | None = None) -> dict[int, tuple[int, ...]]:
        """Digests (``DIGEST_WIDTH`` ints: response hash and length, state hash and length) of
        the app-event records in ``[start, stop)`` from one replay of the range; neither
        responses nor states leave V8, so memory does not grow with the range.

        ``hash_when`` maps record indices to a state length: the state is hashed only when it
        has that length (else its hash fields are -1), and records not in it get no state
        digest at all; by default every state is hashed."""
        start, stop = max(start, 0), min(stop, len(self.records))
        if start >= stop:
            return {}
        self.seek(start - 1) if start > 0 else self._reset_to_beginning()
        digests: dict[int, tuple[int, ...]] = {}
        self._digest_want = hash_when
        try:
            self._advance(stop - 1, digests=digests)
        finally:
            self._digest_want = None
        return digests

    def replay_all(self, *, on_progress: ProgressCallback | None = None) -> None:
        """Replay to the newest record (building checkpoints on the way)."""
        if self.records:
            self.seek(len(self.records) - 1, on_progress=on_progress)

    def events(self, *, responses: bool = True) -> pd.DataFrame:
        """The store's events table, with each app event's response (replays the history)."""
        df = self.store.events()
        if responses:
            df["response"] = self.responses(0, len(self.records))
        df["step_result"] = [str(self.step_results[i].result) if i in self.step_results and self.step_results[i].result else None for i in range(len(df))]
        return df

    @property
    def checkpoint_bytes(self) -> int:
        return sum(s.size for s in self._checkpoints.values())

    @property
    def checkpoint_count(self) -> int:
        return len(self._checkpoints)

    @property
    def live_checkpoint_count(self) -> int:
        """Live checkpoints still usable (the grid and those after deploys)."""
        return sum(1 for live in (*self._live.values(), *self._live_deploys.values()) if live.valid)

    @property
    def live_heap_bytes(self) -> int:
        """V8 heap in use (garbage not yet collected included) by the processes holding live
        checkpoints and the current one."""
        procs = {live.process for live in (*self._live.values(), *self._live_deploys.values()) if live.valid}
        if self.host.process is not None:
            procs.add(self.host.process)
        return sum(p.heap_used() for p in procs)

    @property
    def logs(self) -> list[tuple[int, str]]:
        """Console output of the apps (Elm ``Debug.log``), as ``(record index, line)``."""
        return self.host.logs

    def close(self) -> None:
        self.host.close()

    def __enter__(self) -> ReplaySession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"ReplaySession({self.store.name!r}: {len(self.records)} records, at #{self._pos}, "
            f"{self.checkpoint_count} checkpoints every {self.checkpoint_every} ({self.checkpoint_bytes} bytes))"
        )

    def _summary_lines(self) -> list[str]:
        """What the session holds and where it stands (no replay): the text and HTML reprs."""
        pos = self._pos
        where = "before the first record" if pos < 0 else f"after record #{pos} ({self.records[pos].kind.value})"
        lines = [
            f"ReplaySession over {self.store.name!r}: {len(self)} records, {where}",
            f"  app config: {self.host.app_config_hash or '-'}",
            f"  checkpoints: {self.checkpoint_count} every {self.checkpoint_every} records "
            f"({self.checkpoint_bytes} bytes of {self.memory_budget})",
            f"  live states held in V8: {self.live_checkpoint_count} every {self.live_every} records"
            if self.live_checkpoints
            else "  live states held in V8: off",
            f"  stored reductions as starting points: {'yes' if self.use_reductions else 'no'}",
        ]
        if self.first_index > 0:
            lines.append(f"  history starts at the reduction of record #{self.first_index}")
        if self.logs:
            lines.append(f"  app log lines: {len(self.logs)}")
        return lines

    def _repr_html_(self) -> str:
        head, *rest = self._summary_lines()
        items = "".join(f"<li>{esc(x.strip())}</li>" for x in rest)
        return f"<div class='elmreplay-session'><b>{esc(head)}</b><ul>{items}</ul></div>"

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, str]:
        return mimebundle("\n".join(self._summary_lines()), self._repr_html_())

    # --- internals ------------------------------------------------------------------------

    def _normalize(self, index: int) -> int:
        index = resolve_index(index, len(self.records))
        if index < self.first_index:
            raise IndexError(
                f"record index {index} is before the oldest reduction this session starts from (#{self.first_index})"
            )
        return index

    def _record_or_none(self, index: int) -> Record | None:
        return self.records[index] if 0 <= index < len(self.records) else None

    def _start_from_reduction(self, record_hash: str) -> int:
        index = self.store.index_of_hash.get(record_hash)
        red = self.store.usable_reduction(record_hash) if index is not None else None
        if index is None or red is None:
            raise RestoreError(f"No usable reduction of record {record_hash} to start from", record_hash=record_hash)
        snap = Snapshot.of_reduction(red)
        self._pinned[index] = snap
        self._restore((index, snap))
        return index

    def _live_at_or_before(self, index: int) -> tuple[int, LiveState] | None:
        """The closest valid live checkpoint at or before ``index`` (forgetting dead ones)."""
        while True:
            best = max((i for i in (*self._live, *self._live_deploys) if i <= index), default=None)
            if best is None:
                return None
            live = self._live.get(best) or self._live_deploys[best]
            if live.valid:
                return best, live
            self._live = {i: c for i, c in self._live.items() if c.valid}
            self._live_deploys = {i: c for i, c in self._live_deploys.items() if c.valid}

    def _serialized_start_exact(self, index: int, state: Snapshot | None) -> bool:
        """Whether a serialized state after record ``index`` is an exact starting point.

        For ``backendMain`` apps only ``stateLessFramework`` is serialized: pending tasks and the
        task counters are lost (docs/modern-eras-replay.md §4.2). Such a state is exact only
        where the host itself restarted the app: right before an admin record (finding 12) or
        where this session starts. Other states are skipped as starting points (live
        checkpoints, which hold the framework, are used instead).
        """
        config = state.app_config_hash if state is not None else None
        pine = state is not None and state.pine
        if config is None and state is None and index in self._reduction_index:
            red = self.store.usable_reduction(self.records.hash(index))
            config = red.app_config_hash if red is not None else None
            pine = red is not None and red.state_format == "pine"
        return index == self.first_index or pine or exact_start(self.store, index, config)

    @cached_property
    def _inexact_states(self) -> bool:
        """Whether some app config of this store has serialized states that are not exact."""
        deployed = self.store.deployments()["app_config_hash"]
        return any(isinstance(h, str) and not serialized_state_exact(self.store, h) for h in deployed)

    def _serialized_starts(self, index: int) -> Iterator[int]:
        """Indices at or before ``index`` with a serialized checkpoint, pinned state or (with
        ``use_reductions``) a stored reduction, newest first."""
        known = sorted((i for i in (*self._checkpoints, *self._pinned) if i <= index), reverse=True)
        k = bisect.bisect_right(self._reduction_index, index) - 1 if self.use_reductions else -1
        j = 0
        while j < len(known) or k >= 0:
            if k >= 0 and (j >= len(known) or self._reduction_index[k] > known[j]):
                yield self._reduction_index[k]
                k -= 1
            else:
                yield known[j]
                j += 1

    def _best_start(self, index: int) -> tuple[int, StartState] | None:
        """The closest known state at or before ``index`` if it beats continuing from here; a
        live checkpoint where it is as close as a serialized one (resuming it costs nothing)."""
        best = None
        for i in self._serialized_starts(index):
            if not self._inexact_states or self._serialized_start_exact(i, self._checkpoints.get(i) or self._pinned.get(i)):
                best = i
                break
        live = self._live_at_or_before(index)
        if self._pos != LOST and self._pos <= index and (best is None or best <= self._pos) and (live is None or live[0] <= self._pos):
            return None  # continuing forward is at least as close
        if live is not None and (best is None or live[0] >= best):
            return live
        if best is None:
            return (BEFORE_FIRST, Snapshot(None, None))
        snap = self._checkpoints.get(best) or self._pinned.get(best)
        if snap is None:
            red = self.store.usable_reduction(self.records.hash(best))
            if red is None:  # not usable after all: fall back to the one before
                self._reduction_index.remove(best)
                return self._best_start(index)
            snap = Snapshot.of_reduction(red)
        return (best, snap)

    def _reset_to_beginning(self) -> None:
        start = self.first_index
        self._restore((start, self._pinned[start]) if start >= 0 else (BEFORE_FIRST, Snapshot(None, None)))

    def _restore(self, start: tuple[int, StartState]) -> None:
        index, state = start
        self._pos = LOST
        if isinstance(state, LiveState):
            self.host.resume(state, record=self._record_or_none(index))
        else:
            self.host.restore(state, record=self._record_or_none(index))
        self._pos = index

    def _keep_checkpoint(self, index: int, state: Snapshot) -> None:
        self._checkpoints[index] = state
        if self._space_by_size:
            # Seeks start from live states; serialized ones are the fallback across processes.
            # Spaced by state size, their serialization stays a small part of a replay (a 7 MB
            # state every 1,000 records of a 75 us/event app would cost as much as the events).
            while self.checkpoint_every * SERIALIZED_BYTES_PER_RECORD < state.size:
                self.checkpoint_every, self._checkpoints, _ = _thinned(self._checkpoints, self.checkpoint_every)
        while self.checkpoint_bytes > self.memory_budget and self._checkpoints:
            self.checkpoint_every, self._checkpoints, _ = _thinned(self._checkpoints, self.checkpoint_every)
            if len(self._checkpoints) <= 1 and self.checkpoint_bytes > self.memory_budget:
                self._checkpoints.clear()
                break

    def _fit_live_every(self, seconds_per_event: float, events: int) -> None:
        """Space live checkpoints as widely as a quick seek allows at the app's current speed
        (see ``live_every``), never closer than the heap budget's thinning left them."""
        if not self._adapt_live_every or events < LIVE_ADAPT_MIN_EVENTS:
            return
        self._live_measured = True
        every = self._live_min_every
        while every < MAX_LIVE_EVERY and 2 * every * seconds_per_event <= LIVE_REPLAY_TARGET_S:
            every *= 2
        self.live_every = every

    def _batch_size(self) -> int:
        """Events per call into V8: the host's default until the app's speed is measured, then
        about ``BATCH_TARGET_S`` of them (at most a run)."""
        if self._seconds_per_event is None:
            return DEFAULT_BATCH_SIZE
        return max(1, min(RUN_CHUNK, int(BATCH_TARGET_S / max(self._seconds_per_event, 1e-9))))

    def _wants_live(self, index: int) -> bool:
        if not self.live_checkpoints or (index + 1) % self.live_every:
            return False
        live = self._live.get(index)
        return live is None or not live.valid

    def _keep_live(self, held: dict[int, LiveState]) -> None:
        """Add live checkpoints made by the current process, then fit the V8 heap budget: thin
        out when a full garbage collection does not bring the heap under it."""
        self._live.update((i, live) for i, live in held.items() if live.valid)
        proc = self.host.process
        if not self._live or proc is None or proc.heap_used() <= self.live_memory_budget:
            return
        proc.collect_garbage()
        while self._live and proc.heap_used() > self.live_memory_budget:
            self.live_every, self._live, dropped = _thinned(self._live, self.live_every)
            self._live_min_every = self.live_every
            self.host.release(dropped)
            proc.collect_garbage()

    def _wants_snapshot(self, index: int) -> bool:
        return (index + 1) % self.checkpoint_every == 0 and index not in self._checkpoints or (
            index in self._is_revert_target and index not in self._pinned
        )

    def _store_snapshot(self, index: int, snap: Snapshot) -> None:
        if index in self._is_revert_target:
            self._pinned[index] = snap
        if (index + 1) % self.checkpoint_every == 0:
            self._keep_checkpoint(index, snap)

    def _advance(
        self,
        index: int,
        *,
        collect: list[str | None] | None = None,
        on_progress: ProgressCallback | None = None,
        states: dict[int, str | None] | None = None,
        query: QueryRun | None = None,
        on_other: OtherStep | None = None,
        digests: dict[int, tuple[int, ...]] | None = None,
    ) -> None:
        """Apply records ``_pos+1 .. index`` in append order, batching runs of app events.
        ``collect`` receives each record's response, ``states`` each record's resulting state,
        ``digests`` each app-event record's digest; ``query`` is a find condition evaluated in
        V8 after each app event (``query.found``), ``on_other`` evaluates it after the other
        records (see :data:`OtherStep`)."""
        ahead: _Prefetch | None = None
        try:
            while self._pos < index:
                first = self._pos + 1
                try:
                    last = self._run_last(first, index)
                    if last >= first and ahead is not None and ahead.run[0] == first and ahead.run[1] < last:
                        last = ahead.run[1]  # the run read ahead, sized before the app's speed was known
                    if last >= first:
                        tokens = ahead if ahead is not None and ahead.run == (first, last) else None
                        if ahead is not None and tokens is None:
                            ahead.start.set()  # not this run's: let it finish now
                        ahead = self._prefetch(last + 1, index)
                    if last >= first and (query is None or self.host.process is not None):
                        self._run_events(first, last, collect, states, query=query, trace_digests=digests, tokens=tokens)
                    elif last >= first:  # app events while no app runs: nothing for V8 to evaluate
                        self._run_events(first, last, collect, states, trace_digests=digests, tokens=tokens)
                        for i in range(first, last + 1):
                            if on_other is not None:
                                on_other(i, None)
                    else:
                        if ahead is None:  # read the run after this record while it is applied
                            ahead = self._prefetch(first + 1, index)  # (a deploy compiles the app)
                        before = self.host.snapshot().state_json if query is not None and query.needs_prev else None
                        self._apply_one(first, collect)
                        if states is not None:
                            states[self._pos] = self.host.snapshot(record=self.records[self._pos]).state_json
                        if on_other is not None:
                            on_other(first, before)
                except BaseException:
                    self._pos = LOST  # the process failed or was interrupted mid-way: the next seek restores
                    raise
                if on_progress is not None:
                    on_progress(self._pos)
        finally:
            if ahead is not None:  # a read-ahead left behind (an error, an interrupt) must not wait
                ahead.start.set()

    def _run_last(self, first: int, index: int) -> int:
        """The last record of the run of app events that starts at ``first``, at most ``index``
        and at most ``RUN_CHUNK`` records long (bounded memory, regular progress); ``first - 1``
        when record ``first`` is not an app event."""
        k = bisect.bisect_left(self._breaks, first)
        stop = self._breaks[k] if k < len(self._breaks) else len(self.records)
        # Until the app's speed is measured, runs are short: a run's live checkpoints are laid
        # at the spacing known when it starts (50 at first: 320 held states in 16,384 events).
        chunk = RUN_CHUNK if self._live_measured else FIRST_RUN_CHUNK
        if self._bytes_per_event:
            chunk = max(1, min(chunk, int(RUN_MAX_BYTES / self._bytes_per_event)))
        return min(stop - 1, index, first + chunk - 1)

    def _prefetch(self, first: int, index: int) -> _Prefetch | None:
        """Start reading the event tokens of the run that starts at ``first`` in a thread, while
        V8 runs the current one (the main thread then waits without the GIL)."""
        if first > index:
            return None
        last = self._run_last(first, index)
        if last - first + 1 < MIN_PREFETCH:
            return None
        start = threading.Event()
        if self.host.process is not None:
            self.host.process.set_when_evaluating(start)
        else:
            start.set()
        return _Prefetch((first, last), _PREFETCHER.submit(_encoded_run_from, start, self.records, first, last), start)

    def _run_payloads(
        self, first: int, last: int, tokens: _Prefetch | None = None
    ) -> tuple[AppEvents, list[int] | None]:
        """The app events of records ``first .. last`` with the record of each, and the offset of
        each record's last event; None when every record holds exactly one event (offset =
        record index - first). ``tokens``: the fast path's result, read ahead."""
        # Fast path: one event per record, inline in the record (literal log files, E5+), read
        # from the log files without building the records (they are built only to name one).
        inline = tokens.result() if tokens is not None else _encoded_run(self.records, first, last, ahead=False)
        if inline is not None:
            return AppEvents(inline, self.records.view(first, last)), None
        records = self.records[first : last + 1]
        payloads: list[str] = []
        owners: list[Record] = []
        last_offset: list[int] = []
        for rec in records:
            for payload in self.store.app_events(rec):
                payloads.append(payload)
                owners.append(rec)
            last_offset.append(len(payloads) - 1)
        return AppEvents(payloads, owners), last_offset

    def _snapshot_candidates(self, first: int, last: int) -> list[int]:
        """Records in ``first .. last`` that may want a snapshot: checkpoint positions and revert
        targets (:meth:`_wants_snapshot` decides)."""
        every = self.checkpoint_every
        found = list(range(first + (every - 1 - first) % every, last + 1, every))
        targets = self._revert_target_indices
        extra = targets[bisect.bisect_left(targets, first) : bisect.bisect_right(targets, last)]
        return sorted(set(found).union(extra)) if extra else found

    def _run_events(
        self,
        first: int,
        last: int,
        collect: list[str | None] | None,
        trace_states: dict[int, str | None] | None = None,
        query: QueryRun | None = None,
        trace_digests: dict[int, tuple[int, ...]] | None = None,
        *,
        tokens: _Prefetch | None = None,
    ) -> None:
        items, last_offset = self._run_payloads(first, last, tokens)
        if len(items):
            self._bytes_per_event = _text_size(items.payloads) / len(items)
        if query is not None:  # a record's step is its last event (the state after the record)
            query.at = None if last_offset is None else [o for o in last_offset if o >= 0]
            query.matches = []
            if last_offset is not None and query.per_event:
                for i, (a, b) in enumerate(zip([-1, *last_offset], last_offset)):
                    if b - a != 1:
                        raise UnsupportedQuery(
                            f"Record #{first + i} holds {b - a} app events: a condition on the event or the response "
                            "needs one event per record (conditions on the state alone work)"
                        )

        def offset(i: int) -> int:
            return i - first if last_offset is None else last_offset[i - first]

        wanted: dict[int, int] = {}
        on_grid = False
        for i in self._snapshot_candidates(first, last):
            off = offset(i)
            if off >= 0 and self._wants_snapshot(i):
                if self._space_by_size and on_grid and i not in self._is_revert_target:
                    continue  # the size of the first one sets the spacing (see _keep_checkpoint)
                on_grid = on_grid or i not in self._is_revert_target
                wanted[off] = i
        traced = {offset(i): i for i in range(first, last + 1) if offset(i) >= 0} if trace_states is not None else {}
        held: dict[int, LiveState] = {}
        flat: array[int] | None = array("q") if trace_digests is not None else None
        want: list[int] | None = None
        if trace_digests is not None:
            hash_when = self._digest_want
            want = [DIGEST_SKIP] * len(items)
            for i in range(first, last + 1):
                if offset(i) >= 0:
                    want[offset(i)] = DIGEST_HASH if hash_when is None else hash_when.get(i, DIGEST_SKIP)
        if self.host.process is None and self.host.stored_only is None:  # no app: the host ignored them
            responses: list[str | None] = [None] * len(items)
            states: dict[int, str] = {}
        else:
            offsets = sorted(set(wanted) | set(traced))
            hold_after: dict[int, LiveState] = {}
            for i in self._live_candidates(first, last):
                token = self.host.live_token() if offset(i) >= 0 else None
                if token is not None:
                    held[i] = hold_after[offset(i)] = token
            started = time.perf_counter()
            responses, states = self.host.run_app_events(
                items,
                responses=collect is not None,
                states_after=offsets,
                hold_after=hold_after or None,
                batch_size=self._batch_size(),
                tail_share=TAIL_SHARE if self._seconds_per_event is not None else 0.0,
                query=query,
                digests=flat,
                digest_want=want,
            )
            per_event = (time.perf_counter() - started) / len(items) if items else 0.0
            if len(items) >= LIVE_ADAPT_MIN_EVENTS:
                self._seconds_per_event = per_event
            self._fit_live_every(per_event, len(items))
        if held:
            self._keep_live(held)
        if query is not None:
            query.found.extend((items[off][0].index, m) for off, m in query.matches)
        for off, i in wanted.items():
            self._store_snapshot(i, Snapshot(self.host.app_config_hash, states.get(off)))
        if trace_digests is not None:
            for i in range(first, last + 1):
                off = offset(i)
                if off >= 0:
                    trace_digests[i] = tuple(flat[off * DIGEST_WIDTH : (off + 1) * DIGEST_WIDTH]) if flat else tuple(NO_APP_DIGEST)
        if trace_states is not None:
            for i in range(first, last + 1):
                off = offset(i)
                trace_states[i] = states.get(off) if off >= 0 else self.host.snapshot().state_json
        if collect is not None:
            if last_offset is None:
                collect.extend(responses if responses else [None] * len(items))
            else:
                by_record: dict[int, str | None] = {}
                for (rec, _), resp in zip(items, responses or [None] * len(items)):
                    by_record[rec.index] = resp
                collect.extend(by_record.get(i) for i in range(first, last + 1))
        self._pos = last

    def _live_candidates(self, first: int, last: int) -> list[int]:
        """Records in ``first .. last`` that want a live checkpoint."""
        if not self.live_checkpoints:
            return []
        every = self.live_every
        return [i for i in range(first + (every - 1 - first) % every, last + 1, every) if self._wants_live(i)]

    def _reverted_to_outside(self, rec: Record, target: str) -> tuple[int, Snapshot]:
        """The state a revert returns to when its target is not replayed in this session: the
        target's usable reduction, as the host would restore it."""
        red = self.store.usable_reduction(target)
        t = self.store.index_of_hash.get(target)
        if red is None or t is None:
            raise RestoreError(
                f"Record #{rec.index} reverts to record {target}, which precedes the records this session "
                f"replays (from #{self.first_index}) and has no usable reduction",
                event_index=rec.index,
                record_hash=rec.hash,
            )
        snap = Snapshot.of_reduction(red)
        self._pinned[t] = snap
        return t, snap

    def _apply_one(self, index: int, collect: list[str | None] | None) -> None:
        rec = self.records[index]
        result: Result | None = None
        if rec.kind is RecordKind.REVERT:
            target = rec.revert_target
            assert target is not None
            t = self.store.index_of_hash.get(target)
            snap = self._pinned.get(t) if t is not None else None
            if snap is None and t is not None and t >= max(self.first_index, 0):
                snap = self.snapshot_at(t)
                self._pinned[t] = snap
            if snap is None or t is None:  # before this session's start (or truncated away)
                t, snap = self._reverted_to_outside(rec, target)
            self._restore((t, snap))
        else:
            for ev in rec.parsed.events:
                result = self.host.apply(rec, ev)
        self.step_results[index] = StepInfo(index, rec.kind.value, result)
        if collect is not None:
            collect.append(None)
        self._pos = index
        if self.live_checkpoints and rec.kind in (RecordKind.DEPLOY_INIT, RecordKind.DEPLOY_MIGRATE):
            live = self.host.hold(record=rec)
            if live is not None:
                self._live_deploys[index] = live
        elif self._wants_live(index):
            live = self.host.hold(record=rec)
            if live is not None:
                self._keep_live({index: live})
        if self._wants_snapshot(index):
            self._store_snapshot(index, self.host.snapshot(record=rec))
