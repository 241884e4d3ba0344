"""Progress bars (``tqdm.auto``: a widget in Jupyter, text in a terminal, events/s) and
interruptible long replays.

The replay helpers work in chunks of records. Ctrl-C (or a kernel interrupt) during a chunk only
sets a flag; the chunk finishes, so the session is never left half-way through a batch, and the
helper returns what was done so far with a warning instead of losing it.
"""

from __future__ import annotations

import signal
import threading
import warnings
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator

if TYPE_CHECKING:
    from ..replay.session import ReplaySession

#: Records per chunk between interrupt checks and bar updates (at least; see ``_chunks``).
MIN_CHUNK = 200


def progress_bar(*, total: int, desc: str, disable: bool | None = None) -> Any:
    """A tqdm bar counting records; ``disable=None`` hides it when output is not a terminal
    or notebook (e.g. in CI logs)."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="ev", unit_scale=True, disable=disable, leave=False)


@contextmanager
def deferred_interrupt() -> Iterator[Callable[[], bool]]:
    """Within the block, SIGINT only sets a flag; yields a function telling whether it came.

    Outside the main thread (where signal handlers cannot be set) the flag never rises.
    """
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    hit: list[bool] = []

    def handler(signum: int, frame: object) -> None:
        hit.append(True)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: bool(hit)
    finally:
        signal.signal(signal.SIGINT, previous)


def _chunks(start: int, stop: int, chunk: int | None, desc: str, progress: bool | None) -> Iterator[tuple[int, int]]:
    """Yield ``[lo, hi)`` ranges covering ``[start, stop)`` under a bar; the bar advances when
    the caller asks for the next range, and an interrupt ends the ranges (with a warning)."""
    total = max(stop - start, 0)
    step = chunk if chunk is not None else max(MIN_CHUNK, total // 100)
    with progress_bar(total=total, desc=desc, disable=None if progress is None else not progress) as bar:
        with deferred_interrupt() as interrupted:
            for lo in range(start, stop, step):
                hi = min(lo + step, stop)
                yield lo, hi
                bar.update(hi - start - bar.n)
                if interrupted() and hi < stop:
                    warnings.warn(f"{desc} interrupted after record #{hi - 1}: keeping the results so far", stacklevel=3)
                    return


def replay_to(
    session: ReplaySession,
    stop: int | None = None,
    *,
    chunk: int | None = None,
    progress: bool | None = None,
    desc: str = "replay",
) -> int:
    """Replay ``session`` up to record ``stop`` (default: the newest) with a progress bar.

    Parameters
    ----------
    session
        The replay session; it keeps its checkpoints and ends at the record reached.
    stop
        Last record to apply.
    chunk
        Records between progress updates and interrupt checks.
    progress
        Show the bar (None: only on a terminal or in a notebook).

    Returns
    -------
    int
        The record the session stands at: ``stop``, or less after an interrupt (with a warning).
    """
    last = len(session) - 1 if stop is None else stop
    start = max(session.position, session.first_index)
    if last <= start:
        session.seek(last)
        return session.position
    for _, hi in _chunks(start + 1, last + 1, chunk, desc, progress):
        session.seek(hi - 1)
    return session.position


def trace(
    session: ReplaySession,
    start: int,
    stop: int,
    *,
    chunk: int | None = None,
    progress: bool | None = None,
    desc: str = "trace",
) -> dict[int, tuple[str | None, str | None]]:
    """:meth:`ReplaySession.trace` with a progress bar: response and state after every record
    in ``[start, stop)``. After an interrupt, the records traced so far (with a warning)."""
    out: dict[int, tuple[str | None, str | None]] = {}
    for lo, hi in _chunks(start, stop, chunk, desc, progress):
        out.update(session.trace(lo, hi))
    return out


def responses(
    session: ReplaySession,
    start: int = 0,
    stop: int | None = None,
    *,
    chunk: int | None = None,
    progress: bool | None = None,
    desc: str = "responses",
) -> list[str | None]:
    """:meth:`ReplaySession.responses` with a progress bar (the app's response to each record in
    ``[start, stop)``). After an interrupt, the responses so far (with a warning)."""
    out: list[str | None] = []
    for lo, hi in _chunks(start, len(session) if stop is None else stop, chunk, desc, progress):
        out.extend(session.responses(lo, hi))
    return out
