"""What-if deployments and counterfactual replays, on in-memory projections (nothing is written).

:func:`what_if_deploy` does what the host's admin interface did for a deployment (§5.3): store a
reduction of the current state, append the deploy record, run the restore path, and accept the
deployment only if that succeeds (for a migration: only if it returns Ok). Everything lands in
an in-memory overlay of the store; the report says what the real host would have answered.

:func:`counterfactual` deploys a version at some record and replays the later app events through
it, comparing responses and states with the recorded history event by event.
"""

from __future__ import annotations

import html
import os
import time
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..runtime.engine import DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT_S
from ..runtime.sources import RuntimeResolver
from ..store.components import component_hash
from ..store.records import RecordKind
from ..store.store import Store
from ..store.trees import build_tree
from .projection import Projection, deploy_appender, test_continue_with
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
                "status": 200 if self.accepted else 400,
                "result": {"Ok": self.message} if self.accepted else {"Err": self.message},
            },
            "state_before": state(self.state_before),
            "state_after": state(self.state_after) if self.accepted else None,
            "diff_summary": d.summary() if d is not None and self.accepted else None,
            "seconds": round(self.seconds, 3),
        }

    def _lines(self) -> list[str]:
        lines = [self.summary_line(), ""]
        lines.append(f"  store:        {self.store}")
        lines.append(f"  computed on:  record {self.base_record_hash} (head {self.store_head_hash})")
        lines.append(f"  deploy record (projected): {self.deploy_record_hash}")
        lines.append(f"  host answer:  HTTP {200 if self.accepted else 400}")
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
        color = "#1a7f37" if self.accepted else "#cf222e"
        body = html.escape("\n".join(self._lines()[2:]))
        return (
            f"<div class='elmreplay-whatif'><b style='color:{color}'>{html.escape(self.summary_line())}</b>"
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
    )
    return report, (outcome.restored if keep_process else None)


@dataclass(frozen=True)
class EventComparison:
    """One later app event: recorded history vs the counterfactual."""

    index: int
    record_hash: str
    response_differs: bool
    state_differs: bool
    recorded_response: str | None
    counterfactual_response: str | None


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

    @property
    def first_divergence(self) -> EventComparison | None:
        """The first later event whose response or resulting state differs."""
        return next((e for e in self.events if e.response_differs or e.state_differs), None)

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "index": e.index,
                    "record_hash": e.record_hash,
                    "response_differs": e.response_differs,
                    "state_differs": e.state_differs,
                    "recorded_response": e.recorded_response,
                    "counterfactual_response": e.counterfactual_response,
                }
                for e in self.events
            ],
            columns=["index", "record_hash", "response_differs", "state_differs", "recorded_response", "counterfactual_response"],
        )

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
        return head + f"{len(self.events)} later events replayed, {n_resp} responses and {n_state} states differ; {diverge}"

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
        }  # fmt: skip

    def __str__(self) -> str:
        return self.summary_line()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        from ..ui.reprs import counterfactual_html

        return counterfactual_html(self)

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, str]:
        from ..ui.reprs import counterfactual_html, counterfactual_text, mimebundle

        return mimebundle(counterfactual_text(self), counterfactual_html(self))


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
) -> CounterfactualReport:
    """Would version ``app`` deployed after record ``at`` have answered and evolved the same?

    Later app events (up to ``until``, default the newest record; reverted ones skipped, later
    deployments ignored) are replayed through the counterfactual app in V8 batches, and each
    event's response and resulting state are compared with the recorded history's.
    """
    deploy, restored = _dry_run_deploy(
        store, app, resolver, mode=mode, at=at, timeout_s=timeout_s, max_memory=max_memory, keep_process=True
    )
    report = CounterfactualReport(store.name, mode, at, deploy.app_config_hash, deploy)
    if restored is None:
        return report
    try:
        _compare_later_events(report, store, restored, resolver, at=at, until=until, timeout_s=timeout_s, max_memory=max_memory)
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
    until: int | None,
    timeout_s: float,
    max_memory: int,
) -> None:
    """Replay the later app events through the deployed app and compare with the recorded ones."""
    last = len(store.records) - 1 if until is None else until
    later = [r for r in store.records[at + 1 : last + 1] if r.kind is RecordKind.UPDATE and not r.reverted]
    if not later:
        return
    # The recorded side: responses and states after each later event.
    with ReplaySession(store, resolver, timeout_s=timeout_s, max_memory=max_memory) as recorded:
        traced = recorded.trace(later[0].index, later[-1].index + 1)
    recorded_resp = {i: resp for i, (resp, _) in traced.items()}
    recorded_state = {i: state for i, (_, state) in traced.items()}
    # The counterfactual side: the deployed app (restored by the deployment test), then the same events.
    host = restored.host
    items = [(r, payload) for r in later for payload in store.app_events(r)]
    last_offset = {r.index: k for k, (r, _) in enumerate(items)}
    responses, states = host.run_app_events(items, responses=True, states_after=list(last_offset.values()))
    per_record_resp = {r.index: resp for (r, _), resp in zip(items, responses)}
    for rec in later:
        cf_state = states.get(last_offset[rec.index])
        report.events.append(
            EventComparison(
                rec.index,
                rec.hash,
                per_record_resp.get(rec.index) != recorded_resp[rec.index],
                cf_state != recorded_state[rec.index],
                recorded_resp[rec.index],
                per_record_resp.get(rec.index),
            )
        )
    report.final_state_recorded = recorded_state[later[-1].index]
    report.final_state_counterfactual = states.get(last_offset[later[-1].index])
