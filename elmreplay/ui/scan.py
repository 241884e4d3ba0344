"""Errors visible by default: one replay of the history, in chunks, that learns every record's
response status and every failure (app crash, rejected set-state or migration).

The timeline runs the first chunks at once (the bundled samples finish in well under a second)
and the rest in the background on the kernel's event loop, chunk by chunk, so the widgets stay
responsive and the track fills in with a progress note. Without a running loop (a script) the
whole pass runs at once. The pass uses the timeline's own session, so its live checkpoints also
make later seeks quick; it writes nothing.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ..errors import ElmReplayError
from .eventlist import EventList

if TYPE_CHECKING:
    from ..replay.session import ReplaySession

#: Records replayed per chunk (a chunk of the tracker sample takes a few tens of milliseconds).
SCAN_CHUNK = 2000


class ResponseScan:
    """Replay ``[start, len(session))`` chunk by chunk, noting statuses and failures in ``events``.

    A failure that stops the replay (the app crashed, ran out of time or memory) is marked as
    an error on its record and ends the scan: nothing after it can be known, and ``failed``
    says so.
    """

    def __init__(self, session: ReplaySession, events: EventList, start: int, *, chunk: int | None = None) -> None:
        self.session = session
        self.events = events
        self.start = start
        self.stop = len(session)
        self.next = start
        self.chunk = max(1, SCAN_CHUNK if chunk is None else chunk)
        self.failed: str | None = None
        self.seconds = 0.0

    @property
    def done(self) -> bool:
        return self.failed is not None or self.next >= self.stop

    @property
    def scanned(self) -> int:
        return self.next - self.start

    @property
    def total(self) -> int:
        return self.stop - self.start

    def run_chunk(self) -> None:
        if self.done:
            return
        lo, hi = self.next, min(self.next + self.chunk, self.stop)
        started = time.perf_counter()
        try:
            responses = self.session.responses(lo, hi)
        except ElmReplayError as e:
            where = getattr(e, "event_index", None)
            where = where if isinstance(where, int) and lo <= where < hi else lo
            self.events.note_error(where)
            self.failed = f"the replay stopped at record #{where}: {type(e).__name__}: {e}"
            self.next = where
            return
        finally:
            self.seconds += time.perf_counter() - started
        self.events.note_responses(lo, responses)
        for i in range(lo, hi):  # set-state and migrations report a Result
            info = self.session.step_results.get(i)
            if info is not None and info.result is not None and not info.result.is_ok:
                self.events.note_error(i)
        self.next = hi

    def run(self, budget_s: float | None = None) -> None:
        """Run chunks until done, or until ``budget_s`` seconds were spent in this call."""
        started = time.perf_counter()
        while not self.done and (budget_s is None or time.perf_counter() - started < budget_s):
            self.run_chunk()

    def run_records(self, count: int) -> None:
        """Run chunks until at least ``count`` more records are scanned (or the scan is done)."""
        target = self.next + count
        while not self.done and self.next < target:
            self.run_chunk()

    def run_until_error_after(self, index: int) -> None:
        """Scan on until an error after ``index`` is known (or the scan is done)."""
        while not self.done and self.events.next_marker("error", index) is None:
            self.run_chunk()

    def describe(self) -> str:
        """A short note for the legend while the scan is not complete."""
        if self.failed is not None:
            return f"statuses known up to #{self.next - 1}; {self.failed}"
        if self.done:
            return ""
        return f"checking responses: {self.scanned} of {self.total} records"
