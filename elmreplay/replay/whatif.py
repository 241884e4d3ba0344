"""What-if deployments and counterfactual replays, on in-memory projections (nothing is written).

:func:`what_if_deploy` does what the host's admin interface did for a deployment (§5.3): store a
reduction of the current state, append the deploy record, run the restore path, and accept the
deployment only if that succeeds (for a migration: only if it returns Ok). Everything lands in
an in-memory overlay of the store; the report says what the real host would have answered.

:func:`counterfactual` deploys a version at some record and replays the later app events through
it, comparing responses and states with the recorded history event by event.
"""

from __future__ import annotations

import bisect
import os
import time
from array import array
from datetime import datetime, timezone
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable, Iterable, Mapping

from ..errors import RestoreError
from ..inspect.render import esc, mimebundle, short_hash, table, verdict
from ..runtime.engine import DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT_S, DIGEST_HASH, DIGEST_LENGTH, DIGEST_SKIP
from ..runtime.sources import RuntimeResolver
from ..store.components import component_hash
from ..store.indexing import resolve_index
from ..store.records import Record, RecordKind
from ..store.store import Store
from ..store.trees import build_tree
from .projection import Projection, deploy_appender, test_continue_with
from .host import DIGEST_WIDTH, NO_APP_DIGEST, HostProcess, LiveState
from .restore import Restored, restore
from .script import read_app_dir
from .session import ReplaySession

REPORT_FORMAT_VERSION = 1


def _app_files(app: str | os.PathLike[str] | Mapping[str, bytes]) -> tuple[dict[str, bytes], str | None]:
    if isinstance(app, Mapping):
        return dict(app), None
    return read_app_dir(app), os.fspath(app)


@dataclass
class WhatIfReport:
    """What the host would have answered to a deployment, computed on a projection."""

    store: str
    mode: str
    app_config_hash: str
    app_dir: str | None
    at_index: int | None
    base_record_hash: str | None  # the newest record the result was computed against
    store_head_hash: str | None  # the store's head when computed (staleness check)
    deploy_record_hash: str
    accepted: bool
    message: str
    state_before: str | None
    state_after: str | None
    seconds: float
    app_config_before: str | None = None
    #: The host generation whose answer this is: "2020" (head-hash chain) or "2021" (literal log files).
    generation: str = "2021"
    #: 2020 only: the test restore raised, which that host did not catch (HTTP 500, no report).
    uncaught: bool = False
    #: When the computation began (UTC, the host's ``beginTime`` format ``yyyy-MM-ddTHH-mm-ss``).
    begin_time: str | None = None

    @property
    def http_status(self) -> int:
        """The status of the host's admin response: 200, 400, or 500 (2020, uncaught exception)."""
        return 200 if self.accepted else 500 if self.uncaught else 400

    def host_report(self) -> dict[str, Any] | None:
        """The body of the host's answer, ``AttemptContinueWithCompositionEventReport`` with the
        fields of this generation (§5.3); None for a 2020 HTTP 500 (the host sent no report)."""
        if self.uncaught:
            return None
        kind = "DeployAppConfigAndMigrateElmAppState" if self.mode == "migrate" else "DeployAppConfigAndInitElmAppState"
        body: dict[str, Any] = {"beginTime": self.begin_time}
        if self.generation == "2020":
            body["parentCompositionHashBase16"] = self.base_record_hash
        body["compositionEvent"] = {kind: {"HashBase16": self.app_config_hash}}
        if self.generation != "2020":
            body["storeReductionReport"] = None  # the reduction the host stored first (here: in memory only)
            body["storeReductionTimeSpentMilli"] = None
        body["totalTimeSpentMilli"] = int(self.seconds * 1000)
        body["result"] = {"Ok": self.message} if self.accepted else {"Err": self.message}
        return body

    @property
    def diff(self) -> Any:
        """Elm-aware diff of the state before and after (None when either is missing)."""
        if self.state_before is None or self.state_after is None:
            return None
        from ..inspect.diff import diff_states

        return diff_states(self.state_before, self.state_after, old_label="before", new_label="after")

    def is_stale(self, store: Store) -> bool:
        """True when the store's head moved on since this report was computed (at the head)."""
        return store.head_hash != self.store_head_hash

    def summary_line(self) -> str:
        verdict = "ACCEPTED" if self.accepted else "REJECTED"
        where = f"after record #{self.at_index}" if self.at_index is not None else "at the head"
        return f"What-if deploy+{self.mode} of app config {self.app_config_hash[:12]}… {where}: {verdict}"

    def to_json(self, *, parse_states: bool = True) -> dict[str, Any]:
        """A stable JSON form (``format_version`` 1); states are JSON values, not strings."""
        import json

        def state(s: str | None) -> Any:
            if s is None or not parse_states:
                return s
            try:
                return json.loads(s)
            except ValueError:
                return s

        d = self.diff
        return {
            "format_version": REPORT_FORMAT_VERSION,
            "kind": "what-if-deploy",
            "store": self.store,
            "mode": self.mode,
            "app_dir": self.app_dir,
            "app_config_hash": self.app_config_hash,
            "app_config_before": self.app_config_before,
            "at_index": self.at_index,
            "base_record_hash": self.base_record_hash,
            "store_head_hash": self.store_head_hash,
            "deploy_record_hash": self.deploy_record_hash,
            "accepted": self.accepted,
            "host_response": {
                "status": self.http_status,
                "result": {"Ok": self.message} if self.accepted else {"Err": self.message},
                "generation": self.generation,
                "body": self.host_report(),
            },
            "state_before": state(self.state_before),
            "state_after": state(self.state_after) if self.accepted else None,
            "diff_summary": d.summary() if d is not None and self.accepted else None,
            "seconds": round(self.seconds, 3),
        }

    def _lines(self) -> list[str]:
        lines = [self.summary_line(), ""]
        lines.append(f"  store:        {self.store}")
        if self.base_record_hash == self.store_head_hash:  # the usual case: say the hash once
            lines.append(f"  computed on:  record {self.base_record_hash} (the store's head)")
        else:
            lines.append(f"  computed on:  record {self.base_record_hash} (store head then: {self.store_head_hash})")
        lines.append(f"  deploy record (projected): {self.deploy_record_hash}")
        lines.append(f"  host answer:  HTTP {self.http_status}" + (" (the 2020 host did not catch this exception)" if self.uncaught else ""))
        lines.extend("    " + x for x in self.message.splitlines() or [""])
        d = self.diff if self.accepted else None
        if d is not None:
            lines.append("")
            lines.append(f"  state change: {d.summary()}")
            lines.extend("    " + x for x in str(d).splitlines()[:40])
        return lines

    def __str__(self) -> str:
        return "\n".join(self._lines())

    def __repr__(self) -> str:
        return self.summary_line()

    def _repr_html_(self) -> str:
        body = esc("\n".join(self._lines()[2:]))
        return (
            f"<div class='elmreplay-whatif'>{verdict(self.accepted, self.summary_line())}"
            f"<pre style='white-space:pre-wrap'>{body}</pre></div>"
        )


def what_if_deploy(
    store: Store,
    app: str | os.PathLike[str] | Mapping[str, bytes],
    resolver: RuntimeResolver,
    *,
    mode: str = "migrate",
    at: int | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_memory: int = DEFAULT_MAX_MEMORY,
) -> WhatIfReport:
    """Dry-run a deployment of ``app`` (a directory of Elm source, or its files) on ``store``.

    Parameters
    ----------
    mode
        ``"migrate"`` (deploy+migrate) or ``"init"`` (deploy+init).
    at
        Project the deployment right after this record index: 0-based append order as in
        ``Store.events()``, negative counts from the end (-1 = the head); default: the head.
        The projection is the store as it stood then (later records, their reductions and a
        torn tail are not part of it).

    Raises
    ------
    RuntimeUnavailable
        No JavaScript can be obtained for the candidate (no port, no Elm toolchain).
    """
    report, _ = _dry_run_deploy(store, app, resolver, mode=mode, at=at, timeout_s=timeout_s, max_memory=max_memory)
    return report


def _dry_run_deploy(
    store: Store,
    app: str | os.PathLike[str] | Mapping[str, bytes],
    resolver: RuntimeResolver,
    *,
    mode: str,
    at: int | None,
    timeout_s: float,
    max_memory: int,
    keep_process: bool = False,
) -> tuple[WhatIfReport, Restored | None]:
    """The host's deployment test on a projection; with ``keep_process`` the accepted
    deployment's restored process is returned too (the caller closes it)."""
    if mode not in ("migrate", "init"):
        raise ValueError(f"mode must be 'migrate' or 'init', not {mode!r}")
    files, app_dir = _app_files(app)
    began = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H-%M-%S")
    started = time.perf_counter()
    projection = Projection.of(store, after_index=at)
    base = projection.store()
    before = restore(base, resolver, timeout_s=timeout_s, max_memory=max_memory)
    try:
        snap = before.host.snapshot()
        # The host stored a reduction of the current state first, so the test replays almost nothing.
        if projection.writer.parent_hash is not None:
            projection.writer.write_reduction(
                projection.writer.parent_hash,
                state_json=snap.state_json.encode("utf-8") if snap.state_json is not None else None,
                app_config_hash=snap.app_config_hash,
            )
    finally:
        before.close()
    config_hash = component_hash(build_tree(files, projection.writer.tree_encoding))
    kind = RecordKind.DEPLOY_MIGRATE if mode == "migrate" else RecordKind.DEPLOY_INIT
    outcome = test_continue_with(
        projection,
        kind,
        # time 0: the append goes to the newest existing log file (the writer keeps whichever sorts last)
        deploy_appender(files, migrate=mode == "migrate", time_ms=0),
        resolver,
        timeout_s=timeout_s,
        max_memory=max_memory,
    )
    after: str | None = None
    if outcome.restored is not None:
        after = outcome.restored.state_json()
        if not keep_process:
            outcome.restored.close()
    report = WhatIfReport(
        store=store.name,
        mode=mode,
        app_config_hash=config_hash,
        app_dir=app_dir,
        at_index=None if at is None else projection.cut_index,
        base_record_hash=outcome.parent_hash,
        store_head_hash=store.head_hash,
        deploy_record_hash=outcome.record_hash,
        accepted=outcome.accepted,
        message=outcome.message,
        state_before=snap.state_json,
        state_after=after,
        seconds=time.perf_counter() - started,
        app_config_before=snap.app_config_hash,
        generation=outcome.generation,
        uncaught=outcome.uncaught,
        begin_time=began,
    )
    return report, (outcome.restored if keep_process else None)


@dataclass(frozen=True)
class EventComparison:
    """One later app event: recorded history vs the counterfactual, compared by digests (hash and
    size of the response and of the resulting state). Responses are kept only at the divergence
    points the report materialized (:attr:`CounterfactualReport.divergences`)."""

    index: int
    record_hash: str
    response_differs: bool
    state_differs: bool
    recorded_response: str | None = None
    counterfactual_response: str | None = None
    recorded_response_size: int | None = None
    counterfactual_response_size: int | None = None
    recorded_state_size: int | None = None
    counterfactual_state_size: int | None = None


@dataclass(frozen=True)
class Divergence:
    """A divergence point, materialized: both responses and both states after the event."""

    index: int
    record_hash: str
    response_differs: bool
    state_differs: bool
    recorded_response: str | None
    counterfactual_response: str | None
    recorded_state: str | None
    counterfactual_state: str | None

    def diff(self) -> Any:
        """Elm-aware diff of the recorded and the counterfactual state after this event."""
        from ..inspect.diff import diff_states

        if self.recorded_state is None or self.counterfactual_state is None:
            return None
        return diff_states(self.recorded_state, self.counterfactual_state, old_label="recorded", new_label="counterfactual")


@dataclass
class CounterfactualReport:
    """Deploy ``app`` at ``at`` and replay the later app events through it."""

    store: str
    mode: str
    at_index: int
    app_config_hash: str
    deploy: WhatIfReport
    events: list[EventComparison] = field(default_factory=list)
    final_state_recorded: str | None = None
    final_state_counterfactual: str | None = None
    #: The first divergences with their responses and states (at most ``divergences`` asked for).
    divergences: list[Divergence] = field(default_factory=list)
    #: Interrupted (Ctrl-C): ``events`` holds the prefix compared; the final states are after its last event.
    interrupted: bool = False
    #: Later app events to compare in all (``len(events)`` of them were compared).
    events_total: int = 0
    #: Why the comparison ended before the last event: the counterfactual app refused a later
    #: recorded function application (``ApplyFunctionOnElmAppState``, applied to it as to the
    #: recorded app); the host's text. None when every later event was compared.
    stopped: str | None = None
    #: What interrupted it (KeyboardInterrupt, or the CLI's SIGTERM), for a caller to re-raise.
    interruption: KeyboardInterrupt | None = field(default=None, repr=False, compare=False)

    @property
    def first_divergence(self) -> EventComparison | None:
        """The first later event whose response or resulting state differs."""
        return next((e for e in self.events if e.response_differs or e.state_differs), None)

    def to_frame(self) -> Any:
        import pandas as pd

        columns = [f.name for f in fields(EventComparison)]
        return pd.DataFrame([[getattr(e, c) for c in columns] for e in self.events], columns=columns)

    def final_diff(self) -> Any:
        from ..inspect.diff import diff_states

        if self.final_state_recorded is None or self.final_state_counterfactual is None:
            return None
        return diff_states(self.final_state_recorded, self.final_state_counterfactual, old_label="recorded", new_label="counterfactual")

    def summary_line(self) -> str:
        first = self.first_divergence
        diverge = f"first divergence at record #{first.index}" if first else "no divergence"
        n_resp = sum(e.response_differs for e in self.events)
        n_state = sum(e.state_differs for e in self.events)
        head = f"Counterfactual deploy+{self.mode} of {self.app_config_hash[:12]}… after record #{self.at_index}: "
        if not self.deploy.accepted:
            return head + "deployment REJECTED: " + self.deploy.message.splitlines()[0]
        line = head + f"{len(self.events)} later events replayed, {n_resp} responses and {n_state} states differ; {diverge}"
        if self.interrupted:
            line += f" (INTERRUPTED after {len(self.events)} of {self.events_total} events)"
        if self.stopped is not None:
            line += f" (STOPPED after {len(self.events)} of {self.events_total} events: {self.stopped})"
        return line

    def to_json(self) -> dict[str, Any]:
        first = self.first_divergence
        return {
            "format_version": REPORT_FORMAT_VERSION,
            "kind": "counterfactual",
            "store": self.store,
            "mode": self.mode,
            "at_index": self.at_index,
            "app_config_hash": self.app_config_hash,
            "deploy": self.deploy.to_json(),
            "events_replayed": len(self.events),
            "responses_differ": sum(e.response_differs for e in self.events),
            "states_differ": sum(e.state_differs for e in self.events),
            "first_divergence": None if first is None else {"index": first.index, "record_hash": first.record_hash,
                                                             "response_differs": first.response_differs, "state_differs": first.state_differs},
            "divergences": [{"index": d.index, "record_hash": d.record_hash, "response_differs": d.response_differs,
                             "state_differs": d.state_differs, "recorded_response": d.recorded_response,
                             "counterfactual_response": d.counterfactual_response} for d in self.divergences],
            "interrupted": self.interrupted,
            "events_total": self.events_total,
            "stopped": self.stopped,
        }  # fmt: skip

    def __str__(self) -> str:
        return self.summary_line()

    __repr__ = __str__

    def _text_lines(self) -> list[str]:
        lines = [self.summary_line()]
        first = self.first_divergence
        if first is not None:
            what = " and ".join(w for w, d in (("response", first.response_differs), ("state", first.state_differs)) if d)
            lines.append(f"  first divergence: record #{first.index} {first.record_hash} ({what} differs)")
        return lines

    def _repr_html_(self) -> str:
        ok = self.deploy.accepted
        diverging = [e for e in self.events if e.response_differs or e.state_differs]
        # green only when nothing diverges; a diverging history is the finding (amber), a rejection red
        tone = None if ok and diverging else ok
        parts = [f"<div class='elmreplay-counterfactual'>{verdict(tone, self.summary_line())}"]
        if not ok:
            parts.append(f"<pre style='white-space:pre-wrap'>{esc(self.deploy.message)}</pre>")
        if diverging:
            rows = (
                (f"#{e.index}", short_hash(e.record_hash), "yes" if e.response_differs else "", "yes" if e.state_differs else "")
                for e in diverging
            )
            parts.append(
                f"<details><summary>{len(diverging)} of {len(self.events)} later events diverge</summary>"
                + table(("record", "hash", "response differs", "state differs"), rows, total=len(diverging))
                + "</details>"
            )
        parts.append("</div>")
        return "".join(parts)

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, str]:
        return mimebundle("\n".join(self._text_lines()), self._repr_html_())


#: Later app events compared per step (the counterfactual side holds its state at each step's
#: start, to materialize a divergence inside the step).
COMPARE_CHUNK = 1000


def counterfactual(
    store: Store,
    app: str | os.PathLike[str] | Mapping[str, bytes],
    resolver: RuntimeResolver,
    *,
    at: int,
    mode: str = "migrate",
    until: int | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_memory: int = DEFAULT_MAX_MEMORY,
    divergences: int = 1,
    on_progress: Callable[[int, int], None] | None = None,
) -> CounterfactualReport:
    """Would version ``app`` deployed after record ``at`` have answered and evolved the same?

    Later app events (up to ``until``, default the newest record; reverted ones skipped, later
    deployments ignored; later function applications of the 2023 admin interface applied to the
    counterfactual app too, see ``CounterfactualReport.stopped``) are replayed through the counterfactual app in V8 batches, and each
    event's response and resulting state are compared with the recorded history's by digest
    (hash and size), so memory does not grow with the number of events. The first
    ``divergences`` divergence points are materialized (responses and states); the recorded
    states come from the replay session's checkpoints. ``at`` and ``until`` are record indices
    as everywhere (negative from the end). ``on_progress(compared, total)`` is called after each
    step; Ctrl-C (KeyboardInterrupt) returns the report of the prefix compared
    (``interrupted=True``).
    """
    n = len(store.records)
    at = resolve_index(at, n)
    last = n - 1 if until is None else resolve_index(until, n)
    deploy, restored = _dry_run_deploy(
        store, app, resolver, mode=mode, at=at, timeout_s=timeout_s, max_memory=max_memory, keep_process=True
    )
    report = CounterfactualReport(store.name, mode, at, deploy.app_config_hash, deploy)
    if restored is None:
        return report
    try:
        _compare_later_events(
            report, store, restored, resolver, at=at, last=last, timeout_s=timeout_s, max_memory=max_memory,
            divergences=max(0, divergences), on_progress=on_progress,
        )  # fmt: skip
    finally:
        restored.close()
    return report


def _compare_later_events(
    report: CounterfactualReport,
    store: Store,
    restored: Restored,
    resolver: RuntimeResolver,
    *,
    at: int,
    last: int,
    timeout_s: float,
    max_memory: int,
    divergences: int,
    on_progress: Callable[[int, int], None] | None,
) -> None:
    """Replay the later app events through the deployed app and compare them, step by step, with
    the recorded ones (a replay session over the real history), by digest."""
    later = [i for i in range(at + 1, last + 1) if store.records.kind(i) is RecordKind.UPDATE and not store.records.reverted[i]]
    functions = [i for i in range(at + 1, last + 1) if store.records.kind(i) is RecordKind.APPLY_FUNCTION and not store.records.reverted[i]]
    report.events_total = len(later)
    if not later:
        return
    host = restored.host
    applied = 0
    with ReplaySession(store, resolver, timeout_s=timeout_s, max_memory=max_memory) as recorded:
        try:
            for step in _event_runs(later, functions, COMPARE_CHUNK):
                while applied < len(functions) and functions[applied] < step[0]:
                    rec = store.records[functions[applied]]
                    try:  # the admin applied it to whatever app ran: apply it to this one too
                        host.apply(rec, rec.parsed.event)
                    except RestoreError as e:
                        report.stopped = f"The counterfactual app did not take the function application of record {rec.index}: {e.host_message}"
                        return
                    applied += 1
                items = [(rec, payload) for rec in (store.records[i] for i in step) for payload in store.app_events(rec)]
                last_offset = {rec.index: j for j, (rec, _) in enumerate(items)}
                start_state = host.hold()
                try:
                    compared = _compare_step(store, recorded, host, start_state, step, items, last_offset)
                    wanted = [e.index for e in compared if e.response_differs or e.state_differs][: divergences - len(report.divergences)]
                    if wanted and start_state is not None:
                        compared = _materialize(report, store, recorded, host, start_state, items, last_offset, compared, wanted)
                finally:
                    if start_state is not None:
                        host.release([start_state])
                report.events.extend(compared)
                if on_progress is not None:
                    on_progress(len(report.events), len(later))
        except KeyboardInterrupt as e:
            report.interrupted, report.interruption = True, e
        if report.events:
            report.final_state_recorded = recorded.state_at(report.events[-1].index)
            # After an interrupt the counterfactual process may stand anywhere inside the step.
            report.final_state_counterfactual = None if report.interrupted else host.snapshot().state_json


def _event_runs(later: list[int], functions: list[int], size: int) -> list[list[int]]:
    """The app events in runs of at most ``size`` that no function application (2023
    ``ApplyFunctionOnElmAppState``) interrupts."""
    runs: list[list[int]] = []
    for i in later:
        segment = bisect.bisect_left(functions, i)
        if runs and len(runs[-1]) < size and bisect.bisect_left(functions, runs[-1][-1]) == segment:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _compare_step(
    store: Store,
    recorded: ReplaySession,
    host: HostProcess,
    start_state: LiveState | None,
    step: list[int],
    items: list[tuple[Record, str]],
    last_offset: dict[int, int],
) -> list[EventComparison]:
    """Compare the records ``step`` of both timelines by digests, hashing as few states as
    possible (two states of different lengths differ; only states of equal length are hashed):

    1. the counterfactual side runs the step: response digests and state lengths;
    2. the recorded side replays it, hashing a state only where its length equals the
       counterfactual's;
    3. where it did and the runtime gave only the length, the counterfactual side runs the
       step again from its held start state and hashes those states.
    """
    no_app = tuple(NO_APP_DIGEST)

    def per_record(flat: array[int]) -> dict[int, tuple[int, ...]]:
        return {i: tuple(flat[o * DIGEST_WIDTH : (o + 1) * DIGEST_WIDTH]) for i, o in last_offset.items()}

    def want(kind: int, records: Iterable[int]) -> list[int]:
        out = [DIGEST_SKIP] * len(items)
        for i in records:
            out[last_offset[i]] = kind
        return out

    flat: array[int] = array("q")
    if start_state is None:  # no process to run again: hash every state at once
        host.run_app_events(items, digests=flat)
        theirs = per_record(flat)
        ours = recorded.trace_digests(step[0], step[-1] + 1)
    else:
        host.run_app_events(items, digests=flat, digest_want=want(DIGEST_LENGTH, last_offset))
        theirs = per_record(flat)
        ours = recorded.trace_digests(step[0], step[-1] + 1, hash_when={i: d[5] for i, d in theirs.items()})
        # (a runtime with getStateDigest hashes every state at once: nothing to run again)
        same_length = [i for i in step if i in theirs and i in ours and ours[i][5] >= 0 and ours[i][5] == theirs[i][5] and theirs[i][3] < 0]
        if same_length:
            host.resume(start_state)
            flat = array("q")
            host.run_app_events(items, digests=flat, digest_want=want(DIGEST_HASH, same_length))
            hashed = per_record(flat)
            theirs.update((i, theirs[i][:3] + hashed[i][3:]) for i in same_length)
    return [_compared(store, i, ours.get(i, no_app), theirs.get(i, no_app)) for i in step]


def _compared(store: Store, index: int, ours: tuple[int, ...], theirs: tuple[int, ...]) -> EventComparison:
    if ours[5] != theirs[5]:
        state_differs = True
    elif ours[5] < 0:  # no app on either side
        state_differs = False
    else:
        assert ours[3] >= 0 and theirs[3] >= 0, "states of equal length are hashed on both sides"
        state_differs = ours[3:5] != theirs[3:5]
    return EventComparison(
        index,
        store.records.hash(index),
        ours[:3] != theirs[:3],
        state_differs,
        recorded_response_size=_size(ours[2]),
        counterfactual_response_size=_size(theirs[2]),
        recorded_state_size=_size(ours[5]),
        counterfactual_state_size=_size(theirs[5]),
    )


def _size(n: int) -> int | None:
    return None if n < 0 else n


def _materialize(
    report: CounterfactualReport,
    store: Store,
    recorded: ReplaySession,
    host: HostProcess,
    start_state: LiveState,
    items: list[tuple[Record, str]],
    last_offset: dict[int, int],
    compared: list[EventComparison],
    wanted: list[int],
) -> list[EventComparison]:
    """Responses and states at the ``wanted`` divergences of one step: the counterfactual side
    runs the step again from its held start state (bounded: only while divergences are wanted),
    the recorded side seeks from its checkpoints."""
    host.resume(start_state)
    offsets = [last_offset[i] for i in wanted]
    responses, states = host.run_app_events(items[: offsets[-1] + 1], responses=True, states_after=offsets)
    host.run_app_events(items[offsets[-1] + 1 :])
    by_index = {e.index: e for e in compared}
    for i, off in zip(wanted, offsets):
        e = by_index[i]
        rec_response = recorded.responses(i, i + 1)[0]
        rec_state = recorded.state_at(i)
        report.divergences.append(
            Divergence(i, e.record_hash, e.response_differs, e.state_differs, rec_response, responses[off], rec_state, states.get(off))
        )
        by_index[i] = replace(e, recorded_response=rec_response, counterfactual_response=responses[off])
    return [by_index[e.index] for e in compared]
