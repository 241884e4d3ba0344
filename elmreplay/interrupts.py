"""SIGINT and SIGTERM for the command line: one line, exit 130 or 143, nothing else printed.

:func:`handling_signals` turns SIGTERM into the same exception as Ctrl-C
(:class:`~elmreplay.errors.Interrupted`, a ``KeyboardInterrupt``), so every ``finally`` that
closes V8 contexts and worker processes runs for both. :class:`Progress` remembers how far a
long command got, for the message ``interrupted at record N of M``.

mini-racer runs V8 on its own thread with an asyncio-style future per call. When Ctrl-C stops
the Python side while V8 is still inside app code, V8 later calls back into an event loop that
is closed by then, and the interpreter prints "Exception ignored on calling ctypes callback
function ... Event loop is closed" (or asyncio's "Task exception was never retrieved"). When a
signal arrives, those late reports from mini-racer are therefore dropped (a filtering
``sys.unraisablehook``; asyncio's logger only for critical messages), before any context closes.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any, Iterator

from .errors import Interrupted

__all__ = ["Progress", "exit_code", "handling_signals", "silence_late_reports"]


@dataclass
class Progress:
    """How far a command got: ``done`` records of ``total`` (None when it does not count)."""

    done: int | None = None
    total: int | None = None

    def update(self, last_index: int) -> None:
        """A progress callback: the record at ``last_index`` is done."""
        self.done = last_index + 1

    def where(self) -> str:
        if self.total is None:
            return ""
        return f" at record {min(self.done or 0, self.total)} of {self.total}"


def exit_code(error: KeyboardInterrupt) -> int:
    """128 + the signal number, as shells report it: 130 for SIGINT, 143 for SIGTERM."""
    signum = error.signum if isinstance(error, Interrupted) else signal.SIGINT
    return 128 + int(signum)


@contextmanager
def handling_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` in the main thread while the block runs."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def raise_interrupted(signum: int, frame: FrameType | None) -> None:
        silence_late_reports()  # before any context is closed: that is when the noise starts
        raise Interrupted(signum)

    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for s in previous:
        signal.signal(s, raise_interrupted)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def silence_late_reports() -> None:
    """Drop mini-racer's reports of late callbacks (see the module docstring); any other
    unraisable exception still reaches the previous hook. Idempotent."""
    previous = sys.unraisablehook
    if getattr(previous, "_elmreplay_quiet", False):
        return

    def quiet(unraisable: Any) -> None:
        frames = traceback.extract_tb(unraisable.exc_traceback) if unraisable.exc_traceback else []
        if any("py_mini_racer" in f.filename for f in frames) or "mini_racer" in repr(unraisable.object):
            return
        previous(unraisable)

    quiet._elmreplay_quiet = True  # type: ignore[attr-defined]
    sys.unraisablehook = quiet
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # "Task exception was never retrieved"
