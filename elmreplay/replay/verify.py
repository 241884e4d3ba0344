"""Verification: replay the whole history and compare with every stored reduction, byte for byte."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import StoreError
from ..inspect.diff import diff_states
from ..inspect.render import esc, mimebundle, short_hash, table, verdict
from ..runtime.sources import RuntimeResolver
from ..store.files import join
from ..store.reductions import reduction_path
from ..store.store import Store
from .interface_semantics import replay_assumptions
from .session import ReplaySession


@dataclass(frozen=True)
class ReductionCheck:
    """One stored reduction compared with the replayed state after its record."""

    index: int
    record_hash: str
    matches: bool
    app_config_matches: bool
    stored_state: str | None
    replayed_state: str | None
    stored_app_config: str | None
    replayed_app_config: str | None
    note: str = ""

    def diff(self) -> Any:
        """An Elm-aware diff of stored vs replayed state (see :mod:`elmreplay.inspect.diff`)."""
        return diff_states(self.stored_state or "null", self.replayed_state or "null", old_label="stored", new_label="replayed")


@dataclass
class VerifyReport:
    """The outcome of :func:`verify`."""

    store: str
    records: int
    replayed_from: int
    checks: list[ReductionCheck] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    #: Reductions that could not be read: (store-relative file, the error's one-line message).
    failed: list[tuple[str, str]] = field(default_factory=list)
    #: What the replay assumed that the store does not say (e.g. which host build ran backendMain apps).
    assumptions: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and all(c.matches and c.app_config_matches for c in self.checks)

    @property
    def nothing_checked(self) -> bool:
        """Reductions were there to check, but none could be read."""
        return not self.checks and bool(self.failed)

    @property
    def mismatches(self) -> list[ReductionCheck]:
        return [c for c in self.checks if not (c.matches and c.app_config_matches)]

    def to_json(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "ok": self.ok,
            "records": self.records,
            "replayed_from": self.replayed_from,
            "reductions_checked": len(self.checks),
            "mismatches": [
                {
                    "index": c.index,
                    "record_hash": c.record_hash,
                    "state_matches": c.matches,
                    "app_config_matches": c.app_config_matches,
                    "stored_app_config": c.stored_app_config,
                    "replayed_app_config": c.replayed_app_config,
                    "note": c.note,
                }
                for c in self.mismatches
            ],
            "skipped": self.skipped,
            "failed": [{"file": f, "error": e} for f, e in self.failed],
            "assumptions": self.assumptions,
        }

    def __str__(self) -> str:
        verdict = "OK" if self.ok else "MISMATCH" if self.mismatches else "FAILED"
        unreadable = f", {len(self.failed)} unreadable" if self.failed else ""
        head = (
            f"{verdict}: {len(self.checks)} reductions checked, "
            f"{len(self.mismatches)} differ{unreadable} ({self.records} records, replayed from #{self.replayed_from})"
        )
        lines = [head]
        for c in self.mismatches:
            what = "state" if not c.matches else "app config"
            lines.append(f"  #{c.index} {c.record_hash}: {what} differs {c.note}".rstrip())
        lines.extend(f"  unreadable: {f}: {e}" for f, e in self.failed)
        lines.extend(f"  skipped: {s}" for s in self.skipped)
        lines.extend(f"  assumed: {a}" for a in self.assumptions)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = str(self).splitlines()[0]
        shown = self.mismatches or self.checks
        rows = (
            (f"#{c.index}", short_hash(c.record_hash), "yes" if c.matches else "NO", "yes" if c.app_config_matches else "NO", c.note)
            for c in shown
        )
        caption = "mismatches" if self.mismatches else "reductions checked"
        body = table(("record", "hash", "state matches", "app config matches", "note"), rows, total=len(shown))
        skipped = "".join(f"<li>{esc(s)}</li>" for s in self.skipped)
        unreadable = "".join(f"<li><code>{esc(f)}</code>: {esc(e)}</li>" for f, e in self.failed)
        return (
            f"<div class='elmreplay-verify'>{verdict(self.ok, head)}"
            f"<details{' open' if self.mismatches else ''}><summary>{len(shown)} {caption}</summary>{body}</details>"
            + (f"<p>unreadable reductions:</p><ul>{unreadable}</ul>" if unreadable else "")
            + (f"<p>skipped:</p><ul>{skipped}</ul>" if skipped else "")
            + "".join(f"<p>assumed: {esc(a)}</p>" for a in self.assumptions)
            + ("<p>See <code>report.mismatches[k].diff()</code> for what differs.</p>" if self.mismatches else "")
            + "</div>"
        )

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, str]:
        return mimebundle(str(self), self._repr_html_())


def verify(
    store: Store,
    resolver: RuntimeResolver,
    *,
    on_progress: Callable[[int], None] | None = None,
    **session_kw: Any,
) -> VerifyReport:
    """Replay from the first record (or the oldest usable reduction when the log was truncated)
    without using any other reduction, and compare the state after every reduced record."""
    report = VerifyReport(store.name, len(store.records), 0, assumptions=replay_assumptions(store))
    report.skipped.extend(unnamed_reductions(store))
    part = verify_range(store, resolver, on_progress=on_progress, **session_kw)
    report.replayed_from = part.replayed_from
    report.checks.extend(part.checks)
    report.skipped.extend(part.skipped)
    report.failed.extend(part.failed)
    return report


def unnamed_reductions(store: Store) -> list[str]:
    """The report's notes on reductions that name no record of the history (listed first)."""
    return [f"reduction {h}: names no record of this history" for h in store.reduction_hashes if h not in store.index_of_hash]


@dataclass
class RangeResult:
    """The checks of one stretch of the history (see :func:`verify_range`)."""

    replayed_from: int
    checks: list[ReductionCheck] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (reduction file, why it cannot be read)


def verify_range(
    store: Store,
    resolver: RuntimeResolver,
    *,
    start: str | None = None,
    stop: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    **session_kw: Any,
) -> RangeResult:
    """Verify the records after ``start`` (the hash of a record whose stored reduction to start
    from; None: from the beginning, as the whole verify does) up to ``stop`` (a record index;
    None: the newest record, so that app failures after the last reduction count too).

    :func:`verify` is the range over everything; parallel verify splits the history at stored
    reductions into ranges (:mod:`.parallel`).
    """
    # One forward pass: checkpoints for later seeks would only cost time and memory.
    session_kw.setdefault("live_checkpoints", False)
    session_kw.setdefault("checkpoint_every", len(store.records) + 1)
    session = ReplaySession(store, resolver, use_reductions=False, start=start, **session_kw)
    try:
        result = RangeResult(max(session.first_index, 0))
        targets = sorted(
            (store.index_of_hash[h], h) for h in store.reduction_hashes if h in store.index_of_hash
        )
        for index, h in targets:
            if index <= session.first_index or (stop is not None and index > stop):
                continue
            try:
                red = store.usable_reduction(h)
            except StoreError as e:  # reported with its file; the other reductions are still checked
                result.failed.append((e.path or join(reduction_path(h)), f"{type(e).__name__}: {e}"))
                continue
            if red is None:
                result.skipped.append(f"reduction of #{index} {h}: not usable (missing component or null field)")
                continue
            session.seek(index, on_progress=on_progress)
            snap = session.snapshot_at(index)
            stored = red.state_json.decode("utf-8", errors="replace")
            result.checks.append(
                ReductionCheck(
                    index,
                    h,
                    snap.state_json is not None and snap.state_json.encode("utf-8") == red.state_json,
                    snap.app_config_hash == red.app_config_hash,
                    stored,
                    snap.state_json,
                    red.app_config_hash,
                    snap.app_config_hash,
                )
            )
        if stop is None:
            session.replay_all(on_progress=on_progress)  # app failures after the last reduction count too
        elif session.position < stop:
            session.seek(stop, on_progress=on_progress)
        return result
    finally:
        session.close()
