"""Skip an event, as Redux DevTools does: the history with one app event left out.

This is a counterfactual: the later app events are replayed in memory, in a V8 process of their
own, starting from the recorded state *before* the skipped event. Nothing is written and the
recorded session is not disturbed (it only provides that starting state). The run covers the
app events that follow the skipped one up to the next record that is not a plain app event
(a deployment, set-state or revert): replaying those would need the host's deployment and
restore logic on a changed history, which this in-memory run does not claim to do, so states
past that point are refused with a clear error instead of being guessed.
"""

from __future__ import annotations

import bisect

from ..errors import SkipNotPossible
from ..store.records import RecordKind
from .host import AppEvents, HostProcess, Snapshot
from .session import ReplaySession

#: States of the counterfactual history kept in memory (the shown step and a few around it).
STATE_CACHE = 8


class SkippedEventRun:
    """The history of ``session`` with app event ``skipped`` left out, computed in memory.

    Parameters
    ----------
    session
        The recorded replay; used only for the state before ``skipped``.
    skipped
        Index of the app event (``UpdateElmAppStateForEvent`` record) to leave out.
    """

    def __init__(self, session: ReplaySession, skipped: int) -> None:
        records = session.records
        if not 0 <= skipped < len(records) or records[skipped].kind is not RecordKind.UPDATE:
            raise SkipNotPossible(f"record #{skipped} is not an app event: only app events can be skipped")
        if skipped <= session.first_index:
            raise SkipNotPossible(f"record #{skipped} precedes the history this session replays (from #{session.first_index})")
        self.session = session
        self.skipped = skipped
        breaks = records.indices_not_of_kind(RecordKind.UPDATE)
        k = bisect.bisect_right(breaks, skipped)
        #: The last record the run covers (the record before the next non-app record).
        self.last = (breaks[k] if k < len(breaks) else len(records)) - 1
        self._start = session.snapshot_at(skipped - 1) if skipped > 0 else Snapshot(None, None)
        self._host = HostProcess(session.store, session.resolver)
        self._pos = skipped  # the state "after" the skipped record is the state before it
        self._host.restore(self._start, record=records[skipped])
        self._states: dict[int, str | None] = {skipped: self._start.state_json}
        self._responses: dict[int, str | None] = {skipped: None}

    def covers(self, index: int) -> bool:
        return self.skipped <= index <= self.last

    def state_at(self, index: int) -> str | None:
        """The state after record ``index`` in the history without the skipped event."""
        self._run_to(index)
        return self._states[index]

    def response_at(self, index: int) -> str | None:
        """The app's response to record ``index`` in that history (None for the skipped one)."""
        self._run_to(index)
        return self._responses.get(index)

    def describe(self) -> str:
        return (
            f"record #{self.skipped} skipped: the later app events up to #{self.last} are replayed in memory "
            "without it; nothing is written"
        )

    def close(self) -> None:
        self._host.close()

    def __enter__(self) -> SkippedEventRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run_to(self, index: int) -> None:
        if index in self._states:
            return
        if not self.covers(index):
            raise SkipNotPossible(
                f"record #{index} lies outside the run without #{self.skipped}: it covers #{self.skipped}..#{self.last}, "
                f"up to the next record that is not an app event"
            )
        if index < self._pos:  # behind the process: start again from the state before the skip
            self._host.restore(self._start, record=self.session.records[self.skipped])
            self._pos = self.skipped
        records = self.session.records[self._pos + 1 : index + 1]
        payloads: list[str] = []
        owners = []
        last_offset: dict[int, int] = {}
        for rec in records:
            for payload in self.session.store.app_events(rec):
                payloads.append(payload)
                owners.append(rec)
            last_offset[rec.index] = len(payloads) - 1
        responses, states = self._host.run_app_events(
            AppEvents(payloads, owners), responses=True, states_after=[o for o in last_offset.values() if o >= 0]
        )
        by_record = {rec.index: resp for rec, resp in zip(owners, responses)} if responses else {}
        current = self._states.get(self._pos)
        for rec in records:
            off = last_offset[rec.index]
            current = states.get(off, current) if off >= 0 else current
            self._states[rec.index] = current
            self._responses[rec.index] = by_record.get(rec.index)
        self._pos = index
        keep = {self.skipped, index}
        for i in sorted(self._states):
            if len(self._states) <= STATE_CACHE:
                break
            if i not in keep:
                del self._states[i]
                self._responses.pop(i, None)
